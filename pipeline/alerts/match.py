"""Which watches match which new stories: the ``WatchMatcher`` seam.

On Elasticsearch and OpenSearch the store keeps the watches as percolator queries and
percolates new stories in batches. Elsewhere the same query AST is evaluated by SQLite
FTS5 with the Porter stemmer over a table of just the new stories, with text prepared to
mirror the engines' ``english`` analyzer (``pipeline.query.fts_text``). Either way
the watch's filters (relevance, companies, ...) are then applied here, in one place, so
every store gives the same matches."""

from __future__ import annotations

import json
import logging
import sqlite3
from collections.abc import Mapping, Sequence
from contextlib import closing
from typing import Any, Protocol

from pipeline.alerts.watches import Watch
from pipeline.query import KEYWORD_FIELDS, SqlTable, fts_text, to_engine_query, to_sql
from pipeline.records import Story

log = logging.getLogger(__name__)

NEW_STORIES = SqlTable(row="d", words="docs_fts", lists=KEYWORD_FIELDS)
"""The table ``_load`` builds: every keyword field a JSON list of lower-cased values."""


class WatchMatcher(Protocol):
    def match(self, watches: Sequence[Watch], stories: Sequence[Story]) -> dict[str, set[str]]:
        """Watch name -> ids of the stories its query matches (filters not applied); a
        watch whose query cannot be evaluated is logged and left out."""


class PercolatingStore(Protocol):
    """What an engine store offers for alerts (see ``pipeline.store.engine``)."""

    def register_watches(self, queries: Mapping[str, dict[str, Any]]) -> dict[str, str]:
        """Make the percolator index hold these named queries; those refused, and why."""

    def percolate(self, stories: Sequence[Story]) -> dict[str, list[str]]:
        """Story id -> names of the registered queries that match it."""


class FtsMatcher:
    """Evaluates watch queries with SQLite FTS5 (Porter stemming) over the given stories."""

    def match(self, watches: Sequence[Watch], stories: Sequence[Story]) -> dict[str, set[str]]:
        found: dict[str, set[str]] = {watch.name: set() for watch in watches}
        if not stories or not watches:
            return found
        with closing(sqlite3.connect(":memory:")) as db:
            _load(db, stories)
            for watch in watches:
                try:
                    condition, params = to_sql(watch.ast, NEW_STORIES)
                    rows = db.execute(f"SELECT d.id FROM docs d WHERE {condition}", params)
                    found[watch.name] = {row[0] for row in rows}
                except (sqlite3.Error, RecursionError) as exc:
                    _skip(found, watch.name, f"SQLite cannot evaluate its query: {exc}")
        return found


class PercolatorMatcher:
    """Percolates stories against the watches stored in the engine's percolator index."""

    def __init__(self, store: PercolatingStore) -> None:
        self.store = store

    def match(self, watches: Sequence[Watch], stories: Sequence[Story]) -> dict[str, set[str]]:
        found: dict[str, set[str]] = {watch.name: set() for watch in watches}
        queries = {}
        for watch in watches:
            try:
                queries[watch.name] = to_engine_query(watch.ast)
            except RecursionError:
                _skip(found, watch.name, "its query nests too deeply to send to the engine")
        for name, reason in self.store.register_watches(queries).items():
            _skip(found, name, f"the engine refused its query: {reason}")
        if not stories or not watches:
            return found
        for story_id, names in self.store.percolate(stories).items():
            for name in names:
                if name in found:
                    found[name].add(story_id)
        return found


def _skip(found: dict[str, set[str]], watch: str, reason: str) -> None:
    log.warning("watch %r skipped, the other watches go on: %s", watch, reason)
    found.pop(watch, None)


def matcher_for(store: object) -> WatchMatcher:
    """The percolator when the store is a search engine, FTS5 otherwise."""
    if callable(getattr(store, "percolate", None)) and callable(
        getattr(store, "register_watches", None)
    ):
        return PercolatorMatcher(store)  # type: ignore[arg-type]
    return FtsMatcher()


def matching_stories(
    matcher: WatchMatcher, watches: Sequence[Watch], stories: Sequence[Story]
) -> dict[str, list[Story]]:
    """Watch name -> the stories that match its query and pass its filters, in input order
    (a watch that cannot be evaluated is left out)."""
    by_query = matcher.match(watches, stories)
    return {
        watch.name: [
            story
            for story in stories
            if story.id in by_query[watch.name] and watch.filters.accepts(story)
        ]
        for watch in watches
        if watch.name in by_query
    }


def _load(db: sqlite3.Connection, stories: Sequence[Story]) -> None:
    columns = ", ".join(f"{name} TEXT NOT NULL" for name in KEYWORD_FIELDS)
    db.execute(f"CREATE TABLE docs (rowid INTEGER PRIMARY KEY, id TEXT NOT NULL, {columns})")
    db.execute(
        "CREATE VIRTUAL TABLE docs_fts USING fts5("
        "title, body, tokenize='porter unicode61 remove_diacritics 0')"
    )
    for rowid, story in enumerate(stories, start=1):
        keywords = _keyword_values(story)
        db.execute(
            f"INSERT INTO docs VALUES (?, ?, {', '.join('?' for _ in KEYWORD_FIELDS)})",
            [rowid, story.id, *(json.dumps(keywords[name]) for name in KEYWORD_FIELDS)],
        )
        db.execute(
            "INSERT INTO docs_fts (rowid, title, body) VALUES (?, ?, ?)",
            (rowid, fts_text(story.title), fts_text(story.text)),
        )


def _keyword_values(story: Story) -> dict[str, list[str]]:
    """Each keyword field of a story as a list of lower-cased values."""
    tags = story.tags
    values = {
        "companies": tags.companies,
        "actions": tags.actions,
        "struggles": tags.struggles,
        "employment_types": tags.employment_types,
        "tags": tags.tags,
        "outlet": (story.outlet,),
        "source_id": (story.source_id,),
        "language": (story.language or "",),
    }
    return {name: [v.lower() for v in values[name] if v] for name in KEYWORD_FIELDS}

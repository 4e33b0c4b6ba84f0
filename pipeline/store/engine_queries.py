"""The searches picket sends to Elasticsearch or OpenSearch.

Queries built from a ``StoryQuery`` (with the SQLite store's meaning for search words,
filters and orders), the ``since`` and ``kind`` queries of the store's reads, percolation
against the alert watches and the aggregations behind ``picket stats``.
Pure functions and constants: no I/O, no clock.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from typing import Any

from pipeline.store.base import TAG_FIELDS, StoreError, StoryQuery
from pipeline.store.engine_documents import utc_iso
from pipeline.store.sqlite import fts_query
from pipeline.store.stats import STAT_FIELDS

TEXT_FIELDS: tuple[str, ...] = ("title", "body")
"""What a text search looks in: the same two columns as the SQLite store's full-text index."""

EXACT_FILTER_FIELDS: frozenset[str] = frozenset(
    {"source_id", "outlet", "language", "domain", "event_id"}
)

SORTS: dict[str, list[dict[str, str]]] = {
    "newest": [{"@timestamp": "desc"}, {"id": "asc"}],
    "first_seen": [{"first_seen_at": "desc"}, {"id": "asc"}],
    "relevance": [
        {"relevance.label": "desc"},
        {"relevance.score": "desc"},
        {"@timestamp": "desc"},
        {"id": "asc"},
    ],
}
"""The same orders as the SQLite store, ending on the id so paging is stable."""

_EXPRESSION_TOKEN = re.compile(r'"[^"]*"|\S+')


def text_query(text: str) -> dict[str, Any] | None:
    """A user's search words as an engine query, with the SQLite store's meaning.

    Words and "quoted phrases" must all occur (in the title or the body) unless joined with
    OR; NOT excludes; parentheses group; NOT binds tighter than AND, AND tighter than OR.
    The words go through the same sanitizer as the SQLite store, so any input is valid.
    """
    expression = fts_query(text)
    if not expression:
        return None
    return _ExpressionParser(_EXPRESSION_TOKEN.findall(expression)).parse()


class _ExpressionParser:
    """Recursive descent over a sanitized expression: OR of ANDs of NOTs of phrases."""

    def __init__(self, tokens: Sequence[str]) -> None:
        self._tokens = tokens
        self._at = 0

    def parse(self) -> dict[str, Any]:
        return self._any_of()

    def _peek(self) -> str | None:
        return self._tokens[self._at] if self._at < len(self._tokens) else None

    def _take(self) -> str:
        token = self._tokens[self._at]
        self._at += 1
        return token

    def _any_of(self) -> dict[str, Any]:
        parts = [self._all_of()]
        while self._peek() == "OR":
            self._take()
            parts.append(self._all_of())
        return (
            parts[0] if len(parts) == 1 else {"bool": {"should": parts, "minimum_should_match": 1}}
        )

    def _all_of(self) -> dict[str, Any]:
        parts = [self._but_not()]
        while self._peek() == "AND":
            self._take()
            parts.append(self._but_not())
        return parts[0] if len(parts) == 1 else {"bool": {"must": parts}}

    def _but_not(self) -> dict[str, Any]:
        kept = self._operand()
        excluded = []
        while self._peek() == "NOT":
            self._take()
            excluded.append(self._operand())
        return {"bool": {"must": [kept], "must_not": excluded}} if excluded else kept

    def _operand(self) -> dict[str, Any]:
        token = self._take()
        if token == "(":
            inner = self._any_of()
            if self._peek() == ")":
                self._take()
            return inner
        phrase = token.strip('"')
        return {"multi_match": {"query": phrase, "type": "phrase", "fields": list(TEXT_FIELDS)}}


def _values_filter(name: str, values: Sequence[str]) -> dict[str, Any]:
    if name in TAG_FIELDS:
        should = [{"term": {name: {"value": v, "case_insensitive": True}}} for v in values]
        return {"bool": {"should": should, "minimum_should_match": 1}}
    if name in EXACT_FILTER_FIELDS:
        return {"terms": {name: list(values)}}
    raise StoreError(f"cannot filter on unknown field {name!r}")


def story_query(query: StoryQuery) -> dict[str, Any]:
    """The query clause selecting the stories a ``StoryQuery`` asks for."""
    must: list[dict[str, Any]] = []
    filters: list[dict[str, Any]] = []
    must_not: list[dict[str, Any]] = []
    if query.text and (matched := text_query(query.text)) is not None:
        must.append(matched)
    time_range = {}
    if query.since is not None:
        time_range["gte"] = utc_iso(query.since)
    if query.until is not None:
        time_range["lt"] = utc_iso(query.until)
    if time_range:
        filters.append({"range": {"@timestamp": time_range}})
    if query.relevant is not None:
        filters.append({"term": {"relevance.label": query.relevant}})
    if not query.include_duplicates:
        must_not.append({"exists": {"field": "duplicate_of"}})
    for name, values in (query.filters or {}).items():
        values = [v for v in values if v]
        if values:
            filters.append(_values_filter(name, values))
    if not (must or filters or must_not):
        return {"match_all": {}}
    clauses: dict[str, Any] = {}
    for key, items in (("must", must), ("filter", filters), ("must_not", must_not)):
        if items:
            clauses[key] = items
    return {"bool": clauses}


def search_body(query: StoryQuery, *, size: int) -> dict[str, Any]:
    """A page of stories in the order a ``StoryQuery`` asks for."""
    return {
        "query": story_query(query),
        "sort": SORTS[query.sort],
        "size": size,
        "_source": {"excludes": ["signature"]},
        "track_total_hits": False,
    }


def count_body(query: StoryQuery) -> dict[str, Any]:
    return {"query": story_query(query)}


def since_query(field: str, since: datetime | None) -> dict[str, Any]:
    """Documents whose ``field`` is at or after ``since`` (all of them for ``None``)."""
    if since is None:
        return {"match_all": {}}
    return {"range": {field: {"gte": utc_iso(since)}}}


def kind_query(kind: str) -> dict[str, Any]:
    return {"term": {"kind": kind}}


def percolate_body(documents: Sequence[Mapping[str, Any]], *, size: int) -> dict[str, Any]:
    """Find the stored watches matching any of ``documents``; hits name the slots matched."""
    return {
        "query": {"percolate": {"field": "query", "documents": list(documents)}},
        "_source": ["watch"],
        "size": size,
        "sort": [{"id": "asc"}],
    }


def stale_watches_query(keep: Iterable[str]) -> dict[str, Any]:
    """The stored watches not among ``keep``."""
    return {"query": {"bool": {"must_not": [{"terms": {"watch": sorted(keep)}}]}}}


# --- aggregations for ``picket stats`` -------------------------------------------------


def story_stats_body(since: datetime | None, *, relevant_only: bool, top: int) -> dict[str, Any]:
    """Stories per week and the most frequent companies, actions, struggles and tags."""
    query = story_query(StoryQuery(since=since, relevant=True if relevant_only else None))
    aggs: dict[str, Any] = {
        "per_week": {
            "date_histogram": {
                "field": "@timestamp",
                "calendar_interval": "week",
                "min_doc_count": 1,
            }
        }
    }
    for name in STAT_FIELDS:
        aggs[name] = {"terms": {"field": name, "size": top}}
    return {"size": 0, "track_total_hits": True, "query": query, "aggs": aggs}


def event_stats_body(since: datetime | None) -> dict[str, Any]:
    """Events active since ``since``, counted by the week they began."""
    return {
        "size": 0,
        "track_total_hits": True,
        "query": since_query("last_seen", since),
        "aggs": {
            "per_week": {
                "date_histogram": {
                    "field": "first_seen",
                    "calendar_interval": "week",
                    "min_doc_count": 1,
                }
            }
        },
    }

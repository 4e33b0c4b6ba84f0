"""The embedded default store: one SQLite file (WAL mode) with FTS5 full-text search.

Stories are kept as their JSON record plus the columns searches filter and sort on, so
reading one back gives exactly the ``Story`` that was written.
"""

from __future__ import annotations

import functools
import json
import logging
import sqlite3
import sys
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from pipeline.recordjson import from_json, to_json
from pipeline.sqlite_tx import immediate_transaction, use_wal
from pipeline.store.base import TAG_FIELDS, StoreError, StoryQuery, UpsertResult

if TYPE_CHECKING:
    from pipeline.crawl_records import CrawlOutcome, KnownStory, Validators
    from pipeline.query import SqlTable
    from pipeline.records import Correction, Event, Story
    from pipeline.source_records import SourceHealth
    from pipeline.store.stats import StoryStats

# pipeline.query is loaded by the methods that search or index words, which `picket
# sources` and `picket watches list` never call; each record module by the methods that
# return its records, so that `picket search` builds no crawl records and `picket
# sources` no story records.


@functools.cache
def stored_stories() -> SqlTable:
    """How ``to_sql`` reads the ``stories`` table: tag fields as JSON lists, as written."""
    from pipeline.query import SqlTable

    return SqlTable(row="s", words="stories_words", lists=TAG_FIELDS, lower="py_lower")


log = logging.getLogger(__name__)

SCHEMA = """
CREATE TABLE IF NOT EXISTS stories (
    id TEXT PRIMARY KEY,
    url TEXT NOT NULL,
    canonical_url TEXT NOT NULL,
    source_id TEXT NOT NULL,
    outlet TEXT NOT NULL,
    domain TEXT NOT NULL,
    language TEXT,
    title TEXT NOT NULL,
    text TEXT NOT NULL,
    published TEXT,
    first_seen TEXT NOT NULL,
    content_hash TEXT NOT NULL,
    relevance_score REAL NOT NULL,
    relevant INTEGER NOT NULL,
    companies TEXT NOT NULL,
    actions TEXT NOT NULL,
    struggles TEXT NOT NULL,
    employment_types TEXT NOT NULL,
    tags TEXT NOT NULL,
    workers INTEGER,
    event_id TEXT,
    duplicate_of TEXT,
    signature BLOB,
    record TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS stories_published ON stories (coalesce(published, first_seen));
CREATE INDEX IF NOT EXISTS stories_first_seen ON stories (first_seen);
CREATE INDEX IF NOT EXISTS stories_url ON stories (url);
CREATE INDEX IF NOT EXISTS stories_hash ON stories (content_hash);
CREATE INDEX IF NOT EXISTS stories_event ON stories (event_id);
CREATE INDEX IF NOT EXISTS stories_copies ON stories (duplicate_of);
DROP TRIGGER IF EXISTS stories_ai;
DROP TRIGGER IF EXISTS stories_ad;
DROP TRIGGER IF EXISTS stories_au;
DROP TABLE IF EXISTS stories_fts;
CREATE VIRTUAL TABLE IF NOT EXISTS stories_words USING fts5(
    title, body, tokenize='porter unicode61 remove_diacritics 0'
);
CREATE TRIGGER IF NOT EXISTS stories_words_ad AFTER DELETE ON stories BEGIN
    DELETE FROM stories_words WHERE rowid = old.rowid;
END;
CREATE TABLE IF NOT EXISTS events (
    id TEXT PRIMARY KEY,
    first_seen TEXT NOT NULL,
    last_seen TEXT NOT NULL,
    record TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS events_last_seen ON events (last_seen);
CREATE TABLE IF NOT EXISTS source_health (
    source_id TEXT PRIMARY KEY,
    record TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS validators (
    url TEXT PRIMARY KEY,
    etag TEXT,
    last_modified TEXT
);
CREATE TABLE IF NOT EXISTS corrections (
    story_id TEXT PRIMARY KEY,
    labelled_at TEXT NOT NULL,
    record TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS crawl_log (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    source_id TEXT NOT NULL,
    attempted_at TEXT NOT NULL,
    status TEXT NOT NULL,
    http_status INTEGER,
    error TEXT,
    items_seen INTEGER NOT NULL
);
"""

_FILTER_COLUMNS = {"source_id", "outlet", "language", "domain", "event_id"}
_SORTS = {
    "newest": "coalesce(s.published, s.first_seen) DESC",
    "first_seen": "s.first_seen DESC",
    "relevance": (
        "s.relevant DESC, s.relevance_score DESC, coalesce(s.published, s.first_seen) DESC"
    ),
}


def utc_text(moment: datetime | None) -> str | None:
    """A datetime as sortable ISO 8601 text in UTC (naive values are taken as UTC)."""
    if moment is None:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).isoformat(timespec="seconds")


class SQLiteStore:
    """``StoryStore`` on one SQLite file; safe for one writer and many readers."""

    def __init__(self, path: Path, *, timeout_s: float = 30.0) -> None:
        self.path = Path(path)
        if str(path) != ":memory:":
            self.path.parent.mkdir(parents=True, exist_ok=True)
        try:
            self._db = sqlite3.connect(str(path), timeout=timeout_s, isolation_level=None)
            self._db.row_factory = sqlite3.Row
            use_wal(self._db, timeout_s)
            self._db.execute("PRAGMA synchronous=NORMAL")
            self._db.create_function("py_lower", 1, _lower, deterministic=True)
            self._db.executescript(SCHEMA)
            self._index_words_of_older_stories()
        except sqlite3.DatabaseError as exc:
            raise StoreError(f"cannot open the SQLite store at {path}: {exc}") from exc

    def _index_words_of_older_stories(self) -> None:
        """Fill the words index of a database written before it existed (once)."""
        missing = self._db.execute(
            "SELECT rowid, title, text FROM stories "
            "WHERE rowid NOT IN (SELECT rowid FROM stories_words)"
        ).fetchall()
        if not missing:
            return
        log.info("indexing the words of %s stored stories for searching", len(missing))
        from pipeline.query import fts_text

        with self._transaction():
            self._db.executemany(
                "INSERT INTO stories_words (rowid, title, body) VALUES (?, ?, ?)",
                ((rowid, fts_text(title), fts_text(text)) for rowid, title, text in missing),
            )

    def close(self) -> None:
        self._db.close()

    def __enter__(self) -> SQLiteStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # --- stories -----------------------------------------------------------------

    def upsert_stories(self, stories: Iterable[Story]) -> UpsertResult:
        # with the vocabulary: writers only
        from pipeline.labels import apply_correction, correction_of

        new = updated = unchanged = 0
        with self._transaction():
            for story in stories:
                kept = self._corrections(story.id, story.duplicate_of)
                story = apply_correction(story, correction_of(story, kept))
                row = self._db.execute(
                    "SELECT first_seen, record FROM stories WHERE id = ?", (story.id,)
                ).fetchone()
                if row is not None:
                    first_seen = datetime.fromisoformat(row["first_seen"])
                    story = replace(story, first_seen=first_seen)
                    if json.loads(row["record"]) == _comparable(story):
                        unchanged += 1
                        continue
                    updated += 1
                else:
                    new += 1
                self._write_story(story, stored_before=row is not None)
        return UpsertResult(new=new, updated=updated, unchanged=unchanged)

    def _write_story(self, story: Story, *, stored_before: bool) -> None:
        """Write the story's row and its words (replacing those of an earlier version)."""
        record = _comparable(story)
        tags = story.tags
        (rowid,) = self._db.execute(
            """
            INSERT INTO stories (id, url, canonical_url, source_id, outlet, domain, language,
                title, text, published, first_seen, content_hash, relevance_score, relevant,
                companies, actions, struggles, employment_types, tags, workers, event_id,
                duplicate_of, record)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT (id) DO UPDATE SET
                url = excluded.url, canonical_url = excluded.canonical_url,
                source_id = excluded.source_id, outlet = excluded.outlet,
                domain = excluded.domain, language = excluded.language,
                title = excluded.title, text = excluded.text, published = excluded.published,
                content_hash = excluded.content_hash,
                relevance_score = excluded.relevance_score, relevant = excluded.relevant,
                companies = excluded.companies, actions = excluded.actions,
                struggles = excluded.struggles, employment_types = excluded.employment_types,
                tags = excluded.tags, workers = excluded.workers, event_id = excluded.event_id,
                duplicate_of = excluded.duplicate_of, record = excluded.record
            RETURNING rowid
            """,
            (
                story.id,
                story.url,
                story.canonical_url,
                story.source_id,
                story.outlet,
                story.domain,
                story.language,
                story.title,
                story.text,
                utc_text(story.published),
                utc_text(story.first_seen) or utc_text(datetime.now(UTC)),
                story.content_hash,
                story.relevance.score,
                int(story.relevance.label),
                json.dumps(list(tags.companies)),
                json.dumps(list(tags.actions)),
                json.dumps(list(tags.struggles)),
                json.dumps(list(tags.employment_types)),
                json.dumps(list(tags.tags)),
                tags.workers,
                story.event_id,
                story.duplicate_of,
                json.dumps(record),
            ),
        ).fetchone()
        if stored_before:
            self._db.execute("DELETE FROM stories_words WHERE rowid = ?", (rowid,))
        from pipeline.query import fts_text

        self._db.execute(
            "INSERT INTO stories_words (rowid, title, body) VALUES (?, ?, ?)",
            (rowid, fts_text(story.title), fts_text(story.text)),
        )

    def save_correction(self, correction: Correction) -> None:
        with self._transaction():
            self._db.execute(
                "INSERT INTO corrections (story_id, labelled_at, record) VALUES (?, ?, ?) "
                "ON CONFLICT (story_id) DO UPDATE SET labelled_at = excluded.labelled_at, "
                "record = excluded.record",
                (
                    correction.story_id,
                    utc_text(correction.labelled_at),
                    json.dumps(to_json(correction)),
                ),
            )

    def corrections(self) -> list[Correction]:
        from pipeline.records import Correction

        rows = self._db.execute(
            "SELECT record FROM corrections ORDER BY labelled_at, story_id"
        ).fetchall()
        return [from_json(Correction, json.loads(row["record"])) for row in rows]

    def _corrections(self, *story_ids: str | None) -> dict[str, Correction]:
        """The kept corrections of these stories, by story id."""
        from pipeline.records import Correction

        wanted = [i for i in story_ids if i]
        rows = self._db.execute(
            f"SELECT story_id, record FROM corrections WHERE story_id IN "
            f"({', '.join('?' * len(wanted))})",
            wanted,
        ).fetchall()
        return {row["story_id"]: from_json(Correction, json.loads(row["record"])) for row in rows}

    def get_story(self, story_id: str) -> Story | None:
        row = self._db.execute("SELECT record FROM stories WHERE id = ?", (story_id,)).fetchone()
        return _story(row["record"]) if row else None

    def copies_of(self, story_id: str) -> list[Story]:
        rows = self._db.execute(
            "SELECT record FROM stories WHERE duplicate_of = ? ORDER BY first_seen, id",
            (story_id,),
        ).fetchall()
        return [_story(row["record"]) for row in rows]

    def search(self, query: StoryQuery) -> list[Story]:
        where, params = self._where(query)
        sql = f"SELECT s.record FROM stories s {where} ORDER BY {_SORTS[query.sort]}, s.id LIMIT ?"
        rows = self._execute(sql, [*params, query.limit])
        return [_story(row["record"]) for row in rows]

    def count(self, query: StoryQuery | None = None) -> int:
        where, params = self._where(query or StoryQuery())
        return self._execute(f"SELECT count(*) FROM stories s {where}", params)[0][0]

    def recent(self, limit: int = 20) -> list[Story]:
        return self.search(StoryQuery(limit=limit, sort="first_seen"))

    def known_urls(self) -> set[str]:
        rows = self._db.execute("SELECT url, canonical_url FROM stories").fetchall()
        return {url for row in rows for url in (row["url"], row["canonical_url"])}

    def stories_since(self, since: datetime) -> list[tuple[Story, bytes | None]]:
        rows = self._db.execute(
            "SELECT record, signature FROM stories WHERE first_seen >= ? ORDER BY first_seen, id",
            (utc_text(since),),
        ).fetchall()
        return [(_story(row["record"]), row["signature"]) for row in rows]

    def known_stories(self, since: datetime) -> list[KnownStory]:
        from pipeline.crawl_records import KnownStory

        rows = self._db.execute(
            """
            SELECT id, title, content_hash, first_seen, event_id, duplicate_of, signature,
                CASE WHEN signature IS NULL OR length(signature) = 0 THEN text ELSE '' END
                AS text
            FROM stories WHERE first_seen >= ? ORDER BY first_seen, id
            """,
            (utc_text(since),),
        ).fetchall()
        return [
            KnownStory(
                id=row["id"],
                title=row["title"],
                content_hash=row["content_hash"],
                first_seen=datetime.fromisoformat(row["first_seen"]),
                event_id=row["event_id"],
                duplicate_of=row["duplicate_of"],
                signature=row["signature"],
                text=row["text"],
            )
            for row in rows
        ]

    def save_signatures(self, signatures: Mapping[str, bytes]) -> None:
        with self._transaction():
            self._db.executemany(
                "UPDATE stories SET signature = ? WHERE id = ?",
                [(signature, story_id) for story_id, signature in signatures.items()],
            )

    def _where(self, query: StoryQuery) -> tuple[str, list[object]]:
        clauses: list[str] = []
        params: list[object] = []
        if query.text:
            from pipeline.query import parse_query, to_sql

            condition, words = to_sql(parse_query(query.text), stored_stories())
            clauses.append(condition)
            params.extend(words)
        if query.since is not None:
            clauses.append("coalesce(s.published, s.first_seen) >= ?")
            params.append(utc_text(query.since))
        if query.until is not None:
            clauses.append("coalesce(s.published, s.first_seen) < ?")
            params.append(utc_text(query.until))
        if query.relevant is not None:
            clauses.append("s.relevant = ?")
            params.append(int(query.relevant))
        if not query.include_duplicates:
            clauses.append("s.duplicate_of IS NULL")
        for name, values in (query.filters or {}).items():
            values = [v for v in values if v]
            if not values:
                continue
            marks = ", ".join("?" for _ in values)
            if name in TAG_FIELDS:
                clauses.append(
                    f"EXISTS (SELECT 1 FROM json_each(s.{name}) WHERE lower(value) IN ({marks}))"
                )
                params.extend(v.lower() for v in values)
            elif name in _FILTER_COLUMNS:
                clauses.append(f"s.{name} IN ({marks})")
                params.extend(values)
            else:
                raise StoreError(f"cannot filter on unknown field {name!r}")
        return ("WHERE " + " AND ".join(clauses)) if clauses else "", params

    # --- events ------------------------------------------------------------------

    def upsert_events(self, events: Iterable[Event]) -> None:
        with self._transaction():
            self._db.executemany(
                "INSERT INTO events (id, first_seen, last_seen, record) VALUES (?, ?, ?, ?) "
                "ON CONFLICT (id) DO UPDATE SET first_seen = excluded.first_seen, "
                "last_seen = excluded.last_seen, record = excluded.record",
                [
                    (e.id, utc_text(e.first_seen), utc_text(e.last_seen), json.dumps(to_json(e)))
                    for e in events
                ],
            )

    def delete_events(self, event_ids: Iterable[str]) -> None:
        with self._transaction():
            self._db.executemany("DELETE FROM events WHERE id = ?", [(i,) for i in event_ids])

    def get_event(self, event_id: str) -> Event | None:
        from pipeline.records import Event

        row = self._db.execute("SELECT record FROM events WHERE id = ?", (event_id,)).fetchone()
        return from_json(Event, json.loads(row["record"])) if row else None

    def recent_events(self, since: datetime | None = None, limit: int = 50) -> list[Event]:
        from pipeline.records import Event

        rows = self._db.execute(
            "SELECT record FROM events WHERE last_seen >= ? ORDER BY last_seen DESC, id LIMIT ?",
            (utc_text(since) or "", limit),
        ).fetchall()
        return [from_json(Event, json.loads(row["record"])) for row in rows]

    def stats(self, since: datetime | None, *, relevant_only: bool, top: int) -> StoryStats:
        from pipeline.store.stats import stats_from_records  # for `picket stats` alone

        query = StoryQuery(since=since, relevant=True if relevant_only else None, limit=sys.maxsize)
        events = self.recent_events(since=since, limit=sys.maxsize)
        return stats_from_records(self.search(query), events, top=top)

    # --- sources -----------------------------------------------------------------

    def record_outcomes(
        self, health: Iterable[SourceHealth], outcomes: Sequence[CrawlOutcome]
    ) -> None:
        with self._transaction():
            self._db.executemany(
                "INSERT INTO source_health (source_id, record) VALUES (?, ?) "
                "ON CONFLICT (source_id) DO UPDATE SET record = excluded.record",
                [(h.source_id, json.dumps(to_json(h))) for h in health],
            )
            self._db.executemany(
                "INSERT INTO validators (url, etag, last_modified) VALUES (?, ?, ?) "
                "ON CONFLICT (url) DO UPDATE SET etag = excluded.etag, "
                "last_modified = excluded.last_modified",
                [
                    (v.url, v.etag, v.last_modified)
                    for outcome in outcomes
                    for v in outcome.validators
                ],
            )
            self._db.executemany(
                "INSERT INTO crawl_log (source_id, attempted_at, status, http_status, error, "
                "items_seen) VALUES (?, ?, ?, ?, ?, ?)",
                [
                    (
                        o.source_id,
                        utc_text(o.attempted_at),
                        o.status,
                        o.http_status,
                        o.error,
                        o.items_seen,
                    )
                    for o in outcomes
                ],
            )

    def source_health(self) -> dict[str, SourceHealth]:
        from pipeline.source_records import SourceHealth

        rows = self._db.execute("SELECT record FROM source_health").fetchall()
        health = [from_json(SourceHealth, json.loads(row["record"])) for row in rows]
        return {h.source_id: h for h in health}

    def validators(self) -> dict[str, Validators]:
        from pipeline.crawl_records import Validators

        rows = self._db.execute("SELECT url, etag, last_modified FROM validators").fetchall()
        return {
            row["url"]: Validators(row["url"], row["etag"], row["last_modified"]) for row in rows
        }

    def pending_writes(self) -> int:
        """Always 0: every write lands in the file or raises."""
        return 0

    @property
    def sent_from_outbox(self) -> tuple[Story, ...]:
        """Always none: this store has no outbox."""
        return ()

    def refresh(self) -> None:
        """Nothing to do: a committed write is visible at once."""

    # --- plumbing ----------------------------------------------------------------

    def _execute(self, sql: str, params: Sequence[object]) -> list[sqlite3.Row]:
        try:
            return self._db.execute(sql, params).fetchall()
        except sqlite3.OperationalError as exc:
            raise StoreError(f"search failed: {exc}") from exc

    @contextmanager
    def _transaction(self) -> Iterator[None]:
        try:
            with immediate_transaction(self._db):
                yield
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) and "busy" not in str(exc):
                raise
            raise StoreError(f"the store is busy (another run is writing?): {exc}") from exc


def _comparable(story: Story) -> dict:
    """The stored form of a story; equal forms mean a re-crawl changed nothing."""
    record = to_json(story)
    record.pop("fetched_at", None)
    return record


def _lower(value: object) -> object:
    """SQLite's ``lower`` for every alphabet, as Python lower-cases a query's values."""
    return value.lower() if isinstance(value, str) else value


def _story(record: str) -> Story:
    from pipeline.records import Story

    return from_json(Story, json.loads(record))

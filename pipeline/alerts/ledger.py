"""The alert ledger: a durable record of what matched, what is due and what was sent to whom.

One SQLite file beside whichever story store is in use. A story matches a watch once
(``matches``, keyed by watch and story, grouped by event). When a watch's alert is due,
its email is rendered once and stored whole, with its Message-ID, in the same transaction
that takes the matches out of the queue (``emails``, state ``pending``). Sending then only
moves an email from ``pending`` to ``sent`` (or ``failed`` when the server refuses it for
good). A crash between sending and recording leaves it ``pending``, so the next run sends
the very same bytes, Message-ID included, and never a different second email. A match
whose story a correction took out of the watch before its email was rendered is kept as
``dropped``, with the reason, and no email tells it unless it matches again.
"""

from __future__ import annotations

import fcntl
import logging
import sqlite3
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Literal

from pipeline.sqlite_tx import immediate_transaction, use_wal
from pipeline.store.base import StoreError

log = logging.getLogger(__name__)

MatchKind = Literal["new", "more", "grouped"]
EmailState = Literal["pending", "sent", "failed"]
EMAIL_STATES: tuple[str, ...] = ("pending", "sent", "failed")

SCHEMA = """
CREATE TABLE IF NOT EXISTS watch_state (
    watch TEXT PRIMARY KEY,
    registered_at TEXT NOT NULL,
    last_digest_at TEXT
);
CREATE TABLE IF NOT EXISTS match_window (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    since TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS seen_stories (
    story_id TEXT PRIMARY KEY,
    first_seen TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS seen_stories_first_seen ON seen_stories (first_seen);
CREATE TABLE IF NOT EXISTS recheck_stories (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    story_id TEXT NOT NULL UNIQUE,
    queued_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS batches (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    watch TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS matches (
    watch TEXT NOT NULL,
    story_id TEXT NOT NULL,
    event_key TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('new', 'more', 'grouped')),
    first_seen TEXT NOT NULL,
    matched_at TEXT NOT NULL,
    batch_id INTEGER REFERENCES batches (id),
    dropped TEXT,
    PRIMARY KEY (watch, story_id)
);
CREATE INDEX IF NOT EXISTS matches_event ON matches (watch, event_key);
CREATE INDEX IF NOT EXISTS matches_waiting ON matches (watch, batch_id);
CREATE TABLE IF NOT EXISTS emails (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    batch_id INTEGER NOT NULL REFERENCES batches (id),
    watch TEXT NOT NULL,
    recipient TEXT NOT NULL,
    sender TEXT NOT NULL,
    message_id TEXT NOT NULL UNIQUE,
    subject TEXT NOT NULL,
    stories INTEGER NOT NULL,
    message BLOB NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('pending', 'sent', 'failed')),
    attempts INTEGER NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL,
    sent_at TEXT,
    last_error TEXT,
    UNIQUE (batch_id, recipient)
);
CREATE INDEX IF NOT EXISTS emails_state ON emails (state, id);
"""


class LedgerBusy(RuntimeError):
    """Another alert run holds the ledger; this one must not send at the same time."""


@dataclass(frozen=True, slots=True)
class WatchState:
    """Since when a watch exists for the ledger, and when its last digest went out."""

    registered_at: datetime
    last_digest_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class Match:
    """One story matched by one watch, and how it is to be told."""

    watch: str
    story_id: str
    event_key: str
    kind: MatchKind
    first_seen: datetime
    matched_at: datetime
    batch_id: int | None = None
    dropped: str | None = None
    """Why the match was left out of its email (a correction), if it was."""


@dataclass(frozen=True, slots=True)
class Rechecks:
    """The stories waiting to be matched again, and how far the queue was read."""

    story_ids: tuple[str, ...] = ()
    upto: int = 0


@dataclass(frozen=True, slots=True)
class OutgoingEmail:
    """A rendered email for one recipient, before it is queued."""

    recipient: str
    sender: str
    message_id: str
    subject: str
    stories: int
    message: bytes


@dataclass(frozen=True, slots=True)
class QueuedEmail:
    """An email in the ledger with its delivery state."""

    id: int
    watch: str
    recipient: str
    sender: str
    message_id: str
    subject: str
    stories: int
    message: bytes
    state: EmailState
    attempts: int
    created_at: datetime
    sent_at: datetime | None
    last_error: str | None


def _text(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="seconds")


def _moment(text: str | None) -> datetime | None:
    return datetime.fromisoformat(text) if text else None


class Ledger:
    """The alert ledger in one SQLite file; every change is one transaction."""

    def __init__(self, path: Path, *, timeout_s: float = 30.0) -> None:
        self.path = Path(path)
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._db = sqlite3.connect(str(self.path), timeout=timeout_s, isolation_level=None)
            self._db.row_factory = sqlite3.Row
            use_wal(self._db, timeout_s)
            self._db.execute("PRAGMA synchronous=FULL")
            self._db.executescript(SCHEMA)
            self._add_dropped_column()
        except (OSError, sqlite3.DatabaseError) as exc:  # a run keeps its stories and goes on
            raise StoreError(
                f"cannot open the alert ledger PICKET_ALERTS_DB={self.path}: {exc}"
            ) from exc

    def _add_dropped_column(self) -> None:
        """Give a ledger from before matches could be dropped its ``dropped`` column."""
        columns = {row["name"] for row in self._db.execute("PRAGMA table_info(matches)")}
        if "dropped" not in columns:
            self._db.execute("ALTER TABLE matches ADD COLUMN dropped TEXT")

    def close(self) -> None:
        self._db.close()

    def __enter__(self) -> Ledger:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def exclusive(self) -> Iterator[None]:
        """Hold the ledger's run lock, so two alert runs never send the same email at once."""
        with open(f"{self.path}.lock", "a+b") as lock:
            try:
                fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError as exc:
                raise LedgerBusy(f"another alert run is using {self.path}") from exc
            try:
                yield
            finally:
                fcntl.flock(lock, fcntl.LOCK_UN)

    def _transaction(self) -> AbstractContextManager[None]:
        return immediate_transaction(self._db)

    # --- watches and stories -----------------------------------------------------

    def watch_states(self, names: Iterable[str]) -> dict[str, WatchState]:
        """The state of each of these watches that an earlier run registered."""
        wanted = set(names)
        rows = self._db.execute("SELECT * FROM watch_state").fetchall()
        return {
            row["watch"]: WatchState(_moment(row["registered_at"]), _moment(row["last_digest_at"]))
            for row in rows
            if row["watch"] in wanted
        }

    def window_start(self) -> datetime | None:
        """How far back the last run looked for stories (runs never look further back)."""
        row = self._db.execute("SELECT since FROM match_window").fetchone()
        return _moment(row[0]) if row else None

    def cursor(self) -> datetime | None:
        """When the newest story the alerts have looked at was first seen."""
        row = self._db.execute("SELECT max(first_seen) FROM seen_stories").fetchone()
        return _moment(row[0])

    def seen(self, story_ids: Iterable[str]) -> set[str]:
        """Which of these stories earlier runs have already matched against the watches."""
        ids = list(story_ids)
        found: set[str] = set()
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            marks = ", ".join("?" for _ in chunk)
            rows = self._db.execute(
                f"SELECT story_id FROM seen_stories WHERE story_id IN ({marks})", chunk
            )
            found.update(row[0] for row in rows)
        return found

    def queue_recheck(self, story_ids: Iterable[str], now: datetime) -> None:
        """Have the next run match these stories again, however long ago they were first
        seen (a person corrected them); a story already matched by a watch stays matched.
        Queued again, a story moves to the end, past a run that is reading the queue."""
        with self._transaction():
            self._db.executemany(
                "INSERT OR REPLACE INTO recheck_stories (story_id, queued_at) VALUES (?, ?)",
                [(story_id, _text(now)) for story_id in story_ids],
            )

    def rechecks(self) -> Rechecks:
        """The stories queued for matching again, oldest first."""
        rows = self._db.execute("SELECT seq, story_id FROM recheck_stories ORDER BY seq").fetchall()
        return Rechecks(tuple(row[1] for row in rows), rows[-1][0] if rows else 0)

    def delivered_events(self, watch: str, keys: Iterable[str]) -> dict[str, bool]:
        """For each event key the watch already matched: whether its alert is queued or sent
        (dropped matches do not count)."""
        result: dict[str, bool] = {}
        for key in set(keys):
            row = self._db.execute(
                "SELECT max(batch_id IS NOT NULL AND kind != 'grouped') FROM matches "
                "WHERE watch = ? AND event_key = ? AND dropped IS NULL",
                (watch, key),
            ).fetchone()
            if row[0] is not None:
                result[key] = bool(row[0])
        return result

    def record_matches(
        self,
        matches: Sequence[Match],
        seen: Mapping[str, datetime],
        *,
        since: datetime,
        registered: Mapping[str, datetime],
        rechecked: int = 0,
    ) -> None:
        """Keep new matches (a dropped one matched again waits anew), mark the stories
        looked at, note how far back the run looked, register the watches new to the
        ledger and take the re-check queue up to ``rechecked`` (``Rechecks.upto``) off it,
        all in one transaction: a watch is registered together with the stories that were
        stored before it."""
        with self._transaction():
            self._db.execute("DELETE FROM recheck_stories WHERE seq <= ?", (rechecked,))
            self._db.executemany(
                "INSERT INTO matches (watch, story_id, event_key, kind, first_seen, "
                "matched_at) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (watch, story_id) DO UPDATE "
                "SET event_key = excluded.event_key, kind = excluded.kind, "
                "matched_at = excluded.matched_at, dropped = NULL "
                "WHERE matches.dropped IS NOT NULL",
                [
                    (
                        m.watch,
                        m.story_id,
                        m.event_key,
                        m.kind,
                        _text(m.first_seen),
                        _text(m.matched_at),
                    )
                    for m in matches
                ],
            )
            self._db.executemany(
                "INSERT OR IGNORE INTO seen_stories (story_id, first_seen) VALUES (?, ?)",
                [(story_id, _text(first_seen)) for story_id, first_seen in seen.items()],
            )
            self._db.execute(
                "INSERT INTO match_window (id, since) VALUES (1, ?) "
                "ON CONFLICT (id) DO UPDATE SET since = max(since, excluded.since)",
                (_text(since),),
            )
            self._db.executemany(
                "INSERT OR IGNORE INTO watch_state (watch, registered_at) VALUES (?, ?)",
                [(name, _text(when)) for name, when in registered.items()],
            )

    def forget_seen_before(self, moment: datetime) -> None:
        """Drop the seen marks of stories first seen before ``moment`` (they cannot return)."""
        with self._transaction():
            self._db.execute("DELETE FROM seen_stories WHERE first_seen < ?", (_text(moment),))

    def waiting(self, watch: str) -> list[Match]:
        """The watch's matches still to be told (new events and more coverage)."""
        rows = self._db.execute(
            "SELECT * FROM matches WHERE watch = ? AND batch_id IS NULL AND kind != 'grouped' "
            "AND dropped IS NULL ORDER BY first_seen, story_id",
            (watch,),
        ).fetchall()
        return [_match(row) for row in rows]

    def drop(self, watch: str, reasons: Mapping[str, str]) -> None:
        """Leave these waiting matches (story id -> why) out of every email of the watch; a
        story grouped under a dropped one's event, that no kept match tells, waits to be
        told in its place."""
        with self._transaction():
            self._db.executemany(
                "UPDATE matches SET dropped = ? WHERE watch = ? AND story_id = ? "
                "AND batch_id IS NULL",
                [(reason, watch, story_id) for story_id, reason in reasons.items()],
            )
            self._db.execute(
                "UPDATE matches SET kind = 'new' WHERE watch = ?1 AND story_id IN ("
                "SELECT min(story_id) FROM matches AS g WHERE g.watch = ?1 "
                "AND g.kind = 'grouped' AND g.dropped IS NULL AND g.batch_id IS NULL "
                "AND g.event_key IN (SELECT event_key FROM matches WHERE watch = ?1 "
                "AND dropped IS NOT NULL) AND NOT EXISTS (SELECT 1 FROM matches AS t "
                "WHERE t.watch = ?1 AND t.event_key = g.event_key AND t.kind != 'grouped' "
                "AND t.dropped IS NULL) GROUP BY g.event_key)",
                (watch,),
            )

    def matches(self, watch: str) -> list[Match]:
        rows = self._db.execute(
            "SELECT * FROM matches WHERE watch = ? ORDER BY first_seen, story_id", (watch,)
        ).fetchall()
        return [_match(row) for row in rows]

    # --- emails ------------------------------------------------------------------

    def queue(
        self,
        watch: str,
        story_ids: Sequence[str],
        emails: Sequence[OutgoingEmail],
        *,
        now: datetime,
        digest_at: datetime | None = None,
    ) -> None:
        """Store a batch's emails as pending and take its matches out of the queue, at once."""
        with self._transaction():
            batch_id = self._db.execute(
                "INSERT INTO batches (watch, created_at) VALUES (?, ?)", (watch, _text(now))
            ).lastrowid
            self._db.executemany(
                "UPDATE matches SET batch_id = ? WHERE watch = ? AND story_id = ? "
                "AND batch_id IS NULL",
                [(batch_id, watch, story_id) for story_id in story_ids],
            )
            self._db.executemany(
                "INSERT INTO emails (batch_id, watch, recipient, sender, message_id, subject, "
                "stories, message, state, created_at) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'pending', ?)",
                [
                    (
                        batch_id,
                        watch,
                        e.recipient,
                        e.sender,
                        e.message_id,
                        e.subject,
                        e.stories,
                        e.message,
                        _text(now),
                    )
                    for e in emails
                ],
            )
            if digest_at is not None:
                self._set_digest(watch, digest_at)

    def mark_digest(self, watch: str, digest_at: datetime) -> None:
        """Note that the digest of ``digest_at`` is done (it had nothing to tell)."""
        with self._transaction():
            self._set_digest(watch, digest_at)

    def _set_digest(self, watch: str, digest_at: datetime) -> None:
        self._db.execute(
            "UPDATE watch_state SET last_digest_at = ? WHERE watch = ?", (_text(digest_at), watch)
        )

    def pending(self) -> list[QueuedEmail]:
        """Emails still to send, oldest first."""
        return self.emails(("pending",), limit=None, oldest_first=True)

    def mark_sent(self, email_id: int, now: datetime) -> None:
        with self._transaction():
            self._db.execute(
                "UPDATE emails SET state = 'sent', attempts = attempts + 1, sent_at = ?, "
                "last_error = NULL WHERE id = ? AND state = 'pending'",
                (_text(now), email_id),
            )

    def mark_attempt_failed(self, email_ids: Sequence[int], error: str, *, give_up: bool) -> None:
        """Count a failed attempt of each email; they stay pending unless the server refused
        them for good."""
        with self._transaction():
            self._db.executemany(
                "UPDATE emails SET attempts = attempts + 1, last_error = ?, state = ? "
                "WHERE id = ? AND state = 'pending'",
                [
                    (error[:500], "failed" if give_up else "pending", email_id)
                    for email_id in email_ids
                ],
            )

    def counts(self) -> dict[str, int]:
        """How many emails are in each state."""
        rows = self._db.execute("SELECT state, count(*) FROM emails GROUP BY state").fetchall()
        found = {row[0]: row[1] for row in rows}
        return {state: found.get(state, 0) for state in EMAIL_STATES}

    def waiting_counts(self) -> dict[str, int]:
        """Per watch, how many matches wait for their next email (digests not yet due)."""
        rows = self._db.execute(
            "SELECT watch, count(*) FROM matches WHERE batch_id IS NULL AND kind != 'grouped' "
            "AND dropped IS NULL GROUP BY watch ORDER BY watch"
        ).fetchall()
        return {row[0]: row[1] for row in rows}

    def dropped_counts(self) -> dict[str, dict[str, int]]:
        """Per watch, how many matches were left out of its emails, by reason."""
        rows = self._db.execute(
            "SELECT watch, dropped, count(*) FROM matches WHERE dropped IS NOT NULL "
            "GROUP BY watch, dropped ORDER BY watch, dropped"
        ).fetchall()
        counts: dict[str, dict[str, int]] = {}
        for watch, reason, count in rows:
            counts.setdefault(watch, {})[reason] = count
        return counts

    def emails(
        self, states: Sequence[str], *, limit: int | None = 50, oldest_first: bool = False
    ) -> list[QueuedEmail]:
        marks = ", ".join("?" for _ in states)
        order = "ASC" if oldest_first else "DESC"
        rows = self._db.execute(
            f"SELECT * FROM emails WHERE state IN ({marks}) ORDER BY id {order} LIMIT ?",
            [*states, -1 if limit is None else limit],
        ).fetchall()
        return [_email(row) for row in rows]


def _match(row: sqlite3.Row) -> Match:
    return Match(
        watch=row["watch"],
        story_id=row["story_id"],
        event_key=row["event_key"],
        kind=row["kind"],
        first_seen=_moment(row["first_seen"]),
        matched_at=_moment(row["matched_at"]),
        batch_id=row["batch_id"],
        dropped=row["dropped"],
    )


def _email(row: sqlite3.Row) -> QueuedEmail:
    return QueuedEmail(
        id=row["id"],
        watch=row["watch"],
        recipient=row["recipient"],
        sender=row["sender"],
        message_id=row["message_id"],
        subject=row["subject"],
        stories=row["stories"],
        message=bytes(row["message"]),
        state=row["state"],
        attempts=row["attempts"],
        created_at=_moment(row["created_at"]),
        sent_at=_moment(row["sent_at"]),
        last_error=row["last_error"],
    )

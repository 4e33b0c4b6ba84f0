"""The alert ledger: a durable record of what matched, what is due and what was sent to whom.

One SQLite file beside whichever story store is in use. A story matches a watch once
(``matches``, keyed by watch and story, grouped by event). When a watch's alert is due,
its email is rendered once and stored whole, with its Message-ID, in the same transaction
that takes the matches out of the queue (``emails``, state ``pending``). Sending then only
moves an email from ``pending`` to ``sent`` (or ``failed`` when the server refuses it for
good). A crash between sending and recording leaves it ``pending``, so the next run sends
the very same bytes, Message-ID included, and never a different second email.
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

from pipeline.sqlite_tx import immediate_transaction
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
CREATE TABLE IF NOT EXISTS seen_stories (
    story_id TEXT PRIMARY KEY,
    first_seen TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS seen_stories_first_seen ON seen_stories (first_seen);
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
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=FULL")
            self._db.executescript(SCHEMA)
        except (OSError, sqlite3.DatabaseError) as exc:  # a run keeps its stories and goes on
            raise StoreError(
                f"cannot open the alert ledger PICKET_ALERTS_DB={self.path}: {exc}"
            ) from exc

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

    def register_watches(
        self, created: Mapping[str, datetime | None], now: datetime
    ) -> dict[str, WatchState]:
        """Each watch's state, registering new ones as of their ``created`` time or ``now``."""
        with self._transaction():
            self._db.executemany(
                "INSERT OR IGNORE INTO watch_state (watch, registered_at) VALUES (?, ?)",
                [(name, _text(when or now)) for name, when in created.items()],
            )
        rows = self._db.execute("SELECT * FROM watch_state").fetchall()
        return {
            row["watch"]: WatchState(_moment(row["registered_at"]), _moment(row["last_digest_at"]))
            for row in rows
            if row["watch"] in created
        }

    def watch_state(self, watch: str) -> WatchState | None:
        """The watch's state if a run has registered it; registers nothing."""
        row = self._db.execute("SELECT * FROM watch_state WHERE watch = ?", (watch,)).fetchone()
        if row is None:
            return None
        return WatchState(_moment(row["registered_at"]), _moment(row["last_digest_at"]))

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

    def delivered_events(self, watch: str, keys: Iterable[str]) -> dict[str, bool]:
        """For each event key the watch already matched: whether its alert is queued or sent."""
        result: dict[str, bool] = {}
        for key in set(keys):
            row = self._db.execute(
                "SELECT max(batch_id IS NOT NULL AND kind != 'grouped') FROM matches "
                "WHERE watch = ? AND event_key = ?",
                (watch, key),
            ).fetchone()
            if row[0] is not None:
                result[key] = bool(row[0])
        return result

    def record_matches(self, matches: Sequence[Match], seen: Mapping[str, datetime]) -> None:
        """Keep new matches and mark the stories looked at, in one transaction."""
        with self._transaction():
            self._db.executemany(
                "INSERT OR IGNORE INTO matches (watch, story_id, event_key, kind, first_seen, "
                "matched_at) VALUES (?, ?, ?, ?, ?, ?)",
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

    def forget_seen_before(self, moment: datetime) -> None:
        """Drop the seen marks of stories first seen before ``moment`` (they cannot return)."""
        with self._transaction():
            self._db.execute("DELETE FROM seen_stories WHERE first_seen < ?", (_text(moment),))

    def waiting(self, watch: str) -> list[Match]:
        """The watch's matches still to be told (new events and more coverage)."""
        rows = self._db.execute(
            "SELECT * FROM matches WHERE watch = ? AND batch_id IS NULL AND kind != 'grouped' "
            "ORDER BY first_seen, story_id",
            (watch,),
        ).fetchall()
        return [_match(row) for row in rows]

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

    def mark_attempt_failed(self, email_id: int, error: str, *, give_up: bool) -> None:
        """Count a failed attempt; the email stays pending unless the server refused it for good."""
        with self._transaction():
            self._db.execute(
                "UPDATE emails SET attempts = attempts + 1, last_error = ?, state = ? "
                "WHERE id = ? AND state = 'pending'",
                (error[:500], "failed" if give_up else "pending", email_id),
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
            "GROUP BY watch ORDER BY watch"
        ).fetchall()
        return {row[0]: row[1] for row in rows}

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

"""A durable local outbox: writes the search engine could not take wait here, in order.

One SQLite file. The engine store parks writes when the engine is unreachable and
flushes them, oldest first, before anything newer is written. Every write has a
deterministic document id, so sending one twice leaves one document: re-running a flush
never duplicates.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Mapping
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from pipeline.sqlite_tx import immediate_transaction, use_wal
from pipeline.store.base import StoreError

SCHEMA = """
CREATE TABLE IF NOT EXISTS parked (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    kind TEXT NOT NULL,
    payload TEXT NOT NULL,
    parked_at TEXT NOT NULL
);
"""


@dataclass(frozen=True, slots=True)
class ParkedWrite:
    """One write waiting for the engine; ``kind`` says how to replay ``payload``."""

    kind: str  # "story" (upserted like a new one) or "action" (a bulk action as is)
    payload: Mapping[str, Any]
    seq: int = 0


class Outbox:
    """The parked writes in one SQLite file, safe across processes and crashes."""

    def __init__(self, path: Path, *, timeout_s: float = 30.0) -> None:
        self.path = Path(path)
        if str(path) != ":memory:":
            self.path.parent.mkdir(parents=True, exist_ok=True)
        try:
            self._db = sqlite3.connect(str(path), timeout=timeout_s, isolation_level=None)
            use_wal(self._db, timeout_s)
            self._db.executescript(SCHEMA)
        except sqlite3.DatabaseError as exc:
            raise StoreError(f"cannot open the outbox at {path}: {exc}") from exc

    def park(self, writes: Iterable[ParkedWrite], *, now: datetime | None = None) -> int:
        """Append ``writes`` after everything already waiting; return how many."""
        parked_at = (now or datetime.now(UTC)).isoformat()
        rows = [(w.kind, json.dumps(w.payload, ensure_ascii=False), parked_at) for w in writes]
        with self._transaction():
            self._db.executemany(
                "INSERT INTO parked (kind, payload, parked_at) VALUES (?, ?, ?)", rows
            )
        return len(rows)

    def oldest(self, limit: int) -> list[ParkedWrite]:
        """The ``limit`` writes that have waited longest, oldest first."""
        rows = self._db.execute(
            "SELECT seq, kind, payload FROM parked ORDER BY seq LIMIT ?", (limit,)
        ).fetchall()
        return [ParkedWrite(kind, json.loads(payload), seq) for seq, kind, payload in rows]

    def waiting(self) -> list[ParkedWrite]:
        """Every write that waits, oldest first: what a store reads when the engine cannot."""
        return self.oldest(-1)  # SQLite reads a negative LIMIT as no limit

    def remove(self, seqs: Iterable[int]) -> None:
        """Forget writes the engine has taken (or refused for good)."""
        with self._transaction():
            self._db.executemany("DELETE FROM parked WHERE seq = ?", [(s,) for s in seqs])

    def pending(self, kind: str | None = None) -> int:
        """How many writes wait (of one kind, if given)."""
        if kind is None:
            return self._db.execute("SELECT count(*) FROM parked").fetchone()[0]
        return self._db.execute("SELECT count(*) FROM parked WHERE kind = ?", (kind,)).fetchone()[0]

    def close(self) -> None:
        self._db.close()

    def _transaction(self) -> AbstractContextManager[None]:
        """One batch lands whole or not at all."""
        return immediate_transaction(self._db)

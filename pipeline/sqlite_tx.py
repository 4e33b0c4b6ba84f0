"""One way to open and one write transaction shape for every local database picket keeps.

The story store, the engine outbox and the alert ledger all write in batches that must
land whole or not at all, and take the write lock up front so a concurrent run waits (or
fails clearly) at the start of a batch rather than half-way through it. All three keep a
write-ahead log (``use_wal``), so readers never wait for a writer.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager

_FIRST_PAUSE_S = 0.01
_LONGEST_PAUSE_S = 0.2


def use_wal(db: sqlite3.Connection, timeout_s: float) -> None:
    """Switch ``db`` to write-ahead logging, waiting up to ``timeout_s`` for another process.

    SQLite answers "database is locked" at once, without its busy timeout, when two
    processes set the mode of a new file together (waiting could deadlock them), so two
    runs started at the same moment on a fresh machine would see one of them fail."""
    deadline = time.monotonic() + timeout_s
    pause = _FIRST_PAUSE_S
    while True:
        try:
            db.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or time.monotonic() + pause > deadline:
                raise
        time.sleep(pause)
        pause = min(pause * 2, _LONGEST_PAUSE_S)


@contextmanager
def immediate_transaction(db: sqlite3.Connection) -> Iterator[None]:
    """``BEGIN IMMEDIATE`` ... ``COMMIT``, rolled back on any error (autocommit connections)."""
    db.execute("BEGIN IMMEDIATE")
    try:
        yield
    except BaseException:
        db.execute("ROLLBACK")
        raise
    db.execute("COMMIT")

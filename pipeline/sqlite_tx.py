"""One SQLite write transaction shape for every local database picket keeps.

The story store, the engine outbox and the alert ledger all write in batches that must
land whole or not at all, and take the write lock up front so a concurrent run waits (or
fails clearly) at the start of a batch rather than half-way through it.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager


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

"""A small SQLite file of Google News article ids and the publisher URLs they stand for.

Resolving a newer Google News link costs two requests to Google; the answer never changes,
so it is kept in the crawl's work folder and a link is resolved once, whichever crawl
meets it again.
"""

from __future__ import annotations

import logging
import sqlite3
from datetime import UTC, datetime
from pathlib import Path

logger = logging.getLogger(__name__)

CACHE_NAME = "google-news-links.sqlite"


class ResolvedLinks:
    """Article id -> publisher URL; a cache that cannot be opened or written is skipped."""

    def __init__(self, path: Path) -> None:
        self._db: sqlite3.Connection | None = None
        try:
            self._db = sqlite3.connect(path, timeout=5)
            self._db.execute(
                "CREATE TABLE IF NOT EXISTS resolved "
                "(article_id TEXT PRIMARY KEY, url TEXT NOT NULL, resolved_at TEXT NOT NULL)"
            )
        except sqlite3.Error as exc:
            logger.warning("Google News links are not cached: %s: %s", path, exc)
            self._db = None

    def get(self, article_id: str) -> str | None:
        if self._db is None:
            return None
        try:
            row = self._db.execute(
                "SELECT url FROM resolved WHERE article_id = ?", (article_id,)
            ).fetchone()
        except sqlite3.Error:
            return None
        return row[0] if row else None

    def put(self, article_id: str, url: str) -> None:
        if self._db is None:
            return
        try:
            with self._db:
                self._db.execute(
                    "INSERT OR REPLACE INTO resolved VALUES (?, ?, ?)",
                    (article_id, url, datetime.now(UTC).isoformat()),
                )
        except sqlite3.Error as exc:
            logger.warning("Google News link %s is not cached: %s", article_id, exc)

    def close(self) -> None:
        if self._db is not None:
            self._db.close()

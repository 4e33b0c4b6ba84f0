"""Story stores behind one protocol; ``open_store`` picks one from settings."""

from __future__ import annotations

from pipeline.settings import Settings
from pipeline.store.base import (
    TAG_FIELDS,
    StoreError,
    StoryQuery,
    StoryStore,
    UpsertResult,
)

__all__ = [
    "TAG_FIELDS",
    "StoreError",
    "StoryQuery",
    "StoryStore",
    "UpsertResult",
    "open_store",
]


def open_store(settings: Settings) -> StoryStore:
    """The store named by ``PICKET_STORE``."""
    if settings.store == "sqlite":
        from pipeline.store.sqlite import SQLiteStore

        return SQLiteStore(settings.db_path)
    raise StoreError(
        f"PICKET_STORE={settings.store} is not available in this version; use sqlite"
    )

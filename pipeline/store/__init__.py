"""Story stores behind one protocol; ``open_store`` picks one from settings."""

from __future__ import annotations

from typing import TYPE_CHECKING

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

if TYPE_CHECKING:
    from pipeline.settings import Settings


def open_store(settings: Settings) -> StoryStore:
    """The store named by ``PICKET_STORE``."""
    if settings.store == "sqlite":
        from pipeline.store.sqlite import SQLiteStore

        return SQLiteStore(settings.db_path)
    if settings.store == "elasticsearch":
        from pipeline.store.elasticsearch import open_elasticsearch_store

        return open_elasticsearch_store(settings)
    if settings.store == "opensearch":
        from pipeline.store.opensearch import open_opensearch_store

        return open_opensearch_store(settings)
    raise StoreError(f"PICKET_STORE={settings.store} is not a store picket knows")

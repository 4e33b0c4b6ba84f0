"""Engine stores for tests: each under its own index prefix, quick to give up when down."""

from __future__ import annotations

import uuid
from pathlib import Path

from pipeline.settings import Settings, load_settings
from pipeline.store.engine import EngineStore
from pipeline.store.engine_mappings import IndexNames
from pipeline.store.opensearch import OpenSearchTransport
from pipeline.store.outbox import Outbox
from pipeline.store.transport import RetryPolicy

QUICK_RETRIES = RetryPolicy(attempts=3, backoff_s=0.1, max_backoff_s=0.5)


def unique_prefix() -> str:
    return "t" + uuid.uuid4().hex[:12]


def open_test_store(
    url: str, outbox_path: Path, *, prefix: str | None = None, bulk_size: int = 500
) -> EngineStore:
    """An OpenSearch store with a fresh prefix (unless given) and quick retries."""
    return EngineStore(
        OpenSearchTransport(url, timeout_s=30),
        outbox=Outbox(outbox_path),
        names=IndexNames(prefix or unique_prefix()),
        bulk_size=bulk_size,
        retry=QUICK_RETRIES,
    )


def opensearch_settings(url: str, folder: Path, **settings: object) -> Settings:
    """Settings for the OpenSearch node at ``url`` under a fresh prefix, files in ``folder``."""
    return load_settings(
        store="opensearch",
        search_url=url,
        index_prefix=unique_prefix(),
        outbox_path=folder / "outbox.db",
        **settings,
    )


def drop_indices(store: EngineStore) -> None:
    """Delete everything a test store created, so the shared node stays small."""
    names = store.names
    found = store.request("GET", f"/_cat/indices/{names.prefix}-*", params={"format": "json"})
    for row in found:
        store.request("DELETE", f"/{row['index']}")
    store.request("DELETE", f"/_index_template/{names.template}")
    store.request("DELETE", f"/_component_template/{names.settings_component}")

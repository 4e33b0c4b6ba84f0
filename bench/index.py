"""Bulk indexing rate: stories per second into a real OpenSearch node and into SQLite.

    python bench/index.py [--sizes 10000 100000] [--bulk-size 500] [--url URL] [--json]

Without ``--url`` it starts a node the way the tests do (``tests/opensearch_node.py``:
Maven Central artifacts, a 512 MB heap, loopback only, a temporary data folder) and stops
it at the end. The stories are made up (``tests/synthetic_stories.py``). Each size goes
into fresh indices and a fresh SQLite file; the time covers the store's whole upsert
(looking up which stories exist, building documents, bulk requests) plus a refresh, so
the stories are searchable when the clock stops. ``--json`` ends with one JSON object.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
import tempfile
import time
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
# the repository, not this folder, comes first: bench/ scripts must not shadow packages
sys.path[0:1] = [str(REPO_ROOT), str(REPO_ROOT / "tests")]

from engine_testing import drop_indices, open_test_store  # noqa: E402
from opensearch_node import start_node  # noqa: E402
from synthetic_stories import make_stories  # noqa: E402

from pipeline.store.sqlite import SQLiteStore  # noqa: E402


def index_sqlite(stories: list, folder: Path) -> float:
    with SQLiteStore(folder / f"bench-{len(stories)}.db") as store:
        started = time.perf_counter()
        result = store.upsert_stories(stories)
        elapsed = time.perf_counter() - started
    assert result.new == len(stories)
    return elapsed


def index_opensearch(stories: list, url: str, folder: Path, bulk_size: int) -> float:
    store = open_test_store(url, folder / f"outbox-{len(stories)}.db", bulk_size=bulk_size)
    try:
        store.setup()
        started = time.perf_counter()
        result = store.upsert_stories(iter(stories))
        store.refresh()
        elapsed = time.perf_counter() - started
        if result.new != len(stories) or store.count() != len(stories):
            raise RuntimeError(f"indexed {result} of {len(stories)} stories")
        return elapsed
    finally:
        drop_indices(store)
        store.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--bulk-size", type=int, default=500)
    parser.add_argument("--url", help="an OpenSearch node to use instead of starting one")
    parser.add_argument("--json", action="store_true", help="end with one JSON object")
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)

    with tempfile.TemporaryDirectory(prefix="picket-bench-") as temp:
        folder = Path(temp)
        node = None if args.url else start_node(folder / "node", name="picket-bench")
        url = args.url or node.url
        results = {}
        try:
            for size in args.sizes:
                stories = make_stories(size)
                sqlite_s = index_sqlite(stories, folder)
                opensearch_s = index_opensearch(stories, url, folder, args.bulk_size)
                results[size] = {
                    "sqlite_s": round(sqlite_s, 2),
                    "sqlite_per_s": round(size / sqlite_s),
                    "opensearch_s": round(opensearch_s, 2),
                    "opensearch_per_s": round(size / opensearch_s),
                }
                print(
                    f"{size:>7} stories: SQLite {size / sqlite_s:8.0f}/s ({sqlite_s:6.1f} s), "
                    f"OpenSearch {size / opensearch_s:8.0f}/s ({opensearch_s:6.1f} s, "
                    f"bulk size {args.bulk_size})"
                )
        finally:
            if node is not None:
                node.stop()
    if args.json:
        largest = results[max(results)]
        print(
            json.dumps(
                {
                    "bulk_size": args.bulk_size,
                    "sizes": results,
                    "sqlite_per_s": largest["sqlite_per_s"],
                    "opensearch_per_s": largest["opensearch_per_s"],
                }
            )
        )


if __name__ == "__main__":
    main()

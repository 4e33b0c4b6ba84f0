"""Batch files between Airflow tasks: picket's records as gzip-compressed JSON lines.

Tasks pass each other references, not payloads: a crawl task writes the pages and outcomes
it got, the process task writes the stories and events it made, and each returns the file's
path for the next task to read. The path may be a local ``pathlib.Path`` or an Airflow
``ObjectStoragePath`` (``file://``, ``s3://``...), so workers on other machines can share a
base path. Writing a batch again overwrites it, which keeps a re-run task idempotent.
"""

from __future__ import annotations

import gzip
import json
from collections.abc import Iterable, Iterator
from typing import IO, Any, Protocol

from pipeline.crawl_records import CrawlOutcome, FetchedPage
from pipeline.recordjson import from_json, to_json
from pipeline.records import Event, Story

RECORD_KINDS: dict[str, type] = {
    "page": FetchedPage,
    "outcome": CrawlOutcome,
    "story": Story,
    "event": Event,
}
"""Line kinds that hold a typed record; any other kind holds a plain JSON object."""


class BatchPath(Protocol):
    """What a batch file's location must offer: ``pathlib.Path`` and ``ObjectStoragePath`` do."""

    @property
    def parent(self) -> BatchPath: ...

    def mkdir(self, *, parents: bool = ..., exist_ok: bool = ...) -> None: ...

    def open(self, mode: str) -> IO[bytes]: ...


def write_batch(path: BatchPath, lines: Iterable[tuple[str, Any]]) -> int:
    """Write ``(kind, record)`` pairs to ``path``, replacing it; return how many were written."""
    path.parent.mkdir(parents=True, exist_ok=True)
    written = 0
    with path.open("wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", mtime=0) as out:
        for kind, record in lines:
            line = json.dumps({"kind": kind, "record": to_json(record)}, ensure_ascii=False)
            out.write(line.encode("utf-8") + b"\n")
            written += 1
    return written


def read_batch(path: BatchPath) -> Iterator[tuple[str, Any]]:
    """The ``(kind, record)`` pairs of a batch file, typed records rebuilt as dataclasses."""
    with path.open("rb") as raw, gzip.GzipFile(fileobj=raw, mode="rb") as lines:
        for line in lines:
            item = json.loads(line)
            kind, record = item["kind"], item["record"]
            record_type = RECORD_KINDS.get(kind)
            yield kind, from_json(record_type, record) if record_type else record

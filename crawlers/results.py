"""The files between ``crawl()`` and its child process: the job, and the result stream.

The parent writes a ``CrawlJob`` as JSON; the child appends one JSON object per
line to the result file as things happen: ``{"page": ...}`` for each fetched
page, ``{"outcome": ...}`` when a source is done, ``{"log": ...}`` for log
records worth showing. Each line is flushed whole, so the parent can follow the
file while the child runs and keeps every line written before a crash.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, Literal

from pipeline.crawl_records import CrawlOutcome, FetchedPage, Validators
from pipeline.records import from_json, to_json
from pipeline.source_records import Source

StreamKind = Literal["page", "outcome", "log"]

_TRACEBACKS = logging.Formatter()


@dataclass(frozen=True, slots=True)
class CrawlJob:
    """Everything the child process needs to crawl, as plain data."""

    sources: tuple[Source, ...]
    settings: dict[str, Any]
    validators: tuple[Validators, ...] = ()
    since: datetime | None = None
    skip_urls: tuple[str, ...] = ()


def write_job(job: CrawlJob, path: Path) -> None:
    path.write_text(json.dumps(to_json(job)), encoding="utf-8")


def read_job(path: Path) -> CrawlJob:
    return from_json(CrawlJob, json.loads(path.read_text(encoding="utf-8")))


class ResultWriter:
    """Appends stream lines to the result file; one instance per writer in the child."""

    def __init__(self, path: Path | str) -> None:
        self._file = open(path, "a", encoding="utf-8")  # noqa: SIM115 - closed in close()

    def page(self, page: FetchedPage) -> None:
        self._write("page", to_json(page))

    def outcome(self, outcome: CrawlOutcome) -> None:
        self._write("outcome", to_json(outcome))

    def log(self, record: logging.LogRecord) -> None:
        message = record.getMessage()
        if record.exc_info:
            message += "\n" + _TRACEBACKS.formatException(record.exc_info)
        self._write("log", {"name": record.name, "level": record.levelno, "message": message})

    def close(self) -> None:
        self._file.close()

    def _write(self, kind: StreamKind, payload: Any) -> None:
        self._file.write(json.dumps({kind: payload}, ensure_ascii=False) + "\n")
        self._file.flush()


class ResultReader:
    """Follows a growing result file and returns the complete lines added since last time."""

    def __init__(self, path: Path) -> None:
        self._path = path
        self._offset = 0
        self._partial = b""

    def poll(self) -> list[tuple[StreamKind, Any]]:
        try:
            with self._path.open("rb") as stream:
                stream.seek(self._offset)
                chunk = stream.read()
        except FileNotFoundError:
            return []
        self._offset += len(chunk)
        *lines, self._partial = (self._partial + chunk).split(b"\n")
        return [_decode_line(line) for line in lines if line.strip()]


def _decode_line(line: bytes) -> tuple[StreamKind, Any]:
    ((kind, payload),) = json.loads(line).items()
    return kind, payload


def decode_page(payload: Any) -> FetchedPage:
    return from_json(FetchedPage, payload)


def decode_outcome(payload: Any) -> CrawlOutcome:
    return from_json(CrawlOutcome, payload)

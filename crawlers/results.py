"""The files between ``crawl()`` and its child process: the job, and the result stream.

The parent writes a ``CrawlJob`` as JSON, its sources' URLs without their passwords and
tokens (``crawlers.urls.display_url``): those reach the child in its environment, so a
job file kept after a failed crawl holds no secret. The child appends one JSON object per
line to the result file as things happen: ``{"page": ...}`` for each fetched
page, ``{"outcome": ...}`` when a source is done, ``{"log": ...}`` for log
records worth showing. Each line is flushed whole, so the parent can follow the
file while the child runs and keeps every line written before a crash.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path
from typing import Any, Literal

from crawlers.urls import display_url, without_secrets
from pipeline.crawl_records import CrawlOutcome, FetchedPage, Validators
from pipeline.recordjson import from_json, to_json
from pipeline.source_records import Source

StreamKind = Literal["page", "outcome", "log"]

_TRACEBACKS = logging.Formatter()
FULL_URLS_VARIABLE = "PICKET_CRAWL_FULL_URLS"
"""The child's environment variable with the full URLs of the sources whose URLs hold
secrets, by source id, as JSON."""


@dataclass(frozen=True, slots=True)
class CrawlJob:
    """Everything the child process needs to crawl, as plain data."""

    sources: tuple[Source, ...]
    settings: dict[str, Any]
    validators: tuple[Validators, ...] = ()
    since: datetime | None = None
    skip_urls: tuple[str, ...] = ()


def write_job(job: CrawlJob, path: Path) -> dict[str, str]:
    """Write ``job`` with its sources' URLs as shown; return the environment variables the
    child needs to read it back with the full URLs."""
    full = {s.id: list(s.urls) for s in job.sources if any(display_url(u) != u for u in s.urls)}
    shown = tuple(replace(s, urls=tuple(map(display_url, s.urls))) for s in job.sources)
    path.write_text(json.dumps(to_json(replace(job, sources=shown))), encoding="utf-8")
    return {FULL_URLS_VARIABLE: json.dumps(full)} if full else {}


def read_job(path: Path, *, full_urls: str = "") -> CrawlJob:
    """The job at ``path``, its sources' URLs restored from ``full_urls`` (the value of
    ``FULL_URLS_VARIABLE`` that ``write_job`` returned)."""
    job = from_json(CrawlJob, json.loads(path.read_text(encoding="utf-8")))
    if not full_urls:
        return job
    full: dict[str, list[str]] = json.loads(full_urls)
    return replace(
        job,
        sources=tuple(
            replace(s, urls=tuple(full[s.id])) if s.id in full else s for s in job.sources
        ),
    )


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
        message = without_secrets(message)  # Scrapy's lines name request URLs in full
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

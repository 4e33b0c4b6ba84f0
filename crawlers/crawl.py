"""The crawl entry point: fetch a set of sources and return their pages and outcomes.

``crawl()`` is what ``picket run`` and the Airflow crawl task call. It runs Scrapy
in a child process (Scrapy's reactor cannot restart inside one process, and tests
or ``dag.test()`` crawl many times), follows the child's result stream while it
runs, logs one line per source as it finishes, and never raises because a source
or the child failed: the outcomes say so, and pages already fetched are kept.
"""

from __future__ import annotations

import contextlib
import logging
import os
import subprocess
import sys
import uuid
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import crawlers
from crawlers.results import (
    CrawlJob,
    ResultReader,
    decode_outcome,
    decode_page,
    write_job,
)
from crawlers.urls import display_url, without_secrets
from pipeline.crawl_records import CrawlOutcome, FetchedPage, Validators
from pipeline.settings import Settings, settings_json
from pipeline.source_records import Source

logger = logging.getLogger(__name__)

CHILD_MODULE = "crawlers.child"
POLL_INTERVAL_S = 0.2
STDERR_TAIL_CHARS = 2000


@dataclass(frozen=True, slots=True)
class CrawlResult:
    """What one crawl produced: article pages (fetched or failed) and one outcome per source."""

    pages: list[FetchedPage]
    outcomes: list[CrawlOutcome]

    @property
    def validators(self) -> list[Validators]:
        """The feeds' new ETag/Last-Modified validators, to send next time."""
        return [v for outcome in self.outcomes for v in outcome.validators]


def crawl(
    sources: Sequence[Source],
    *,
    settings: Settings,
    validators: Mapping[str, Validators] | None = None,
    work_dir: Path,
    since: datetime | None = None,
    skip_urls: Collection[str] = (),
    on_outcome: Callable[[CrawlOutcome], None] | None = None,
    inherited_fds: Sequence[int] = (),
) -> CrawlResult:
    """Crawl ``sources`` (all of them: filtering by ``enabled`` is the caller's choice).

    ``validators`` maps feed URLs (as ``display_url`` shows them) to the validators stored
    from the last crawl;
    ``since`` skips items published before it; ``skip_urls`` are article URLs
    already stored, which are not fetched again. ``on_outcome`` is called as each
    source finishes, for progress displays. ``inherited_fds`` stay open in the crawler
    process (the run lock's, so the lock is held for as long as the crawler lives).
    """
    sources = list(sources)
    if not sources:
        return CrawlResult(pages=[], outcomes=[])
    work_dir.mkdir(parents=True, exist_ok=True)
    stem = f"crawl-{datetime.now(UTC):%Y%m%dT%H%M%S}-{uuid.uuid4().hex[:8]}"
    job_path, out_path, err_path = (
        work_dir / f"{stem}{ext}" for ext in (".job.json", ".jsonl", ".err")
    )
    wanted_urls = {display_url(url) for source in sources for url in source.urls}
    child_variables = write_job(
        CrawlJob(
            sources=tuple(sources),
            settings=settings_json(settings),
            validators=tuple(v for url, v in (validators or {}).items() if url in wanted_urls),
            since=since,
            skip_urls=tuple(sorted(set(skip_urls))),
        ),
        job_path,
    )
    collector = _Collector(on_outcome)
    returncode = _run_child(job_path, out_path, err_path, collector, inherited_fds, child_variables)
    outcomes = _outcomes_in_order(sources, collector.outcomes, returncode, err_path)
    if returncode == 0:
        for path in (job_path, out_path, err_path):
            path.unlink(missing_ok=True)
    else:
        logger.error(
            "crawler process exited with code %s; its files are kept: %s", returncode, job_path
        )
    return CrawlResult(pages=collector.pages, outcomes=outcomes)


class _Collector:
    """Gathers what the child streams, re-logs its log records and reports finished sources."""

    def __init__(self, on_outcome: Callable[[CrawlOutcome], None] | None) -> None:
        self.pages: list[FetchedPage] = []
        self.outcomes: dict[str, CrawlOutcome] = {}
        self._pages_per_source: dict[str, int] = {}
        self._on_outcome = on_outcome

    def take(self, kind: str, payload: Any) -> None:
        if kind == "page":
            page = decode_page(payload)
            self.pages.append(page)
            self._pages_per_source[page.source_id] = (
                self._pages_per_source.get(page.source_id, 0) + 1
            )
        elif kind == "outcome":
            self.finished(decode_outcome(payload))
        elif kind == "log":
            logging.getLogger(payload["name"]).log(payload["level"], "%s", payload["message"])

    def finished(self, outcome: CrawlOutcome) -> None:
        self.outcomes[outcome.source_id] = outcome
        logger.info(
            "source %s: %s%s, %d items seen, %d pages%s",
            outcome.source_id,
            outcome.status,
            f" (HTTP {outcome.http_status})" if outcome.http_status else "",
            outcome.items_seen,
            self._pages_per_source.get(outcome.source_id, 0),
            f": {outcome.error}" if outcome.error else "",
        )
        if self._on_outcome is not None:
            self._on_outcome(outcome)


def _run_child(
    job_path: Path,
    out_path: Path,
    err_path: Path,
    collector: _Collector,
    inherited_fds: Sequence[int],
    child_variables: Mapping[str, str],
) -> int:
    reader = ResultReader(out_path)
    with err_path.open("wb") as stderr:
        process = subprocess.Popen(
            [sys.executable, "-m", CHILD_MODULE, str(job_path), str(out_path), str(os.getpid())],
            pass_fds=tuple(inherited_fds),
            stdin=subprocess.DEVNULL,
            stdout=stderr,
            stderr=stderr,
            env=_child_environment(child_variables),
        )
        try:
            while True:
                exited = process.poll() is not None
                for kind, payload in reader.poll():
                    collector.take(kind, payload)
                if exited:
                    return process.returncode
                with contextlib.suppress(subprocess.TimeoutExpired):
                    process.wait(POLL_INTERVAL_S)  # returns as soon as the child exits
        finally:
            if process.poll() is None:
                process.terminate()
                process.wait()


def _child_environment(variables: Mapping[str, str]) -> dict[str, str]:
    """This environment and ``variables``, with picket's own packages importable even when
    not installed."""
    root = str(Path(crawlers.__file__).resolve().parents[1])
    env = {**os.environ, **variables}
    env["PYTHONPATH"] = os.pathsep.join(p for p in (root, env.get("PYTHONPATH", "")) if p)
    return env


def _outcomes_in_order(
    sources: list[Source], reported: dict[str, CrawlOutcome], returncode: int, err_path: Path
) -> list[CrawlOutcome]:
    """One outcome per source, in the given order; sources the child never reported failed."""
    missing = [s for s in sources if s.id not in reported]
    if missing:
        error = (
            f"crawler process exited with code {returncode}: {_tail(err_path)}"
            if returncode
            else "the crawler finished without reporting this source"
        )
        now = datetime.now(UTC)
        for source in missing:
            logger.error("source %s: failed: %s", source.id, error)
            reported[source.id] = CrawlOutcome(
                source_id=source.id, status="failed", attempted_at=now, error=error
            )
    return [reported[s.id] for s in sources]


def _tail(path: Path) -> str:
    try:
        text = path.read_text(encoding="utf-8", errors="replace").strip()
    except OSError:
        return "no error output"
    return without_secrets(text[-STDERR_TAIL_CHARS:]) or "no error output"

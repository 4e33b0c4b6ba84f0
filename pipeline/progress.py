"""What a long ``picket run`` shows while it works: sources polled, pages fetched, stories
processed.

``pipeline.run.run_once`` reports to a ``RunProgress``. On a terminal ``TerminalProgress``
draws rich progress bars; elsewhere (cron, Airflow, CI) ``LoggedProgress`` writes plain log
lines, a few per step, beside the per-source lines the crawler already logs.
"""

from __future__ import annotations

import logging
from types import TracebackType
from typing import Protocol

from pipeline.crawl_records import CrawlOutcome

log = logging.getLogger(__name__)


class RunProgress(Protocol):
    def crawling(self, sources: int) -> None:
        """The crawl of ``sources`` sources starts."""

    def source_done(self, outcome: CrawlOutcome) -> None:
        """A source finished (fetched, not modified or failed)."""

    def processing(self, pages: int) -> None:
        """The crawl fetched ``pages`` pages; understanding them starts."""

    def page_done(self) -> None:
        """One page was processed (into a story, or skipped)."""


class LoggedProgress:
    """Log lines: the start of each step and every tenth of the pages processed."""

    def __init__(self) -> None:
        self._pages = self._done = 0

    def crawling(self, sources: int) -> None:
        log.info("polling %s sources", sources)

    def source_done(self, outcome: CrawlOutcome) -> None:
        """The crawler logs each source's outcome itself."""

    def processing(self, pages: int) -> None:
        self._pages, self._done = pages, 0
        log.info("fetched %s pages; processing them", pages)

    def page_done(self) -> None:
        self._done += 1
        step = max(1, -(-self._pages // 10))  # a tenth, rounded up
        if self._done % step == 0 or self._done == self._pages:
            log.info("processed %s of %s pages", self._done, self._pages)


class TerminalProgress:
    """Rich progress bars on the terminal, for use as a context manager around the run."""

    def __init__(self, console: object | None = None) -> None:
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

        self._bars = Progress(
            TextColumn("{task.description:<18}"),
            BarColumn(),
            MofNCompleteColumn(),
            console=console,  # type: ignore[arg-type]
        )
        self._sources = self._pages = None

    def __enter__(self) -> TerminalProgress:
        self._bars.start()
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self._bars.stop()

    def crawling(self, sources: int) -> None:
        self._sources = self._bars.add_task("sources polled", total=sources)

    def source_done(self, outcome: CrawlOutcome) -> None:
        if self._sources is not None:
            self._bars.advance(self._sources)

    def processing(self, pages: int) -> None:
        self._bars.add_task("pages fetched", total=pages, completed=pages)
        self._pages = self._bars.add_task("stories processed", total=pages)

    def page_done(self) -> None:
        if self._pages is not None:
            self._bars.advance(self._pages)

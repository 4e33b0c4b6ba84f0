"""A long ``picket run`` shows how far it is: bars on a terminal, log lines elsewhere."""

from __future__ import annotations

import io
import logging
from datetime import UTC, datetime
from pathlib import Path

import pytest
from picket_env import settings_in
from rich.console import Console

from pipeline.crawl_records import CrawlOutcome
from pipeline.demo.server import DemoSite
from pipeline.progress import LoggedProgress, TerminalProgress
from pipeline.run import run_once
from pipeline.source_records import Source


class Recorder:
    """A ``RunProgress`` that writes down what it hears."""

    def __init__(self) -> None:
        self.heard: list[tuple[str, object]] = []

    def crawling(self, sources: int) -> None:
        self.heard.append(("crawling", sources))

    def source_done(self, outcome: CrawlOutcome) -> None:
        self.heard.append(("source", outcome.source_id))

    def processing(self, pages: int) -> None:
        self.heard.append(("processing", pages))

    def page_done(self) -> None:
        self.heard.append(("page", None))


@pytest.mark.slow
def test_a_run_reports_each_source_and_each_page(tmp_path: Path):
    settings = settings_in(tmp_path, retries=0)
    recorder = Recorder()
    with DemoSite() as site:
        sources = [
            Source(id="demo-rss", kind="feed", urls=(f"{site.base_url}/feeds/rss.xml",)),
            Source(id="gone", kind="feed", urls=(f"{site.base_url}/feeds/missing.xml",)),
        ]
        summary = run_once(settings, sources=sources, progress=recorder)
    kinds = [kind for kind, _ in recorder.heard]
    assert recorder.heard[0] == ("crawling", 2)
    assert sorted(v for k, v in recorder.heard if k == "source") == ["demo-rss", "gone"]
    assert ("processing", summary.pages) in recorder.heard
    assert kinds.count("page") == summary.pages > 0
    assert kinds.index("processing") < kinds.index("page")


def test_on_a_terminal_the_bars_name_each_step():
    screen = io.StringIO()
    console = Console(file=screen, force_terminal=True, width=80, color_system=None)
    with TerminalProgress(console) as progress:
        progress.crawling(2)
        progress.source_done(CrawlOutcome("a", "ok", datetime.now(UTC)))
        progress.source_done(CrawlOutcome("b", "failed", datetime.now(UTC)))
        progress.processing(3)
        for _ in range(3):
            progress.page_done()
    shown = screen.getvalue()
    assert "sources polled" in shown and "2/2" in shown
    assert "pages fetched" in shown and "stories processed" in shown and "3/3" in shown


def test_elsewhere_plain_log_lines_tell_the_steps(caplog):
    caplog.set_level(logging.INFO, logger="pipeline.progress")
    progress = LoggedProgress()
    progress.crawling(4)
    progress.processing(25)
    for _ in range(25):
        progress.page_done()
    lines = [record.getMessage() for record in caplog.records]
    assert lines[:2] == ["polling 4 sources", "fetched 25 pages; processing them"]
    assert lines[-1] == "processed 25 of 25 pages"
    assert 3 <= len(lines) <= 14  # a few lines, not one per page

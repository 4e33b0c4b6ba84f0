"""Sources that misbehave are bounded in time and size, reported, and harm no other source.

One ``run_once`` polls a healthy feed next to feeds that hang, trickle, return garbage,
redirect in a loop, send 50 MB, or answer with another site's page. The run ends within
the configured timeout, the healthy feed's stories are all stored, and each bad source's
health says what went wrong, as ``picket sources`` shows it.
"""

from __future__ import annotations

import logging
import random
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import closing
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from httpserver import LocalServer, Oversized, Redirect, Static, Text
from picket_env import settings_in
from smtpserver import SmtpServer

from pipeline.run import run_once
from pipeline.settings import Settings
from pipeline.source_records import Source
from pipeline.store.base import StoryQuery
from pipeline.store.sqlite import SQLiteStore

NOW = datetime(2024, 5, 10, 12, 0, tzinfo=UTC)
TIMEOUT_S = 2.0
GOOD_ARTICLES = {"first-open-letter.html", "second-walkout.html", "third-union-vote.html"}
FIFTY_MB = 50_000_000
GARBAGE = random.Random(20240510).randbytes(20_000)  # fixed: some random bytes read as JSON


class SilentServer:
    """A TCP server on 127.0.0.1 that accepts connections and answers nothing, or trickles."""

    def __init__(self, *, trickle: bool = False) -> None:
        self._listener = socket.create_server(("127.0.0.1", 0))
        self._trickle = trickle
        self._stopped = threading.Event()
        self._thread = threading.Thread(target=self._accept, daemon=True)

    @property
    def url(self) -> str:
        host, port = self._listener.getsockname()
        return f"http://{host}:{port}/feed.xml"

    def _accept(self) -> None:
        self._listener.settimeout(0.2)
        while not self._stopped.is_set():
            try:
                connection, _ = self._listener.accept()
            except TimeoutError:
                continue
            threading.Thread(target=self._hold, args=(connection,), daemon=True).start()

    def _hold(self, connection: socket.socket) -> None:
        with connection:
            if self._trickle:
                connection.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/rss+xml\r\n\r\n")
            while not self._stopped.wait(0.3):
                if self._trickle:
                    try:
                        connection.sendall(b"<")
                    except OSError:
                        return

    def __enter__(self) -> SilentServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stopped.set()
        self._thread.join(timeout=5)
        self._listener.close()


@pytest.fixture
def silent_servers() -> Iterator[tuple[SilentServer, SilentServer]]:
    with SilentServer() as hanging, SilentServer(trickle=True) as trickling:
        yield hanging, trickling


def run_settings(tmp_path: Path, **overrides: object) -> Settings:
    """A test run's settings that give up on a silent source quickly; ``overrides`` win."""
    return settings_in(tmp_path, **{"timeout_s": TIMEOUT_S, "retries": 0, **overrides})


def feed(source_id: str, url: str) -> Source:
    return Source(id=source_id, kind="feed", urls=(url,))


def test_bad_sources_are_bounded_reported_and_leave_the_others_alone(
    local_server: LocalServer, silent_servers: tuple[SilentServer, SilentServer], tmp_path: Path
) -> None:
    hanging, trickling = silent_servers
    local_server.route("/garbage.xml", Text(GARBAGE, "application/rss+xml"))
    local_server.route("/loop.xml", Redirect("/loop.xml"))
    local_server.route("/huge.xml", Oversized(FIFTY_MB))
    local_server.route("/huge-undeclared.xml", Oversized(FIFTY_MB, declare_length=False))
    local_server.route("/parked.xml", Static("/index.html"))  # another site's page, no feed
    sources = [
        feed("good", local_server.url("/feeds/rss.xml")),
        feed("hanging", hanging.url),
        feed("trickling", trickling.url),
        feed("garbage", local_server.url("/garbage.xml")),
        feed("loop", local_server.url("/loop.xml")),
        feed("huge", local_server.url("/huge.xml")),
        feed("huge-undeclared", local_server.url("/huge-undeclared.xml")),
        feed("parked", local_server.url("/parked.xml")),
    ]
    settings = run_settings(tmp_path)

    started = time.monotonic()
    summary = run_once(settings, sources=sources, now=NOW)
    elapsed = time.monotonic() - started

    assert elapsed < 60  # bounded: the hanging feeds end at the timeout, not when they do
    assert (summary.sources_polled, summary.failed_sources) == (8, 7)
    with closing(SQLiteStore(settings.db_path)) as store:
        health = store.source_health()
        stored = {story.url.rsplit("/", 1)[-1] for story in store.search(StoryQuery(limit=100))}
    assert stored == GOOD_ARTICLES
    assert health["good"].last_status == "ok (200)"
    assert health["good"].consecutive_failures == 0
    expected_errors = {
        "hanging": "timed out",
        "trickling": "timed out",
        "garbage": "not a feed",
        "loop": "redirect",
        "huge": "response too large",
        "huge-undeclared": "response too large",
        "parked": "not a feed",
    }
    for source_id, error in expected_errors.items():
        assert health[source_id].last_status.startswith("failed"), source_id
        assert health[source_id].consecutive_failures == 1, source_id
        assert error in health[source_id].last_error, (source_id, health[source_id].last_error)


def test_a_failing_source_backs_off_and_recovers_when_fixed(
    local_server: LocalServer, tmp_path: Path
) -> None:
    local_server.route("/feeds/rss.xml", Text(b"<html>not today</html>", "text/html"))
    settings = run_settings(tmp_path)
    source = feed("flaky", local_server.url("/feeds/rss.xml"))

    failed = run_once(settings, sources=[source], now=NOW)
    skipped = run_once(settings, sources=[source], now=NOW)  # backing off: not polled again
    del local_server.routes["/feeds/rss.xml"]
    recovered = run_once(settings, sources=[source], now=NOW, force=True)

    assert (failed.failed_sources, skipped.backing_off, recovered.new) == (1, 1, 3)
    with closing(SQLiteStore(settings.db_path)) as store:
        health = store.source_health()["flaky"]
    assert (health.consecutive_failures, health.last_error) == (0, None)
    assert health.last_success is not None


def test_a_run_with_no_source_due_succeeds_and_sends_the_alerts_that_wait(
    local_server: LocalServer, smtp_server: SmtpServer, tmp_path: Path
) -> None:
    watches = tmp_path / "watches.yaml"
    watches.write_text(
        "watches:\n  - name: Walkouts\n    query: walkout\n    include_old: true\n"
        "    filters: {relevant_only: false}\n"
        "    recipients: [desk@example.org]\n",
        encoding="utf-8",
    )
    settings = run_settings(
        tmp_path,
        watches_file=watches,
        smtp_host=smtp_server.host,
        smtp_port=smtp_server.port,
        smtp_security="none",
        smtp_timeout_s=TIMEOUT_S,
    )
    source = feed("good", local_server.url("/feeds/rss.xml"))
    smtp_server.stop()
    polled = run_once(settings, sources=[source], now=NOW)
    smtp_server.start()
    waited = run_once(settings, sources=[source], now=NOW + timedelta(minutes=1))

    assert (polled.sources_polled, polled.alerts_sent, polled.alerts_pending) == (1, 0, 1)
    assert (waited.sources_polled, waited.not_due, waited.backing_off) == (0, 1, 0)
    assert (waited.alerts_sent, waited.alerts_pending) == (1, 0)
    assert not waited.nothing_ran  # a scheduler may call picket run more often than needed
    assert "not due yet 1" in waited.line()
    assert [m.recipients for m in smtp_server.delivered] == [("desk@example.org",)]


def test_a_run_with_no_source_enabled_fails(tmp_path: Path) -> None:
    summary = run_once(run_settings(tmp_path), sources=[], now=NOW)

    assert summary.nothing_ran


def test_a_source_that_cannot_be_resolved_logs_one_line_per_failure_no_traceback(
    run_crawl, caplog: pytest.LogCaptureFixture
) -> None:
    source = Source(id="unresolvable", kind="feed", urls=("http://localhost.:9/feed.xml",))

    with caplog.at_level(logging.INFO):
        (outcome,) = run_crawl(source, settings={"retries": 0, "timeout_s": 5}).outcomes

    assert outcome.status == "failed"
    assert "Traceback" not in caplog.text
    robots = [r for r in caplog.records if "robots.txt" in r.getMessage()]
    assert len(robots) == 1, [r.getMessage() for r in robots]
    assert robots[0].levelno == logging.WARNING
    assert robots[0].getMessage().startswith("robots.txt of localhost. could not be fetched: ")

"""A hostile feed cannot make picket fetch anything but public http(s) pages.

By default (``PICKET_ALLOW_PRIVATE_ADDRESSES`` off) a source on a loopback address is
refused and its health says so. To test what a public site could try, the crawler runs
with 127.0.0.1 taken for a public address (``loopback_is_public_child.py``): its feed
redirects to another loopback address, and links to the cloud metadata address, a
private network, IPv6 loopback, an IPv4-mapped loopback, and pages that redirect to a
private address or to ``file:`` and ``ftp:`` URLs. Each is refused before any connection
is made, and the one public article is stored.
"""

from __future__ import annotations

import logging
import socket
from contextlib import closing
from datetime import UTC, datetime
from pathlib import Path

import picket_env
import pytest
from httpserver import LocalServer, Redirect, Text

from pipeline.records import Story
from pipeline.run import run_once
from pipeline.settings import Settings
from pipeline.source_records import Source, SourceHealth
from pipeline.store.sqlite import SQLiteStore

NOW = datetime(2024, 5, 10, 12, 0, tzinfo=UTC)
TESTS = Path(__file__).resolve().parent
PUBLIC_STORY = """<html><head><title>Engineers sign an open letter</title></head><body>
<article><h1>Engineers sign an open letter</h1>
<p>More than four hundred engineers at the company signed an open letter on Monday asking
managers to drop the contract with the border agency.</p>
<p>The letter says the software would be used to track families and that the workers who
built it were never told what it was for.</p>
<p>Organizers said they would keep collecting signatures until the contract is cancelled
and the terms of every similar deal are published.</p>
</article></body></html>"""


def settings_in(folder: Path, **overrides: object) -> Settings:
    """A test run's settings, quick to crawl, with private addresses refused as by default;
    ``overrides`` win."""
    chosen: dict[str, object] = {"allow_private_addresses": False, "retries": 0, "timeout_s": 5}
    return picket_env.settings_in(folder, **{**chosen, **overrides})


@pytest.fixture
def loopback_is_public(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("crawlers.crawl.CHILD_MODULE", "loopback_is_public_child")
    monkeypatch.setenv("PYTHONPATH", str(TESTS))


@pytest.fixture
def private_listener():
    """A server on 127.0.0.2 that records whether anything ever connects to it."""
    listener = socket.create_server(("127.0.0.2", 0))
    listener.settimeout(0.01)
    yield listener
    listener.close()


def connected(listener: socket.socket) -> bool:
    try:
        connection, _ = listener.accept()
    except TimeoutError:
        return False
    connection.close()
    return True


def health_and_stories(settings: Settings) -> tuple[dict[str, SourceHealth], dict[str, Story]]:
    with closing(SQLiteStore(settings.db_path)) as store:
        stored = store.stories_since(datetime(2000, 1, 1, tzinfo=UTC))
        return store.source_health(), {story.url: story for story, _ in stored}


def test_a_loopback_source_is_refused_by_default_and_reported(
    local_server: LocalServer, tmp_path: Path
) -> None:
    settings = settings_in(tmp_path)
    assert settings.allow_private_addresses is False
    source = Source(id="local", kind="feed", urls=(local_server.url("/feeds/rss.xml"),))

    summary = run_once(settings, sources=[source], now=NOW)

    health, stored = health_and_stories(settings)
    assert summary.failed_sources == 1 and stored == {}
    assert (
        "refused: 127.0.0.1 resolves to non-public address 127.0.0.1" in health["local"].last_error
    )
    assert local_server.requests == []


def test_a_feed_redirecting_to_a_private_address_is_refused(
    local_server: LocalServer, loopback_is_public: None, private_listener, tmp_path: Path
) -> None:
    port = private_listener.getsockname()[1]
    local_server.route("/moved.xml", Redirect(f"http://127.0.0.2:{port}/feeds/rss.xml"))
    settings = settings_in(tmp_path)
    source = Source(id="moved", kind="feed", urls=(local_server.url("/moved.xml"),))

    run_once(settings, sources=[source], now=NOW)

    health, stored = health_and_stories(settings)
    assert (
        "refused: 127.0.0.2 resolves to non-public address 127.0.0.2" in health["moved"].last_error
    )
    assert health["moved"].last_status.startswith("failed")
    assert stored == {}
    assert not connected(private_listener)


def test_article_links_to_private_addresses_and_other_schemes_are_never_fetched(
    local_server: LocalServer,
    loopback_is_public: None,
    private_listener: socket.socket,
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
) -> None:
    port = private_listener.getsockname()[1]
    hostile = {
        f"http://127.0.0.2:{port}/admin": "127.0.0.2",
        "http://169.254.169.254/latest/meta-data/iam/security-credentials/": "169.254.169.254",
        "http://10.1.2.3/internal/report.html": "10.1.2.3",
        "http://[::1]:9/story.html": "::1",
        f"http://[::ffff:127.0.0.2]:{port}/story.html": "::ffff:127.0.0.2",
        local_server.url("/articles/to-private.html"): "127.0.0.2",
    }
    local_server.route("/articles/public-story.html", Text(PUBLIC_STORY))
    local_server.route("/articles/to-private.html", Redirect(f"http://127.0.0.2:{port}/x"))
    local_server.route("/articles/to-file.html", Redirect("file:///etc/passwd"))
    local_server.route("/articles/to-ftp.html", Redirect("ftp://127.0.0.1/pub/file"))
    links = [
        *hostile,
        local_server.url("/articles/to-file.html"),
        local_server.url("/articles/to-ftp.html"),
        "file:///etc/passwd",
        "javascript:alert(1)",
        local_server.url("/articles/public-story.html"),
    ]
    items = "".join(
        f"<item><title>Item {n}</title><link>{link}</link></item>" for n, link in enumerate(links)
    )
    feed = f"<rss version='2.0'><channel><title>t</title>{items}</channel></rss>"
    local_server.route("/hostile.xml", Text(feed, "application/rss+xml"))
    settings = settings_in(tmp_path)
    source = Source(id="hostile", kind="feed", urls=(local_server.url("/hostile.xml"),))

    with caplog.at_level(logging.WARNING):
        run_once(settings, sources=[source], now=NOW)

    health, stories = health_and_stories(settings)
    assert health["hostile"].last_status == "ok (200)"
    for url, address in hostile.items():
        assert f"refused: {address.strip('[]')} resolves to non-public address" in caplog.text
        assert stories[url].fallback, url  # only the feed item's own words were kept
    for url in (
        local_server.url("/articles/to-file.html"),
        local_server.url("/articles/to-ftp.html"),
    ):
        assert stories[url].fallback, url  # the redirect was not followed
    assert "file:///etc/passwd" not in stories and "javascript:alert(1)" not in stories
    assert not stories[local_server.url("/articles/public-story.html")].fallback
    assert not connected(private_listener)
    assert "/pub/file" not in {request.path for request in local_server.requests}

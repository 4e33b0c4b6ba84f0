"""A source that never ends cannot hold a crawl: sitemap bounds and the crawl time budget.

A sitemap index whose every fetch links a new index (``/loop-index.xml?x=N``) is read
only as deep as the source's ``max_depth`` and only up to the number of sitemaps a
source may read; a crawler still busy when ``PICKET_CRAWL_TIME_BUDGET_S`` runs out stops,
its source's health says why, and the other sources of the run finish as usual.
"""

from __future__ import annotations

from contextlib import closing
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pytest
from httpserver import LocalServer, RecordedRequest, Reply, Slow
from test_hostile_fetch import settings_in as quick_settings_in

from crawlers.spiders.sitemap import MAX_SITEMAPS_PER_SOURCE
from pipeline.run import run_once
from pipeline.settings import Settings, load_settings
from pipeline.source_records import Source
from pipeline.store.sqlite import SQLiteStore

pytestmark = pytest.mark.timeout(120)

NOW = datetime(2024, 5, 10, 12, 0, tzinfo=UTC)


@dataclass(frozen=True)
class EndlessIndex:
    """A sitemap index linking ``fan_out`` new index URLs at every fetch."""

    fan_out: int = 1

    def respond(self, request: RecordedRequest, server: LocalServer) -> Reply:
        links = "".join(
            f"<sitemap><loc>{server.base_url}/loop-index.xml?x={request.hit}-{n}</loc></sitemap>"
            for n in range(self.fan_out)
        )
        body = (
            '<?xml version="1.0"?><sitemapindex '
            f'xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{links}</sitemapindex>'
        )
        return Reply(200, {"Content-Type": "application/xml"}, body.encode())


def settings_in(folder: Path, **overrides: object) -> Settings:
    return quick_settings_in(folder, allow_private_addresses=True, timeout_s=10, **overrides)


def health_of(settings: Settings):
    with closing(SQLiteStore(settings.db_path)) as store:
        return store.source_health()


def feed_source(server: LocalServer) -> Source:
    return Source(id="feed", kind="feed", urls=(server.url("/feeds/rss.xml"),))


def test_an_endless_chain_of_sitemap_indexes_stops_at_max_depth(
    local_server: LocalServer, tmp_path: Path
) -> None:
    local_server.route("/loop-index.xml", EndlessIndex())
    loop = Source(id="loop", kind="sitemap", urls=(local_server.url("/loop-index.xml"),))
    settings = settings_in(tmp_path)

    summary = run_once(settings, sources=[loop, feed_source(local_server)], now=NOW)

    assert len(local_server.requests_for("/loop-index.xml")) == 1 + loop.max_depth
    health = health_of(settings)
    assert health["feed"].last_status == "ok (200)"
    assert health["loop"].last_status == "ok (200)"
    assert summary.sources_polled == 2


def test_a_wide_endless_index_stops_at_the_sitemaps_a_source_may_read(
    local_server: LocalServer, run_crawl
) -> None:
    local_server.route("/loop-index.xml", EndlessIndex(fan_out=40))
    loop = Source(
        id="wide", kind="sitemap", urls=(local_server.url("/loop-index.xml"),), max_depth=10
    )

    (outcome,) = run_crawl(loop).outcomes

    assert len(local_server.requests_for("/loop-index.xml")) == 1 + MAX_SITEMAPS_PER_SOURCE
    assert outcome.status == "ok"
    assert f"reads at most {MAX_SITEMAPS_PER_SOURCE} sitemaps" in outcome.error


def test_a_crawler_past_its_time_budget_stops_and_health_says_why(
    local_server: LocalServer, tmp_path: Path
) -> None:
    local_server.route("/slow-index.xml", EndlessIndex())
    local_server.route("/loop-index.xml", Slow(3.0, then=EndlessIndex()))
    slow = Source(
        id="slow", kind="sitemap", urls=(local_server.url("/slow-index.xml"),), max_depth=10
    )
    settings = settings_in(tmp_path, crawl_time_budget_s=1)

    summary = run_once(settings, sources=[slow, feed_source(local_server)], now=NOW)

    health = health_of(settings)
    assert health["slow"].last_status.startswith("failed")
    assert "stopped after the crawl time budget of 1 s" in health["slow"].last_error
    assert health["feed"].last_status == "ok (200)"
    assert summary.failed_sources == 1


@pytest.mark.parametrize("value", ["0", "-5", "inf", "nan", "100000"])
def test_the_time_budget_must_be_finite_and_positive(
    value: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from pipeline.settings import SettingsError

    monkeypatch.setenv("PICKET_CRAWL_TIME_BUDGET_S", value)
    with pytest.raises(SettingsError, match="PICKET_CRAWL_TIME_BUDGET_S"):
        load_settings()

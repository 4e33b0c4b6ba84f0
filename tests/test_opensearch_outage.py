"""The search engine goes away: writes wait in the outbox, runs go on without it, the next
run with it back sends them, and the counts come out exact. Each test runs its own node,
which it stops and restarts."""

from __future__ import annotations

from contextlib import closing
from datetime import UTC, datetime

import pytest
from engine_testing import open_test_store, unique_prefix
from synthetic_stories import make_stories

import pipeline.run
from pipeline.demo.run import demo_sources
from pipeline.demo.server import DemoSite
from pipeline.run import run_once
from pipeline.settings import load_settings
from pipeline.store import StoryQuery, open_store

pytestmark = [pytest.mark.opensearch, pytest.mark.slow]


def test_node_stopped_mid_bulk_parks_the_rest_and_they_arrive_once(own_opensearch_node, tmp_path):
    node = own_opensearch_node
    stories = make_stories(2_000)
    outbox = tmp_path / "outbox.db"
    prefix = unique_prefix()

    def stories_with_an_outage():
        for n, story in enumerate(stories):
            if n == 700:  # while the fourth bulk request of 200 is being filled
                node.stop()
            yield story

    with closing(open_test_store(node.url, outbox, prefix=prefix, bulk_size=200)) as store:
        store.setup()
        written = store.upsert_stories(stories_with_an_outage())
        store.save_signatures({story.id: b"sig" for story in stories[-5:]})
        assert written.new == 600
        assert store.pending_writes() == 1_400 + 5

    node.start()
    with closing(open_test_store(node.url, outbox, prefix=prefix, bulk_size=200)) as store:
        store.source_health()  # what a run reads first: the outbox goes out before it
        assert store.pending_writes() == 0
        store.refresh()
        assert store.count() == 2_000
        saved = dict(store.stories_since(datetime(2000, 1, 1, tzinfo=UTC)))
        saved = {story.id: signature for story, signature in saved.items()}
        assert all(saved[story.id] == b"sig" for story in stories[-5:])
        again = store.upsert_stories(stories)
        assert (again.new, again.updated, again.unchanged) == (0, 0, 2_000)
        store.refresh()
        assert store.count() == 2_000


def _settings(tmp_path, **changes):
    return load_settings(
        work_dir=tmp_path / "work",
        allow_private_addresses=True,
        download_delay_s=0,
        **changes,
    )


def test_node_stopped_during_a_run_then_the_next_run_sends_everything(
    own_opensearch_node, tmp_path, monkeypatch, caplog
):
    node = own_opensearch_node
    settings = _settings(
        tmp_path,
        store="opensearch",
        search_url=node.url,
        index_prefix=unique_prefix(),
        outbox_path=tmp_path / "outbox.db",
    )
    reference = _settings(tmp_path, store="sqlite", db_path=tmp_path / "reference.db")
    crawl_sources = pipeline.run.crawl_sources

    def crawl_then_outage(*args, **kwargs):
        result = crawl_sources(*args, **kwargs)
        node.stop()
        return result

    with DemoSite() as site:
        sources = demo_sources(site.base_url)
        expected = run_once(reference, sources=sources)
        assert expected.new > 40

        monkeypatch.setattr(pipeline.run, "crawl_sources", crawl_then_outage)
        interrupted = run_once(settings, sources=sources)
        monkeypatch.undo()
        assert interrupted.new == 0
        assert interrupted.pending_writes > expected.new
        assert "writes wait in the outbox for the search engine" in interrupted.line()
        assert "is unreachable" in caplog.text

        still_down = run_once(settings, sources=sources, force=True)  # down at the start
        assert not still_down.nothing_ran
        assert still_down.new == 0 and still_down.pages == still_down.failed_pages
        assert still_down.pending_writes > interrupted.pending_writes  # the crawl log grows

        node.start()
        resumed = run_once(settings, sources=sources, force=True)
        assert resumed.pending_writes == 0
        assert resumed.new == resumed.from_outbox == expected.new  # the feeds answer 304

    with closing(open_store(settings)) as store, closing(open_store(reference)) as stored:
        store.refresh()
        assert store.count() == stored.count() == expected.new
        assert store.count(StoryQuery(relevant=True)) == stored.count(StoryQuery(relevant=True))
        assert len(store.recent_events(limit=500)) == len(stored.recent_events(limit=500))
        assert store.source_health().keys() == stored.source_health().keys()

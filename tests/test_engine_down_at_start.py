"""The search engine is down when a run starts: the run still crawls, reading what it needs
from the outbox, parks its writes and says so; the next run with the engine back sends
them, counts them once as new and alerts them once, and keeps what the engine knew better
(the events of the stories it already held, the failures of a dead source)."""

from __future__ import annotations

import shutil
import socket
from contextlib import closing
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from importlib import resources
from pathlib import Path

import pytest
from engine_testing import open_test_store, unique_prefix

from crawlers.crawl import crawl
from pipeline.crawl_records import CrawlOutcome, Validators
from pipeline.demo.run import demo_sources
from pipeline.demo.server import DemoSite
from pipeline.records import Event, Relevance, Story
from pipeline.run import run_once
from pipeline.settings import Settings, load_settings
from pipeline.source_records import Source, SourceHealth
from pipeline.store import StoreError, StoryQuery, StoryStore, open_store
from pipeline.store.engine import EngineStore
from pipeline.store.outbox import Outbox

NOW = datetime(2024, 5, 1, 12, 0, tzinfo=UTC)


def closed_port_url() -> str:
    """The URL of a port on 127.0.0.1 that nothing listens on."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return f"http://127.0.0.1:{probe.getsockname()[1]}"


def story(n: int, **changes) -> Story:
    return Story(
        id=f"s{n}",
        url=f"https://news.example/feed-link/{n}",
        canonical_url=f"https://news.example/{n}",
        source_id="wire",
        title=f"Workers at company {n} walk out",
        text=f"Story {n} about a walkout.",
        relevance=Relevance(0.9, True),
        **changes,
    )


def stories_waiting(outbox_path: Path) -> int:
    with closing(Outbox(outbox_path)) as outbox:
        return outbox.pending("story")


def test_a_store_that_never_reaches_the_engine_reads_what_waits_in_the_outbox(tmp_path, caplog):
    url, outbox = closed_port_url(), tmp_path / "outbox.db"
    prefix = unique_prefix()
    event = Event(id="e1", first_seen=NOW, last_seen=NOW, title="Walkout", story_ids=("s1",))
    health = SourceHealth("wire", last_attempt=NOW, last_success=NOW, last_status="ok")
    validators = Validators("https://news.example/feed.xml", etag='"v2"')
    outcome = CrawlOutcome("wire", "ok", NOW, http_status=200, validators=(validators,))

    with closing(open_test_store(url, outbox, prefix=prefix)) as store:
        assert store.source_health() == {}  # nothing waits yet: every source is due
        store.upsert_events([event])
        written = store.upsert_stories([story(1, event_id="e1"), story(2)])
        store.save_signatures({"s1": b"sig-1"})
        store.record_outcomes([health], [outcome])
        assert written.new == 0 and store.pending_writes() == 7

    with closing(open_test_store(url, outbox, prefix=prefix)) as store:
        assert store.known_urls() == {
            "https://news.example/feed-link/1",
            "https://news.example/1",
            "https://news.example/feed-link/2",
            "https://news.example/2",
        }
        recent = dict(store.stories_since(NOW - timedelta(days=30)))
        assert {s.id: signature for s, signature in recent.items()} == {"s1": b"sig-1", "s2": None}
        assert store.recent_events(since=NOW - timedelta(days=30)) == [event]
        assert store.get_event("e1") == event and store.get_event("e2") is None
        assert store.source_health() == {"wire": health}
        assert store.validators() == {validators.url: validators}
        with pytest.raises(StoreError, match="unreachable"):
            store.search(StoryQuery(text="walkout"))
    assert f"unreachable; this run reads what waits in the outbox at {outbox}" in caplog.text


def _settings(tmp_path: Path, **changes) -> Settings:
    watches = tmp_path / "watches.yaml"
    if not watches.exists():  # the demo's watches, which alert old stories too
        tmp_path.mkdir(parents=True, exist_ok=True)
        shutil.copy(Path(str(resources.files("pipeline.demo") / "watches.yaml")), watches)
    return load_settings(
        work_dir=tmp_path / "work",
        allow_private_addresses=True,
        download_delay_s=0,
        watches_file=watches,
        **changes,
    )


def _engine_settings(tmp_path: Path, search_url: str, prefix: str) -> Settings:
    return _settings(
        tmp_path,
        store="opensearch",
        search_url=search_url,
        index_prefix=prefix,
        outbox_path=tmp_path / "outbox.db",
        alerts_db=tmp_path / "alerts.db",
        alerts_outbox_dir=tmp_path / "mail",
    )


def _reference_settings(tmp_path: Path) -> Settings:
    folder = tmp_path / "reference"
    return _settings(
        folder,
        db_path=folder / "picket.db",
        alerts_db=folder / "alerts.db",
        alerts_outbox_dir=folder / "mail",
    )


def _pages_not_known(settings: Settings, sources) -> set[str]:
    """The pages a crawl without feed validators fetches that are no other link (tracking
    parameters and all) to a story the store knows."""
    with closing(open_store(settings)) as store:
        known = store.known_urls()
    result = crawl(sources, settings=settings, work_dir=settings.work_dir, skip_urls=known)
    assert not any(o.status == "not_modified" for o in result.outcomes)
    return {page.url.split("?")[0] for page in result.pages} - known


@pytest.mark.slow
def test_a_second_run_with_the_engine_down_fetches_and_parks_nothing_again(tmp_path):
    settings = _engine_settings(tmp_path, closed_port_url(), unique_prefix())
    reference = _reference_settings(tmp_path)
    with DemoSite() as site:
        sources = demo_sources(site.base_url)
        expected = run_once(reference, sources=sources)
        first = run_once(settings, sources=sources)
        parked = stories_waiting(settings.outbox_path)
        second = run_once(settings, sources=sources, force=True)
        # without feed validators, the URLs that wait in the outbox keep the articles from
        # being fetched again as a store's own do (pages that are no article are fetched)
        assert _pages_not_known(settings, sources) == _pages_not_known(reference, sources)

    assert not first.nothing_ran and first.new == 0
    assert parked == expected.new > 40 and first.pending_writes > parked
    assert second.sources_polled == first.sources_polled
    assert second.new == 0 and second.pages == second.failed_pages  # no article: index pages
    assert stories_waiting(settings.outbox_path) == parked


@pytest.mark.slow
@pytest.mark.opensearch
def test_stories_parked_at_a_dead_start_arrive_once_counted_once_alerted_once(
    opensearch_node, tmp_path
):
    prefix = unique_prefix()
    down = _engine_settings(tmp_path, closed_port_url(), prefix)
    up = _engine_settings(tmp_path, opensearch_node.url, prefix)
    reference = _reference_settings(tmp_path)

    with DemoSite() as site:
        sources = demo_sources(site.base_url)
        expected = run_once(reference, sources=sources)
        assert expected.new > 40 and expected.alerts_sent > 0

        parked = run_once(down, sources=sources)
        assert not parked.nothing_ran
        assert (parked.new, parked.alerts_sent) == (0, 0)
        assert parked.pending_writes > expected.new
        assert f"{parked.pending_writes} writes wait in the outbox" in parked.line()
        assert stories_waiting(down.outbox_path) == expected.new
        assert list(up.alerts_outbox_dir.glob("*.eml")) == []

        # Polled just now, so not due: forced. A few seconds on, as a later run is: the
        # watches the engine could not take at the dead start date from it, not from now.
        later = datetime.now(UTC) + timedelta(seconds=5)
        sent = run_once(up, sources=sources, force=True, now=later)
        again = run_once(up, sources=sources, force=True, now=later + timedelta(seconds=1))

    assert sent.pending_writes == 0
    assert (sent.new, sent.from_outbox) == (expected.new, expected.new)
    assert sent.relevant_new == expected.relevant_new
    assert f"{expected.new} sent from the outbox" in sent.line()
    assert sent.alerts_sent == expected.alerts_sent
    assert (again.new, again.pending_writes, again.alerts_sent) == (0, 0, 0)
    assert len(list(up.alerts_outbox_dir.glob("*.eml"))) == expected.alerts_sent

    with closing(open_store(up)) as store, closing(open_store(reference)) as stored:
        store.refresh()
        assert store.count() == stored.count() == expected.new
        everything = StoryQuery(limit=1000)
        assert {s.id for s in store.search(everything)} == {s.id for s in stored.search(everything)}
        assert store.count(StoryQuery(relevant=True)) == stored.count(StoryQuery(relevant=True))
        assert len(store.recent_events(limit=500)) == len(stored.recent_events(limit=500))
        assert store.source_health().keys() == stored.source_health().keys()


def _join_a_lone_story_to_a_larger_event(store: EngineStore) -> None:
    """Regroup in the engine, as a run knowing more than the demo corpus could have: the
    story of a one-story event joins a larger event, as a duplicate of its first story."""
    events = store.recent_events(limit=500)
    larger = next(e for e in events if len(e.story_ids) >= 2)
    lone = next(e for e in events if len(e.story_ids) == 1)
    moved = store.get_story(lone.story_ids[0])
    assert moved is not None and moved.duplicate_of is None
    store.upsert_events([replace(larger, story_ids=(*larger.story_ids, moved.id))])
    store.upsert_stories([replace(moved, event_id=larger.id, duplicate_of=larger.story_ids[0])])
    store.request("DELETE", f"/{store.names.events}/_doc/{lone.id}")
    store.refresh()


def _grouping(store: StoryStore) -> tuple[dict[str, tuple], dict[str, set[str]]]:
    """Each stored story's event and original, and each stored event's stories."""
    stories = store.search(StoryQuery(limit=1000))
    events = store.recent_events(limit=500)
    return (
        {s.id: (s.event_id, s.duplicate_of) for s in stories},
        {e.id: set(e.story_ids) for e in events},
    )


@pytest.mark.slow
@pytest.mark.opensearch
def test_stories_refetched_at_a_dead_start_keep_the_engines_events_and_source_health(
    opensearch_node, tmp_path
):
    prefix = unique_prefix()
    down = _engine_settings(tmp_path, closed_port_url(), prefix)
    up = _engine_settings(tmp_path, opensearch_node.url, prefix)

    with DemoSite() as site:
        gone = Source(id="demo-gone", kind="feed", urls=(f"{site.base_url}/feeds/gone.xml",))
        sources = [*demo_sources(site.base_url), gone]
        atom_only = [s for s in sources if s.id in ("demo-atom", "demo-gone")]
        stored = run_once(up, sources=atom_only)
        with closing(open_store(up)) as store:
            assert isinstance(store, EngineStore)
            _join_a_lone_story_to_a_larger_event(store)
            stories_before, events_before = _grouping(store)
            failures_before = store.source_health()["demo-gone"].consecutive_failures

        refetched = run_once(down, sources=sources)  # knows no stored URL, event or health
        parked = stories_waiting(down.outbox_path)  # the stored stories and the others
        sent = run_once(up, sources=sources, force=True)

    assert stored.new > 20 and failures_before == 1
    assert any(len(story_ids) >= 3 for story_ids in events_before.values())
    assert refetched.new == 0 and parked > stored.new
    assert sent.new == sent.from_outbox == parked - stored.new  # only the truly new ones
    assert sent.pending_writes == 0

    with closing(open_store(up)) as store:
        store.refresh()
        assert store.count() == parked
        stories, events = _grouping(store)
        health = store.source_health()["demo-gone"]
    # every stored story keeps the engine's event and original, every event its stories
    assert {s: stories[s] for s in stories_before} == stories_before
    assert all(events[e] >= story_ids for e, story_ids in events_before.items())
    # and stories and events agree: each story is held by its event, and by no other
    held_by = [(s, e) for e, story_ids in events.items() for s in story_ids]
    assert sorted(held_by) == sorted((s, e) for s, (e, _) in stories.items() if e)
    # one failure per run, the dead start's included, rather than counting from nothing
    assert (health.consecutive_failures, health.last_success) == (3, None)

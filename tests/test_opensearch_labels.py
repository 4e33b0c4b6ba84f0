"""Corrections in the OpenSearch store, against a real node: kept in the labels index,
applied to the story at once, and kept through later crawls, also those parked in the
outbox while the node was away."""

from __future__ import annotations

from contextlib import closing
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
from engine_testing import open_test_store
from test_labels import SEEN, coventry, story, syndicated

from pipeline.alerts import run_alerts
from pipeline.alerts.watches import WatchSet, parse_watch
from pipeline.label_cli import record_correction
from pipeline.labels import corrections_as_rows, make_correction
from pipeline.process import StoryProcessor
from pipeline.settings import load_settings
from pipeline.store import StoryQuery
from pipeline.store.engine_writes import Write
from pipeline.store.outbox import Outbox

pytestmark = pytest.mark.opensearch

LABELLED_AT = datetime(2024, 6, 1, 9, 30, tzinfo=UTC)


@pytest.fixture
def store(opensearch_store):
    return opensearch_store


@pytest.fixture
def settings(tmp_path):
    return load_settings(alerts_db=tmp_path / "alerts.db", alerts_outbox_dir=tmp_path / "mail")


def relevant_with_strike(story_id: str = "story1"):
    return make_correction(
        story_id,
        relevant=True,
        labelled_at=LABELLED_AT,
        companies=["Amazon"],
        actions=["strike"],
    )


def test_a_label_is_kept_in_its_index_and_rejudges_the_story_at_once(store, settings):
    store.upsert_stories([story(1), story(2)])
    corrected = record_correction(settings, store, relevant_with_strike())

    kept = store.get_story("story1")
    assert kept == corrected
    assert (kept.relevance.label, kept.relevance.score) == (True, 1.0)
    assert kept.relevance.evidence[0] == "corrected by a user on 2024-06-01: relevant"
    assert (kept.tags.companies, kept.tags.actions) == (("Amazon", "Google"), ("strike",))
    store.refresh()
    assert [s.id for s in store.search(StoryQuery(relevant=True))] == ["story1"]
    found = store.search(StoryQuery(filters={"companies": ["amazon"], "actions": ["strike"]}))
    assert [s.id for s in found] == ["story1"]

    assert store.corrections() == [relevant_with_strike()]
    mapping = store.request("GET", f"/{store.names.labels}/_mapping")[store.names.labels]
    assert mapping["mappings"]["dynamic"] == "strict"


def test_a_later_crawl_keeps_the_correction(store, settings):
    store.upsert_stories([story(1)])
    record_correction(settings, store, relevant_with_strike())
    # A crawl finds the story in the event it is stored in (the one its correction gave it).
    crawled = replace(story(1), event_id=store.get_story("story1").event_id)
    assert store.upsert_stories([crawled]).unchanged == 1  # the machine's verdict again

    recrawled = replace(crawled, title="An updated headline")
    assert store.upsert_stories([recrawled]).updated == 1
    kept = store.get_story("story1")
    assert kept.title == "An updated headline"
    assert (kept.relevance.label, kept.tags.actions) == (True, ("strike",))

    not_relevant = make_correction("story1", relevant=False, labelled_at=LABELLED_AT)
    record_correction(settings, store, not_relevant)  # the latest correction wins
    assert store.get_story("story1").relevance.label is False
    assert store.corrections() == [not_relevant]


def test_a_crawl_parked_in_the_outbox_keeps_the_correction_when_sent(
    opensearch_node, store, settings, tmp_path
):
    store.upsert_stories([story(1)])
    record_correction(settings, store, relevant_with_strike())
    outbox_path = tmp_path / "later-outbox.db"
    with closing(Outbox(outbox_path)) as outbox:  # a run that could not reach the node
        outbox.park([Write(story=replace(story(1), title="Parked headline")).parked()])

    later = open_test_store(opensearch_node.url, outbox_path, prefix=store.names.prefix)
    try:
        assert later.flush_outbox() == 1
        kept = later.get_story("story1")
    finally:
        later.close()
    assert kept.title == "Parked headline"
    assert (kept.relevance.label, kept.tags.actions) == (True, ("strike",))


def test_a_cluster_set_up_before_labels_gets_its_index_on_the_first_label(store, settings):
    store.request("DELETE", f"/{store.names.labels}")
    store.upsert_stories([story(1)])
    assert store.corrections() == []
    record_correction(settings, store, relevant_with_strike())
    assert store.get_story("story1").relevance.label is True
    assert store.corrections() == [relevant_with_strike()]


def test_the_export_reads_the_engine_as_it_reads_sqlite(store, settings):
    store.upsert_stories([story(1), story(2)])
    record_correction(settings, store, relevant_with_strike("story2"))
    record_correction(
        settings,
        store,
        make_correction(
            "story1",
            relevant=False,
            labelled_at=LABELLED_AT.replace(hour=10),
            negative_kind="ordinary_tech",
        ),
    )
    rows = list(corrections_as_rows(store))
    assert [(row["id"], row["label"]) for row in rows] == [("story2", 1), ("story1", 0)]
    assert rows[0]["company"] == "Amazon" and rows[0]["actions"] == ["strike"]
    assert rows[1]["negative_kind"] == "ordinary_tech"


def test_the_next_alert_run_percolates_a_relabelled_story_once(store, settings):
    watches = WatchSet(
        (parse_watch({"name": "Google", "query": "google", "recipients": ["desk@example.org"]}),)
    )
    now = SEEN + timedelta(days=30)  # stories published in April are not old news then

    def run(minutes: int) -> int:
        moment = now + timedelta(minutes=minutes)
        return run_alerts(settings, store, now=moment, watches=watches).sent

    run(-5 - 30 * 24 * 60)  # the watch exists before the story is first seen
    store.upsert_stories([replace(story(1), published=now - timedelta(days=1))])
    assert run(0) == 0  # looked at while not relevant
    record_correction(settings, store, relevant_with_strike())
    assert run(5) == 1
    record_correction(settings, store, relevant_with_strike())
    assert run(10) == 0
    assert len(list(settings.alerts_outbox_dir.glob("*.eml"))) == 1


def test_a_correction_regroups_the_story_in_the_engine_events(store, settings):
    processor = StoryProcessor(
        stored=(), events=(), lookup_event=lambda _: None, now=SEEN, threshold=0.5
    )
    for each in (coventry(1, "BBC"), coventry(2, "Guardian")):
        processor.add_story(each)
    store.upsert_events(processor.batch.events.values())
    store.upsert_stories(processor.batch.stories.values())

    def events() -> dict[str, tuple[str, ...]]:
        store.refresh()
        return {e.tags.companies[0]: e.story_ids for e in store.recent_events(limit=10)}

    assert events() == {"Amazon": ("story1", "story2")}
    google = make_correction("story2", relevant=True, labelled_at=LABELLED_AT, companies=["Google"])
    record_correction(settings, store, google)
    assert events() == {"Amazon": ("story1",), "Google": ("story2",)}
    assert store.get_story("story2").event_id != store.get_story("story1").event_id

    not_relevant = make_correction("story2", relevant=False, labelled_at=LABELLED_AT)
    record_correction(settings, store, not_relevant)  # its own event is left empty: gone
    assert events() == {"Amazon": ("story1",)}
    assert store.get_story("story2").event_id is None


def test_a_label_holds_for_the_copies_of_the_story_in_the_engine(store, settings):
    processor = StoryProcessor(
        stored=(), events=(), lookup_event=lambda _: None, now=SEEN, threshold=0.5
    )
    bbc = coventry(1, "BBC")
    for each in (bbc, syndicated(3, bbc), coventry(2, "Guardian")):
        processor.add_story(each)
    store.upsert_events(processor.batch.events.values())
    store.upsert_stories(processor.batch.stories.values())
    store.refresh()
    assert [s.id for s in store.copies_of("story1")] == ["story3"]

    copy_labelled = make_correction("story3", relevant=False, labelled_at=LABELLED_AT)
    record_correction(settings, store, copy_labelled)  # the copy's original is labelled
    assert [c.story_id for c in store.corrections()] == ["story1"]
    assert not store.get_story("story1").relevance.label
    assert not store.get_story("story3").relevance.label
    store.refresh()
    assert {e.tags.companies[0]: e.story_ids for e in store.recent_events(limit=10)} == {
        "Amazon": ("story2",)
    }

    store.upsert_stories([replace(syndicated(4, bbc), duplicate_of="story1")])  # found later
    assert store.get_story("story4").relevance.label is False

"""Writes replayed from the outbox meet what the engine already holds: the engine's grouping
of stored stories holds, events merge instead of shrinking, and source health goes on from
the stored record instead of starting over."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from pipeline.crawl_records import CrawlOutcome, Validators
from pipeline.health import MAX_BACKOFF, fold_outcome
from pipeline.records import Event, Relevance, Story, Tags
from pipeline.source_records import SourceHealth
from pipeline.store.engine_documents import (
    BulkAction,
    event_document,
    event_from_document,
    health_document,
    health_from_document,
    story_document,
    validators_document,
)
from pipeline.store.engine_mappings import IndexNames
from pipeline.store.reconcile import (
    StoredDocuments,
    fit_action,
    fit_event,
    fit_story,
    fold_health,
    ids_to_read,
    merge_events,
)

T0 = datetime(2024, 5, 1, 12, 0, tzinfo=UTC)
HOUR = timedelta(hours=1)
POLL = timedelta(minutes=15)
NAMES = IndexNames("p")


def story(n: int, **changes) -> Story:
    fields = {
        "url": f"https://news.example/{n}",
        "canonical_url": f"https://news.example/{n}",
        "source_id": "wire",
        "title": f"Workers at company {n} walk out",
        "text": f"Story {n} about a walkout.",
        "first_seen": T0,
        "relevance": Relevance(0.9, True),
    }
    return Story(id=f"s{n}", **{**fields, **changes})


def event(event_id: str, *story_ids: str, **changes) -> Event:
    fields = {"first_seen": T0, "last_seen": T0, "title": f"Event {event_id}"}
    return Event(id=event_id, story_ids=story_ids, **{**fields, **changes})


def outcome(status: str, at: datetime, items: int = 0) -> CrawlOutcome:
    return CrawlOutcome("wire", status, at, items_seen=items)  # type: ignore[arg-type]


def health_after(*outcomes: CrawlOutcome, start: SourceHealth | None = None) -> SourceHealth:
    health = start
    for each in outcomes:
        health = fold_outcome(health, each, poll_interval=POLL)
    assert health is not None
    return health


# --- stories ---------------------------------------------------------------------------


def test_a_stored_story_keeps_the_engines_event_and_original_and_takes_the_rest():
    stored = story_document(story(1, event_id="evt-engine", duplicate_of="s0"))
    parked = story(1, event_id="evt-outbox", title="A corrected title")
    fitted = fit_story(parked, stored)
    assert (fitted.event_id, fitted.duplicate_of) == ("evt-engine", "s0")
    assert fitted.title == "A corrected title"


def test_a_stored_story_outside_any_event_stays_outside_one():
    fitted = fit_story(story(1, event_id="evt-outbox", duplicate_of="s9"), story_document(story(1)))
    assert (fitted.event_id, fitted.duplicate_of) == (None, None)


def test_a_story_the_engine_does_not_hold_goes_as_parked():
    parked = story(1, event_id="evt-outbox", duplicate_of="s0")
    assert fit_story(parked, None) == parked


# --- events ----------------------------------------------------------------------------


def test_merging_keeps_every_stored_story_and_widens_the_span():
    stored = event(
        "e1",
        "s1",
        "s2",
        "s3",
        first_seen=T0,
        last_seen=T0 + 2 * HOUR,
        outlets=("Wire", "Daily"),
        tags=Tags(companies=("Acme",), actions=("walkout",)),
        keywords=("cafeteria", "contract"),
    )
    parked = event(
        "e1",
        "s2",
        "s4",
        first_seen=T0 - HOUR,
        last_seen=T0 + HOUR,
        title="Another title",
        outlets=("Daily", "Herald"),
        tags=Tags(companies=("Acme",), actions=("strike",), workers=300),
        keywords=("contract", "overtime"),
    )
    merged = merge_events(stored, parked)
    assert merged.story_ids == ("s1", "s2", "s3", "s4")
    assert merged.outlets == ("Wire", "Daily", "Herald")
    assert (merged.first_seen, merged.last_seen) == (T0 - HOUR, T0 + 2 * HOUR)
    assert merged.title == "Event e1"
    assert merged.tags == Tags(companies=("Acme",), actions=("walkout", "strike"), workers=300)
    assert merged.keywords == ("cafeteria", "contract", "overtime")


def test_a_stored_event_without_a_title_takes_the_parked_one():
    merged = merge_events(event("e1", "s1", title=""), event("e1", "s1", title="Walkout"))
    assert merged.title == "Walkout"


def test_a_parked_event_drops_the_stories_the_engine_places_elsewhere():
    parked = event("e2", "s1", "s2", "s3", "s4")
    placed = {"s1": "e1", "s2": None, "s3": "e2"}  # s4: not in the engine yet
    fitted = fit_event(parked, None, placed)
    assert fitted is not None and fitted.story_ids == ("s3", "s4")


def test_a_parked_event_left_with_no_story_is_not_sent():
    assert fit_event(event("e2", "s1", "s2"), None, {"s1": "e1", "s2": "e1"}) is None
    stored = event("e2", "s5")
    assert fit_event(event("e2", "s1"), stored, {"s1": "e1"}) is None  # the stored one stays


def test_a_parked_event_is_merged_into_its_stored_copy_after_dropping_claims():
    stored = event("e1", "s1", "s2")
    fitted = fit_event(event("e1", "s1", "s3", "s7"), stored, {"s1": "e1", "s2": "e1", "s3": "e9"})
    assert fitted is not None and fitted.story_ids == ("s1", "s2", "s7")


# --- source health ---------------------------------------------------------------------


def test_a_parked_record_older_than_the_stored_one_is_dropped():
    stored = health_after(outcome("ok", T0 + HOUR))
    parked = health_after(outcome("failed", T0))
    assert fold_health(stored, parked) == stored


def test_failures_parked_by_a_run_without_the_engine_continue_the_stored_streak():
    stored = health_after(outcome("ok", T0, items=5), outcome("failed", T0 + HOUR))
    parked = health_after(outcome("failed", T0 + 2 * HOUR))  # folded from nothing
    folded = fold_health(stored, parked)
    assert folded.consecutive_failures == 2 and folded.last_success == T0
    assert folded.last_attempt == T0 + 2 * HOUR and folded.items_seen == 5
    expected = health_after(outcome("failed", T0 + 2 * HOUR), start=stored)
    assert folded.next_due == expected.next_due


def test_a_source_that_never_answered_keeps_backing_off():
    stored = health_after(*(outcome("failed", T0 + n * HOUR) for n in range(3)))
    parked = health_after(outcome("failed", T0 + 3 * HOUR))  # folded from nothing
    folded = fold_health(stored, parked)
    assert folded.consecutive_failures == 4 and folded.last_success is None
    assert folded.next_due == T0 + 3 * HOUR + min(POLL * 2**4, MAX_BACKOFF)


def test_the_back_off_stops_growing_at_its_ceiling():
    stored = health_after(*(outcome("failed", T0 + n * HOUR) for n in range(10)))
    parked = health_after(outcome("failed", T0 + 10 * HOUR), outcome("failed", T0 + 11 * HOUR))
    folded = fold_health(stored, parked)
    assert folded.consecutive_failures == 12
    assert folded.next_due == T0 + 11 * HOUR + MAX_BACKOFF


def test_a_parked_record_folded_from_the_stored_one_is_taken_as_it_is():
    stored = health_after(outcome("ok", T0, items=5), outcome("failed", T0 + HOUR))
    parked = health_after(outcome("failed", T0 + 2 * HOUR, items=1), start=stored)
    assert fold_health(stored, parked) == parked
    never = health_after(outcome("failed", T0))
    assert fold_health(never, health_after(outcome("failed", T0 + HOUR), start=never)) == (
        health_after(outcome("failed", T0), outcome("failed", T0 + HOUR))
    )


def test_a_parked_success_ends_the_stored_streak():
    stored = health_after(outcome("failed", T0), outcome("failed", T0 + HOUR))
    parked = health_after(outcome("ok", T0 + 2 * HOUR, items=3))
    assert fold_health(stored, parked) == parked


@pytest.mark.parametrize("stored_ok", [True, False])
def test_the_latest_success_holds(stored_ok):
    stored = health_after(outcome("ok" if stored_ok else "failed", T0))
    parked = health_after(outcome("ok", T0 + HOUR), outcome("failed", T0 + 2 * HOUR))
    folded = fold_health(stored, parked)
    assert folded.last_success == T0 + HOUR and folded.consecutive_failures == 1


# --- bulk actions ----------------------------------------------------------------------


def index(index_name: str, doc_id: str, doc: dict) -> BulkAction:
    return BulkAction("index", index_name, doc_id, doc)


def stored_documents(*, stories=(), events=(), health=()) -> StoredDocuments:
    return StoredDocuments(
        stories={s.id: story_document(s) for s in stories},
        events={e.id: event_document(e) for e in events},
        sources={doc["id"]: doc for doc in map(health_document, health)},
    )


def test_the_ids_to_read_include_the_stories_a_parked_event_claims():
    actions = [
        index(NAMES.events, "e1", event_document(event("e1", "s2", "s3"))),
        index(NAMES.sources, "health:wire", health_document(SourceHealth("wire"))),
        index(NAMES.sources, "v", validators_document(Validators("https://news.example/f"))),
        BulkAction("update", NAMES.stories, "s1", {"signature": "c2ln"}),
    ]
    ids = ids_to_read([story(1), story(2)], actions, NAMES)
    assert ids.stories == ("s1", "s2", "s3")
    assert ids.events == ("e1",) and ids.sources == ("health:wire",)


def test_parked_event_and_health_actions_are_fitted_to_the_stored_documents():
    stored = stored_documents(
        stories=[story(1, event_id="e1"), story(2, event_id="e1"), story(3, event_id="e0")],
        events=[event("e1", "s1", "s2")],
        health=[health_after(outcome("ok", T0), outcome("failed", T0 + HOUR))],
    )
    parked_event = index(NAMES.events, "e1", event_document(event("e1", "s1", "s3", "s4")))
    fitted = fit_action(parked_event, stored, NAMES)
    assert fitted is not None
    assert event_from_document(fitted.source).story_ids == ("s1", "s2", "s4")

    orphan = index(NAMES.events, "e5", event_document(event("e5", "s3")))
    assert fit_action(orphan, stored, NAMES) is None

    parked = health_document(health_after(outcome("failed", T0 + 2 * HOUR)))
    fitted = fit_action(index(NAMES.sources, parked["id"], parked), stored, NAMES)
    assert fitted is not None
    health = health_from_document(fitted.source)
    assert (health.consecutive_failures, health.last_success) == (2, T0)


def test_other_actions_and_new_documents_go_as_parked():
    stored = stored_documents()
    others = [
        index(NAMES.sources, "v", validators_document(Validators("https://news.example/f"))),
        BulkAction("update", NAMES.stories, "s1", {"signature": "c2ln"}),
        index(NAMES.sources, "health:wire", health_document(SourceHealth("wire"))),
        index(NAMES.events, "e1", event_document(event("e1", "s1"))),
    ]
    assert [fit_action(a, stored, NAMES) for a in others] == others

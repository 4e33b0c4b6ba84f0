"""The OpenSearch store against a real node: setup, writes, the StoryStore reads, refusals."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
from synthetic_stories import make_stories

from pipeline.crawl_records import CrawlOutcome, KnownStory, Validators
from pipeline.records import Event, Tags
from pipeline.source_records import SourceHealth
from pipeline.store import StoryQuery
from pipeline.store.engine_mappings import MAPPING_VERSION
from pipeline.store.transport import EngineHTTPError

pytestmark = pytest.mark.opensearch

NOW = datetime(2024, 5, 1, 12, 0, tzinfo=UTC)


@pytest.fixture
def store(opensearch_store):
    return opensearch_store


def _layout(store) -> dict:
    """Everything setup decides: templates, mappings, settings that matter, aliases."""
    names = store.names
    template = store.request("GET", f"/_index_template/{names.template}")["index_templates"]
    component = store.request("GET", f"/_component_template/{names.settings_component}")
    mappings = store.request("GET", f"/{names.prefix}-*/_mapping")
    aliases = store.request("GET", f"/{names.prefix}-*/_alias")
    return {
        "template": template,
        "component": component["component_templates"],
        "mappings": mappings,
        "aliases": aliases,
    }


def test_setup_applies_template_alias_and_strict_mappings(store):
    names = store.names
    template = store.request("GET", f"/_index_template/{names.template}")["index_templates"][0]
    assert template["index_template"]["index_patterns"] == [names.stories_pattern]
    assert template["index_template"]["composed_of"] == [names.settings_component]
    aliases = store.request("GET", f"/_alias/{names.stories}")
    assert list(aliases) == [names.stories_index(1)]
    assert aliases[names.stories_index(1)]["aliases"][names.stories]["is_write_index"] is True

    mapping = store.request("GET", f"/{names.stories}/_mapping")[names.stories_index(1)]["mappings"]
    assert mapping["dynamic"] == "strict"
    assert mapping["_meta"]["picket_mapping_version"] == MAPPING_VERSION
    fields = mapping["properties"]
    assert fields["@timestamp"]["type"] == "date"
    assert fields["title"]["analyzer"] == "english"
    assert fields["title"]["fields"]["keyword"]["type"] == "keyword"
    assert fields["title"]["fields"]["shingles"]["analyzer"] == "picket_shingles"
    assert fields["relevance"]["properties"]["score"]["type"] == "float"
    assert fields["relevance"]["properties"]["label"]["type"] == "boolean"
    assert fields["workers"]["type"] == "integer"
    for keyword in ("companies", "actions", "struggles", "tags", "outlet", "url", "event_id"):
        assert fields[keyword]["type"] == "keyword", keyword
    for index in (names.events, names.sources, names.watches):
        assert store.request("GET", f"/{index}/_mapping")[index]["mappings"]["dynamic"] == "strict"
    watch_fields = store.request("GET", f"/{names.watches}/_mapping")[names.watches]["mappings"]
    assert watch_fields["properties"]["query"]["type"] == "percolator"


def test_setup_twice_changes_nothing(store):
    before = _layout(store)
    lines = store.setup()
    assert _layout(store) == before
    assert not any(line.endswith("created") for line in lines)


def test_a_field_outside_the_mapping_is_refused(store):
    with pytest.raises(EngineHTTPError, match="strict_dynamic_mapping_exception"):
        store.request(
            "PUT",
            f"/{store.names.stories}/_doc/x",
            body={"id": "x", "titel": "a typo cannot create a field"},
        )


def test_a_story_the_engine_refuses_is_counted_and_logged_not_lost_silently(store, caplog):
    good, bad = make_stories(2)
    bad = replace(bad, tags=replace(bad.tags, workers=10**12))  # no integer holds it
    result = store.upsert_stories([good, bad])
    assert (result.new, result.refused) == (1, 1)
    assert bad.id in caplog.text and "mapper_parsing_exception" in caplog.text
    assert store.pending_writes() == 0  # refused for good: retrying would not help


def test_stories_round_trip_and_upserts_count_like_sqlite(store):
    stories = make_stories(30)
    first = store.upsert_stories(stories)
    assert (first.new, first.updated, first.unchanged) == (30, 0, 0)
    later = replace(stories[3], first_seen=NOW, title="A new headline")
    again = store.upsert_stories([*stories[:3], later])
    assert (again.new, again.updated, again.unchanged) == (0, 1, 3)
    assert store.get_story(stories[0].id) == stories[0]
    assert store.get_story(later.id).title == "A new headline"
    assert store.get_story(later.id).first_seen == stories[3].first_seen  # the first sighting
    assert store.get_story("no-such-story") is None


def test_run_state_reads_return_what_was_written(store):
    stories = make_stories(40)
    store.upsert_stories(stories)
    store.save_signatures({stories[0].id: b"\x00sig\xff", stories[1].id: b"\x01"})
    event = Event(
        id="event-1",
        first_seen=NOW - timedelta(days=2),
        last_seen=NOW,
        title="Walkout",
        story_ids=(stories[0].id,),
        outlets=("Wire Desk",),
        tags=Tags(companies=("Google",), actions=("protest",), workers=200),
        keywords=("walkout",),
    )
    store.upsert_events([event])
    health = SourceHealth("feed-a", last_attempt=NOW, last_success=NOW, items_seen=4)
    outcome = CrawlOutcome(
        "feed-a", "ok", NOW, 200, validators=(Validators("https://a.example/rss", '"v1"', None),)
    )
    store.record_outcomes([health], [outcome])
    store.refresh()

    assert store.known_urls() == {s.url for s in stories} | {s.canonical_url for s in stories}
    since = sorted(s.first_seen for s in stories)[20]
    recent = store.stories_since(since)
    assert [s.id for s, _ in recent] == [
        s.id for s in sorted(stories, key=lambda s: (s.first_seen, s.id)) if s.first_seen >= since
    ]
    signatures = dict(
        (s.id, sig) for s, sig in store.stories_since(datetime(2000, 1, 1, tzinfo=UTC))
    )
    assert signatures[stories[0].id] == b"\x00sig\xff"
    assert signatures[stories[2].id] is None
    known = {k.id: k for k in store.known_stories(datetime(2000, 1, 1, tzinfo=UTC))}
    assert known[stories[0].id] == KnownStory.of(stories[0], b"\x00sig\xff")
    assert known[stories[2].id] == KnownStory.of(stories[2], None)  # with its text, to sign
    assert store.get_event("event-1") == event
    assert store.recent_events(since=NOW - timedelta(days=1)) == [event]
    assert store.recent_events(since=NOW + timedelta(days=1)) == []
    assert store.source_health() == {"feed-a": health}
    assert store.validators() == {"https://a.example/rss": outcome.validators[0]}
    assert (
        store.recent(limit=3)
        == sorted(stories, key=lambda s: (-s.first_seen.timestamp(), s.id))[:3]
    )


def test_percolator_watches_are_stored_and_matched(store):
    stories = make_stories(60)
    watches = {
        "google-strikes": {
            "bool": {
                "filter": [
                    {"term": {"companies": "Google"}},
                    {"term": {"actions": "strike"}},
                ]
            }
        },
        "open-letters": {"match_phrase": {"body": "open letter"}},
        "nothing": {"term": {"companies": "No Such Company"}},
    }
    store.register_watches(watches)
    matched = store.percolate(stories)
    assert set(matched) == {s.id for s in stories}
    for story in stories:
        expected = []
        if "Google" in story.tags.companies and "strike" in story.tags.actions:
            expected.append("google-strikes")
        if "open letter" in story.text.lower():
            expected.append("open-letters")
        assert matched[story.id] == sorted(expected), story.id
    assert any(matched.values())

    store.register_watches({"open-letters": watches["open-letters"]})  # the others are gone
    assert {name for names in store.percolate(stories).values() for name in names} == {
        "open-letters"
    }


def test_a_watch_the_engine_cannot_parse_is_left_out_naming_it(store):
    refused = store.register_watches(
        {
            "broken-watch": {"term": {"no_such_field": "x"}},
            "open-letters": {"match_phrase": {"body": "open letter"}},
        }
    )
    assert list(refused) == ["broken-watch"] and "failed to parse" in refused["broken-watch"]
    letters = [s for s in make_stories(60) if "open letter" in s.text.lower()]
    assert letters and all(store.percolate(letters)[s.id] == ["open-letters"] for s in letters)


def test_story_counts_by_query(store):
    stories = make_stories(200)
    store.upsert_stories(stories)
    store.refresh()
    relevant = sum(s.relevance.label for s in stories)
    assert store.count() == 200
    assert store.count(StoryQuery(relevant=True)) == relevant
    google = sum("Google" in s.tags.companies for s in stories)
    assert store.count(StoryQuery(filters={"companies": ["GOOGLE"]})) == google

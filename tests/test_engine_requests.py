"""The request bodies both engine stores send: mappings, documents, queries, bulk lines."""

from __future__ import annotations

import json
from dataclasses import fields, replace
from datetime import UTC, datetime, timedelta, timezone

import pytest
from synthetic_stories import make_stories

from pipeline.crawl_records import CrawlOutcome, Validators
from pipeline.query import SEARCHED_FIELDS, QuerySyntaxError, parse_query, to_engine_query
from pipeline.records import Event, Story, Tags
from pipeline.source_records import SourceHealth
from pipeline.store import TAG_FIELDS, StoreError, StoryQuery
from pipeline.store.engine_documents import (
    BulkAction,
    bulk_ndjson,
    crawl_document,
    event_document,
    event_from_document,
    health_document,
    health_from_document,
    story_document,
    story_from_document,
    validators_document,
    validators_from_document,
)
from pipeline.store.engine_mappings import (
    EVENT_MAPPINGS,
    SOURCE_MAPPINGS,
    STORY_MAPPINGS,
    STORY_PROPERTIES,
    WATCH_MAPPINGS,
    IndexNames,
)
from pipeline.store.engine_queries import (
    EXACT_FILTER_FIELDS,
    SORTS,
    search_body,
    story_query,
)
from pipeline.store.transport import with_query


def mapped_fields(properties: dict, prefix: str = "") -> set[str]:
    """Every field name a mapping knows, sub-fields and object fields dotted."""
    names = set()
    for name, spec in properties.items():
        names.add(prefix + name)
        names |= mapped_fields(spec.get("properties", {}), f"{prefix}{name}.")
        names |= {f"{prefix}{name}.{sub}" for sub in spec.get("fields", {})}
    return names


@pytest.mark.parametrize(
    "text",
    ["strike", '"open letter"', "union NOT amazon", "(strike OR protest) engineers",
     "companies:Amazon", "actions:open_letter tags:ice", 'title:walkout OR body:"sit-in"'],
)  # fmt: skip
def test_search_words_are_a_query_in_the_watch_language(text):
    assert story_query(StoryQuery(text=text))["bool"]["must"] == [
        to_engine_query(parse_query(text))
    ]


@pytest.mark.parametrize("text", ["((strike", "strike OR", '"open letter', "colour:red", "   "])
def test_a_search_that_does_not_parse_is_an_error_naming_the_problem(text):
    with pytest.raises(QuerySyntaxError, match="at position"):
        story_query(StoryQuery(text=text))


def test_filters_dates_and_flags_become_filter_clauses():
    query = story_query(
        StoryQuery(
            since=datetime(2024, 1, 1, 2, 0, tzinfo=timezone(timedelta(hours=2))),
            until=datetime(2024, 2, 1),
            relevant=True,
            include_duplicates=False,
            filters={"companies": ["google"], "outlet": ["Wire Desk"], "tags": []},
        )
    )
    filters = query["bool"]["filter"]
    assert {
        "range": {
            "@timestamp": {"gte": "2024-01-01T00:00:00+00:00", "lt": "2024-02-01T00:00:00+00:00"}
        }
    } in filters
    assert {"term": {"relevance.label": True}} in filters
    assert {"terms": {"outlet": ["Wire Desk"]}} in filters
    company = {"term": {"companies": {"value": "google", "case_insensitive": True}}}
    assert {"bool": {"should": [company], "minimum_should_match": 1}} in filters
    assert query["bool"]["must_not"] == [{"exists": {"field": "duplicate_of"}}]
    assert len(filters) == 4  # an empty list filters nothing
    assert story_query(StoryQuery()) == {"match_all": {}}


def test_an_unknown_filter_field_is_an_error():
    with pytest.raises(StoreError, match="compnies"):
        story_query(StoryQuery(filters={"compnies": ["Google"]}))


def test_every_field_a_query_sorts_or_filters_on_is_mapped():
    known = mapped_fields(STORY_PROPERTIES)
    sorted_on = {field for sort in SORTS.values() for clause in sort for field in clause}
    assert sorted_on | set(TAG_FIELDS) | EXACT_FILTER_FIELDS | set(SEARCHED_FIELDS) <= known
    for sort in SORTS.values():
        assert sort[-1] == {"id": "asc"}, "paging needs a unique last sort key"
    body = search_body(StoryQuery(text="x", sort="relevance"), size=5)
    assert body["sort"] == SORTS["relevance"] and body["size"] == 5


def test_mappings_are_strict_so_a_typo_cannot_create_a_field():
    for mappings in (STORY_MAPPINGS, EVENT_MAPPINGS, SOURCE_MAPPINGS, WATCH_MAPPINGS):
        assert mappings["dynamic"] == "strict"
    assert WATCH_MAPPINGS["properties"]["query"] == {"type": "percolator"}


def test_story_documents_fit_the_mapping_and_give_the_story_back():
    known = mapped_fields(STORY_PROPERTIES)
    for story in make_stories(200):
        doc = story_document(story, signature=b"\x00\x01")
        assert mapped_fields({k: {} for k in doc}) <= known
        assert set(doc["relevance"]) <= {"score", "label", "evidence"}
        assert doc["@timestamp"] == (story.published or story.first_seen).isoformat()
        assert story_from_document(doc) == story


def test_a_story_needs_its_first_sighting():
    story = make_stories(1)[0]
    with pytest.raises(ValueError, match="first_seen"):
        story_document(replace(story, first_seen=None))


def test_events_health_validators_and_crawl_log_fit_their_mappings():
    now = datetime(2024, 5, 1, tzinfo=UTC)
    event = Event(
        "e1", now, now, "Walkout", ("s1",), ("Wire",), Tags(companies=("Google",)), ("x",)
    )
    assert event_from_document(event_document(event)) == event
    assert set(event_document(event)) <= set(EVENT_MAPPINGS["properties"])
    health = SourceHealth("feed", last_attempt=now, consecutive_failures=2, last_error="HTTP 500")
    validators = Validators("https://a.example/" + "x" * 900, '"etag"', "Wed, 01 May 2024")
    outcome = CrawlOutcome("feed", "failed", now, 500, "HTTP 500", 0, (validators,))
    sources = set(SOURCE_MAPPINGS["properties"])
    assert health_from_document(health_document(health)) == health
    assert validators_from_document(validators_document(validators)) == validators
    assert len(validators_document(validators)["id"]) < 512  # ids are limited, URLs are not
    for doc in (health_document(health), validators_document(validators), crawl_document(outcome)):
        assert set(doc) <= sources


def test_bulk_lines_are_ndjson_with_one_action_line_per_document():
    actions = [
        BulkAction("index", "p-stories", "s1", {"id": "s1"}, require_alias=True),
        BulkAction("update", "p-stories", "s1", {"signature": "AA=="}),
    ]
    lines = bulk_ndjson(actions).decode().split("\n")
    assert lines[-1] == ""
    assert [json.loads(line) for line in lines[:-1]] == [
        {"index": {"_index": "p-stories", "_id": "s1", "require_alias": True}},
        {"id": "s1"},
        {"update": {"_index": "p-stories", "_id": "s1"}},
        {"doc": {"signature": "AA=="}},
    ]
    assert [BulkAction.from_json(a.to_json()) for a in actions] == actions


def test_versioned_index_names():
    names = IndexNames("picket")
    assert names.stories == "picket-stories"
    assert names.stories_index(1) == "picket-stories-000001"
    assert names.generation("picket-stories-000042") == 42
    with pytest.raises(StoreError):
        names.generation("picket-events")


def test_request_parameters_are_put_in_the_path():
    assert with_query("/_refresh", None) == "/_refresh"
    assert (
        with_query("/_bulk", {"refresh": True, "timeout": "30s"})
        == "/_bulk?refresh=true&timeout=30s"
    )


def test_every_story_field_has_a_place_in_the_document():
    """A field added to ``Story`` must be added to the mapping and the documents too."""
    placed = {
        "id", "url", "canonical_url", "source_id", "title", "text", "outlet", "domain",
        "description", "authors", "language", "published", "first_seen", "fetched_at",
        "fallback", "content_hash", "relevance", "tags", "event_id", "duplicate_of",
    }  # fmt: skip
    assert {f.name for f in fields(Story)} == placed

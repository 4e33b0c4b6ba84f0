"""5,000 stories bulk-indexed into OpenSearch give the same answers as the same stories in
SQLite: filters, date ranges, words, phrases, orders and aggregation counts.

Ranking is not compared (both stores sort by time or by picket's relevance score, not by
text rank).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import replace
from datetime import UTC, datetime

import pytest
from engine_testing import drop_indices, open_test_store
from synthetic_stories import make_stories

from pipeline.records import Event, Tags
from pipeline.store import StoryQuery
from pipeline.store.sqlite import SQLiteStore

pytestmark = pytest.mark.opensearch

COUNT = 5_000


def _events(stories) -> list[Event]:
    """One event per event id of the made-up stories."""
    grouped = defaultdict(list)
    for story in stories:
        if story.event_id:
            grouped[story.event_id].append(story)
    return [
        Event(
            id=event_id,
            first_seen=min(s.first_seen for s in members),
            last_seen=max(s.first_seen for s in members),
            title=members[0].title,
            story_ids=tuple(s.id for s in members),
            outlets=tuple(sorted({s.outlet for s in members})),
            tags=Tags(companies=members[0].tags.companies),
        )
        for event_id, members in grouped.items()
    ]


@pytest.fixture(scope="module")
def stores(opensearch_node, tmp_path_factory):
    """The same 5,000 stories and their events in both stores."""
    folder = tmp_path_factory.mktemp("compare")
    stories = make_stories(COUNT)
    events = _events(stories)
    engine = open_test_store(opensearch_node.url, folder / "outbox.db")
    engine.setup()
    written = engine.upsert_stories(iter(stories))  # a generator is enough
    assert (written.new, written.refused) == (COUNT, 0)
    engine.upsert_events(events)
    engine.refresh()
    sqlite = SQLiteStore(folder / "picket.db")
    sqlite.upsert_stories(stories)
    sqlite.upsert_events(events)
    yield engine, sqlite, stories
    drop_indices(engine)
    engine.close()
    sqlite.close()


def _day(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


QUERIES = {
    "everything": StoryQuery(),
    "relevant": StoryQuery(relevant=True),
    "not relevant": StoryQuery(relevant=False),
    "no duplicates": StoryQuery(include_duplicates=False),
    "company, any case": StoryQuery(filters={"companies": ["google"]}),
    "either company": StoryQuery(filters={"companies": ["Meta", "Activision Blizzard"]}),
    "action": StoryQuery(filters={"actions": ["strike"]}),
    "issue tags": StoryQuery(filters={"tags": ["ice", "ai"]}),
    "struggle": StoryQuery(filters={"struggles": ["ethics"]}),
    "employment type": StoryQuery(filters={"employment_types": ["gig"]}),
    "source": StoryQuery(filters={"source_id": ["laborledger-feed"]}),
    "outlet": StoryQuery(filters={"outlet": ["Tech Courier"]}),
    "language": StoryQuery(filters={"language": ["de"]}),
    "domain": StoryQuery(filters={"domain": ["wiredesk.example"]}),
    "event": StoryQuery(filters={"event_id": ["event-007", "event-123"]}),
    "since": StoryQuery(since=_day("2024-06-01")),
    "until": StoryQuery(until=_day("2023-03-15")),
    "date range": StoryQuery(since=_day("2023-07-01"), until=_day("2023-08-01")),
    "filters together": StoryQuery(
        since=_day("2024-01-01"),
        relevant=True,
        include_duplicates=False,
        filters={"companies": ["Amazon"], "actions": ["open_letter", "protest"]},
    ),
    "a word": StoryQuery(text="strike"),
    "a word's other form (stemmed)": StoryQuery(text="strikes"),
    "every word": StoryQuery(text="engineers signed petition"),
    "a phrase": StoryQuery(text='"open letter"'),
    "either word": StoryQuery(text="walkout OR lawsuit"),
    "but not": StoryQuery(text="union NOT warehouse"),
    "grouped": StoryQuery(text="(strike OR protest) AND engineers"),
    "words in the title": StoryQuery(text="Google"),
    "a tag in the query": StoryQuery(text="companies:amazon OR actions:open_letter"),
    "words limited to the title": StoryQuery(text="title:strike NOT tags:ice"),
    "text and filters": StoryQuery(
        text='"open letter" OR petition',
        relevant=True,
        since=_day("2024-01-01"),
        filters={"tags": ["military_contracts"]},
    ),
    "by relevance": StoryQuery(text="union", sort="relevance"),
    "by first seen": StoryQuery(filters={"outlet": ["Wire Desk"]}, sort="first_seen"),
}


@pytest.mark.parametrize("name", QUERIES)
def test_same_stories_in_the_same_order_as_sqlite(stores, name):
    engine, sqlite, _ = stores
    query = replace(QUERIES[name], limit=COUNT)
    expected = [story.id for story in sqlite.search(query)]
    assert expected, "the query should find something"
    assert [story.id for story in engine.search(query)] == expected
    assert engine.count(query) == sqlite.count(query) == len(expected)


def test_stories_come_back_as_they_were_written(stores):
    engine, sqlite, stories = stores
    sample = stories[::250]
    assert [engine.get_story(s.id) for s in sample] == sample
    from_engine = [replace(s, fetched_at=None) for s in engine.search(StoryQuery(limit=30))]
    assert from_engine == sqlite.search(StoryQuery(limit=30))  # SQLite keeps no fetched_at


def test_stop_words_mean_the_same_in_both_stores(stores):
    """The English analyzer drops stop words ("the", "of", ...) from the index and from
    queries; SQLite indexes its text to mirror it, so a search for only "the" finds nothing
    in either. (Inside a phrase a stop word still differs: on the engines it leaves a gap
    any word fills, on SQLite only another stop word.)"""
    engine, sqlite, _ = stores
    assert sqlite.count(StoryQuery(text="the")) == engine.count(StoryQuery(text="the")) == 0


@pytest.mark.parametrize("relevant_only", [True, False])
@pytest.mark.parametrize("since", [None, "2024-03-01"])
def test_aggregations_count_like_sqlite(stores, relevant_only, since):
    engine, sqlite, _ = stores
    start = _day(since) if since else None
    from_engine = engine.stats(since=start, relevant_only=relevant_only, top=8)
    from_sqlite = sqlite.stats(since=start, relevant_only=relevant_only, top=8)
    assert from_engine == from_sqlite
    assert from_engine.stories and from_engine.events and from_engine.top["companies"]


def test_indexing_the_same_stories_again_changes_no_count(stores):
    engine, _, stories = stores
    again = engine.upsert_stories(stories)
    assert (again.new, again.updated, again.unchanged) == (0, 0, COUNT)
    engine.refresh()
    assert engine.count() == COUNT

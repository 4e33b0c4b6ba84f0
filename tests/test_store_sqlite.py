"""The embedded SQLite store: upserts, full-text search, filters, events and health."""

from __future__ import annotations

import sqlite3
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from pipeline.crawl_records import CrawlOutcome, KnownStory, Validators
from pipeline.query import QuerySyntaxError
from pipeline.records import Event, Relevance, Story, Tags
from pipeline.source_records import SourceHealth
from pipeline.sqlite_tx import use_wal
from pipeline.store import StoreError, StoryQuery
from pipeline.store.sqlite import SQLiteStore

NOW = datetime(2024, 5, 1, 12, 0, tzinfo=UTC)


def make_story(n: int, **changes: object) -> Story:
    story = Story(
        id=f"s{n}",
        url=f"https://news.example/{n}?utm_source=x",
        canonical_url=f"https://news.example/{n}",
        source_id="example",
        title=f"Story number {n}",
        text=f"Body of story {n}. Workers signed an open letter.",
        outlet="Example News",
        domain="news.example",
        published=NOW - timedelta(days=n),
        first_seen=NOW,
    )
    return replace(story, **changes)  # type: ignore[arg-type]


@pytest.fixture
def store(tmp_path):
    with SQLiteStore(tmp_path / "picket.db") as opened:
        yield opened


def test_upsert_twice_leaves_one_story_and_keeps_first_seen(store):
    first = store.upsert_stories([make_story(1)])
    later = make_story(1, first_seen=NOW + timedelta(hours=5))
    again = store.upsert_stories([later])
    assert (first.new, again.new, again.updated, again.unchanged) == (1, 0, 0, 1)
    assert store.count() == 1
    assert store.get_story("s1").first_seen == NOW


def test_changed_story_counts_as_updated(store):
    store.upsert_stories([make_story(1)])
    result = store.upsert_stories([make_story(1, title="A new headline")])
    assert (result.new, result.updated) == (0, 1)
    assert store.get_story("s1").title == "A new headline"
    assert [s.id for s in store.search(StoryQuery(text="headline"))] == ["s1"]
    assert store.search(StoryQuery(text="number")) == []


def test_story_round_trips_exactly(store):
    story = make_story(
        2,
        relevance=Relevance(score=0.9, label=True, evidence=("employees signed",)),
        tags=Tags(companies=("Google",), actions=("open_letter",), workers=4000),
        event_id="evt-1",
    )
    store.upsert_stories([story])
    assert store.get_story("s2") == story


def test_search_filters_dates_and_text(store):
    store.upsert_stories(
        [
            make_story(1, tags=Tags(companies=("Google",), actions=("strike",))),
            make_story(2, tags=Tags(companies=("Amazon",), actions=("open_letter",))),
            make_story(3, relevance=Relevance(0.8, True), text="Drivers went on strike."),
        ]
    )
    ids = lambda q: [s.id for s in store.search(q)]  # noqa: E731
    assert ids(StoryQuery()) == ["s1", "s2", "s3"]  # newest first
    assert ids(StoryQuery(filters={"companies": ["google"]})) == ["s1"]
    assert ids(StoryQuery(filters={"actions": ["strike", "open_letter"]})) == ["s1", "s2"]
    assert ids(StoryQuery(relevant=True)) == ["s3"]
    assert ids(StoryQuery(since=NOW - timedelta(days=2, hours=1))) == ["s1", "s2"]
    assert ids(StoryQuery(until=NOW - timedelta(days=2, hours=1))) == ["s3"]
    assert ids(StoryQuery(text="open letter")) == ["s1", "s2"]
    assert ids(StoryQuery(text='"open letter" OR drivers')) == ["s1", "s2", "s3"]
    assert ids(StoryQuery(text="strikes")) == ["s3"]  # stemmed
    assert store.count(StoryQuery(filters={"companies": ["Amazon"]})) == 1


def test_unknown_filter_field_is_an_error(store):
    with pytest.raises(StoreError, match="unknown field"):
        store.search(StoryQuery(filters={"colour": ["red"]}))


def test_search_takes_the_watch_query_language(store):
    store.upsert_stories(
        [
            make_story(1, tags=Tags(companies=("Amazon",), actions=("open_letter",))),
            make_story(2, title="Walkout at the depot", tags=Tags(tags=("ice",))),
            make_story(3, text="The union's walkout of protest.", outlet="Wire Desk"),
        ]
    )
    ids = lambda text: [s.id for s in store.search(StoryQuery(text=text))]  # noqa: E731
    assert ids("companies:amazon") == ["s1"]  # the tag, not the word
    assert ids("actions:open_letter OR tags:ice") == ["s1", "s2"]
    assert ids("title:walkout") == ["s2"]
    assert ids('walkout NOT outlet:"wire desk"') == ["s2"]
    assert ids('"union walkout to protest"') == ["s3"]  # as the engines: no 's, any stop word


@pytest.mark.parametrize("text", ['"open letter', "(strike OR walkout", "colour:red", "OR"])
def test_a_search_that_does_not_parse_says_where(store, text):
    with pytest.raises(QuerySyntaxError, match="at position"):
        store.search(StoryQuery(text=text))


OLD_WORDS_INDEX = """
DROP TABLE stories_words;
CREATE VIRTUAL TABLE stories_fts USING fts5(
    title, text, content='stories', content_rowid='rowid', tokenize='porter unicode61'
);
INSERT INTO stories_fts (stories_fts) VALUES ('rebuild');
CREATE TRIGGER stories_ai AFTER INSERT ON stories BEGIN
    INSERT INTO stories_fts (rowid, title, text) VALUES (new.rowid, new.title, new.text);
END;
CREATE TRIGGER stories_au AFTER UPDATE OF title, text ON stories BEGIN
    INSERT INTO stories_fts (stories_fts, rowid, title, text)
    VALUES ('delete', old.rowid, old.title, old.text);
    INSERT INTO stories_fts (rowid, title, text) VALUES (new.rowid, new.title, new.text);
END;
"""
"""The full-text index of earlier versions: raw text, kept up by triggers."""


def test_a_database_with_the_earlier_index_is_searched_and_written_after_opening(tmp_path):
    path = tmp_path / "old.db"
    with SQLiteStore(path) as store:
        store.upsert_stories([make_story(1), make_story(2, title="Walkout at the depot")])
    with sqlite3.connect(path) as db:
        db.executescript(OLD_WORDS_INDEX)
    with SQLiteStore(path) as store:
        assert [s.id for s in store.search(StoryQuery(text="walkout"))] == ["s2"]
        assert store.count(StoryQuery(text="letter")) == 2
        store.upsert_stories([make_story(3, title="A walkout again"), make_story(1, title="New")])
        assert [s.id for s in store.search(StoryQuery(text="walkout"))] == ["s2", "s3"]
        assert [s.id for s in store.search(StoryQuery(text="title:new"))] == ["s1"]


def test_events_round_trip_and_recent(store):
    old = Event(
        id="e1",
        first_seen=NOW - timedelta(days=40),
        last_seen=NOW - timedelta(days=39),
        title="Old",
        story_ids=("s1",),
    )
    new = Event(
        id="e2",
        first_seen=NOW,
        last_seen=NOW,
        title="New",
        story_ids=("s2", "s3"),
        outlets=("A", "B"),
        tags=Tags(companies=("Google",)),
    )
    store.upsert_events([old, new])
    store.upsert_events([replace(new, title="Newer")])
    assert store.get_event("e2").title == "Newer"
    assert [e.id for e in store.recent_events(since=NOW - timedelta(days=1))] == ["e2"]


def test_health_validators_and_known_urls(store):
    outcome = CrawlOutcome(
        source_id="feed",
        status="ok",
        attempted_at=NOW,
        http_status=200,
        items_seen=3,
        validators=(Validators("https://x.example/rss", etag='"abc"', last_modified="Mon"),),
    )
    store.record_outcomes([SourceHealth(source_id="feed", last_success=NOW)], [outcome])
    assert store.source_health()["feed"].last_success == NOW
    assert store.validators()["https://x.example/rss"].etag == '"abc"'
    store.upsert_stories([make_story(1)])
    assert store.known_urls() == {"https://news.example/1?utm_source=x", "https://news.example/1"}
    store.save_signatures({"s1": b"\x01\x02"})
    assert store.stories_since(NOW - timedelta(days=1)) == [(make_story(1), b"\x01\x02")]


def test_known_stories_carry_a_text_only_when_unsigned(store):
    store.upsert_stories([make_story(1), make_story(2, event_id="e1", duplicate_of="s1")])
    store.save_signatures({"s1": b"\x01\x02"})

    known = store.known_stories(NOW - timedelta(days=1))

    assert known == [
        KnownStory.of(make_story(1), b"\x01\x02"),
        KnownStory.of(make_story(2, event_id="e1", duplicate_of="s1"), None),
    ]
    assert known[0].text == "" and known[1].text == make_story(2).text
    assert store.known_stories(NOW + timedelta(seconds=1)) == []


def test_second_writer_gets_a_clear_busy_error(tmp_path):
    path = tmp_path / "picket.db"
    with SQLiteStore(path) as first, SQLiteStore(path, timeout_s=0.1) as second:
        first._db.execute("BEGIN IMMEDIATE")
        with pytest.raises(StoreError, match="busy"):
            second.upsert_stories([make_story(1)])
        first._db.execute("ROLLBACK")


def test_a_story_without_a_date_is_ordered_by_when_it_was_first_seen(store):
    dated = [make_story(n) for n in (1, 2, 4)]  # published one, two and four days ago
    undated = make_story(3, published=None, first_seen=NOW - timedelta(days=3))
    store.upsert_stories([undated, *dated])

    newest = [s.id for s in store.search(StoryQuery(sort="newest"))]
    assert newest == ["s1", "s2", "s3", "s4"]
    assert [s.id for s in store.search(StoryQuery(since=NOW - timedelta(days=2, hours=1)))] == [
        "s1",
        "s2",
    ]
    assert [s.id for s in store.recent(limit=4)][-1] == "s3"  # seen before the others


class _LockedAtFirst:
    """A connection whose journal-mode switch finds the file locked ``times`` times."""

    def __init__(self, times: int, message: str = "database is locked") -> None:
        self.times, self.message, self.calls = times, message, 0

    def execute(self, sql: str) -> None:
        self.calls += 1
        if self.calls <= self.times:
            raise sqlite3.OperationalError(self.message)


def test_setting_the_journal_mode_waits_for_another_process_then_gives_up():
    waiting = _LockedAtFirst(times=3)
    use_wal(waiting, timeout_s=5)
    assert waiting.calls == 4

    with pytest.raises(sqlite3.OperationalError, match="locked"):
        use_wal(_LockedAtFirst(times=1000), timeout_s=0.1)
    broken = _LockedAtFirst(times=1, message="file is not a database")
    with pytest.raises(sqlite3.OperationalError, match="not a database"):
        use_wal(broken, timeout_s=5)
    assert broken.calls == 1

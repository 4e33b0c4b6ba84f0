"""The same watches over the same stories match the same way on SQLite and on OpenSearch,
and ``picket search`` with a watch's query finds the stories the watch matches.

SQLite evaluates the query with FTS5; OpenSearch percolates the stories against the
watches stored as percolator queries, on a real node started for these tests.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from engine_testing import drop_indices, opensearch_settings
from test_alert_query import deepest_query, widest_query

from pipeline.alerts import run_alerts
from pipeline.alerts.match import FtsMatcher, PercolatorMatcher, matcher_for
from pipeline.alerts.watches import Watch, WatchSet, parse_watch
from pipeline.query import MAX_QUERY_DEPTH, MAX_QUERY_TERMS, Or, Words
from pipeline.records import Relevance, Story, Tags
from pipeline.settings import updated_settings
from pipeline.store import StoryQuery, open_store
from pipeline.store.sqlite import SQLiteStore

pytestmark = [pytest.mark.opensearch, pytest.mark.slow]

NOW = datetime(2024, 5, 1, 12, 0, tzinfo=UTC)


def make_story(n: int, title: str, text: str, **changes) -> Story:
    base = Story(
        id=f"s{n:02d}",
        url=f"https://news.example/{n}",
        canonical_url=f"https://news.example/{n}",
        source_id="wire" if n % 2 else "daily",
        outlet="The Wire" if n % 2 else "Daily Tech",
        domain="news.example",
        title=title,
        text=text,
        language="en",
        published=NOW - timedelta(hours=n),
        first_seen=NOW,
        relevance=Relevance(0.8, True),
    )
    return replace(base, **changes)


STORIES = [
    make_story(
        1,
        "Google workers stage walkout",
        "Thousands walked off the job at noon.",
        tags=Tags(companies=("Google",), actions=("protest", "strike")),
    ),
    make_story(
        2,
        "Amazon staff publish open letter",
        "Employees are striking over climate.",
        tags=Tags(companies=("Amazon",), actions=("open_letter",), tags=("climate_change",)),
    ),
    make_story(
        3,
        "A letter of protest at Microsoft",
        "Microsoft's engineers signed it.",
        tags=Tags(companies=("Microsoft",), actions=("open_letter",)),
    ),
    make_story(
        4,
        "Union vote at Apple store",
        "The letter was open to all members.",
        tags=Tags(companies=("Apple",), actions=("union_drive",)),
    ),
    make_story(
        5,
        "Quarterly results",
        "Revenue grew and the café reopened.",
        relevance=Relevance(0.1, False),
    ),
    make_story(
        6,
        "Drivers strike for better pay",
        "Gig workers logged off in protest.",
        tags=Tags(actions=("strike",), employment_types=("gig",)),
    ),
    make_story(
        7,
        "Engineers resign over drone contract",
        "They said the Pentagon work crossed a line; the resignations followed a petition.",
        tags=Tags(companies=("Google",), actions=("resignation",), tags=("military_contracts",)),
    ),
    make_story(
        8,
        "Kickstarter employees unionize",
        "Staff voted to form a union.",
        tags=Tags(companies=("Kickstarter",), actions=("union_representation",)),
    ),
    make_story(
        9,
        "Game testers ratify their first contract",
        "The quality assurance union at the studio approved the deal.",
        tags=Tags(companies=("Arkane Studios",), actions=("union_representation",)),
    ),
]

QUERIES = [
    "walkout",
    "strikes",
    "striking",
    '"open letter"',
    '"open letters"',
    '"letter to protest"',
    '"google workers"',
    '"the walkout"',
    "open letter",
    "union OR unionize",
    "unions",
    "companies:google",
    "companies:GOOGLE AND NOT actions:strike",
    "actions:strike OR employment_types:gig",
    "tags:military_contracts OR tags:climate_change",
    "title:union",
    "body:union",
    'outlet:"The Wire"',
    "source_id:daily AND letter",
    "language:en AND (drone OR café)",
    "cafe",
    "NOT (walkout OR union OR letter)",
    '(companies:amazon OR companies:microsoft) "open letter"',
    "companies:MICROSOFT",  # and the studios it owns, through ZeniMax too
    'companies:"arkane studios" OR companies:zenimax',
    '"of the"',
]

WATCHES = [parse_watch({"name": f"w{i:02d}", "query": q}) for i, q in enumerate(QUERIES)]


@pytest.fixture
def engine_settings(opensearch_node, tmp_path):
    return opensearch_settings(
        opensearch_node.url,
        tmp_path,
        alerts_db=tmp_path / "alerts-engine.db",
        alerts_outbox_dir=tmp_path / "mail-engine",
    )


@pytest.fixture
def engine_store(engine_settings):
    store = open_store(engine_settings)
    yield store
    drop_indices(store)
    store.close()


def test_percolator_and_fts_give_the_same_matches(engine_store):
    assert isinstance(matcher_for(engine_store), PercolatorMatcher)
    on_engine = PercolatorMatcher(engine_store).match(WATCHES, STORIES)
    on_sqlite = FtsMatcher().match(WATCHES, STORIES)
    differences = {
        watch.query: (sorted(on_sqlite[watch.name]), sorted(on_engine[watch.name]))
        for watch in WATCHES
        if on_sqlite[watch.name] != on_engine[watch.name]
    }
    assert differences == {}, "query: (sqlite, opensearch)"
    assert sum(len(ids) for ids in on_sqlite.values()) > len(QUERIES)  # not vacuous


def test_a_whole_alert_run_finds_the_same_on_both_stores(
    engine_settings, engine_store, tmp_path: Path
):
    watch_set = WatchSet(
        tuple(replace(w, recipients=("desk@example.org",), include_old=True) for w in WATCHES)
    )
    sqlite_settings = updated_settings(
        engine_settings,
        store="sqlite",
        db_path=tmp_path / "picket.db",
        alerts_db=tmp_path / "alerts-sqlite.db",
        alerts_outbox_dir=tmp_path / "mail-sqlite",
    )
    results = {}
    with SQLiteStore(sqlite_settings.db_path) as sqlite_store:
        for settings, store in ((sqlite_settings, sqlite_store), (engine_settings, engine_store)):
            run_alerts(settings, store, now=NOW - timedelta(minutes=5), watches=watch_set)
            store.upsert_stories(STORIES)
            results[settings.store] = run_alerts(settings, store, now=NOW, watches=watch_set)
            emails = list(settings.alerts_outbox_dir.glob("*.eml"))
            assert len(emails) == results[settings.store].sent > 0
    sqlite, engine = results["sqlite"], results["opensearch"]
    assert (sqlite.matched, sqlite.sent) == (engine.matched, engine.sent)
    assert sorted(sqlite.subjects) == sorted(engine.subjects)


def test_queries_at_the_limits_run_alike_and_one_beyond_is_skipped_alone(engine_store):
    at_limits = [
        parse_watch({"name": "wide", "query": widest_query(MAX_QUERY_TERMS - 1) + " OR union"}),
        parse_watch({"name": "deep", "query": deepest_query(MAX_QUERY_DEPTH)}),
        parse_watch(  # each owner's term names its brands too
            {"name": "owners", "query": " OR ".join(["companies:Microsoft"] * MAX_QUERY_TERMS)}
        ),
    ]
    beyond = Watch(  # a query no check stopped
        name="too big", query="...", ast=Or(tuple(Words(f"w{n}") for n in range(5_000)))
    )
    on_engine = PercolatorMatcher(engine_store).match([beyond, *at_limits], STORIES)
    assert on_engine == FtsMatcher().match(at_limits, STORIES)
    assert on_engine["wide"] and on_engine["owners"]  # not vacuous


SEARCHES = [
    *QUERIES,
    "companies:Amazon",
    "actions:open_letter",
    "tags:military_contracts",
    "title:walkout",
    "title:letter NOT body:letter",
    'employment_types:gig OR outlet:"daily tech"',
    "résignation OR resignations",
]


def test_search_finds_what_a_watch_with_the_query_matches(engine_store, tmp_path: Path):
    """One query language: on each store, a search for a watch's query gives the stories
    the watch's query matches, and both stores give the same."""
    watches = [parse_watch({"name": f"w{i:02d}", "query": q}) for i, q in enumerate(SEARCHES)]
    engine_store.upsert_stories(STORIES)
    engine_store.refresh()
    found = {}
    with SQLiteStore(tmp_path / "picket.db") as sqlite_store:
        sqlite_store.upsert_stories(STORIES)
        for store, matcher in (
            (sqlite_store, FtsMatcher()),
            (engine_store, PercolatorMatcher(engine_store)),
        ):
            matched = matcher.match(watches, STORIES)
            searched = {
                watch.name: {
                    story.id
                    for story in store.search(StoryQuery(text=watch.query, limit=len(STORIES)))
                }
                for watch in watches
            }
            differences = {
                w.query: (sorted(searched[w.name]), sorted(matched[w.name]))
                for w in watches
                if searched[w.name] != matched[w.name]
            }
            assert differences == {}, f"query: (search, watch) on {type(store).__name__}"
            found[type(store).__name__] = searched
    assert found["SQLiteStore"] == found["EngineStore"]
    assert sum(len(ids) for ids in found["SQLiteStore"].values()) > len(SEARCHES)

"""Alert runs and crawls interleaved: a story stored after its watch exists is alerted once.

A crawl stamps its stories at its start and stores them seconds later; alert runs, new
watches and renamed ones come before, during and after. Every order must give each story
stored after a watch to that watch once, and none stored before it. Each scenario runs
on SQLite and on the real OpenSearch node.
"""

from __future__ import annotations

from contextlib import closing
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import yaml
from engine_testing import drop_indices, opensearch_settings

import pipeline.run
from pipeline.alerts import run_alerts
from pipeline.alerts.ledger import Ledger
from pipeline.alerts.service import preview_watch
from pipeline.alerts.watches import load_watches
from pipeline.demo.run import demo_sources
from pipeline.demo.server import DemoSite
from pipeline.process import ProcessedBatch
from pipeline.records import Relevance, Story, Tags
from pipeline.run import run_once, store_batch
from pipeline.settings import Settings, load_settings
from pipeline.store import open_store

T0 = datetime(2024, 5, 1, 10, 0, tzinfo=UTC)
"""When the crawl starts: its stories are first seen then, as the processor stamps them."""


def crawled_story(n: int) -> Story:
    return Story(
        id=f"s{n}",
        url=f"https://news.example/walkout-{n}",
        canonical_url=f"https://news.example/walkout-{n}",
        source_id="wire",
        outlet="The Wire",
        domain="news.example",
        title=f"Warehouse workers stage walkout, report {n}",
        text="Hundreds of workers walked out over the new contract.",
        language="en",
        published=T0 - timedelta(hours=1),
        first_seen=T0,
        relevance=Relevance(0.9, True),
        tags=Tags(actions=("strike",)),
        event_id=f"e{n}",
    )


CRAWL = ProcessedBatch(stories={s.id: s for s in map(crawled_story, (1, 2, 3))})


@dataclass(frozen=True, slots=True)
class Watches:
    """The watches file is set to these names; ``created`` as ``picket watches add`` does."""

    names: tuple[str, ...]
    created: float | None = None  # seconds after T0


@dataclass(frozen=True, slots=True)
class Alerts:
    at: float  # seconds after T0


@dataclass(frozen=True, slots=True)
class Stored:
    at: float  # seconds after T0; the crawl stores its stories (again, for a re-crawl)


Step = Watches | Alerts | Stored

SCENARIOS: dict[str, tuple[list[Step], dict[str, int]]] = {
    "alerts before the crawl": (
        [Watches(("W",)), Alerts(-60), Stored(10), Alerts(20), Alerts(30)],
        {"W": 3},
    ),
    "alerts during the crawl, fresh ledger": (
        [Watches(("W",)), Alerts(4.5), Stored(10), Alerts(20), Alerts(30)],
        {"W": 3},
    ),
    "a write in flight while alerts run": (  # stamped before the alert run, visible after
        [Watches(("W",)), Alerts(12), Stored(10), Alerts(20)],
        {"W": 3},
    ),
    "the crawl's own alert run, as picket run does (its clock is the crawl's start)": (
        [Watches(("W",)), Stored(10), Alerts(0), Alerts(20)],
        {"W": 3},
    ),
    "alerts after the crawl, fresh ledger": (
        [Watches(("W",)), Stored(10), Alerts(20), Alerts(30)],
        {"W": 0},
    ),
    "watch added during the crawl, alerts during it": (
        [
            Watches(("W",)),
            Alerts(-60),
            Watches(("W", "N"), 2),
            Alerts(4.5),
            Stored(10),
            Alerts(20),
            Alerts(30),
        ],
        {"W": 3, "N": 3},
    ),
    "watch added during the crawl, alerts after it": (
        [Watches(("W",)), Alerts(-60), Watches(("W", "N"), 2), Stored(10), Alerts(20)],
        {"W": 3, "N": 3},
    ),
    "watch added after the crawl stored": (
        [Watches(("W",)), Alerts(-60), Stored(10), Watches(("W", "N"), 15), Alerts(20)],
        {"W": 3, "N": 0},
    ),
    "watch without a created time, during the crawl": (
        [Watches(("W",)), Alerts(-60), Watches(("W", "N")), Alerts(4.5), Stored(10), Alerts(20)],
        {"W": 3, "N": 3},
    ),
    "watch renamed during the crawl": (
        [Watches(("W",)), Alerts(-60), Watches(("R",)), Alerts(4.5), Stored(10), Alerts(20)],
        {"W": 0, "R": 3},
    ),
    "watch renamed after its stories were alerted, then a re-crawl": (
        [
            Watches(("W",)),
            Alerts(-60),
            Stored(10),
            Alerts(20),
            Watches(("R",), 25),
            Alerts(30),
            Stored(40),
            Alerts(50),
        ],
        {"W": 3, "R": 0},
    ),
}


def write_watches(path: Path, step: Watches) -> None:
    entries = []
    for name in step.names:
        entry = {"name": name, "query": "walkout", "recipients": ["desk@example.org"]}
        if step.created is not None and name != "W":
            entry["created"] = (T0 + timedelta(seconds=step.created)).isoformat()
        entries.append(entry)
    path.write_text(yaml.safe_dump({"watches": entries}), encoding="utf-8")


def play(settings: Settings, steps: list[Step]) -> dict[str, int]:
    """Run the steps in order; how many stories the emails told each watch."""
    with closing(open_store(settings)) as store:
        try:
            for step in steps:
                if isinstance(step, Watches):
                    write_watches(settings.watches_file, step)
                elif isinstance(step, Alerts):
                    run_alerts(settings, store, now=T0 + timedelta(seconds=step.at))
                else:
                    stored_at = T0 + timedelta(seconds=step.at)
                    store_batch(store, CRAWL, (), settings=settings, stored_at=stored_at)
        finally:
            if settings.store == "opensearch":
                drop_indices(store)  # type: ignore[arg-type]
    told: dict[str, int] = {}
    with closing(Ledger(settings.alerts_db)) as ledger:
        for email in ledger.emails(("pending", "sent", "failed"), limit=None):
            told[email.watch] = told.get(email.watch, 0) + email.stories
        for watch in told:
            ids = [m.story_id for m in ledger.matches(watch) if m.kind != "grouped"]
            assert len(ids) == len(set(ids)), f"{watch} told a story twice"
    return told


@pytest.fixture(
    params=["sqlite", pytest.param("opensearch", marks=[pytest.mark.opensearch, pytest.mark.slow])]
)
def settings(request, tmp_path) -> Settings:
    common = {
        "watches_file": tmp_path / "watches.yaml",
        "alerts_db": tmp_path / "alerts.db",
        "alerts_outbox_dir": tmp_path / "mail",
        "work_dir": tmp_path / "work",
        "allow_private_addresses": True,  # the demo site on 127.0.0.1
        "download_delay_s": 0,
    }
    if request.param == "sqlite":
        return load_settings(store="sqlite", db_path=tmp_path / "picket.db", **common)
    node = request.getfixturevalue("opensearch_node")
    return opensearch_settings(node.url, tmp_path, **common)


@pytest.mark.parametrize("scenario", list(SCENARIOS))
def test_each_story_stored_after_a_watch_is_alerted_to_it_once(settings, scenario):
    steps, expected = SCENARIOS[scenario]
    told = play(settings, steps)
    assert {name: told.get(name, 0) for name in expected} == expected


def test_an_alert_run_during_picket_run_leaves_the_crawls_stories_to_later_runs(
    settings, monkeypatch
):
    """``picket run &`` then ``picket alerts run`` while it crawls, on a fresh ledger."""
    settings.watches_file.write_text(
        "watches:\n  - name: Walkouts\n    query: 'actions:strike OR walkout'\n"
        "    recipients: [desk@example.org]\n    include_old: true\n",
        encoding="utf-8",
    )
    crawl_sources = pipeline.run.crawl_sources
    during: list[int] = []

    def crawl_then_alerts_run(*args, **kwargs):
        result = crawl_sources(*args, **kwargs)
        with closing(open_store(settings)) as other:  # another process's alert run
            during.append(run_alerts(settings, other, now=datetime.now(UTC)).watches)
        return result

    monkeypatch.setattr(pipeline.run, "crawl_sources", crawl_then_alerts_run)
    with DemoSite() as site:
        run_once(settings, sources=demo_sources(site.base_url))
    monkeypatch.undo()
    with closing(open_store(settings)) as store:
        try:
            run_alerts(settings, store, now=datetime.now(UTC))  # picket alerts run, later
            watch = load_watches(settings.watches_file).watches[0]
            now = datetime.now(UTC)
            found = preview_watch(store, watch, now=now, since=now - timedelta(days=1))
            wanted = {story.id for story in found}
        finally:
            if settings.store == "opensearch":
                drop_indices(store)  # type: ignore[arg-type]
    with closing(Ledger(settings.alerts_db)) as ledger:
        matches = ledger.matches("Walkouts")
        emails = ledger.emails(("pending", "sent", "failed"), limit=None)
    assert during == [1] and len(wanted) > 5
    assert sorted(m.story_id for m in matches) == sorted(wanted)
    told = [m for m in matches if m.kind != "grouped"]
    assert all(m.batch_id is not None for m in told)
    assert sum(e.stories for e in emails) == len(told)

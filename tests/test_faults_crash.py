"""A run that dies between two of its writes leaves a store the next run makes whole.

``picket run`` writes a batch in steps (events, stories, signatures, then source health
and feed validators). Killing the process at a random moment rarely lands between two
steps (``test_faults_kill.py`` tries), so here each step in turn is made to "crash": it
raises an exception nothing catches, after the steps before it were committed. The next
run must end with the same stories as a run that never crashed, every story's event
stored, and every event's stories stored.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path

import pytest
from picket_env import settings_in

from pipeline.demo.run import demo_sources
from pipeline.demo.server import DemoSite
from pipeline.run import run_once
from pipeline.settings import Settings
from pipeline.store.sqlite import SQLiteStore

WRITES = ("upsert_events", "upsert_stories", "save_signatures", "record_outcomes")


class Crash(BaseException):
    """Stands in for the process dying: no ``except Exception`` stops it."""


@pytest.fixture(scope="module")
def site() -> Iterator[DemoSite]:
    with DemoSite() as running:
        yield running


def stored(settings: Settings) -> tuple[set[str], dict[str, str | None], dict[str, list[str]]]:
    """Story ids, each story's event, and each event's story ids."""
    import json

    with closing(sqlite3.connect(settings.db_path)) as db:
        stories = dict(db.execute("SELECT id, event_id FROM stories").fetchall())
        events = {
            event_id: json.loads(record)["story_ids"]
            for event_id, record in db.execute("SELECT id, record FROM events")
        }
    return set(stories), stories, events


@pytest.fixture(scope="module")
def expected(site: DemoSite, tmp_path_factory: pytest.TempPathFactory) -> set[str]:
    settings = settings_in(tmp_path_factory.mktemp("reference"))
    run_once(settings, sources=demo_sources(site.base_url))
    ids, _, _ = stored(settings)
    assert len(ids) > 40
    return ids


@pytest.mark.parametrize("write", WRITES)
def test_a_run_that_dies_between_writes_is_made_whole_by_the_next(
    site: DemoSite,
    expected: set[str],
    write: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    settings = settings_in(tmp_path)
    sources = demo_sources(site.base_url)

    def crash(*args: object, **kwargs: object) -> None:
        raise Crash(f"died instead of {write}")

    with monkeypatch.context() as patched:
        patched.setattr(SQLiteStore, write, crash)
        with pytest.raises(Crash):
            run_once(settings, sources=sources)
    run_once(settings, sources=sources, force=True)

    ids, event_of, events = stored(settings)
    assert ids == expected
    missing_events = {e for e in event_of.values() if e is not None and e not in events}
    assert missing_events == set(), "stories point at events that were never stored"
    phantom = {s for story_ids in events.values() for s in story_ids if s not in ids}
    assert phantom == set(), "events list stories that were never stored"

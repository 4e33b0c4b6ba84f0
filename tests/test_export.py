"""Archive rows from events: sources, tags, and a date only where the stories give one."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime

from synthetic_stories import one_story

from pipeline.export import write_cat_csv
from pipeline.records import Event, Story, Tags

FOUND = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)


def _rows(events: list[Event], stories: list[Story]) -> list[dict[str, str]]:
    by_id = {s.id: s for s in stories}
    output = io.StringIO()
    write_cat_csv(events, by_id.get, output)
    return list(csv.DictReader(io.StringIO(output.getvalue())))


def test_an_event_gets_its_first_storys_date_and_its_originals_as_sources():
    voted = datetime(2020, 2, 18, 15, tzinfo=UTC)
    stories = [one_story("a", voted), one_story("b", None, duplicate_of="a")]
    event = Event(
        id="e1",
        first_seen=voted,
        last_seen=FOUND,
        title="Staff vote to unionise",
        story_ids=("a", "b"),
        tags=Tags(companies=("Kickstarter",), actions=("union_drive",)),
    )
    (row,) = _rows([event], stories)
    assert row["date"] == "2020-02-18"
    assert row["sources"] == "https://news.example/a"
    assert row["companies"] == "Kickstarter" and row["actions"] == "union_drive"


def test_an_event_whose_stories_carry_no_date_leaves_the_date_to_the_reviewer():
    event = Event(id="e1", first_seen=FOUND, last_seen=FOUND, title="x", story_ids=("a",))
    (row,) = _rows([event], [one_story("a", None)])
    assert row["date"] == ""

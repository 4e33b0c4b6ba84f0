"""``picket stats``: stories and events per week and the most frequent tags.

The search engine stores compute these with aggregations; for the SQLite store they are
counted from the records. Both give a ``StoryStats`` with the same buckets: weeks start
on Monday 00:00 UTC, and ties between equally frequent values go to the smaller value,
as the engines' terms aggregations do.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

from pipeline.records import Event, Story

WeekCounts = tuple[tuple[date, int], ...]

STAT_FIELDS: tuple[str, ...] = ("companies", "actions", "struggles", "tags")
"""The tag fields whose most frequent values the stats show."""


@dataclass(frozen=True, slots=True)
class StoryStats:
    """Counts over a window of stories and the events active in it."""

    stories: int = 0
    events: int = 0
    stories_per_week: WeekCounts = ()
    events_per_week: WeekCounts = ()
    top: Mapping[str, tuple[tuple[str, int], ...]] = field(default_factory=dict)


def week_of(moment: datetime) -> date:
    """The Monday (UTC) of the week ``moment`` falls in."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    day = moment.astimezone(UTC).date()
    return day - timedelta(days=day.weekday())


def _per_week(moments: Iterable[datetime]) -> WeekCounts:
    return tuple(sorted(Counter(week_of(m) for m in moments).items()))


def _most_frequent(counter: Counter[str], top: int) -> tuple[tuple[str, int], ...]:
    return tuple(sorted(counter.items(), key=lambda item: (-item[1], item[0]))[:top])


def stats_from_records(
    stories: Iterable[Story], events: Iterable[Event], *, top: int
) -> StoryStats:
    """The stats of ``stories`` (already filtered to the window) and ``events``."""
    stories = list(stories)
    events = list(events)
    counters: dict[str, Counter[str]] = {name: Counter() for name in STAT_FIELDS}
    for story in stories:
        for name in STAT_FIELDS:
            counters[name].update(set(getattr(story.tags, name)))
    return StoryStats(
        stories=len(stories),
        events=len(events),
        stories_per_week=_per_week(s.published or s.first_seen for s in stories),
        events_per_week=_per_week(e.first_seen for e in events),
        top={name: _most_frequent(counters[name], top) for name in STAT_FIELDS},
    )


def _weeks(buckets: Iterable[Mapping[str, Any]]) -> WeekCounts:
    return tuple(
        (datetime.fromtimestamp(b["key"] / 1000, UTC).date(), b["doc_count"])
        for b in buckets
        if b["doc_count"]
    )


def stats_from_aggregations(stories: Mapping[str, Any], events: Mapping[str, Any]) -> StoryStats:
    """The stats from the engine's answers to ``story_stats_body`` and ``event_stats_body``."""
    aggs = stories["aggregations"]
    return StoryStats(
        stories=stories["hits"]["total"]["value"],
        events=events["hits"]["total"]["value"],
        stories_per_week=_weeks(aggs["per_week"]["buckets"]),
        events_per_week=_weeks(events["aggregations"]["per_week"]["buckets"]),
        top={
            name: tuple((b["key"], b["doc_count"]) for b in aggs[name]["buckets"])
            for name in STAT_FIELDS
        },
    )

"""Export events as candidate rows for the Collective Action in Tech archive.

The columns follow the archive's layout so a reviewer can paste accepted rows in; the
description is left empty on purpose: writing it is the reviewer's job, not picket's. So is
the date of an event whose stories carry none: picket only knows when it first saw them.
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterable
from typing import TextIO

from pipeline.events import undated_events
from pipeline.records import Event, Story

CAT_COLUMNS: tuple[str, ...] = (
    "date",
    "sources",
    "actions",
    "struggles",
    "employment_types",
    "description",
    "companies",
    "workers",
    "tags",
)


def cat_row(event: Event, stories: Iterable[Story]) -> dict[str, str]:
    """One archive row for ``event``; ``stories`` are its stories (their URLs are the sources)."""
    stories = list(stories)
    urls = [s.canonical_url for s in stories if s.duplicate_of is None] or [
        s.canonical_url for s in stories
    ]
    tags = event.tags
    undated = event.id in undated_events([event], stories)
    return {
        "date": "" if undated else event.first_seen.date().isoformat(),
        "sources": "\n".join(dict.fromkeys(urls)),
        "actions": ", ".join(tags.actions),
        "struggles": ", ".join(tags.struggles),
        "employment_types": ", ".join(tags.employment_types),
        "description": "",
        "companies": ", ".join(tags.companies),
        "workers": "" if tags.workers is None else str(tags.workers),
        "tags": ", ".join(tags.tags),
    }


def write_cat_csv(
    events: Iterable[Event], get_story: Callable[[str], Story | None], output: TextIO
) -> int:
    """Write one row per event, oldest first; returns how many rows were written."""
    writer = csv.DictWriter(output, fieldnames=CAT_COLUMNS)
    writer.writeheader()
    count = 0
    for event in sorted(events, key=lambda e: (e.first_seen, e.id)):
        stories = [s for s in map(get_story, event.story_ids) if s is not None]
        if not any(s.relevance.label for s in stories):
            continue
        writer.writerow(cat_row(event, stories))
        count += 1
    return count

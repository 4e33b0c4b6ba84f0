"""Tables the CLI prints: stories, events and sources, readable on a terminal or in a log."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime

from rich import box
from rich.console import Console
from rich.table import Table

from pipeline.records import Event, Source, SourceHealth, Story


def _render(table: Table) -> str:
    console = Console(width=160, record=True, file=None, force_terminal=False, color_system=None)
    with console.capture() as capture:
        console.print(table)
    return capture.get().rstrip()


def _day(moment: datetime | None) -> str:
    return moment.strftime("%Y-%m-%d") if moment else "—"


def _when(moment: datetime | None) -> str:
    return moment.strftime("%Y-%m-%d %H:%M") if moment else "—"


def _joined(values: Sequence[str]) -> str:
    return ", ".join(values) or "—"


def stories_table(stories: Sequence[Story]) -> str:
    """One row per story: date, relevance, outlet, title, tags."""
    if not stories:
        return "No stories found."
    table = Table(box=box.SIMPLE, show_lines=False)
    for name in ("published", "rel", "outlet", "title", "companies", "actions", "tags"):
        table.add_column(name, overflow="fold")
    for story in stories:
        table.add_row(
            _day(story.published),
            f"{'✔' if story.relevance.label else ' '} {story.relevance.score:.2f}",
            story.outlet,
            story.title + (" (duplicate)" if story.duplicate_of else ""),
            _joined(story.tags.companies),
            _joined(story.tags.actions),
            _joined(story.tags.tags),
        )
    return _render(table)


def events_table(events: Sequence[Event]) -> str:
    """One row per event: when, how many stories and outlets, title, tags."""
    if not events:
        return "No events found."
    table = Table(box=box.SIMPLE)
    for name in ("first seen", "last seen", "stories", "outlets", "title", "companies", "actions"):
        table.add_column(name, overflow="fold")
    for event in events:
        table.add_row(
            _day(event.first_seen),
            _day(event.last_seen),
            str(len(event.story_ids)),
            str(len(event.outlets)),
            event.title,
            _joined(event.tags.companies),
            _joined(event.tags.actions),
        )
    return _render(table)


def sources_table(sources: Sequence[Source], health: Mapping[str, SourceHealth]) -> str:
    """One row per configured source with its crawl health."""
    table = Table(box=box.SIMPLE)
    for name in (
        "id",
        "kind",
        "on",
        "last attempt",
        "last success",
        "fails",
        "status",
        "items",
        "next due",
        "last error",
    ):
        table.add_column(name, overflow="fold")
    for source in sources:
        h = health.get(source.id) or SourceHealth(source_id=source.id)
        table.add_row(
            source.id,
            source.kind,
            "yes" if source.enabled else "no",
            _when(h.last_attempt),
            _when(h.last_success),
            str(h.consecutive_failures),
            h.last_status or "never polled",
            str(h.items_seen),
            _when(h.next_due),
            (h.last_error or "")[:80],
        )
    return _render(table)

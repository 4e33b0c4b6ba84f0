"""Tables the CLI prints: stories, events and sources, readable on a terminal or in a log."""

from __future__ import annotations

import logging
import re
from collections.abc import Collection, Iterable, Mapping, Sequence
from datetime import datetime

from rich import box
from rich.console import Console
from rich.table import Table
from rich.text import Text

from pipeline.records import Event, Source, SourceHealth, Story

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def terminal_safe(value: str) -> str:
    """``value`` without control characters, so no escape sequence reaches a terminal."""
    return _CONTROL.sub("", value)


class TerminalSafeFormatter(logging.Formatter):
    """Log lines without control characters: text from the web cannot drive a terminal."""

    def format(self, record: logging.LogRecord) -> str:
        return terminal_safe(super().format(record))


def table_text(columns: Sequence[str], rows: Iterable[Sequence[str]]) -> str:
    """A plain-text table; cells are shown as given, never read as rich markup."""
    table = Table(box=box.SIMPLE)
    for name in columns:
        table.add_column(name, overflow="fold")
    for row in rows:
        table.add_row(*(Text(terminal_safe(cell)) for cell in row))
    console = Console(width=160, force_terminal=False, color_system=None)
    with console.capture() as capture:
        console.print(table)
    return capture.get().rstrip()


DATE_UNKNOWN = "date unknown"
"""Shown for a story without a publication date (sorted by when picket first saw it)."""


def _day(moment: datetime | None) -> str:
    return moment.strftime("%Y-%m-%d") if moment else DATE_UNKNOWN


def _when(moment: datetime | None) -> str:
    return moment.strftime("%Y-%m-%d %H:%M") if moment else "—"


def _joined(values: Sequence[str]) -> str:
    return ", ".join(values) or "—"


def stories_table(stories: Sequence[Story]) -> str:
    """One row per story: date, relevance, outlet, title, tags."""
    if not stories:
        return "No stories found."
    return table_text(
        ("published", "rel", "outlet", "title", "companies", "actions", "tags"),
        (
            (
                _day(story.published),
                f"{'✔' if story.relevance.label else ' '} {story.relevance.score:.2f}",
                story.outlet,
                story.title + (" (duplicate)" if story.duplicate_of else ""),
                _joined(story.tags.companies),
                _joined(story.tags.actions),
                _joined(story.tags.tags),
            )
            for story in stories
        ),
    )


def events_table(events: Sequence[Event], undated: Collection[str] = ()) -> str:
    """One row per event: when, how many stories and outlets, title, tags.

    ``undated`` are the ids of events none of whose stories has a date: their span is only
    when picket first saw them, so it shows as unknown.
    """
    if not events:
        return "No events found."
    return table_text(
        ("first seen", "last seen", "stories", "outlets", "title", "companies", "actions"),
        (
            (
                _day(None if event.id in undated else event.first_seen),
                _day(None if event.id in undated else event.last_seen),
                str(len(event.story_ids)),
                str(len(event.outlets)),
                event.title,
                _joined(event.tags.companies),
                _joined(event.tags.actions),
            )
            for event in events
        ),
    )


NOT_CONFIGURED = "not configured"
"""Marks a source the store has health for that the sources file no longer (or never) lists."""


def sources_table(sources: Sequence[Source], health: Mapping[str, SourceHealth]) -> str:
    """One row per configured source with its crawl health, then one per source only the
    store knows (removed from the sources file, or crawled with other settings)."""
    columns = ("id", "kind", "on", "last attempt", "last success", "fails", "status", "items",
               "next due", "last error")  # fmt: skip
    rows = [
        _health_row(source.id, source.kind, "yes" if source.enabled else "no", health)
        for source in sources
    ]
    configured = {source.id for source in sources}
    rows += [
        _health_row(source_id, "—", NOT_CONFIGURED, health)
        for source_id in sorted(health.keys() - configured)
    ]
    return table_text(columns, rows)


def _health_row(
    source_id: str, kind: str, enabled: str, health: Mapping[str, SourceHealth]
) -> tuple[str, ...]:
    h = health.get(source_id) or SourceHealth(source_id=source_id)
    return (
        source_id,
        kind,
        enabled,
        _when(h.last_attempt),
        _when(h.last_success),
        str(h.consecutive_failures),
        h.last_status or "never polled",
        str(h.items_seen),
        _when(h.next_due),
        (h.last_error or "")[:80],
    )

"""Tables the CLI prints: stories, events and sources, readable on a terminal or in a log."""

from __future__ import annotations

import logging
import os
import re
import sys
import unicodedata
from collections.abc import Collection, Iterable, Mapping, Sequence
from datetime import datetime
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # annotations only: each listing loads only what it shows
    from pipeline.records import Event, Story
    from pipeline.source_records import Source, SourceHealth
    from pipeline.vocabulary import Term

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
NARROW = 100
"""Below this many columns, tables leave out their optional columns."""
_LONG_TEXT = frozenset({"title", "meaning", "query", "filters", "subject", "field:value"})
"""Columns given a quarter of the width at least."""
_LISTS = frozenset({"outlet", "companies", "actions", "tags", "recipients", "to"})
"""Columns of names and lists, which wrap within a ninth of the width."""


def terminal_safe(value: str) -> str:
    """``value`` without control characters, so no escape sequence reaches a terminal."""
    return _CONTROL.sub("", value)


class TerminalSafeFormatter(logging.Formatter):
    """Log lines without control characters: text from the web cannot drive a terminal."""

    def format(self, record: logging.LogRecord) -> str:
        return terminal_safe(super().format(record))


class TerminalLogHandler(logging.Handler):
    """rich's log lines for a terminal, with rich loaded at the first record: a command that
    logs nothing (a search, a listing) starts without it."""

    def __init__(self) -> None:
        super().__init__()
        self._rich: logging.Handler | None = None

    def emit(self, record: logging.LogRecord) -> None:
        if self._rich is None:
            from rich.logging import RichHandler

            self._rich = RichHandler(show_path=False, rich_tracebacks=False)
            self._rich.setFormatter(self.formatter)
        self._rich.emit(record)


def output_width() -> int:
    """The terminal's width (or ``COLUMNS``); 160 when the output is not a terminal (a log,
    a pipe), where lines may be long.

    ``shutil.get_terminal_size``'s rule for the width, without loading shutil (and the
    compression modules it imports) for it.
    """
    try:
        columns = int(os.environ["COLUMNS"])
    except (KeyError, ValueError):
        columns = 0
    if columns > 0:
        return columns
    try:
        return os.get_terminal_size(sys.__stdout__.fileno()).columns or 160
    except (AttributeError, ValueError, OSError):  # no stdout, or not a terminal
        return 160


def table_text(
    columns: Sequence[str],
    rows: Iterable[Sequence[str]],
    *,
    optional: Collection[str] = (),
    width: int | None = None,
) -> str:
    """A plain-text table as wide as the output at most; cells are shown as given, minus
    control characters. Below ``NARROW`` columns the ``optional`` columns are left out, and
    long cells wrap (a word longer than its column is folded)."""
    width = width or output_width()
    kept = [i for i, name in enumerate(columns) if width >= NARROW or name not in optional]
    header = [columns[i] for i in kept]
    body = [[terminal_safe(row[i]) for i in kept] for row in rows]
    widths = _column_widths(header, body, width)
    lines = [
        *_row_lines(header, widths),
        "─" * (sum(widths) + len(_GAP) * (len(widths) - 1)),
        *(line for cells in body for line in _row_lines(cells, widths)),
    ]
    return "\n".join(f" {line}".rstrip() for line in lines)


_GAP = "   "
"""Between two columns; each line also starts with a space."""


def _column_widths(header: Sequence[str], body: Sequence[Sequence[str]], width: int) -> list[int]:
    """Each column as wide as its longest line, within its bounds (long text a quarter of
    ``width`` at least, lists a ninth at most), then the widest narrowed one cell at a time
    until the table fits ``width``."""
    available = width - 1 - len(_GAP) * (len(header) - 1)
    widths, floors = [], []
    for i, name in enumerate(header):
        lines = [line for text in (name, *(row[i] for row in body)) for line in text.split("\n")]
        floors.append(width // 4 if name in _LONG_TEXT else 1)
        most = max(10, width // 9) if name in _LISTS else width
        widths.append(min(max(max(map(cell_width, lines)), floors[-1]), most))
    while sum(widths) > available:
        widest = max(range(len(widths)), key=lambda i: (widths[i] > floors[i], widths[i]))
        if widths[widest] <= floors[widest]:
            break
        widths[widest] -= 1
    return widths


def _row_lines(cells: Sequence[str], widths: Sequence[int]) -> list[str]:
    """The lines of one table row: each cell wrapped to its column, padded with spaces."""
    wrapped = [_wrapped(cell, width) for cell, width in zip(cells, widths, strict=True)]
    return [
        _GAP.join(
            _padded(lines[n] if n < len(lines) else "", width)
            for lines, width in zip(wrapped, widths, strict=True)
        )
        for n in range(max(map(len, wrapped)))
    ]


def _wrapped(text: str, width: int) -> list[str]:
    """``text`` in lines of at most ``width`` cells: at spaces, and within longer words."""
    lines = []
    for paragraph in text.split("\n"):
        line = ""
        for word in paragraph.split():
            while cell_width(word) > width:  # fold a word longer than the column
                if line:
                    lines.append(line)
                    line = ""
                cut = _fitting(word, width)
                lines.append(word[:cut])
                word = word[cut:]
            if line and cell_width(line) + 1 + cell_width(word) > width:
                lines.append(line)
                line = word
            else:
                line = f"{line} {word}" if line else word
        lines.append(line)
    return lines


def _fitting(word: str, width: int) -> int:
    """How many characters of ``word`` fit ``width`` cells (one at least)."""
    used = 0
    for i, char in enumerate(word):
        used += _char_width(char)
        if used > width:
            return max(i, 1)
    return len(word)


def _padded(text: str, width: int) -> str:
    return text + " " * (width - cell_width(text))


def cell_width(text: str) -> int:
    """How many terminal cells ``text`` takes: two for wide (East Asian) characters, none
    for combining marks."""
    return len(text) if text.isascii() else sum(map(_char_width, text))


def _char_width(char: str) -> int:
    if char.isascii():
        return 1
    if unicodedata.combining(char):
        return 0
    return 2 if unicodedata.east_asian_width(char) in "WF" else 1


def shown_note(shown: int, total: int) -> str | None:
    """What a cut list says under its table, or None when everything is shown."""
    if total <= shown:
        return None
    return f"{shown} of {total} shown; --limit {total} shows them all"


DATE_UNKNOWN = "date unknown"
"""Shown for a story without a publication date (sorted by when picket first saw it)."""


def _day(moment: datetime | None) -> str:
    return moment.strftime("%Y-%m-%d") if moment else DATE_UNKNOWN


def _when(moment: datetime | None) -> str:
    return moment.strftime("%Y-%m-%d %H:%M") if moment else "—"


def _joined(values: Sequence[str]) -> str:
    return ", ".join(values) or "—"


def stories_table(stories: Sequence[Story], *, urls: bool = False) -> str:
    """One row per story: date, relevance, outlet, title (and its link), tags."""
    if not stories:
        return "No stories found."
    return table_text(
        ("published", "rel", "outlet", "title", "companies", "actions", "tags"),
        (
            (
                _day(story.published),
                f"{'✔' if story.relevance.label else ' '} {story.relevance.score:.2f}",
                story.outlet,
                _titled(
                    story.title + (" (duplicate)" if story.duplicate_of else ""),
                    story.url if urls else None,
                ),
                _joined(story.tags.companies),
                _joined(story.tags.actions),
                _joined(story.tags.tags),
            )
            for story in stories
        ),
        optional=("actions", "tags"),
    )


def events_table(
    events: Sequence[Event],
    undated: Collection[str] = (),
    links: Mapping[str, str] | None = None,
) -> str:
    """One row per event: when, how many stories and outlets, title (and the link of its
    first story, from ``links`` by event id), tags.

    ``undated`` are the ids of events none of whose stories has a date: their span is only
    when picket first saw them, so it shows as unknown.
    """
    if not events:
        return "No events found."
    links = links or {}
    return table_text(
        ("first seen", "last seen", "stories", "outlets", "title", "companies", "actions"),
        (
            (
                _day(None if event.id in undated else event.first_seen),
                _day(None if event.id in undated else event.last_seen),
                str(len(event.story_ids)),
                str(len(event.outlets)),
                _titled(event.title, links.get(event.id)),
                _joined(event.tags.companies),
                _joined(event.tags.actions),
            )
            for event in events
        ),
        optional=("last seen", "outlets", "actions"),
    )


def vocabulary_table(
    vocabularies: Mapping[str, Mapping[str, Term]], counts: Mapping[tuple[str, str], int]
) -> str:
    """One row per tag value: the field:value to type, its stored stories, what it means."""
    return table_text(
        ("field:value", "stories", "meaning"),
        (
            (f"{field}:{value}", str(counts.get((field, value), 0)), term.meaning)
            for field, terms in vocabularies.items()
            for value, term in terms.items()
        ),
    )


def _titled(title: str, url: str | None) -> str:
    return f"{title}\n{url}" if url else title


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
    return table_text(columns, rows, optional=("kind", "last attempt", "items", "next due"))


def _health_row(
    source_id: str, kind: str, enabled: str, health: Mapping[str, SourceHealth]
) -> tuple[str, ...]:
    from pipeline.source_records import SourceHealth  # only `picket sources` shows health

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

"""``picket review``: the stories the judge is least sure of, put to a person one by one.

``review_queue`` picks them (pure): recent stories not yet labelled, duplicates left out,
those whose score lies nearest the relevance threshold first and, among equally unsure
ones, the newest first. ``review`` shows each story and reads one key: y relevant, n not
relevant, s skip, o open the page, q quit. The keys, the screen and the browser come in as
functions, so the loop is tested without a terminal and driven by a real one in use.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from pipeline.display import terminal_safe
from pipeline.records import Story

UNCERTAINTY_STEP = 0.05
"""Scores this close to each other count as equally unsure, so the newer story comes first."""
KEYS = "[y] relevant  [n] not relevant  [s] skip  [o] open  [q] quit"


def review_queue(
    stories: Iterable[Story], *, labelled: Collection[str], threshold: float, limit: int
) -> list[Story]:
    """The ``limit`` stories most worth a person's look (see the module docstring)."""
    oldest = datetime.min.replace(tzinfo=UTC)

    def order(story: Story) -> tuple[int, float, str]:
        unsure = int(abs(story.relevance.score - threshold) / UNCERTAINTY_STEP)
        seen = story.first_seen or oldest
        return (unsure, -seen.timestamp(), story.id)

    open_ = [s for s in stories if s.id not in labelled and s.duplicate_of is None]
    return sorted(open_, key=order)[:limit]


def describe(story: Story, position: str = "") -> list[str]:
    """What a person sees of a story before deciding: headline, outlet, date, score, why."""
    when = story.published or story.first_seen
    verdict = "relevant" if story.relevance.label else "not relevant"
    lines = [
        f"{position}{terminal_safe(story.title) or '(no headline)'}",
        f"  {terminal_safe(story.outlet or story.domain)}, {when:%Y-%m-%d}"
        if when
        else f"  {terminal_safe(story.outlet or story.domain)}",
        f"  score {story.relevance.score:.2f} ({verdict})   id {story.id}",
    ]
    evidence = "; ".join(terminal_safe(e) for e in story.relevance.evidence)
    lines.append(f"  evidence: {evidence or 'none'}")
    if story.tags.companies or story.tags.actions:
        tagged = ", ".join((*story.tags.companies, *story.tags.actions))
        lines.append(f"  tags: {terminal_safe(tagged)}")
    return lines


@dataclass(frozen=True, slots=True)
class ReviewSummary:
    """What a review session did."""

    relevant: int = 0
    not_relevant: int = 0
    skipped: int = 0

    def line(self) -> str:
        return (
            f"labelled {self.relevant} relevant, {self.not_relevant} not relevant; "
            f"skipped {self.skipped}"
        )


def review(
    stories: Sequence[Story],
    *,
    read_key: Callable[[], str],
    echo: Callable[[str], None],
    label: Callable[[Story, bool], None],
    open_url: Callable[[str], bool],
) -> ReviewSummary:
    """Ask about each story in turn until the list ends or the person quits."""
    relevant = not_relevant = skipped = 0
    for number, story in enumerate(stories, start=1):
        echo("")
        for line in describe(story, f"[{number}/{len(stories)}] "):
            echo(line)
        while True:
            echo(KEYS)
            key = read_key().lower()
            if key in ("q", "\x03", "\x04", ""):
                return ReviewSummary(relevant, not_relevant, skipped)
            if key == "o":
                if open_url(story.url):
                    echo(f"opened {terminal_safe(story.url)}")
                else:
                    echo(terminal_safe(story.url))
                continue
            if key in ("y", "n"):
                label(story, key == "y")
                relevant += key == "y"
                not_relevant += key == "n"
                echo("-> relevant" if key == "y" else "-> not relevant")
                break
            if key == "s":
                skipped += 1
                break
            echo(f"unknown key {key!r}")
    return ReviewSummary(relevant, not_relevant, skipped)

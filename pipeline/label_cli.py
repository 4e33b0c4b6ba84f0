"""``picket label`` and ``picket review``: people correct picket, and picket keeps it.

A correction is kept in the story store, re-judges the stored story and its copies at
once (and every later upsert of either), and queues them for the next alert run to match
again; the alert ledger still sends no story twice to one watch. ``picket label export``
writes the corrections in the labelled corpus's format, for training.
"""

from __future__ import annotations

import json
import logging
import os
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import closing, contextmanager
from dataclasses import replace
from datetime import UTC, datetime
from typing import TYPE_CHECKING

import click

if TYPE_CHECKING:  # the stack is imported by the commands that use it, so --help is quick
    from pipeline.records import Correction, Story
    from pipeline.settings import Settings
    from pipeline.store import StoryStore
    from pipeline.understand.events import Regrouped

log = logging.getLogger(__name__)

REVIEW_POOL = 1000
"""How many of the most recently seen stories ``picket review`` chooses from."""


def record_correction(settings: Settings, store: StoryStore, correction: Correction) -> Story:
    """Keep ``correction``, re-judge its story and the story's copies in the store and group
    them again into events, queue them for the alerts; the story as corrected.

    A copy (``duplicate_of``) is the same article as its original: labelling a copy labels
    the original, and the correction holds for every copy. An unknown story id raises
    ``LabelError``."""
    from pipeline.alerts.ledger import Ledger
    from pipeline.labels import LabelError, apply_correction

    story = store.get_story(correction.story_id)
    if story is None:
        raise LabelError(
            f"no story with id {correction.story_id!r} in the store "
            "(`picket search --json` and `picket review` show story ids)"
        )
    if story.duplicate_of and (original := store.get_story(story.duplicate_of)) is not None:
        log.info("story %s copies story %s: the label is kept for that one", story.id, original.id)
        story, correction = original, replace(correction, story_id=original.id)
    copies = store.copies_of(story.id)
    with closing(Ledger(settings.alerts_db)) as ledger:  # first: one that cannot open stops
        store.save_correction(correction)
        regrouped = regroup_corrected(
            store,
            apply_correction(story, correction),
            [apply_correction(c, correction) for c in copies],
        )
        store.upsert_events(regrouped.events)  # events first, as a crawl stores them
        moved = [replace(s, event_id=regrouped.story.event_id) for s in (story, *copies)]
        store.upsert_stories(moved)  # the store applies the correction it now keeps
        store.delete_events(regrouped.emptied)
        ledger.queue_recheck([s.id for s in moved], correction.labelled_at)
    log.info("story %s labelled %s", story.id, "relevant" if correction.relevant else "not")
    return apply_correction(moved[0], correction)


def regroup_corrected(store: StoryStore, story: Story, copies: Sequence[Story] = ()) -> Regrouped:
    """Where the corrected ``story`` and its ``copies`` belong among the stored events: the
    events a crawl would offer it (those near its time, its original's), and its own
    event's stories."""
    from pipeline.run import EVENT_WINDOW
    from pipeline.understand.events import regroup

    when = story.published or story.first_seen or datetime.now(UTC)
    candidates = store.recent_events(since=when - EVENT_WINDOW, limit=10_000)
    original = store.get_story(story.duplicate_of) if story.duplicate_of else None
    if original is not None and original.event_id:
        candidates += [e for e in [store.get_event(original.event_id)] if e is not None]
    own = store.get_event(story.event_id) if story.event_id else None
    others = [store.get_story(i) for i in own.story_ids if i != story.id] if own else []
    return regroup(
        story,
        [s for s in others if s is not None],
        candidates,
        lookup_event=store.get_event,
        now=when,
        copies=copies,
    )


class _LabelGroup(click.Group):
    """``picket label STORY_ID ...`` labels a story; ``picket label export`` exports."""

    def resolve_command(
        self, ctx: click.Context, args: list[str]
    ) -> tuple[str | None, click.Command | None, list[str]]:
        if args and args[0] not in self.commands:
            args = ["story", *args]
        return super().resolve_command(ctx, args)


class _StoryLabel(click.Command):
    """Its usage line reads as it is typed: ``picket label STORY_ID [OPTIONS]``."""

    def format_usage(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        group = ctx.parent.command_path if ctx.parent else "label"
        formatter.write_usage(group, "STORY_ID [OPTIONS]")


@click.group("label", cls=_LabelGroup)
def label_group() -> None:
    """Correct picket's judgement of a story, or export the corrections.

    \b
    picket label STORY_ID --relevant [--company NAME] [--action KIND]
    picket label STORY_ID --not-relevant [--negative-kind KIND]
    picket label export [--output FILE]
    """


@label_group.command("story", cls=_StoryLabel, hidden=True)
@click.argument("story_id")
@click.option("--relevant/--not-relevant", "relevant", default=None, help="The verdict.")
@click.option("--company", multiple=True, help="The acting employer (repeatable, first first).")
@click.option("--action", multiple=True, help="What the workers did, e.g. strike (repeatable).")
@click.option("--negative-kind", help="Why a story that is not relevant looks like one.")
@click.pass_obj
def label_story(
    obj,
    story_id: str,
    relevant: bool | None,
    company: Sequence[str],
    action: Sequence[str],
    negative_kind: str | None,
) -> None:
    """Record a correction of one story: picket re-judges it at once and keeps it so."""
    from pipeline.labels import LabelError, make_correction
    from pipeline.review import describe
    from pipeline.store.cli import opened_store

    if relevant is None:
        raise click.UsageError("say whether the story is --relevant or --not-relevant")
    try:
        correction = make_correction(
            story_id,
            relevant=relevant,
            labelled_at=datetime.now(UTC).replace(microsecond=0),
            companies=company,
            actions=action,
            negative_kind=negative_kind,
        )
        with opened_store(obj.settings) as store:
            story = record_correction(obj.settings, store, correction)
    except LabelError as exc:
        log.warning("label not recorded: %s", exc)
        raise click.ClickException(str(exc)) from exc
    for line in describe(story):
        click.echo(line)


@label_group.command("export")
@click.option("--output", "-o", type=click.File("w", encoding="utf-8"), default="-")
@click.pass_obj
def export_labels(obj, output) -> None:
    """Every correction as a JSON line in the labelled corpus's format."""
    from pipeline.labels import corrections_as_rows
    from pipeline.store.cli import opened_store

    count = 0
    with opened_store(obj.settings) as store:
        for row in corrections_as_rows(store):
            output.write(json.dumps(row, ensure_ascii=False) + "\n")
            count += 1
    log.info("exported %s corrections", count)


@click.command("review")
@click.option("--limit", default=20, show_default=True, type=click.IntRange(1, REVIEW_POOL))
@click.pass_obj
def review_command(obj, limit: int) -> None:
    """Label the recent stories picket is least sure of, one key each (on a terminal);
    elsewhere, list them."""
    import webbrowser

    from pipeline.labels import make_correction
    from pipeline.review import describe, review, review_queue
    from pipeline.store.cli import opened_store

    settings = obj.settings
    with opened_store(settings) as store:
        labelled = {correction.story_id for correction in store.corrections()}
        queue = review_queue(
            store.recent(limit=REVIEW_POOL),
            labelled=labelled,
            threshold=settings.relevance_threshold,
            limit=limit,
        )
        if not queue:
            click.echo("No stories to review.")
            return
        if not (sys.stdin.isatty() and sys.stdout.isatty()):
            for number, story in enumerate(queue, start=1):
                click.echo("\n".join(describe(story, f"[{number}/{len(queue)}] ")))
            return

        def label(story: Story, relevant: bool) -> None:
            now = datetime.now(UTC).replace(microsecond=0)
            correction = make_correction(story.id, relevant=relevant, labelled_at=now)
            record_correction(settings, store, correction)

        with _key_presses() as read_key:
            summary = review(
                queue, read_key=read_key, echo=click.echo, label=label, open_url=webbrowser.open
            )
    click.echo(summary.line())


@contextmanager
def _key_presses() -> Iterator[Callable[[], str]]:
    """Read single key presses, unechoed, for the whole session, so keys typed ahead of a
    question are kept; Ctrl-C reads as quitting. The terminal is restored afterwards."""
    import termios
    import tty

    fd = sys.stdin.fileno()
    saved = termios.tcgetattr(fd)
    tty.setcbreak(fd, termios.TCSANOW)

    def read_key() -> str:
        try:
            return os.read(fd, 1).decode("utf-8", "replace")
        except KeyboardInterrupt:
            return "q"

    try:
        yield read_key
    finally:
        termios.tcsetattr(fd, termios.TCSADRAIN, saved)

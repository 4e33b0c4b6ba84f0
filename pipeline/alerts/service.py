"""One alert run: match newly seen stories to the watches, queue what is due, send it.

Stories are picked by when picket first saw them, never by publication date, so a story
indexed late is still found, and one that is old news (published before the watch's age
limit) or older than the watch itself is not alerted unless the watch asks for it. Every
step writes to the ledger (``pipeline.alerts.ledger``) before the next one starts, so a
run can stop anywhere and the next run finishes the job without losing or doubling an
email.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from contextlib import closing
from dataclasses import dataclass
from datetime import datetime, timedelta

from pipeline.alerts.ledger import (
    Ledger,
    LedgerBusy,
    Match,
    MatchKind,
    OutgoingEmail,
    WatchState,
)
from pipeline.alerts.mailer import (
    Mailer,
    MailError,
    build_message,
    envelope_sender,
    new_message_id,
    open_mailer,
    unsubscribe_link,
)
from pipeline.alerts.match import FtsMatcher, matcher_for, matching_stories
from pipeline.alerts.render import AlertItem, discover_url, is_public_url, render_alert
from pipeline.alerts.watches import Watch, WatchSet, load_watches
from pipeline.records import Story
from pipeline.settings import Settings
from pipeline.store import StoreError, StoryStore

log = logging.getLogger(__name__)

LATE_WINDOW = timedelta(days=2)
"""How far before the newest story already looked at a run looks again, for stories that a
crawl overlapping the last alert run stored late."""


@dataclass(frozen=True, slots=True)
class AlertSummary:
    """What one alert run did."""

    watches: int = 0
    problems: int = 0
    stories: int = 0
    matched: int = 0
    queued: int = 0
    sent: int = 0
    pending: int = 0
    failed: int = 0
    subjects: tuple[str, ...] = ()
    busy: bool = False

    def line(self) -> str:
        if self.busy:
            return "alerts: skipped, another alert run is in progress"
        problems = f" ({self.problems} with problems)" if self.problems else ""
        return (
            f"alerts: {self.watches} watches{problems}, {self.stories} new stories checked, "
            f"{self.matched} matches; emails: {self.sent} sent, {self.pending} pending, "
            f"{self.failed} failed"
        )


@dataclass(frozen=True, slots=True)
class _Delivery:
    sent: tuple[str, ...] = ()
    failed: int = 0


def run_alerts(
    settings: Settings,
    store: StoryStore,
    *,
    now: datetime,
    mailer: Mailer | None = None,
    watches: WatchSet | None = None,
) -> AlertSummary:
    """Match, queue and send; safe to run again at any time, and after any crash."""
    watch_set = watches if watches is not None else load_watches(settings.watches_file)
    for problem in watch_set.problems:
        log.warning("watch skipped: %s", problem)
    active = [watch for watch in watch_set.watches if watch.enabled]
    mailer = mailer or open_mailer(settings)
    with closing(Ledger(settings.alerts_db)) as ledger:
        try:
            with ledger.exclusive():
                states = ledger.register_watches(
                    {watch.name: watch.created for watch in active},
                    now.replace(microsecond=0),
                )
                checked, matched = match_new_stories(
                    ledger, store, active, states, settings=settings, now=now
                )
                queued = queue_due_alerts(ledger, store, active, states, settings=settings, now=now)
                delivery = deliver_pending(ledger, mailer, now=now)
        except LedgerBusy as exc:
            log.warning("%s; this alert run does nothing", exc)
            return AlertSummary(busy=True)
        pending = ledger.counts()["pending"]
    return AlertSummary(
        watches=len(active),
        problems=len(watch_set.problems),
        stories=checked,
        matched=matched,
        queued=queued,
        sent=len(delivery.sent),
        pending=pending,
        failed=delivery.failed,
        subjects=delivery.sent,
    )


# --- matching -----------------------------------------------------------------------


def match_new_stories(
    ledger: Ledger,
    store: StoryStore,
    watches: Sequence[Watch],
    states: Mapping[str, WatchState],
    *,
    settings: Settings,
    now: datetime,
) -> tuple[int, int]:
    """Record every match of the stories no run has checked yet; (checked, matched)."""
    if not watches:
        return 0, 0
    _show_recent_writes(store)
    cursor = ledger.cursor()
    since = min(state.registered_at for state in states.values())
    if cursor is not None:
        since = max(since, cursor - LATE_WINDOW)
    stored = [story for story, _ in store.stories_since(since)]
    seen = ledger.seen(story.id for story in stored)
    fresh = [s for s in stored if s.id not in seen and s.first_seen is not None]
    if not fresh:
        return 0, 0
    found = matching_stories(matcher_for(store), watches, fresh)
    matches: list[Match] = []
    for watch in watches:
        alertable = [
            story
            for story in found[watch.name]
            if is_alertable(story, watch, states[watch.name], settings=settings, now=now)
        ]
        matches.extend(classify_matches(ledger, watch, alertable, now=now))
    ledger.record_matches(matches, {story.id: story.first_seen for story in fresh})
    newest = ledger.cursor()
    if newest is not None:
        ledger.forget_seen_before(newest - 2 * LATE_WINDOW)
    log.info(
        "alerts: %s new stories checked against %s watches, %s matches",
        len(fresh),
        len(watches),
        len(matches),
    )
    return len(fresh), len(matches)


def _show_recent_writes(store: StoryStore) -> None:
    """Let a search engine's searches see the stories this run just wrote (a no-op elsewhere)."""
    try:
        store.refresh()
    except StoreError as exc:  # no index yet, or unreachable: the read that follows tells
        log.debug("cannot refresh the store before matching: %s", exc)


def is_alertable(
    story: Story, watch: Watch, state: WatchState, *, settings: Settings, now: datetime
) -> bool:
    """Not older than the watch, and not old news unless the watch asks for old stories."""
    if story.first_seen is None or story.first_seen < state.registered_at:
        return False
    if watch.include_old or story.published is None:
        return True
    max_age = timedelta(days=watch.max_age_days or settings.alerts_max_age_days)
    return story.published >= now - max_age


def event_key(story: Story) -> str:
    """What a story is grouped under: its event, else the story it duplicates, else itself."""
    if story.event_id:
        return f"event:{story.event_id}"
    return f"story:{story.duplicate_of or story.id}"


def classify_matches(
    ledger: Ledger, watch: Watch, stories: Sequence[Story], *, now: datetime
) -> list[Match]:
    """Each story as a new event, more coverage of one already told, or grouped silently."""
    ordered = sorted(
        stories,
        key=lambda s: (s.duplicate_of is not None, -s.relevance.score, s.first_seen, s.id),
    )
    keys = {story.id: event_key(story) for story in ordered}
    told = ledger.delivered_events(watch.name, keys.values())
    taken: set[str] = set()
    matches = []
    for story in ordered:
        key = keys[story.id]
        kind: MatchKind
        if key in taken or (key in told and not told[key]):
            kind = "grouped"
        elif key in told:
            kind = "more" if watch.more_coverage and story.duplicate_of is None else "grouped"
        else:
            kind = "new"
        if kind != "grouped":
            taken.add(key)
        matches.append(
            Match(
                watch=watch.name,
                story_id=story.id,
                event_key=key,
                kind=kind,
                first_seen=story.first_seen or now,
                matched_at=now,
            )
        )
    return matches


# --- queueing -----------------------------------------------------------------------


def queue_due_alerts(
    ledger: Ledger,
    store: StoryStore,
    watches: Sequence[Watch],
    states: Mapping[str, WatchState],
    *,
    settings: Settings,
    now: datetime,
) -> int:
    """Render and queue the emails of every watch whose alert is due; how many were queued."""
    queued = 0
    for watch in watches:
        if not watch.recipients:
            continue
        digest_at = None
        if watch.schedule is not None:
            state = states[watch.name]
            digest_at = watch.schedule.last_slot(now)
            if digest_at <= (state.last_digest_at or state.registered_at):
                continue
        waiting = ledger.waiting(watch.name)
        if not waiting:
            if digest_at is not None:
                ledger.mark_digest(watch.name, digest_at)
            continue
        emails = compose_emails(watch, waiting, store, settings=settings, now=now)
        ledger.queue(
            watch.name, [m.story_id for m in waiting], emails, now=now, digest_at=digest_at
        )
        queued += len(emails)
    return queued


def compose_emails(
    watch: Watch,
    waiting: Sequence[Match],
    store: StoryStore,
    *,
    settings: Settings,
    now: datetime,
) -> list[OutgoingEmail]:
    """One rendered email per recipient for the waiting matches, capped at ``max_stories``."""
    items = []
    for match in waiting:
        story = store.get_story(match.story_id)
        if story is None:
            log.warning("watch %s: story %s is gone from the store", watch.name, match.story_id)
            continue
        event = store.get_event(story.event_id) if story.event_id else None
        outlets = len(event.outlets) if event and event.outlets else 1
        items.append(
            AlertItem(story, kind="more" if match.kind == "more" else "new", outlets=outlets)
        )
    if not items:
        return []
    items.sort(key=_item_order)
    shown = items[: watch.max_stories]
    since = min((i.story.first_seen for i in items if i.story.first_seen), default=None)
    dated = (i.story.published or i.story.first_seen for i in items)  # Kibana's @timestamp
    rest_url = (
        discover_url(
            settings.kibana_url,
            watch,
            data_view=f"{settings.index_prefix}-stories",
            since=min((when for when in dated if when), default=None),
        )
        if settings.kibana_url and is_public_url(settings.kibana_url)
        else None
    )
    rendered = render_alert(watch, shown, total=len(items), rest_url=rest_url, since=since)
    unsubscribe = unsubscribe_link(settings.unsubscribe_url, settings.mail_from, watch.name)
    emails = []
    for recipient in watch.recipients:
        message_id = new_message_id(settings.mail_from)
        message = build_message(
            rendered,
            sender=settings.mail_from,
            recipient=recipient,
            message_id=message_id,
            date=now,
            unsubscribe=unsubscribe,
            watch_name=watch.name,
        )
        emails.append(
            OutgoingEmail(
                recipient=recipient,
                sender=envelope_sender(settings.mail_from),
                message_id=message_id,
                subject=rendered.subject,
                stories=len(items),
                message=message,
            )
        )
    return emails


def _item_order(item: AlertItem) -> tuple[bool, float, float]:
    when = item.story.published or item.story.first_seen
    return (item.kind != "new", -item.story.relevance.score, -(when.timestamp() if when else 0))


# --- sending ------------------------------------------------------------------------


def deliver_pending(ledger: Ledger, mailer: Mailer, *, now: datetime) -> _Delivery:
    """Send every pending email, oldest first; stop at the first server that cannot take it."""
    sent: list[str] = []
    failed = 0
    for email in ledger.pending():
        try:
            mailer.send(email.sender, email.recipient, email.message)
        except MailError as exc:
            ledger.mark_attempt_failed(email.id, str(exc), give_up=exc.permanent)
            if exc.permanent:
                failed += 1
                log.error(
                    "alert %s to %s refused for good: %s", email.message_id, email.recipient, exc
                )
                continue
            log.warning(
                "alert %s to %s stays pending for the next run: %s",
                email.message_id,
                email.recipient,
                exc,
            )
            break
        ledger.mark_sent(email.id, now)
        sent.append(email.subject)
        log.info("alert sent to %s: %s", email.recipient, email.subject)
    return _Delivery(sent=tuple(sent), failed=failed)


# --- previews -----------------------------------------------------------------------


def preview_watch(
    store: StoryStore, watch: Watch, *, now: datetime, since: datetime
) -> list[Story]:
    """The stored stories first seen since ``since`` that the watch matches.

    Always matched with FTS5, which gives the engines' matches without touching the
    percolator index an alert run may be using.
    """
    stored = [story for story, _ in store.stories_since(since)]
    found = matching_stories(FtsMatcher(), [watch], stored)[watch.name]
    return sorted(found, key=lambda s: s.first_seen or now, reverse=True)

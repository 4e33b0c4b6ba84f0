"""One alert run: match newly stored stories to the watches, queue what is due, send it.

Each story is looked at by one alert run only: the first that finds it stored. A watch
starts at its ``created`` time (``picket watches add``), else when the first alert run
that knows it starts (``picket run``'s, before its crawl). That run, which registers the
watch in the ledger, alerts the stories it finds stored since the watch's start, and
every later run alerts all it finds, as those were stored after the registering run
read the store: a story stored after its watch is alerted once however alert runs and
crawls interleave, and one stored before is not. Stories that are old news (published
before the watch's age limit) are not alerted unless the watch asks for them. Every step
writes to the ledger (``pipeline.alerts.ledger``) before the next one starts, so a run
can stop anywhere and the next run finishes the job without losing or doubling an email.
A story a person corrected (``picket label``) waits in the ledger's re-check queue and is
matched again by the next run, however long ago it was stored, if it was stored after the
watch started. One corrected while its match waits for its email (a digest not yet due, a
run that stopped after matching) is matched again when the email is built, and left out
of it, dropped in the ledger with the reason, if the watch no longer takes it.
"""

from __future__ import annotations

import logging
from collections import Counter
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
from pipeline.alerts.watches import Watch, WatchSet, configured_watches, missing_file_hint
from pipeline.labels import is_corrected
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
    """Match, queue and send; safe to run again at any time, and after any crash.

    Raises ``WatchesFileMissing`` when ``PICKET_WATCHES_FILE`` names no file.
    """
    watch_set = watches if watches is not None else configured_watches(settings)
    if watches is None and (hint := missing_file_hint(settings.watches_file)):
        log.info("alerts: %s", hint)
    for problem in watch_set.problems:
        log.warning("watch skipped: %s", problem)
    active = [watch for watch in watch_set.watches if watch.enabled]
    mailer = mailer or open_mailer(settings)
    with closing(Ledger(settings.alerts_db)) as ledger:
        try:
            with ledger.exclusive():
                states = ledger.watch_states(watch.name for watch in active)
                checked, matched, skipped = match_new_stories(
                    ledger, store, active, states, settings=settings, now=now
                )
                states = ledger.watch_states(watch.name for watch in active)
                queued = queue_due_alerts(ledger, store, active, states, settings=settings, now=now)
                delivery = deliver_pending(ledger, mailer, now=now)
        except LedgerBusy as exc:
            log.warning("%s; this alert run does nothing", exc)
            return AlertSummary(busy=True)
        pending = ledger.counts()["pending"]
    return AlertSummary(
        watches=len(active),
        problems=len(watch_set.problems) + skipped,
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
) -> tuple[int, int, int]:
    """Record every match of the stories no run has checked yet, and register the watches
    new to the ledger with them; (checked, matched, watches that could not be evaluated)."""
    if not watches:
        return 0, 0, 0
    _show_recent_writes(store)
    since = window_since(
        ledger.cursor(),
        ledger.window_start(),
        [state.registered_at for state in states.values()],
        now=now,
    )
    stored = [story for story, _ in store.stories_since(since)]
    seen = ledger.seen(story.id for story in stored)
    fresh = [s for s in stored if s.id not in seen and s.first_seen is not None]
    rechecks = ledger.rechecks()
    rechecked = _rechecked_stories(store, rechecks.story_ids, {s.id for s in fresh})
    fresh += rechecked
    rechecked_ids = {story.id for story in rechecked}
    registered = {
        watch.name: watch.created or now.replace(microsecond=0)
        for watch in watches
        if watch.name not in states
    }
    try:
        found = matching_stories(matcher_for(store), watches, fresh) if fresh else {}
    except StoreError:
        # The engine cannot take the watches (it is down): register the new ones all the
        # same, so that the stories this run stored, which the next run matches, count as
        # stored after them rather than before.
        ledger.record_matches([], {}, since=since, registered=registered)
        raise
    skipped = [watch.name for watch in watches if fresh and watch.name not in found]
    matches: list[Match] = []
    for watch in watches:
        alertable = [
            story
            for story in found.get(watch.name, ())
            if is_alertable(story, watch, states.get(watch.name), settings=settings, now=now)
            and not (
                story.id in rechecked_ids
                and _stored_before_registration(story, states.get(watch.name))
            )
        ]
        matches.extend(classify_matches(ledger, watch, alertable, now=now))
    ledger.record_matches(
        matches,
        {story.id: story.first_seen for story in fresh},
        since=since,
        registered=registered,
        rechecked=rechecks.upto,
    )
    newest = ledger.cursor()
    if newest is not None:
        ledger.forget_seen_before(newest - 2 * LATE_WINDOW)
    log.info(
        "alerts: %s new stories checked against %s watches, %s matches",
        len(fresh),
        len(watches),
        len(matches),
    )
    return len(fresh), len(matches), len(skipped)


def window_since(
    cursor: datetime | None,
    last_since: datetime | None,
    registered: Sequence[datetime],
    *,
    now: datetime,
) -> datetime:
    """How far back a run looks: ``LATE_WINDOW`` before the newest story looked at, never
    further back than the last run looked (so no story the last run could see is new
    now). A ledger kept before runs noted how far they looked starts at the earliest
    registered watch, as its runs did."""
    since = (cursor or now) - LATE_WINDOW
    floor = last_since if last_since is not None else min(registered, default=None)
    return max(since, floor) if floor is not None else since


def _rechecked_stories(store: StoryStore, story_ids: Sequence[str], taken: set[str]) -> list[Story]:
    """The stories queued for re-checking (``Ledger.queue_recheck``) that are still stored,
    whenever they were first seen; the alertable rule still holds them to the watch's age."""
    found = (store.get_story(story_id) for story_id in story_ids if story_id not in taken)
    return [story for story in found if story is not None and story.first_seen is not None]


def _stored_before_registration(story: Story, state: WatchState | None) -> bool:
    """Whether a re-checked story, an old one found again, was stored before its registered
    watch (in the registering run, ``stored_before_watch`` already tells)."""
    if state is None or story.first_seen is None:
        return False
    return story.first_seen < state.registered_at


def _show_recent_writes(store: StoryStore) -> None:
    """Let a search engine's searches see the stories this run just wrote (a no-op elsewhere)."""
    try:
        store.refresh()
    except StoreError as exc:  # no index yet, or unreachable: the read that follows tells
        log.debug("cannot refresh the store before matching: %s", exc)


def is_alertable(
    story: Story, watch: Watch, state: WatchState | None, *, settings: Settings, now: datetime
) -> bool:
    """Stored after the watch started, and not old news unless the watch asks for it."""
    if story.first_seen is None or stored_before_watch(story, watch, state, now=now):
        return False
    if watch.include_old or story.published is None:
        return True
    max_age = timedelta(days=watch.max_age_days or settings.alerts_max_age_days)
    return story.published >= now - max_age


def stored_before_watch(
    story: Story, watch: Watch, state: WatchState | None, *, now: datetime
) -> bool:
    """Whether a story an alert run finds was stored before the watch started.

    ``state`` is None in the run that registers the watch: of the stories it finds, those
    first seen (stored, see ``pipeline.run.store_batch``) before the watch's ``created``
    time, or before this run began, were there before the watch. A later run finds only
    stories stored after that run read the store.
    """
    if state is not None:
        return False
    start = watch.created or now.replace(microsecond=0)
    return story.first_seen is None or story.first_seen < start


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
        waiting = still_matching(ledger, store, watch, watches)
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


def still_matching(
    ledger: Ledger, store: StoryStore, watch: Watch, watches: Sequence[Watch]
) -> list[Match]:
    """The watch's waiting matches, less those whose story a correction has taken out of
    the watch since it matched: matched again with the run's matcher (all ``watches``,
    as the percolator keeps them), and dropped in the ledger with the reason."""
    while True:
        waiting = ledger.waiting(watch.name)
        found = (store.get_story(match.story_id) for match in waiting)
        corrected = [story for story in found if story is not None and is_corrected(story)]
        if not corrected:
            return waiting
        matching = matching_stories(matcher_for(store), watches, corrected)
        if watch.name not in matching:  # cannot be evaluated now: keep what matched before
            return waiting
        kept = {story.id for story in matching[watch.name]}
        reasons = {story.id: _drop_reason(story) for story in corrected if story.id not in kept}
        if not reasons:
            return waiting
        ledger.drop(watch.name, reasons)
        log.info(
            "watch %s: %s matches dropped from its email after a correction (%s)",
            watch.name,
            len(reasons),
            ", ".join(f"{n} {why}" for why, n in Counter(reasons.values()).items()),
        )


def _drop_reason(story: Story) -> str:
    if not story.relevance.label:
        return "corrected as not relevant"
    return "corrected, no longer matches the watch"


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
    """Send every pending email, oldest first; stop at the first server that cannot take it.

    The emails left when it stops count a failed try with its reason, as the run could not
    deliver them either, so ``picket alerts status`` shows why each one waits.
    """
    sent: list[str] = []
    failed = 0
    pending = ledger.pending()
    for position, email in enumerate(pending):
        try:
            mailer.send(email.sender, email.recipient, email.message)
        except MailError as exc:
            if exc.permanent:
                ledger.mark_attempt_failed([email.id], str(exc), give_up=True)
                failed += 1
                log.error(
                    "alert %s to %s refused for good: %s", email.message_id, email.recipient, exc
                )
                continue
            left = [waiting.id for waiting in pending[position:]]
            ledger.mark_attempt_failed(left, str(exc), give_up=False)
            log.warning(
                "alert %s to %s and %s more stay pending for the next run: %s",
                email.message_id,
                email.recipient,
                len(left) - 1,
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
    found = matching_stories(FtsMatcher(), [watch], stored).get(watch.name, [])
    return sorted(found, key=lambda s: s.first_seen or now, reverse=True)

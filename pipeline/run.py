"""One pass of picket's flow, ``picket run``: crawl the due sources, understand, store, alert.

The Airflow DAGs call the same steps as separate tasks; this module strings them
together for the command line and the demo.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import closing
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta

from crawlers.crawl import CrawlResult, crawl
from crawlers.sources import load_sources
from pipeline.alerts import AlertSummary, run_alerts
from pipeline.alerts.watches import WatchesFileMissing
from pipeline.crawl_records import CrawlOutcome, FetchedPage
from pipeline.health import fold_outcome, is_due
from pipeline.process import ProcessedBatch, StoryProcessor
from pipeline.progress import LoggedProgress, RunProgress
from pipeline.records import Correction, Story
from pipeline.runlock import run_lock
from pipeline.settings import Settings
from pipeline.source_records import Source
from pipeline.store import StoreError, StoryStore, UpsertResult, open_store

log = logging.getLogger(__name__)

DEDUP_WINDOW = timedelta(days=30)
EVENT_WINDOW = timedelta(days=30)


@dataclass(frozen=True, slots=True)
class RunSummary:
    """What one run did, as printed at its end."""

    sources_polled: int = 0
    not_modified: int = 0
    failed_sources: int = 0
    backing_off: int = 0
    not_due: int = 0  # healthy sources polled recently enough to wait for their next turn
    enabled: int = 0
    pages: int = 0
    failed_pages: int = 0
    new: int = 0
    updated: int = 0
    relevant_new: int = 0
    duplicates: int = 0
    refused: int = 0
    from_outbox: int = 0  # of the new stories, those an earlier run left in the outbox
    pending_writes: int = 0  # waiting in the outbox for a search engine that was unreachable
    alerts_sent: int = 0
    alerts_pending: int = 0  # alert emails the mail server has not taken yet

    @property
    def nothing_ran(self) -> bool:
        """True when no source is enabled, or every source polled failed: the run fails.

        A run in which no source was due yet is not a failure: a scheduler may call
        ``picket run`` more often than sources are due.
        """
        if self.sources_polled:
            return self.failed_sources == self.sources_polled
        return self.enabled == 0

    def line(self) -> str:
        return (
            f"sources polled {self.sources_polled}, not modified {self.not_modified}, "
            f"failed {self.failed_sources}, backing off {self.backing_off}"
            + (f", not due yet {self.not_due}" if self.not_due else "")
            + "; "
            f"pages {self.pages} ({self.failed_pages} unusable); "
            f"new stories {self.new} ({self.relevant_new} relevant, {self.duplicates} "
            + ("duplicate" if self.duplicates == 1 else "duplicates")
            + (f", {self.from_outbox} sent from the outbox" if self.from_outbox else "")
            + f"), updated stories {self.updated}"
            + (f"; {self.refused} stories refused by the store" if self.refused else "")
            + (
                f"; {self.pending_writes} writes wait in the outbox for the search engine "
                "(the next run sends them)"
                if self.pending_writes
                else ""
            )
            + (
                f"; alert emails {self.alerts_sent} sent, {self.alerts_pending} pending"
                if self.alerts_sent or self.alerts_pending
                else ""
            )
        )


def run_once(
    settings: Settings,
    *,
    sources: Sequence[Source] | None = None,
    force: bool = False,
    now: datetime | None = None,
    progress: RunProgress | None = None,
) -> RunSummary:
    """Crawl every enabled source that is due; extract, understand, store; send due alerts.

    Tells ``progress`` (log lines by default) how far it is. Raises ``RunInProgress`` (a
    ``StoreError``) when another run of this installation is still going.
    """
    now = now or datetime.now(UTC)
    started = time.monotonic()
    progress = progress or LoggedProgress()
    if sources is None:
        sources = load_sources(settings.sources_file)
    enabled = [source for source in sources if source.enabled]
    with run_lock(settings.work_dir) as lock_fd, closing(open_store(settings)) as store:
        health = store.source_health()
        due = [s for s in enabled if force or is_due(health.get(s.id), now)]
        due_ids = {s.id for s in due}
        waiting = [health[s.id] for s in enabled if s.id not in due_ids]
        backing_off = sum(h.consecutive_failures > 0 for h in waiting)
        if backing_off:
            log.info("%s sources are backing off after failures (use --force)", backing_off)
        if due:
            progress.crawling(len(due))
            result = crawl_sources(
                store,
                due,
                settings=settings,
                inherited_fds=(lock_fd,),
                on_outcome=progress.source_done,
            )
            progress.processing(len(result.pages))
            pages = _each_then(result.pages, progress.page_done)
            batch = understand_pages(store, pages, now=now, settings=settings)
            stored_at = now + timedelta(seconds=time.monotonic() - started)
            upserted = store_batch(
                store, batch, result.outcomes, settings=settings, stored_at=stored_at
            )
        else:
            if enabled:
                log.info("no source is due yet; sending only what waits to be sent")
            else:
                log.warning("no source is enabled in %s", settings.sources_file)
            result, batch, upserted = CrawlResult([], []), ProcessedBatch(), UpsertResult()
        pending_writes = store.pending_writes()
        sent = store.sent_from_outbox
        try:
            alerts = run_alerts(settings, store, now=now)
        except StoreError as exc:  # the stories are kept; the next run alerts them
            log.warning("alerts wait for the next run: %s", exc)
            alerts = AlertSummary()
        except WatchesFileMissing as exc:  # the stories are kept all the same
            log.error("alerts not run: %s", exc)
            alerts = AlertSummary()
    summary = summarize(
        result.outcomes,
        pages=len(result.pages),
        batch=batch,
        upserted=upserted,
        backing_off=backing_off,
        pending_writes=pending_writes,
        sent_from_outbox=sent,
    )
    return replace(
        summary,
        not_due=len(waiting) - backing_off,
        enabled=len(enabled),
        alerts_sent=alerts.sent,
        alerts_pending=alerts.pending,
    )


def crawl_sources(
    store: StoryStore,
    sources: Sequence[Source],
    *,
    settings: Settings,
    since: datetime | None = None,
    inherited_fds: Sequence[int] = (),
    on_outcome: Callable[[CrawlOutcome], None] | None = None,
) -> CrawlResult:
    """Crawl ``sources`` with the stored feed validators, skipping articles already stored.

    ``inherited_fds`` stay open in the crawler process (see ``crawl``); ``on_outcome`` hears
    of each source as it finishes.
    """
    return crawl(
        sources,
        settings=settings,
        validators=store.validators(),
        work_dir=settings.work_dir,
        since=since,
        skip_urls=store.known_urls(),
        inherited_fds=inherited_fds,
        on_outcome=on_outcome,
    )


def _each_then(pages: Iterable[FetchedPage], done: Callable[[], None]) -> Iterator[FetchedPage]:
    """``pages`` one by one, calling ``done`` after each has been handled."""
    for page in pages:
        yield page
        done()


def store_batch(
    store: StoryStore,
    batch: ProcessedBatch,
    outcomes: Sequence[CrawlOutcome],
    *,
    settings: Settings,
    stored_at: datetime | None = None,
) -> UpsertResult:
    """Store a batch's events and stories, then its sources' health and feed validators.

    A story new to the store is first seen when it is stored (``stored_at``, now unless
    given), not when its crawl started: a watch added while a crawl runs alerts the
    stories the crawl stores after it (``pipeline.alerts.service``).

    Each step is its own write, and a run can die between two. Events go first: a story
    stored without its event would keep pointing at nothing (a stored story is not fetched
    again), while an event stored without its stories gets them back when the next run
    fetches those pages again and finds the event already holding them. Health comes
    last: a feed's new validators are only kept once its stories are safe, so a failed
    write is retried with a full fetch rather than a 304.
    """
    stamp = stored_at or datetime.now(UTC)
    store.upsert_events(batch.events.values())
    upserted = store.upsert_stories(
        replace(story, first_seen=max(story.first_seen or stamp, stamp))
        for story in batch.stories.values()
    )
    store.save_signatures(batch.signatures)
    record_health(store, outcomes, settings=settings)
    return upserted


def summarize(
    outcomes: Sequence[CrawlOutcome],
    *,
    pages: int,
    batch: ProcessedBatch,
    upserted: UpsertResult,
    backing_off: int = 0,
    pending_writes: int = 0,
    sent_from_outbox: Sequence[Story] = (),
) -> RunSummary:
    """The figures of one run, from what its crawl, processing and store steps returned.

    ``sent_from_outbox`` are stories an earlier run could not store, which this one did:
    they count as new here, once, as the earlier run did not count them.
    """
    relevant_new = sum(s.relevance.label for s in batch.stories.values()) if upserted.new else 0
    return RunSummary(
        sources_polled=len(outcomes),
        not_modified=sum(o.status == "not_modified" for o in outcomes),
        failed_sources=sum(o.status == "failed" for o in outcomes),
        backing_off=backing_off,
        pages=pages,
        failed_pages=len(batch.failed),
        new=upserted.new + len(sent_from_outbox),
        updated=upserted.updated,
        relevant_new=relevant_new + sum(s.relevance.label for s in sent_from_outbox),
        duplicates=batch.duplicates,
        refused=upserted.refused,
        from_outbox=len(sent_from_outbox),
        pending_writes=pending_writes,
    )


def understand_pages(
    store: StoryStore, pages: Iterable[FetchedPage], *, now: datetime, settings: Settings
) -> ProcessedBatch:
    """Extract, understand, dedup and cluster a crawl's pages against the stored state."""
    processor = StoryProcessor(
        stored=store.known_stories(now - DEDUP_WINDOW),
        events=store.recent_events(since=now - EVENT_WINDOW, limit=10_000),
        lookup_event=store.get_event,
        now=now,
        threshold=settings.relevance_threshold,
        corrections=kept_corrections(store),
    )
    return processor.add_pages(pages)


def kept_corrections(store: StoryStore) -> dict[str, Correction]:
    """People's corrections by story id. The store applies them again as it writes each
    story, so a run that cannot read them (the search engine away) goes on without them:
    only the grouping into events of a corrected story it meets then is the machine's."""
    try:
        return {c.story_id: c for c in store.corrections()}
    except StoreError as exc:
        log.warning("the labels cannot be read; stories are grouped as judged: %s", exc)
        return {}


def record_health(
    store: StoryStore, outcomes: Sequence[CrawlOutcome], *, settings: Settings
) -> None:
    """Fold each source's outcome into its health record and keep the feed validators."""
    before = store.source_health()
    interval = timedelta(minutes=settings.poll_interval_min)
    health = [fold_outcome(before.get(o.source_id), o, poll_interval=interval) for o in outcomes]
    store.record_outcomes(health, outcomes)
    for outcome in outcomes:
        if outcome.status == "failed":
            log.warning("source %s failed: %s", outcome.source_id, outcome.error)

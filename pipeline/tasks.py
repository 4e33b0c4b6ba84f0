"""The bodies of picket's Airflow tasks, as plain functions that the files in ``dags/`` wire.

Each task does one step of ``picket run`` (``pipeline.run``): plan, crawl a batch of
sources, process, store. Tasks never ask for the clock: they take their run's data
interval, read the batch files earlier tasks wrote (``pipeline.batchfiles``) and write
their own in a folder named by that interval, so re-running a task replaces its own output
and re-running a whole run adds nothing new.
"""

from __future__ import annotations

import base64
import dataclasses
import hashlib
import logging
from collections import defaultdict
from collections.abc import Collection, Iterable, Mapping, Sequence
from contextlib import closing
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from crawlers.sources import load_sources
from pipeline.batchfiles import read_batch, write_batch
from pipeline.crawl_records import CrawlOutcome, FetchedPage
from pipeline.health import is_due
from pipeline.process import ProcessedBatch
from pipeline.run import (
    crawl_sources,
    store_batch,
    summarize,
    understand_pages,
)
from pipeline.settings import SETTING_FIELDS, Settings, load_settings
from pipeline.source_records import Source, SourceHealth
from pipeline.store import open_store

if TYPE_CHECKING:
    from airflow.sdk import Connection, ObjectStoragePath

log = logging.getLogger(__name__)

STALE_AFTER = timedelta(days=2)
"""A source with no successful crawl for this long is reported as stale."""

KEEP_BATCHES = timedelta(days=7)
"""Batch files older than this are removed by the daily maintenance."""

INTERVAL_FORMAT = "%Y%m%dT%H%M%SZ"

SEARCH_CONNECTION = "picket_search"
SMTP_CONNECTION = "smtp_default"


# --- where batch files live ----------------------------------------------------------


def batch_root(settings: Settings) -> str:
    """``PICKET_BATCH_PATH`` as a URL: a local folder becomes ``file://``."""
    base = settings.batch_path
    if "://" not in base:
        base = Path(base).resolve().as_uri()
    return base.rstrip("/")


def interval_folder(settings: Settings, run_kind: str, start: datetime, end: datetime) -> str:
    """The folder of one run's batch files: base path, kind of run, then its data interval."""
    return f"{batch_root(settings)}/{run_kind}/{start:{INTERVAL_FORMAT}}_{end:{INTERVAL_FORMAT}}"


def storage_path(location: str) -> ObjectStoragePath:
    """A batch location as an Airflow object-storage path (``file://``, ``s3://``...)."""
    from airflow.sdk import ObjectStoragePath

    return ObjectStoragePath(location)


def batch_key(source_ids: Iterable[str]) -> str:
    """A stable name for a batch of sources, whatever order or map index it came in."""
    return hashlib.sha256(",".join(sorted(source_ids)).encode()).hexdigest()[:12]


# --- the run's moments and settings ----------------------------------------------------


def plain_utc(moment: datetime) -> datetime:
    """A stdlib UTC ``datetime`` for the pendulum one Airflow passes (comparing a pendulum
    datetime with stdlib ones fails in places, and records hold stdlib datetimes)."""
    return datetime.fromtimestamp(moment.timestamp(), tz=UTC)


def run_interval(
    start: datetime | None, end: datetime | None, run_after: datetime
) -> tuple[datetime, datetime]:
    """The interval a run's tasks are keyed by: its data interval, or, for a run triggered
    by hand without a logical date, the moment it was triggered for."""
    if start is None or end is None:
        return plain_utc(run_after), plain_utc(run_after)
    return plain_utc(start), plain_utc(end)


def airflow_settings() -> Settings:
    """picket's settings inside an Airflow task: ``PICKET_*``, then Airflow's connections.

    The ``picket_search`` connection, when defined, names the search engine; ``smtp_default``
    the mail server. Either one overrides the matching ``PICKET_*`` settings.
    """
    overrides: dict[str, Any] = {}
    search = _connection(SEARCH_CONNECTION)
    if search is not None:
        overrides.update(search_settings(search))
    smtp = _connection(SMTP_CONNECTION)
    if smtp is not None:
        overrides.update(smtp_settings(smtp))
    return load_settings(**overrides)


def search_settings(conn: Connection) -> dict[str, Any]:
    """The ``picket_search`` connection as settings: engine (its type), URL and credentials.

    For example ``elasticsearch://elastic:secret@search:9200?scheme=https&ca_certs=/ca.crt``;
    an ``api_key`` extra is used instead of the login when given.
    """
    extra = conn.extra_dejson
    scheme = extra.get("scheme", "http")
    port = f":{conn.port}" if conn.port else ""
    settings = {
        "store": conn.conn_type,
        "search_url": f"{scheme}://{conn.host}{port}",
        "search_username": conn.login or None,
        "search_password": conn.password or None,
        "search_api_key": extra.get("api_key"),
        "search_ca_certs": extra.get("ca_certs"),
        "search_verify_certs": _truthy(extra.get("verify_certs", True)),
    }
    return _known_settings(settings, SEARCH_CONNECTION)


def smtp_settings(conn: Connection) -> dict[str, Any]:
    """The ``smtp_default`` connection as settings, read as Airflow's SMTP provider reads it.

    Its extras ``disable_ssl`` and ``disable_tls`` choose plain SMTP, STARTTLS or implicit
    TLS (an extra ``security``: none, starttls or tls, says it in one word and wins);
    ``timeout`` is in seconds; ``from_email`` is the sender. The values are then checked
    as every setting is, so a sender with a line break stops the task, not the first email.
    """
    extra = conn.extra_dejson
    security = extra.get("security")
    if security not in ("none", "starttls", "tls"):
        if not _truthy(extra.get("disable_ssl", False)):
            security = "tls"
        elif not _truthy(extra.get("disable_tls", False)):
            security = "starttls"
        else:
            security = "none"
    settings = {
        "smtp_host": conn.host,
        "smtp_port": conn.port,
        "smtp_username": conn.login or None,
        "smtp_password": conn.password or None,
        "smtp_security": security,
        "smtp_timeout_s": extra.get("timeout"),
        "mail_from": extra.get("from_email"),
    }
    return _known_settings(settings, SMTP_CONNECTION)


def _known_settings(values: Mapping[str, Any], conn_id: str) -> dict[str, Any]:
    """The values that were given, after checking each names a setting picket has."""
    unknown = set(values) - set(SETTING_FIELDS)
    if unknown:
        raise LookupError(f"connection {conn_id} maps to unknown settings {sorted(unknown)}")
    return {name: value for name, value in values.items() if value is not None}


def _truthy(value: Any) -> bool:
    return value if isinstance(value, bool) else str(value).lower() in ("1", "true", "yes", "on")


def _connection(conn_id: str) -> Connection | None:
    from airflow.sdk import Connection
    from airflow.sdk.exceptions import AirflowNotFoundException

    try:
        return Connection.get(conn_id)
    except AirflowNotFoundException:
        log.debug("no Airflow connection %s; using the PICKET_* settings", conn_id)
        return None


# --- picket_crawl and picket_backfill ------------------------------------------------


def backing_off(health: SourceHealth | None, now: datetime) -> bool:
    """Whether a failing source is still waiting out its back-off.

    Airflow's schedule sets the cadence of healthy sources; only failures hold one back.
    """
    return health is not None and health.consecutive_failures > 0 and not is_due(health, now)


def batch_by_host(sources: Sequence[Source], batch_size: int) -> list[list[str]]:
    """Source ids in batches of about ``batch_size``, each host's sources in one batch.

    One batch is one Scrapy process, whose per-domain limits then hold for every host:
    two crawl tasks never hit the same host at once.
    """
    by_host: dict[str, list[str]] = defaultdict(list)
    for source in sources:
        by_host[urlsplit(source.urls[0]).hostname or ""].append(source.id)
    batches: list[list[str]] = []
    for ids in sorted(by_host.values(), key=lambda ids: (-len(ids), ids)):
        fitting = next((b for b in batches if len(b) + len(ids) <= batch_size), None)
        if fitting is None:
            batches.append(list(ids))
        else:
            fitting.extend(ids)
    return batches


def plan_batches(
    settings: Settings,
    *,
    now: datetime,
    source_ids: Collection[str] = (),
    force: bool = False,
) -> list[list[str]]:
    """The batches of source ids to crawl in this run, read from the sources file now.

    ``source_ids`` narrows the run to those sources (and may name disabled ones); without
    it every enabled source takes part. Failing sources backing off wait unless ``force``.
    """
    now = plain_utc(now)
    sources = load_sources(settings.sources_file)
    unknown = set(source_ids) - {s.id for s in sources}
    if unknown:
        raise ValueError(f"unknown source ids: {', '.join(sorted(unknown))}")
    wanted = (
        [s for s in sources if s.id in source_ids]
        if source_ids
        else [s for s in sources if s.enabled]
    )
    with closing(open_store(settings)) as store:
        health = store.source_health()
    polled = [s for s in wanted if force or not backing_off(health.get(s.id), now)]
    for source in wanted:
        if source not in polled:
            log.info("source %s is backing off until %s", source.id, health[source.id].next_due)
    batches = batch_by_host(polled, settings.crawl_batch_size)
    log.info("%s sources to crawl in %s batches", len(polled), len(batches))
    return batches


def crawl_batch(
    source_ids: Sequence[str],
    *,
    settings: Settings,
    folder: str,
    since: datetime | None = None,
    until: datetime | None = None,
    max_depth: int | None = None,
) -> str:
    """Crawl one batch of sources and write its pages and outcomes; return the file's path.

    A source that fails is one failed outcome in the file (and later in source health),
    never a failed task. ``since``/``until`` keep items listed as published in that range
    (undated items are kept); ``max_depth`` overrides how deep sitemaps and sites are read.
    """
    since, until = (plain_utc(m) if m is not None else None for m in (since, until))
    sources = _configured(settings, source_ids)
    if since is not None:
        sources = [dataclasses.replace(s, max_age_days=None) for s in sources]
    if max_depth is not None:
        sources = [dataclasses.replace(s, max_depth=max_depth) for s in sources]
    with closing(open_store(settings)) as store:
        result = crawl_sources(store, sources, settings=settings, since=since)
    pages = [p for p in result.pages if until is None or not _listed_after(p, until)]
    path = storage_path(folder) / f"crawl-{batch_key(source_ids)}.jsonl.gz"
    write_batch(path, [*(("page", p) for p in pages), *(("outcome", o) for o in result.outcomes)])
    failed = [o.source_id for o in result.outcomes if o.status == "failed"]
    log.info(
        "batch %s: %s sources, %s pages, failed sources: %s",
        path.name,
        len(result.outcomes),
        len(pages),
        ", ".join(failed) or "none",
    )
    return str(path)


def process_batches(
    locations: Iterable[str], *, settings: Settings, folder: str, now: datetime
) -> str:
    """Extract, understand, dedup and cluster every crawl batch's pages; return the file.

    ``now`` is the end of the run's data interval. ``locations`` are the batches that were
    crawled: one whose crawl task failed for good is missing, and the others still count.
    """
    pages: list[FetchedPage] = []
    outcomes: list[CrawlOutcome] = []
    for location in locations:
        for kind, record in read_batch(storage_path(location)):
            (pages if kind == "page" else outcomes).append(record)
    with closing(open_store(settings)) as store:
        batch = understand_pages(store, pages, now=plain_utc(now), settings=settings)
    path = storage_path(folder) / "processed.jsonl.gz"
    write_batch(path, _processed_lines(batch, outcomes, pages=len(pages)))
    log.info(
        "processed %s pages: %s stories, %s duplicates, %s unusable",
        len(pages),
        len(batch.stories),
        batch.duplicates,
        len(batch.failed),
    )
    return str(path)


def index_batch(location: str, *, settings: Settings) -> dict[str, Any]:
    """Store a processed batch and its sources' health; return the run's figures."""
    batch = ProcessedBatch()
    outcomes: list[CrawlOutcome] = []
    pages = 0
    for kind, record in read_batch(storage_path(location)):
        if kind == "story":
            batch.stories[record.id] = record
        elif kind == "event":
            batch.events[record.id] = record
        elif kind == "outcome":
            outcomes.append(record)
        elif kind == "signature":
            batch.signatures[record["story_id"]] = base64.b64decode(record["signature"])
        elif kind == "failed":
            batch.failed.append((record["url"], record["error"]))
        elif kind == "counts":
            pages = record["pages"]
    with closing(open_store(settings)) as store:
        upserted = store_batch(store, batch, outcomes, settings=settings)
        pending_writes = store.pending_writes()
        sent = store.sent_from_outbox
    summary = summarize(
        outcomes,
        pages=pages,
        batch=batch,
        upserted=upserted,
        pending_writes=pending_writes,
        sent_from_outbox=sent,
    )
    log.info("%s", summary.line())
    return dataclasses.asdict(summary)


def _configured(settings: Settings, source_ids: Sequence[str]) -> list[Source]:
    """The sources named, as the sources file says now; ids no longer there are logged."""
    by_id = {s.id: s for s in load_sources(settings.sources_file)}
    missing = [i for i in source_ids if i not in by_id]
    if missing:
        log.warning("sources no longer configured, skipped: %s", ", ".join(missing))
    return [by_id[i] for i in source_ids if i in by_id]


def _listed_after(page: FetchedPage, until: datetime) -> bool:
    published = page.entry.published if page.entry else None
    return published is not None and published >= until


def _processed_lines(
    batch: ProcessedBatch, outcomes: Sequence[CrawlOutcome], *, pages: int
) -> Iterable[tuple[str, Any]]:
    yield "counts", {"pages": pages}
    for outcome in outcomes:
        yield "outcome", outcome
    for story in batch.stories.values():
        yield "story", story
    for event in batch.events.values():
        yield "event", event
    for story_id, signature in batch.signatures.items():
        yield "signature", {"story_id": story_id, "signature": signature}
    for url, error in batch.failed:
        yield "failed", {"url": url, "error": error}


def backfill_range(
    params: Mapping[str, Any], *, default_until: datetime
) -> tuple[datetime, datetime]:
    """The publication range a backfill asks for, as UTC moments: ``since`` to ``until``."""
    since = _utc_day(params["since"])
    until = _utc_day(params["until"]) if params.get("until") else plain_utc(default_until)
    if until <= since:
        raise ValueError(f"backfill range is empty: since {since:%Y-%m-%d} is not before until")
    return since, until


def _utc_day(value: str) -> datetime:
    moment = datetime.fromisoformat(value)
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


# --- picket_alerts ---------------------------------------------------------------------


def send_due_alerts(settings: Settings, *, now: datetime) -> dict[str, Any]:
    """Send the instant and digest alerts due at ``now`` (the run's moment); return counts."""
    from pipeline.alerts import run_alerts

    with closing(open_store(settings)) as store:
        result = run_alerts(settings, store, now=plain_utc(now))
    log.info("%s", result.line())
    return {**dataclasses.asdict(result), "subjects": list(result.subjects)}


# --- picket_maintenance ----------------------------------------------------------------


def source_health_report(
    settings: Settings, *, now: datetime, stale_after: timedelta = STALE_AFTER
) -> dict[str, list[str]]:
    """The enabled sources that are failing, stale, or were never crawled, logged as a table."""
    from pipeline.display import sources_table

    sources = [s for s in load_sources(settings.sources_file) if s.enabled]
    with closing(open_store(settings)) as store:
        health = store.source_health()
    report = sort_by_health(sources, health, now=plain_utc(now), stale_after=stale_after)
    log.info("source health:\n%s", sources_table(sources, health))
    for problem, ids in report.items():
        if ids and problem != "never_crawled":
            log.warning("%s sources %s: %s", len(ids), problem, ", ".join(ids))
    return report


def sort_by_health(
    sources: Sequence[Source],
    health: Mapping[str, SourceHealth],
    *,
    now: datetime,
    stale_after: timedelta,
) -> dict[str, list[str]]:
    """Source ids by problem: ``failing`` now, ``stale`` (no success lately), never crawled."""
    report: dict[str, list[str]] = {"failing": [], "stale": [], "never_crawled": []}
    for source in sources:
        record = health.get(source.id)
        if record is None or record.last_attempt is None:
            report["never_crawled"].append(source.id)
            continue
        if record.consecutive_failures:
            report["failing"].append(source.id)
        if record.last_success is None or now - record.last_success > stale_after:
            report["stale"].append(source.id)
    return report


def flush_story_outbox(settings: Settings) -> dict[str, int]:
    """Send the writes parked while the search engine was down (SQLite has no outbox).

    Raises when writes still wait afterwards, so Airflow retries and the failure shows.
    """
    from pipeline.store import StoreError
    from pipeline.store.engine import EngineStore

    with closing(open_store(settings)) as store:
        if not isinstance(store, EngineStore):
            return {"flushed": 0, "pending": 0}
        flushed = store.flush_outbox()
        pending = store.pending_writes()
    if pending:
        raise StoreError(f"{pending} writes still wait in the outbox after sending {flushed}")
    return {"flushed": flushed, "pending": 0}


def index_housekeeping(
    settings: Settings, *, now: datetime, keep: timedelta = KEEP_BATCHES
) -> dict[str, Any]:
    """Bring the search engine's templates and aliases up to date; prune old batch files."""
    from pipeline.store.engine import EngineStore

    with closing(open_store(settings)) as store:
        indices = store.setup() if isinstance(store, EngineStore) else []
    return {
        "indices": indices,
        "batch_folders_removed": prune_batches(settings, now=now, keep=keep),
    }


def prune_batches(settings: Settings, *, now: datetime, keep: timedelta = KEEP_BATCHES) -> int:
    """Remove the batch folders of runs whose data interval ended more than ``keep`` ago."""
    now = plain_utc(now)
    removed = 0
    base = storage_path(batch_root(settings))
    runs = [folder for kind in base.iterdir() for folder in kind.iterdir()] if base.exists() else []
    for folder in runs:
        ended = _interval_end(folder.name)
        if ended is not None and now - ended > keep:
            folder.rmdir(recursive=True)
            removed += 1
    log.info("removed %s batch folders of runs that ended over %s ago", removed, keep)
    return removed


def _interval_end(folder_name: str) -> datetime | None:
    """When the interval a batch folder is named after ended; None for other names."""
    try:
        return datetime.strptime(folder_name.rpartition("_")[2], INTERVAL_FORMAT).replace(
            tzinfo=UTC
        )
    except ValueError:
        return None

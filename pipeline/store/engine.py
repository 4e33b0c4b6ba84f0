"""``StoryStore`` on Elasticsearch or OpenSearch, over a thin ``EngineTransport``.

Stories live in a versioned index behind the ``picket-stories`` alias, events in
``picket-events``, source health, feed validators and the crawl log in ``picket-sources``,
alert watches (percolator queries) in ``picket-watches``. Writes go out as bulk requests
with deterministic ids. When the engine cannot be reached, writes wait in a local
``Outbox`` and are sent, oldest first, before anything newer (``engine_writes``): nothing
is lost, nothing is duplicated. A run that cannot reach the engine, from its start or from
midway, reads what it needs from what waits in the outbox (``parked_reads``), parks its
writes and finishes; when they are sent, what the engine already holds wins where it knew
better (``reconcile``).
"""

from __future__ import annotations

import base64
import logging
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import replace
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, TypeVar
from urllib.parse import quote

from pipeline.crawl_records import CrawlOutcome, KnownStory, Validators
from pipeline.records import Event, Story
from pipeline.settings import Settings
from pipeline.source_records import SourceHealth
from pipeline.store.base import StoreError, StoryQuery, UpsertResult
from pipeline.store.bulk import send_bulk
from pipeline.store.engine_documents import (
    KNOWN_STORY_FIELDS,
    BulkAction,
    correction_document,
    correction_from_document,
    crawl_document,
    event_document,
    event_from_document,
    health_document,
    health_from_document,
    known_story_from_document,
    signature_of,
    story_document,
    story_from_document,
    validators_document,
    validators_from_document,
    watch_document,
)
from pipeline.store.engine_mappings import IndexNames
from pipeline.store.engine_queries import (
    count_body,
    event_stats_body,
    kind_query,
    percolate_body,
    search_body,
    since_query,
    stale_watches_query,
    story_stats_body,
)
from pipeline.store.engine_setup import (
    ensure_plain_index,
    migrate_stories,
    setup_indices,
    stories_index,
)
from pipeline.store.engine_writes import EngineWriter, Write, batched
from pipeline.store.outbox import Outbox
from pipeline.store.parked_reads import ParkedState
from pipeline.store.stats import StoryStats, stats_from_aggregations
from pipeline.store.transport import (
    EngineHTTPError,
    EngineTransport,
    EngineUnavailable,
    RetryPolicy,
    call_with_retries,
)

if TYPE_CHECKING:
    from pipeline.records import Correction

log = logging.getLogger(__name__)

T = TypeVar("T")

PAGE_SIZE = 1000
PERCOLATE_BATCH = 100


class EngineStore:
    """Stories, events, source health and alert watches in Elasticsearch or OpenSearch."""

    def __init__(
        self,
        transport: EngineTransport,
        *,
        outbox: Outbox,
        names: IndexNames | None = None,
        bulk_size: int = 500,
        retry: RetryPolicy | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.transport = transport
        self.names = names or IndexNames()
        self.outbox = outbox
        self.bulk_size = bulk_size
        self.retry = retry or RetryPolicy()
        self._sleep = sleep
        self._prepared = False
        self._unreachable: str | None = None  # why writes are being parked, once they are
        self._health: dict[str, SourceHealth] | None = None  # as read (and written) so far
        self._validators: dict[str, Validators] | None = None
        self._read_parked = False  # whether a read fell back to the outbox yet
        self._writer = EngineWriter(
            self.request,
            engine=transport.engine,
            names=self.names,
            outbox=outbox,
            bulk_size=bulk_size,
            retry=self.retry,
            sleep=sleep,
            is_reachable=lambda: self._unreachable is None,
            on_unreachable=self._now_unreachable,
        )

    @property
    def sent_from_outbox(self) -> list[Story]:
        """The stories the outbox held that this store, while open, indexed as new."""
        return self._writer.sent_from_outbox

    def close(self) -> None:
        if self._writer.wrote and self._unreachable is None:
            try:
                self.refresh()  # a search right after a run sees what the run stored
            except StoreError as exc:
                log.warning("could not refresh %s: %s", self.names.prefix, exc)
        waiting = self.outbox.pending()
        if waiting:
            log.warning(
                "%s writes wait in the outbox at %s for %s; the next run sends them",
                waiting,
                self.outbox.path,
                self.transport.engine,
            )
        self.outbox.close()
        self.transport.close()

    def __enter__(self) -> EngineStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # --- plumbing ----------------------------------------------------------------

    def request(
        self,
        method: str,
        path: str,
        *,
        body: Mapping[str, Any] | bytes | None = None,
        params: Mapping[str, Any] | None = None,
    ) -> Any:
        """One engine request, retried with backoff on 429, 5xx and connection failures."""
        return call_with_retries(
            lambda: self.transport.request(method, path, body=body, params=params),
            policy=self.retry,
            what=f"{self.transport.engine} {method} {path}",
            sleep=self._sleep,
        )

    def _prepare(self) -> None:
        """Once per store: create the indices if this is a new cluster, flush the outbox."""
        if self._prepared:
            return
        self._prepared = True
        try:
            if stories_index(self.request, self.names) is None:
                log.info("no %s indices at %s yet; setting them up", self.names.prefix, self.url)
                setup_indices(self.request, self.names)
            if self.flush_outbox():
                self.refresh()  # the reads that follow see what was sent
        except EngineUnavailable as exc:
            self._now_unreachable(exc)

    @property
    def url(self) -> str:
        return self.transport.url

    def _now_unreachable(self, exc: EngineUnavailable) -> None:
        if self._unreachable is None:
            log.warning(
                "%s at %s is unreachable (%s); writes wait in the outbox at %s and the next "
                "run sends them",
                self.transport.engine,
                self.url,
                exc,
                self.outbox.path,
            )
        self._unreachable = str(exc)

    def _read(
        self,
        what: str,
        read: Callable[[], T],
        parked: Callable[[ParkedState], T],
        *,
        earlier: T | None = None,
    ) -> T:
        """What the engine says; once it cannot be reached, what it said ``earlier`` in this
        run, else what the ``parked`` writes say.

        So a run goes on without the engine, whether it never answered or went away midway:
        it crawls, dedups and groups events against its own stories and the parked ones
        only, and parks its writes for the next run (see ``parked_reads``).
        """
        self._prepare()
        if self._unreachable is None:
            try:
                return read()
            except EngineUnavailable as exc:
                self._now_unreachable(exc)
        if earlier is not None:
            log.warning("%s is unreachable; using %s as read earlier", self.transport.engine, what)
            return earlier
        if not self._read_parked:
            self._read_parked = True
            log.warning(
                "%s at %s is unreachable; this run reads what waits in the outbox at %s "
                "instead and dedups only against the %s stories waiting there",
                self.transport.engine,
                self.url,
                self.outbox.path,
                self.outbox.pending("story"),
            )
        return parked(self._writer.parked())

    def _engine_only(self, what: str) -> None:
        """Prepare for what only the engine can do, and refuse it at once if the engine is
        already known to be unreachable (rather than wait out every retry again)."""
        self._prepare()
        if self._unreachable is not None:
            raise EngineUnavailable(
                f"cannot {what}: {self.transport.engine} at {self.url} is unreachable "
                f"({self._unreachable})"
            )

    def _scan(
        self, index: str, body: Mapping[str, Any], *, limit: int | None = None
    ) -> Iterator[dict[str, Any]]:
        """Every hit of a sorted search, page by page (``body`` must sort on a unique field)."""
        after = None
        seen = 0
        while limit is None or seen < limit:
            size = PAGE_SIZE if limit is None else min(PAGE_SIZE, limit - seen)
            page = {**body, "size": size}
            if after is not None:
                page["search_after"] = after
            hits = self.request("POST", f"/{quote(index)}/_search", body=page)["hits"]["hits"]
            yield from hits
            seen += len(hits)
            if len(hits) < size:
                return
            after = hits[-1]["sort"]

    def _get(self, index: str, doc_id: str) -> dict[str, Any] | None:
        try:
            found = self.request("GET", f"/{quote(index)}/_doc/{quote(doc_id, safe='')}")
        except EngineHTTPError as exc:
            if exc.status == 404 and exc.error_type is None:
                return None
            raise
        return found.get("_source") if found.get("found") else None

    def refresh(self) -> None:
        """Make every write so far visible to searches (the engine does so within a second)."""
        self._engine_only("refresh the indices")
        indices = ",".join((self.names.stories, self.names.events, self.names.sources))
        self.request("POST", f"/{indices}/_refresh", params={"ignore_unavailable": True})

    # --- admin -------------------------------------------------------------------

    def setup(self) -> list[str]:
        """``picket index setup``: templates, indices and alias, created or brought up to date."""
        return setup_indices(self.request, self.names)

    def migrate(self) -> str:
        """``picket index migrate``: the next versioned story index, reindexed, alias swapped."""
        return migrate_stories(self.request, self.names, sleep=self._sleep)

    def pending_writes(self) -> int:
        return self.outbox.pending()

    def flush_outbox(self) -> int:
        """Send the parked writes, oldest first; stop at the first that still cannot go."""
        return self._writer.flush_outbox()

    # --- writes ------------------------------------------------------------------

    def upsert_stories(self, stories: Iterable[Story]) -> UpsertResult:
        self._prepare()
        applied = self._writer.write_all(Write(story=story) for story in stories)
        return UpsertResult(
            new=len(applied.new),
            updated=applied.updated,
            unchanged=applied.unchanged,
            refused=applied.refused,
        )

    def save_signatures(self, signatures: Mapping[str, bytes]) -> None:
        self._prepare()
        self._writer.write_all(
            Write(
                action=BulkAction(
                    "update",
                    self.names.stories,
                    story_id,
                    {"signature": base64.b64encode(signature).decode("ascii")},
                    require_alias=True,
                )
            )
            for story_id, signature in signatures.items()
        )

    def save_correction(self, correction: Correction) -> None:
        self._engine_only(f"record the label of story {correction.story_id}")
        ensure_plain_index(self.request, self.names, self.names.labels)
        path = f"/{quote(self.names.labels)}/_doc/{quote(correction.story_id, safe='')}"
        doc = correction_document(correction)
        self.request("PUT", path, body=doc, params={"refresh": "true"})

    def corrections(self) -> list[Correction]:
        self._engine_only("read the labels")
        body = {"sort": [{"labelled_at": "asc"}, {"story_id": "asc"}]}
        try:
            hits = list(self._scan(self.names.labels, body))
        except EngineHTTPError as exc:
            if exc.status == 404:  # a cluster set up before picket kept labels
                return []
            raise
        return [correction_from_document(hit["_source"]) for hit in hits]

    def upsert_events(self, events: Iterable[Event]) -> None:
        self._prepare()
        self._writer.write_all(
            Write.document(self.names.events, event.id, event_document(event)) for event in events
        )

    def delete_events(self, event_ids: Iterable[str]) -> None:
        ids = list(event_ids)
        if not ids:
            return
        self._engine_only("remove the events a correction emptied")
        self.request(
            "POST",
            f"/{quote(self.names.events)}/_delete_by_query",
            body={"query": {"ids": {"values": ids}}},
            params={"refresh": "true", "conflicts": "proceed"},
        )

    def record_outcomes(
        self, health: Iterable[SourceHealth], outcomes: Sequence[CrawlOutcome]
    ) -> None:
        self._prepare()
        health = list(health)
        validators = [v for outcome in outcomes for v in outcome.validators]
        self._health = {**(self._health or {}), **{h.source_id: h for h in health}}
        self._validators = {**(self._validators or {}), **{v.url: v for v in validators}}
        documents = [
            *map(health_document, health),
            *map(validators_document, validators),
            *map(crawl_document, outcomes),
        ]
        index = self.names.sources
        self._writer.write_all([Write.document(index, doc["id"], doc) for doc in documents])

    # --- reads -------------------------------------------------------------------

    def get_story(self, story_id: str) -> Story | None:
        self._engine_only(f"read story {story_id}")
        doc = self._get(self.names.stories, story_id)
        return story_from_document(doc) if doc else None

    def copies_of(self, story_id: str) -> list[Story]:
        self._engine_only(f"read the copies of story {story_id}")
        body = {
            "query": {"term": {"duplicate_of": story_id}},
            "sort": [{"first_seen_at": "asc"}, {"id": "asc"}],
        }
        return [story_from_document(hit["_source"]) for hit in self._scan(self.names.stories, body)]

    def search(self, query: StoryQuery) -> list[Story]:
        self._engine_only("search the stories")
        body = search_body(query, size=query.limit)
        hits = self._scan(self.names.stories, body, limit=query.limit)
        return [story_from_document(hit["_source"]) for hit in hits]

    def count(self, query: StoryQuery | None = None) -> int:
        self._engine_only("count the stories")
        path = f"/{quote(self.names.stories)}/_count"
        return self.request("POST", path, body=count_body(query or StoryQuery()))["count"]

    def recent(self, limit: int = 20) -> list[Story]:
        return self.search(StoryQuery(limit=limit, sort="first_seen"))

    def known_urls(self) -> set[str]:
        def read() -> set[str]:
            body = {"sort": [{"id": "asc"}], "_source": ["url", "canonical_url"]}
            hits = self._scan(self.names.stories, body)
            return {hit["_source"][key] for hit in hits for key in ("url", "canonical_url")}

        return self._read("the stored story URLs", read, ParkedState.known_urls)

    def stories_since(self, since: datetime) -> list[tuple[Story, bytes | None]]:
        def read() -> list[tuple[Story, bytes | None]]:
            body = {
                "query": since_query("first_seen_at", since),
                "sort": [{"first_seen_at": "asc"}, {"id": "asc"}],
            }
            hits = self._scan(self.names.stories, body)
            return [(story_from_document(h["_source"]), signature_of(h["_source"])) for h in hits]

        return self._read("the recent stories", read, lambda parked: parked.stories_since(since))

    def known_stories(self, since: datetime) -> list[KnownStory]:
        def read() -> list[KnownStory]:
            body = {
                "query": since_query("first_seen_at", since),
                "sort": [{"first_seen_at": "asc"}, {"id": "asc"}],
                "_source": list(KNOWN_STORY_FIELDS),
            }
            hits = self._scan(self.names.stories, body)
            known = [known_story_from_document(hit["_source"]) for hit in hits]
            if unsigned := [k.id for k in known if not k.signature]:  # their texts, to sign
                body = {"query": {"ids": {"values": unsigned}}, "sort": [{"id": "asc"}]}
                hits = self._scan(self.names.stories, {**body, "_source": ["id", "body"]})
                texts = {hit["_source"]["id"]: hit["_source"]["body"] for hit in hits}
                known = [replace(k, text=texts.get(k.id, k.text)) for k in known]
            return known

        return self._read("the recent stories", read, lambda parked: parked.known_stories(since))

    def get_event(self, event_id: str) -> Event | None:
        def read() -> Event | None:
            doc = self._get(self.names.events, event_id)
            return event_from_document(doc) if doc else None

        return self._read(f"event {event_id}", read, lambda parked: parked.events.get(event_id))

    def recent_events(self, since: datetime | None = None, limit: int = 50) -> list[Event]:
        def read() -> list[Event]:
            body = {
                "query": since_query("last_seen", since),
                "sort": [{"last_seen": "desc"}, {"id": "asc"}],
            }
            hits = self._scan(self.names.events, body, limit=limit)
            return [event_from_document(hit["_source"]) for hit in hits]

        return self._read(
            "the recent events", read, lambda parked: parked.recent_events(since, limit)
        )

    def source_health(self) -> dict[str, SourceHealth]:
        def read() -> dict[str, SourceHealth]:
            hits = self._scan(
                self.names.sources, {"query": kind_query("health"), "sort": [{"id": "asc"}]}
            )
            self._health = {
                h.source_id: h for h in (health_from_document(hit["_source"]) for hit in hits)
            }
            return dict(self._health)

        return self._read(
            "the source health", read, lambda parked: dict(parked.health), earlier=self._health
        )

    def validators(self) -> dict[str, Validators]:
        def read() -> dict[str, Validators]:
            body = {"query": kind_query("validators"), "sort": [{"id": "asc"}]}
            hits = self._scan(self.names.sources, body)
            self._validators = {
                v.url: v for v in (validators_from_document(hit["_source"]) for hit in hits)
            }
            return dict(self._validators)

        return self._read(
            "the feed validators",
            read,
            lambda parked: dict(parked.validators),
            earlier=self._validators,
        )

    def stats(self, since: datetime | None, *, relevant_only: bool, top: int) -> StoryStats:
        """``picket stats``: stories and events per week, the most frequent tags."""
        self._engine_only("count stories and events")
        stories = self.request(
            "POST",
            f"/{quote(self.names.stories)}/_search",
            body=story_stats_body(since, relevant_only=relevant_only, top=top),
        )
        events = self.request(
            "POST", f"/{quote(self.names.events)}/_search", body=event_stats_body(since)
        )
        return stats_from_aggregations(stories, events)

    # --- alert watches (percolator) ----------------------------------------------

    def register_watches(self, queries: Mapping[str, Mapping[str, Any]]) -> dict[str, str]:
        """Make the stored watches ``queries`` (watch name -> engine query); the ones the
        engine refuses are left out, and returned with the reason (watch name -> reason).

        A query the engine cannot parse fails here, naming its watch, not at match time.
        """
        self._engine_only("store the alert watches")
        index = self.names.watches
        actions = [
            BulkAction("index", index, name, watch_document(name, query))
            for name, query in queries.items()
        ]
        refused: dict[str, str] = {}
        if actions:
            result = send_bulk(
                lambda body: self.request("POST", "/_bulk", body=body, params={"refresh": "true"}),
                actions,
                policy=self.retry,
                sleep=self._sleep,
            )
            if result.pending:
                busy = [f"{actions[i].doc_id}: not taken (engine busy)" for i in result.pending]
                raise StoreError("cannot store watches: " + "; ".join(busy))
            refused = {r.doc_id: r.describe() for r in result.refused}
        self.request(
            "POST",
            f"/{quote(index)}/_delete_by_query",
            body=stale_watches_query(name for name in queries if name not in refused),
            params={"refresh": "true", "conflicts": "proceed"},
        )
        return refused

    def percolate(self, stories: Sequence[Story]) -> dict[str, list[str]]:
        """Every story's id with the names of the stored watches it matches (maybe none)."""
        self._engine_only("match stories against the alert watches")
        matches: dict[str, list[str]] = {story.id: [] for story in stories}
        for batch in batched(stories, PERCOLATE_BATCH):
            documents = [story_document(_first_seen_set(s)) for s in batch]
            body = percolate_body(documents, size=PAGE_SIZE)
            for hit in self._scan(self.names.watches, body):
                watch = hit["_source"]["watch"]
                for slot in hit.get("fields", {}).get("_percolator_document_slot", []):
                    matches[batch[slot].id].append(watch)
        return {story_id: sorted(set(names)) for story_id, names in matches.items()}


def _first_seen_set(story: Story) -> Story:
    return story if story.first_seen else replace(story, first_seen=datetime.now(UTC))


def open_engine_store(transport: EngineTransport, settings: Settings) -> EngineStore:
    """The engine store for ``transport`` with the settings' prefix, outbox and bulk size."""
    try:
        outbox = Outbox(settings.outbox_path)
    except StoreError:
        transport.close()
        raise
    return EngineStore(
        transport,
        outbox=outbox,
        names=IndexNames(settings.index_prefix),
        bulk_size=settings.search_bulk_size,
    )

"""The storage seam: what every story store (SQLite, Elasticsearch, OpenSearch) offers.

The run, the CLI and the alerts speak only to ``StoryStore``; ``pipeline.store.open_store``
picks the implementation from settings.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Literal, Protocol

if TYPE_CHECKING:  # annotations only: the CLI imports this module for --help
    from pipeline.crawl_records import CrawlOutcome, KnownStory, Validators
    from pipeline.records import Event, Story
    from pipeline.source_records import SourceHealth

if TYPE_CHECKING:
    from pipeline.records import Correction
    from pipeline.store.stats import StoryStats

TAG_FIELDS: tuple[str, ...] = ("companies", "actions", "struggles", "employment_types", "tags")
"""The keyword-list fields of ``Tags`` that searches can filter on."""


class StoreError(RuntimeError):
    """A store could not do what was asked (unreachable, corrupt, or refused)."""


@dataclass(frozen=True, slots=True)
class StoryQuery:
    """A search over stored stories: a query (``pipeline.query``'s language, as watches
    use), a time range and exact-value filters.

    ``filters`` maps a tag field (see ``TAG_FIELDS``) or ``source_id``/``outlet``/``language``
    to the values a story must have (any of them); ``since``/``until`` bound the publication
    time, falling back to when picket first saw a story that has no date.
    """

    text: str | None = None
    since: datetime | None = None
    until: datetime | None = None
    filters: Mapping[str, Sequence[str]] | None = None
    relevant: bool | None = None
    include_duplicates: bool = True
    limit: int = 20
    sort: Literal["newest", "relevance", "first_seen"] = "newest"


@dataclass(frozen=True, slots=True)
class UpsertResult:
    """How a batch of upserts changed the store."""

    new: int = 0
    updated: int = 0
    unchanged: int = 0
    refused: int = 0  # stories the store would not take; each is logged with the reason


class StoryStore(Protocol):
    """Stories, events and source health, behind one small interface."""

    def upsert_stories(self, stories: Iterable[Story]) -> UpsertResult:
        """Insert or update by id; a story keeps the ``first_seen`` of its first write and
        the correction a person made of it (see ``save_correction``)."""

    def get_story(self, story_id: str) -> Story | None: ...

    def copies_of(self, story_id: str) -> list[Story]:
        """The stored stories that copy this one (``duplicate_of``), first seen first."""

    def search(self, query: StoryQuery) -> list[Story]: ...

    def count(self, query: StoryQuery | None = None) -> int: ...

    def recent(self, limit: int = 20) -> list[Story]:
        """The stories picket saw most recently, newest first."""

    def known_urls(self) -> set[str]:
        """The fetched and canonical URLs of every stored story, so a run need not refetch."""

    def stories_since(self, since: datetime) -> list[tuple[Story, bytes | None]]:
        """Stories first seen after ``since`` with their near-duplicate signatures."""

    def known_stories(self, since: datetime) -> list[KnownStory]:
        """What dedup and events need of the stories first seen after ``since``, oldest
        first: a run reads these, not the whole stories, to judge its new pages."""

    def save_signatures(self, signatures: Mapping[str, bytes]) -> None:
        """Keep each story's near-duplicate signature for later runs."""

    def save_correction(self, correction: Correction) -> None:
        """Keep a person's correction of a story (replacing an earlier one); every later
        upsert of that story, or of a copy of it, applies it (``pipeline.labels``)."""

    def corrections(self) -> list[Correction]:
        """Every kept correction, one per story, oldest first."""

    def upsert_events(self, events: Iterable[Event]) -> None: ...

    def delete_events(self, event_ids: Iterable[str]) -> None:
        """Remove these events (a correction took their last story out of them)."""

    def get_event(self, event_id: str) -> Event | None: ...

    def recent_events(self, since: datetime | None = None, limit: int = 50) -> list[Event]:
        """Events whose last story arrived after ``since``, most recently active first."""

    def stats(self, since: datetime | None, *, relevant_only: bool, top: int) -> StoryStats:
        """Counts per week and the most frequent tags of the stories since ``since``."""

    def record_outcomes(
        self, health: Iterable[SourceHealth], outcomes: Sequence[CrawlOutcome]
    ) -> None:
        """Keep the new health of each source, its feeds' validators and the crawl log."""

    def source_health(self) -> dict[str, SourceHealth]: ...

    def validators(self) -> dict[str, Validators]: ...

    def pending_writes(self) -> int:
        """Writes waiting in a local outbox for a store that could not be reached."""

    @property
    def sent_from_outbox(self) -> Sequence[Story]:
        """The stories an earlier run left in the outbox that this store, while open, has
        indexed as new: this run counts them, as that run did not (none without an outbox)."""

    def refresh(self) -> None:
        """Make every write so far visible to searches (a no-op where it already is)."""

    def close(self) -> None: ...


def stories_of_events(store: StoryStore, events: Sequence[Event]) -> list[Story]:
    """The stored stories of ``events``, in one search on their event ids."""
    if not events:
        return []
    query = StoryQuery(
        filters={"event_id": [event.id for event in events]},
        limit=sum(len(event.story_ids) for event in events),
    )
    return store.search(query)

"""The records of a crawl: sources, fetched pages, extracted articles, crawl health, and
what a run knows of the stories already stored.

Frozen dataclasses like the story records of ``pipeline.records`` (whose ``to_json`` and
``from_json`` carry them too), kept apart from those so that the commands that only read
stories (``picket search``, ``picket watches``) do not build them.
"""

from __future__ import annotations

import typing
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    from pipeline.records import Story

SourceKind = Literal["feed", "sitemap", "site"]
SOURCE_KINDS: tuple[str, ...] = typing.get_args(SourceKind)


@dataclass(frozen=True, slots=True)
class Politeness:
    """Per-source overrides of the crawl's polite defaults; ``None`` keeps the default."""

    delay_s: float | None = None
    concurrency: int | None = None
    timeout_s: float | None = None
    max_bytes: int | None = None


@dataclass(frozen=True, slots=True)
class Source:
    """One entry of ``config/sources.yaml``."""

    id: str
    kind: SourceKind
    urls: tuple[str, ...]
    name: str = ""
    enabled: bool = True
    politeness: Politeness = field(default_factory=Politeness)
    max_depth: int = 2
    max_items: int = 200
    max_age_days: int | None = None
    allowed_domains: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class FeedEntry:
    """What a feed said about one item, kept so extraction can fall back to it."""

    link: str
    title: str = ""
    summary: str = ""
    published: datetime | None = None
    feed_url: str = ""


@dataclass(frozen=True, slots=True)
class FetchedPage:
    """One article page as the crawler got it (or failed to get it)."""

    source_id: str
    url: str
    final_url: str
    status: int
    fetched_at: datetime
    body: bytes = b""
    content_type: str = ""
    entry: FeedEntry | None = None
    error: str | None = None


@dataclass(frozen=True, slots=True)
class Article:
    """What extraction found in a page (or, with ``fallback``, in its feed entry)."""

    url: str
    title: str
    text: str
    authors: tuple[str, ...] = ()
    published: datetime | None = None
    language: str | None = None
    canonical_url: str | None = None
    site_name: str | None = None
    description: str | None = None
    fallback: bool = False


@dataclass(frozen=True, slots=True)
class Validators:
    """HTTP validators of one feed URL, sent back for a conditional GET."""

    url: str
    etag: str | None = None
    last_modified: str | None = None


CrawlStatus = Literal["ok", "not_modified", "failed"]


@dataclass(frozen=True, slots=True)
class CrawlOutcome:
    """How one source's crawl went; the store folds it into ``SourceHealth``."""

    source_id: str
    status: CrawlStatus
    attempted_at: datetime
    http_status: int | None = None
    error: str | None = None
    items_seen: int = 0
    validators: tuple[Validators, ...] = ()


@dataclass(frozen=True, slots=True)
class SourceHealth:
    """A source's crawl history as data, shown by ``picket sources``."""

    source_id: str
    last_attempt: datetime | None = None
    last_success: datetime | None = None
    consecutive_failures: int = 0
    last_status: str | None = None
    last_error: str | None = None
    items_seen: int = 0
    next_due: datetime | None = None


@dataclass(frozen=True, slots=True)
class KnownStory:
    """What a run needs of a stored story to tell copies of it and join its event.

    No text: the near-duplicate ``signature`` stands in for it. Only a story stored
    without a signature comes with its ``text``, to compute one from.
    """

    id: str
    title: str
    content_hash: str
    first_seen: datetime | None
    event_id: str | None = None
    duplicate_of: str | None = None
    signature: bytes | None = None
    text: str = ""

    @classmethod
    def of(cls, story: Story, signature: bytes | None) -> KnownStory:
        return cls(
            id=story.id,
            title=story.title,
            content_hash=story.content_hash,
            first_seen=story.first_seen,
            event_id=story.event_id,
            duplicate_of=story.duplicate_of,
            signature=signature,
            text="" if signature else story.text,
        )

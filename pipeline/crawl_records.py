"""The records of a crawl: feed entries, fetched pages, extracted articles, how each
source's crawl went, and what a run knows of the stories already stored.

Frozen dataclasses like the story records of ``pipeline.records`` (``pipeline.recordjson``
carries them all) and the source records of ``pipeline.source_records``, kept
apart from those so that the commands that only read stories or list sources
(``picket search``, ``picket watches``, ``picket sources``) do not build them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    from pipeline.records import Story


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

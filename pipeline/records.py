"""The typed records of stories, as the pipeline understands them and the store keeps them.

Every stage takes and returns frozen dataclasses, so a crawler, the pure core and a store
agree on one shape: the stories, their relevance and tags, events and people's
corrections here, the records of a crawl in ``pipeline.crawl_records`` and of a source
in ``pipeline.source_records``.
``pipeline.recordjson`` turns any of them into plain JSON-able dicts for files between
processes and for storage.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime


@dataclass(frozen=True, slots=True)
class Relevance:
    """How sure picket is that a story reports tech workers acting together, and why."""

    score: float = 0.0
    label: bool = False
    evidence: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Tags:
    """The Collective Action in Tech vocabulary attached to a story or an event."""

    companies: tuple[str, ...] = ()
    actions: tuple[str, ...] = ()
    struggles: tuple[str, ...] = ()
    employment_types: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    workers: int | None = None


@dataclass(frozen=True, slots=True)
class Story:
    """The stored unit: one article at one canonical URL, understood.

    ``url`` is the address picket fetched, as the source linked it (so a later crawl can
    skip it); ``canonical_url`` is the cleaned address the id is made from.
    """

    id: str
    url: str
    canonical_url: str
    source_id: str
    title: str
    text: str
    outlet: str = ""
    domain: str = ""
    description: str = ""
    authors: tuple[str, ...] = ()
    language: str | None = None
    published: datetime | None = None
    first_seen: datetime | None = None
    fetched_at: datetime | None = None
    fallback: bool = False
    content_hash: str = ""
    relevance: Relevance = field(default_factory=Relevance)
    tags: Tags = field(default_factory=Tags)
    event_id: str | None = None
    duplicate_of: str | None = None


@dataclass(frozen=True, slots=True)
class Correction:
    """A person's verdict on one stored story, which wins over picket's own judgement.

    ``companies`` (acting employer first) and ``actions`` are empty where the person kept
    picket's; ``negative_kind`` says, for a story that is not relevant, what it is instead.
    """

    story_id: str
    relevant: bool
    labelled_at: datetime
    companies: tuple[str, ...] = ()
    actions: tuple[str, ...] = ()
    negative_kind: str | None = None


@dataclass(frozen=True, slots=True)
class Event:
    """One collective action as covered by one or more stories."""

    id: str
    first_seen: datetime
    last_seen: datetime
    title: str
    story_ids: tuple[str, ...] = ()
    outlets: tuple[str, ...] = ()
    tags: Tags = field(default_factory=Tags)
    keywords: tuple[str, ...] = ()  # words of its stories' titles and ledes, to match later ones

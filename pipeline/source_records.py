"""The records of a source: its entry in the sources file and its crawl health, which is
what ``picket sources`` shows.

Frozen dataclasses like the others of ``pipeline.records`` and
``pipeline.crawl_records``, kept apart so that listing the sources builds only these.
"""

from __future__ import annotations

import typing
from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal

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

"""Read sitemap bodies: sitemap indexes, url sets and Google News sitemaps.

Scrapy's own sitemap reader keeps only the direct children of ``<url>``, which
drops the ``<news:publication_date>`` and ``<news:title>`` of news sitemaps; this
one keeps them, because they are what bound a crawl by date. Pure: bytes in,
records out.
"""

from __future__ import annotations

import gzip
import io
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Literal

import lxml.etree

from pipeline.field_caps import TITLE_MAX_CHARS, capped

SitemapKind = Literal["sitemapindex", "urlset", "invalid"]

_GZIP_MAGIC = b"\x1f\x8b"


@dataclass(frozen=True, slots=True)
class SitemapEntry:
    """One ``<url>`` or ``<sitemap>`` of a sitemap document."""

    loc: str
    lastmod: datetime | None = None
    published: datetime | None = None
    title: str = ""

    @property
    def date(self) -> datetime | None:
        """The best date known for the entry: publication date, else last modification."""
        return self.published or self.lastmod


@dataclass(frozen=True, slots=True)
class SitemapDocument:
    kind: SitemapKind
    entries: tuple[SitemapEntry, ...] = ()


def parse_sitemap(body: bytes, *, max_bytes: int) -> SitemapDocument:
    """Parse a sitemap body (gzip-compressed or not), decompressing at most ``max_bytes``."""
    if body.startswith(_GZIP_MAGIC):
        try:
            body = _gunzip(body, max_bytes=max_bytes)
        except (OSError, EOFError, zlib.error, ValueError):
            return SitemapDocument("invalid")
    parser = lxml.etree.XMLParser(
        recover=True, resolve_entities=False, no_network=True, remove_comments=True
    )
    try:
        root = lxml.etree.fromstring(body, parser=parser)
    except lxml.etree.XMLSyntaxError:
        return SitemapDocument("invalid")
    if root is None:
        return SitemapDocument("invalid")
    kind = _local_name(root)
    if kind not in ("sitemapindex", "urlset"):
        return SitemapDocument("invalid")
    child = "sitemap" if kind == "sitemapindex" else "url"
    entries = tuple(e for e in (_entry(el) for el in root if _local_name(el) == child) if e)
    return SitemapDocument(kind, entries)  # type: ignore[arg-type]


def _gunzip(body: bytes, *, max_bytes: int) -> bytes:
    with gzip.GzipFile(fileobj=io.BytesIO(body)) as stream:
        data = stream.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise ValueError(f"sitemap larger than {max_bytes} bytes when decompressed")
    return data


def _entry(element: lxml.etree._Element) -> SitemapEntry | None:
    fields = dict(_leaves(element))
    loc = fields.get("loc", "").strip()
    if not loc:
        return None
    return SitemapEntry(
        loc=loc,
        lastmod=_parse_w3c_date(fields.get("lastmod", "")),
        published=_parse_w3c_date(fields.get("publication_date", "")),
        title=capped(" ".join(fields.get("title", "").split()), TITLE_MAX_CHARS),
    )


def _leaves(element: lxml.etree._Element) -> Iterator[tuple[str, str]]:
    """(local name, text) of every descendant without children, first occurrence wins."""
    seen: set[str] = set()
    for node in element.iter():
        if node is element or len(node) or not isinstance(node.tag, str):
            continue
        name = _local_name(node)
        if name not in seen:
            seen.add(name)
            yield name, node.text or ""


def _local_name(element: lxml.etree._Element) -> str:
    tag = element.tag
    return tag.rpartition("}")[2] if isinstance(tag, str) else ""


def _parse_w3c_date(value: str) -> datetime | None:
    """A W3C datetime (``2024-05-01``, ``2024-05-01T10:00:00+02:00``) in UTC; None if unreadable."""
    value = value.strip()
    if not value:
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed.astimezone(UTC)

"""The sitemap spider: sitemap indexes, url sets and Google News sitemaps, or robots.txt.

Child sitemaps and URLs dated before the crawl's cutoff (by ``lastmod`` or
``news:publication_date``) are skipped; the newest URLs are fetched first, up to
the source's ``max_items``. A news sitemap's title and date travel with the page
as its feed entry, so extraction has something to fall back on.

Sitemap indexes are followed at most ``max_depth`` levels below the source's URLs, and
a source reads at most ``MAX_SITEMAPS_PER_SOURCE`` sitemap documents, a crawl at most
``MAX_SITEMAPS_PER_CRAWL``: an index that keeps linking new indexes ends there, with one
warning saying so.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from typing import Any

import scrapy
from scrapy.http import Response
from scrapy.utils.sitemap import sitemap_urls_from_robots
from twisted.python.failure import Failure

from crawlers.sitemaps import SitemapEntry, parse_sitemap
from crawlers.spiders.base import SourceSpider, describe_failure, newest_first
from crawlers.urls import display_url
from pipeline.crawl_records import FeedEntry

logger = logging.getLogger(__name__)

MAX_SITEMAPS_PER_SOURCE = 100
MAX_SITEMAPS_PER_CRAWL = 500
DEPTH_META = "picket_sitemap_depth"


@dataclass
class SitemapAllowance:
    """How many more sitemap documents the crawl may read, shared by its sitemap spiders."""

    left: int = MAX_SITEMAPS_PER_CRAWL

    def take(self) -> bool:
        if self.left <= 0:
            return False
        self.left -= 1
        return True


class SitemapSpider(SourceSpider):
    """Crawls a ``kind: sitemap`` source (its URLs are sitemaps or a robots.txt)."""

    def __init__(self, *, sitemap_allowance: SitemapAllowance | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.allowance = sitemap_allowance or SitemapAllowance()
        self.sitemaps_requested = 0
        self.sitemaps_refused = 0
        self.refused_because: str | None = None

    async def start(self) -> AsyncIterator[scrapy.Request]:
        for url in self.source.urls:
            yield self.source_request(
                url,
                callback=self.parse_sitemap,
                errback=self.entry_point_failed,
                cb_kwargs={"entry_point": True},
                meta={DEPTH_META: 0},
                dont_filter=True,
            )

    def parse_sitemap(
        self, response: Response, entry_point: bool = False
    ) -> Iterator[scrapy.Request]:
        depth = response.meta.get(DEPTH_META, 0)
        if response.url.endswith("/robots.txt"):
            if entry_point:
                self.tally.entry_point("ok", http_status=response.status)
            for url in sitemap_urls_from_robots(response.body, base_url=response.url):
                yield from self._sitemap_request(url, depth=depth)
            return
        document = parse_sitemap(response.body, max_bytes=self.settings.getint("DOWNLOAD_MAXSIZE"))
        if document.kind == "invalid":
            problem = f"{response.url}: not a sitemap"
            logger.warning("source %s: %s", self.name, problem)
            if entry_point:
                self.tally.entry_point("failed", http_status=response.status, error=problem)
            return
        if entry_point:
            self.tally.entry_point("ok", http_status=response.status)
        wanted = [e for e in document.entries if not self.too_old(e.date)]
        if document.kind == "sitemapindex":
            for entry in newest_first(wanted, lambda e: e.date):
                yield from self._sitemap_request(entry.loc, depth=depth)
            return
        self.tally.items_seen += len(document.entries)
        for entry in newest_first(wanted, lambda e: e.date):
            sitemap_url = display_url(response.url)
            request = self.article_request(entry.loc, entry=_feed_entry(entry, sitemap_url))
            if request is not None:
                yield request

    def _sitemap_request(self, url: str, *, depth: int) -> Iterator[scrapy.Request]:
        """The request for a child sitemap of a document at ``depth``, unless over a bound."""
        limit = self._limit_reached(depth)
        if limit is not None:
            self.sitemaps_refused += 1
            self.refused_because = self.refused_because or f"{limit} (from {url} on)"
            return
        self.sitemaps_requested += 1
        yield self.source_request(
            url,
            callback=self.parse_sitemap,
            errback=self.sitemap_failed,
            meta={DEPTH_META: depth + 1},
        )

    def _limit_reached(self, depth: int) -> str | None:
        if depth + 1 > self.source.max_depth:
            return f"sitemap indexes nest deeper than max_depth {self.source.max_depth}"
        if self.sitemaps_requested >= MAX_SITEMAPS_PER_SOURCE:
            return f"a source reads at most {MAX_SITEMAPS_PER_SOURCE} sitemaps per crawl"
        if not self.allowance.take():
            return f"a crawl reads at most {MAX_SITEMAPS_PER_CRAWL} sitemaps"
        return None

    def sitemap_failed(self, failure: Failure) -> None:
        request = failure.request  # type: ignore[attr-defined]
        _, error = describe_failure(failure)
        logger.warning("source %s: child sitemap %s failed: %s", self.name, request.url, error)

    def closed(self, reason: str) -> None:
        if self.sitemaps_refused:
            problem = f"{self.sitemaps_refused} child sitemaps not read: {self.refused_because}"
            logger.warning("source %s: %s", self.name, problem)
            self.tally.errors.append(problem)
        super().closed(reason)


def _feed_entry(entry: SitemapEntry, sitemap_url: str) -> FeedEntry | None:
    if not entry.title and entry.published is None:
        return None
    return FeedEntry(
        link=entry.loc, title=entry.title, published=entry.published, feed_url=sitemap_url
    )

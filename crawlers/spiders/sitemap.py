"""The sitemap spider: sitemap indexes, url sets and Google News sitemaps, or robots.txt.

Child sitemaps and URLs dated before the crawl's cutoff (by ``lastmod`` or
``news:publication_date``) are skipped; the newest URLs are fetched first, up to
the source's ``max_items``. A news sitemap's title and date travel with the page
as its feed entry, so extraction has something to fall back on.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Iterator

import scrapy
from scrapy.http import Response
from scrapy.utils.sitemap import sitemap_urls_from_robots
from twisted.python.failure import Failure

from crawlers.sitemaps import SitemapEntry, parse_sitemap
from crawlers.spiders.base import SourceSpider, describe_failure, newest_first
from pipeline.records import FeedEntry

logger = logging.getLogger(__name__)


class SitemapSpider(SourceSpider):
    """Crawls a ``kind: sitemap`` source (its URLs are sitemaps or a robots.txt)."""

    async def start(self) -> AsyncIterator[scrapy.Request]:
        for url in self.source.urls:
            yield scrapy.Request(
                url,
                callback=self.parse_sitemap,
                errback=self.entry_point_failed,
                cb_kwargs={"entry_point": True},
                dont_filter=True,
            )

    def parse_sitemap(
        self, response: Response, entry_point: bool = False
    ) -> Iterator[scrapy.Request]:
        if response.url.endswith("/robots.txt"):
            if entry_point:
                self.tally.entry_point("ok", http_status=response.status)
            for url in sitemap_urls_from_robots(response.body, base_url=response.url):
                yield self._sitemap_request(url)
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
                yield self._sitemap_request(entry.loc)
            return
        self.tally.items_seen += len(document.entries)
        for entry in newest_first(wanted, lambda e: e.date):
            request = self.article_request(entry.loc, entry=_feed_entry(entry, response.url))
            if request is not None:
                yield request

    def _sitemap_request(self, url: str) -> scrapy.Request:
        return scrapy.Request(url, callback=self.parse_sitemap, errback=self.sitemap_failed)

    def sitemap_failed(self, failure: Failure) -> None:
        request = failure.request  # type: ignore[attr-defined]
        _, error = describe_failure(failure)
        logger.warning("source %s: child sitemap %s failed: %s", self.name, request.url, error)


def _feed_entry(entry: SitemapEntry, sitemap_url: str) -> FeedEntry | None:
    if not entry.title and entry.published is None:
        return None
    return FeedEntry(
        link=entry.loc, title=entry.title, published=entry.published, feed_url=sitemap_url
    )

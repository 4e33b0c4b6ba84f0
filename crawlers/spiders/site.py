"""The site spider: listing pages, followed to article-looking links within the site.

Start pages are listings (a front page, a section). Links that look like
stories are fetched as articles; other links inside the allowed domains are
followed as further listings. Nothing is fetched more than ``max_depth`` link
hops from a start page, and articles whose page states a publication date
before the cutoff are dropped.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime
from typing import Any

import scrapy
from scrapy.http import Response, TextResponse
from scrapy.linkextractors import LinkExtractor

from crawlers.spiders.base import SourceSpider
from crawlers.urls import host_of, in_domains, looks_like_article_url
from pipeline.crawl_records import FeedEntry, FetchedPage

PUBLISHED_META = (
    'meta[property="article:published_time"]::attr(content)',
    'meta[itemprop="datePublished"]::attr(content)',
    'meta[name="date"]::attr(content)',
)


class SiteSpider(SourceSpider):
    """Crawls a ``kind: site`` source."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        domains = self.source.allowed_domains or tuple(host_of(u) for u in self.source.urls)
        self.allowed_domains = list(domains)
        # Filtered by host here: LinkExtractor's allow_domains compares host *and port*.
        self._links = LinkExtractor()

    async def start(self) -> AsyncIterator[scrapy.Request]:
        for url in self.source.urls:
            yield self.source_request(
                url,
                callback=self.parse_listing,
                errback=self.entry_point_failed,
                cb_kwargs={"entry_point": True},
                dont_filter=True,
            )

    def parse_listing(
        self, response: Response, entry_point: bool = False
    ) -> Iterator[scrapy.Request]:
        if entry_point:
            self.tally.entry_point("ok", http_status=response.status)
        if not isinstance(response, TextResponse):
            return
        depth = response.meta.get("depth", 0)
        if depth >= self.source.max_depth:
            return
        for link in self._links.extract_links(response):
            if not in_domains(link.url, self.allowed_domains):
                continue
            if looks_like_article_url(link.url):
                self.tally.items_seen += 1
                request = self.article_request(link.url)
            elif depth + 1 < self.source.max_depth and self.budget_left():
                request = self.source_request(link.url, callback=self.parse_listing)
            else:
                continue
            if request is not None:
                yield request

    def parse_article(self, response: Response, entry: FeedEntry | None) -> Iterator[FetchedPage]:
        if isinstance(response, TextResponse) and self.too_old(_published(response)):
            return
        yield from super().parse_article(response, entry)


def _published(response: TextResponse) -> datetime | None:
    for query in PUBLISHED_META:
        value = response.css(query).get()
        if not value:
            continue
        try:
            published = datetime.fromisoformat(value.strip())
        except ValueError:
            continue
        return published if published.tzinfo else published.replace(tzinfo=UTC)
    return None

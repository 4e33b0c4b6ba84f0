"""The feed spider: conditional GET of each feed, then each new entry's article page.

A 304 records ``not_modified`` and costs nothing more. A feed that parses badly
is logged and its readable entries are still followed. Entries older than the
crawl's cutoff, already stored, or beyond ``max_items`` are not fetched. An entry that
links to a Google News article page is fetched at the publisher's URL it stands for
(``crawlers.spiders.google_news``).

``FeedBatchSpider`` polls many feed sources in one Scrapy crawler, each source still
judged by its own ``FeedSpider``: starting and stopping a crawler costs tens of
milliseconds, most of the work of a poll answered with a 304, so a thousand feeds
polled one crawler each spend their time starting crawlers.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator, Sequence
from dataclasses import replace
from datetime import datetime
from typing import TYPE_CHECKING, Any

import scrapy
from scrapy import signals
from scrapy.http import Response
from twisted.python.failure import Failure

from crawlers.feeds import parse_feed
from crawlers.spiders.base import SourceSpider, newest_first
from crawlers.spiders.google_news import GoogleNews, ResolvesGoogleNewsLinks
from crawlers.urls import display_url
from pipeline.crawl_records import CrawlOutcome, Validators
from pipeline.source_records import Source

if TYPE_CHECKING:
    from typing import Self

    from scrapy.crawler import Crawler

FEED_ACCEPT = (
    "application/rss+xml, application/atom+xml, application/feed+json, "
    "application/xml;q=0.9, text/xml;q=0.9, */*;q=0.5"
)


class FeedSpider(ResolvesGoogleNewsLinks, SourceSpider):
    """Crawls a ``kind: feed`` source."""

    def __init__(self, *, google_news: GoogleNews | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.google_news = google_news

    async def start(self) -> AsyncIterator[scrapy.Request]:
        for url in self.source.urls:
            shown = display_url(url)  # validators and errors are kept under this name
            yield self.source_request(
                url,
                callback=self.parse_feed,
                errback=self.entry_point_failed,
                headers=self._request_headers(shown),
                meta={"handle_httpstatus_list": [304]},
                cb_kwargs={"feed_url": shown},
                dont_filter=True,
            )

    def parse_feed(self, response: Response, feed_url: str) -> Iterator[scrapy.Request]:
        validators = self._validators_from(response, feed_url)
        if response.status == 304:
            self.tally.entry_point("not_modified", http_status=304, validators=validators)
            return
        headers = dict(response.headers.to_unicode_dict())
        parsed = parse_feed(response.body, url=response.url, headers=headers, source_id=self.name)
        if parsed.problem and not parsed.entries:
            self.tally.entry_point(
                "failed", http_status=response.status, error=f"{feed_url}: {parsed.problem}"
            )
            return
        self.tally.entry_point("ok", http_status=response.status, validators=validators)
        self.tally.items_seen += len(parsed.entries)
        for entry in newest_first(parsed.entries, lambda e: e.published):
            if not self.too_old(entry.published):
                yield from self.entry_requests(replace(entry, feed_url=feed_url))

    def _request_headers(self, feed_url: str) -> dict[str, str]:
        headers = {"Accept": FEED_ACCEPT}
        known = self.validators.get(feed_url)
        if known is not None and known.etag:
            headers["If-None-Match"] = known.etag
        if known is not None and known.last_modified:
            headers["If-Modified-Since"] = known.last_modified
        return headers

    def _validators_from(self, response: Response, feed_url: str) -> Validators:
        """The feed's validators for next time: the response's, else the ones we sent."""
        known = self.validators.get(feed_url) or Validators(url=feed_url)
        etag = response.headers.get(b"ETag")
        last_modified = response.headers.get(b"Last-Modified")
        return Validators(
            url=feed_url,
            etag=etag.decode("latin-1") if etag else known.etag,
            last_modified=last_modified.decode("latin-1") if last_modified else known.last_modified,
        )


class FeedBatchSpider(scrapy.Spider):
    """Crawls many ``kind: feed`` sources at once, each through its own ``FeedSpider``.

    The crawler's downloader keeps each site's delay and concurrency across the sources
    of that site, and reads each site's robots.txt once. An article that two sources
    link is fetched once, for the first. The sources' outcomes come when all are done.
    """

    name = "feeds"

    def __init__(self, *, sources: Sequence[Source], **options: Any) -> None:
        super().__init__()
        self.members = {source.id: FeedSpider(source=source, **options) for source in sources}

    @classmethod
    def from_crawler(cls, crawler: Crawler, *args: Any, **kwargs: Any) -> Self:
        spider = super().from_crawler(crawler, *args, **kwargs)
        crawler.signals.connect(spider.callback_failed, signal=signals.spider_error)
        return spider

    async def start(self) -> AsyncIterator[scrapy.Request]:
        for member in self.members.values():
            async for request in member.start():
                yield request

    def callback_failed(self, failure: Failure, response: Response) -> None:
        """A bug in a source's callback is noted in that source's outcome."""
        member = getattr(response.request.callback, "__self__", None)
        if isinstance(member, FeedSpider):
            member.callback_failed(failure, response)

    def closed(self, reason: str) -> None:
        """Sources whose feeds had not all answered when the crawl was stopped are unfinished."""
        budget_s = self.settings.getfloat("CLOSESPIDER_TIMEOUT")
        for member in self.members.values():
            answered = member.tally.ok + member.tally.not_modified + member.tally.failed
            if answered < len(member.source.urls):
                member.stop_unfinished(reason, budget_s=budget_s)

    def outcomes(self, attempted_at: datetime) -> list[CrawlOutcome]:
        return [member.outcomes(attempted_at)[0] for member in self.members.values()]

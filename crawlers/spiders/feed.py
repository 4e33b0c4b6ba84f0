"""The feed spider: conditional GET of each feed, then each new entry's article page.

A 304 records ``not_modified`` and costs nothing more. A feed that parses badly
is logged and its readable entries are still followed. Entries older than the
crawl's cutoff, already stored, or beyond ``max_items`` are not fetched.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

import scrapy
from scrapy.http import Response

from crawlers.feeds import parse_feed
from crawlers.spiders.base import SourceSpider, newest_first
from pipeline.records import Validators

FEED_ACCEPT = (
    "application/rss+xml, application/atom+xml, application/feed+json, "
    "application/xml;q=0.9, text/xml;q=0.9, */*;q=0.5"
)


class FeedSpider(SourceSpider):
    """Crawls a ``kind: feed`` source."""

    async def start(self) -> AsyncIterator[scrapy.Request]:
        for url in self.source.urls:
            yield scrapy.Request(
                url,
                callback=self.parse_feed,
                errback=self.entry_point_failed,
                headers=self._request_headers(url),
                meta={"handle_httpstatus_list": [304]},
                cb_kwargs={"feed_url": url},
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
            if self.too_old(entry.published):
                continue
            request = self.article_request(entry.link, entry=entry)
            if request is not None:
                yield request

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

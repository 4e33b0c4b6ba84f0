"""Feed items that link to Google News are fetched at the publisher's URL instead.

Google News RSS searches link each item to a Google page, not to the article: kept as
they are, the story would be Google's page with Google's URL, and a different story from
the same article in the publisher's own feed. ``ResolvesGoogleNewsLinks`` gives the feed
spider the publisher's URL of such a link: from the cache of links already resolved,
from the link itself (older links carry the URL), or by asking Google (newer links),
through Scrapy like every other request, so robots.txt, delays and the address guard
apply. A link that cannot be resolved is fetched as it is, with one warning.
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

import scrapy
from scrapy.http import Response
from twisted.python.failure import Failure

from crawlers.googlenews import (
    BATCHEXECUTE_PATH,
    article_id,
    batchexecute_form,
    decode_offline,
    decoding_params,
    url_from_batchexecute,
)
from crawlers.linkcache import ResolvedLinks
from crawlers.spiders.base import describe_failure
from pipeline.crawl_records import FeedEntry

if TYPE_CHECKING:
    from crawlers.spiders.base import SourceSpider

    _Base = SourceSpider
else:
    _Base = object

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class GoogleNews:
    """Where Google News is (``PICKET_GOOGLE_NEWS_URL``) and the links already resolved."""

    url: str
    resolved: ResolvedLinks


class ResolvesGoogleNewsLinks(_Base):
    """Turns a feed entry into its article request, at the publisher's URL when it can."""

    google_news: GoogleNews | None = None
    asking_google: int = 0  # links being resolved, which count against ``max_items``

    def entry_requests(self, entry: FeedEntry) -> Iterator[scrapy.Request]:
        google = self.google_news
        gid = article_id(entry.link, google.url) if google is not None else None
        if google is None or gid is None:
            yield from self._article(entry.link, entry)
            return
        url = google.resolved.get(gid)
        if url is None:
            decoded = decode_offline(gid)
            if decoded.needs_google:
                if self.tally.articles_requested + self.asking_google >= self.source.max_items:
                    return
                self.asking_google += 1
                yield scrapy.Request(
                    f"{google.url}/articles/{gid}",
                    callback=self.google_article_page,
                    errback=self.google_news_failed,
                    cb_kwargs={"entry": entry, "gid": gid},
                    dont_filter=True,
                )
                return
            if decoded.url is None:
                yield from self._keep_google_link(entry, "the link holds no publisher URL")
                return
            yield from self._at_publisher(decoded.url, entry, gid=gid)
            return
        yield from self._at_publisher(url, entry)

    def google_article_page(
        self, response: Response, entry: FeedEntry, gid: str
    ) -> Iterator[scrapy.Request]:
        """Google's article page: its signature and timestamp go to ``batchexecute``."""
        params = decoding_params(_text(response))
        if params is None:
            self.asking_google -= 1
            yield from self._keep_google_link(entry, "Google's page has no decoding parameters")
            return
        assert self.google_news is not None, "only Google News links are asked for"
        yield scrapy.FormRequest(
            self.google_news.url + BATCHEXECUTE_PATH,
            formdata=batchexecute_form(gid, *params),
            callback=self.google_news_answer,
            errback=self.google_news_failed,
            cb_kwargs={"entry": entry, "gid": gid},
            dont_filter=True,
        )

    def google_news_answer(
        self, response: Response, entry: FeedEntry, gid: str
    ) -> Iterator[scrapy.Request]:
        self.asking_google -= 1
        url = url_from_batchexecute(_text(response))
        if url is None:
            yield from self._keep_google_link(entry, "Google's answer holds no URL")
            return
        yield from self._at_publisher(url, entry, gid=gid)

    def google_news_failed(self, failure: Failure) -> Iterator[scrapy.Request]:
        request = failure.request  # type: ignore[attr-defined]
        _, error = describe_failure(failure)
        self.asking_google -= 1
        yield from self._keep_google_link(request.cb_kwargs["entry"], f"{request.url}: {error}")

    def _at_publisher(
        self, url: str, entry: FeedEntry, *, gid: str | None = None
    ) -> Iterator[scrapy.Request]:
        """The article request at the publisher's ``url``; ``gid`` is cached when given."""
        if gid is not None and self.google_news is not None:
            self.google_news.resolved.put(gid, url)
        yield from self._article(url, dataclasses.replace(entry, link=url))

    def _keep_google_link(self, entry: FeedEntry, why: str) -> Iterator[scrapy.Request]:
        logger.warning(
            "source %s: Google News link %s is kept as it is: %s", self.name, entry.link, why
        )
        yield from self._article(entry.link, entry)

    def _article(self, url: str, entry: FeedEntry) -> Iterator[scrapy.Request]:
        request = self.article_request(url, entry=entry)
        if request is not None:
            yield request


def _text(response: Response) -> str:
    return response.body.decode("utf-8", errors="replace")

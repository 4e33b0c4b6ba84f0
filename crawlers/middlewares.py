"""Downloader middlewares: what picket refuses to fetch, and how it retries.

``RequestGuardMiddleware`` sits before everything else (robots.txt included), so
a request for a non-http(s) URL or, unless allowed, a loopback, private or
link-local address never leaves the machine; redirects pass through it again.
``BackoffRetryMiddleware`` replaces Scrapy's retry middleware: same settings,
but it waits before each retry, as long as the server's Retry-After asks (up to
a cap) or with exponential back-off, and what one request waits in a crawl has a
budget. ``RobotsTxtCachePolicy`` lets Scrapy's HTTP cache keep robots.txt files
between crawls, so a poll every few minutes does not fetch each site's robots.txt
again before its feed.
"""

from __future__ import annotations

import asyncio
import logging
import socket
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import TYPE_CHECKING

from scrapy.downloadermiddlewares.retry import RetryMiddleware, get_retry_request
from scrapy.exceptions import DownloadTimeoutError, IgnoreRequest
from scrapy.extensions.httpcache import DummyPolicy
from scrapy.http.request import NO_CALLBACK
from scrapy.utils.httpobj import urlparse_cached
from scrapy.utils.response import response_status_message

from crawlers.urls import host_of, is_fetchable_url, is_public_address

if TYPE_CHECKING:
    from typing import Self

    from scrapy import Request
    from scrapy.crawler import Crawler
    from scrapy.http import Response

logger = logging.getLogger(__name__)

WAITED_META = "picket_retry_waited_s"


class RequestGuardMiddleware:
    """Refuses non-http(s) URLs, and hosts that resolve to non-public addresses unless allowed."""

    def __init__(self, *, allow_private_addresses: bool) -> None:
        self._allow_private = allow_private_addresses
        self._verdicts: dict[str, str | None] = {}

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        return cls(
            allow_private_addresses=crawler.settings.getbool("PICKET_ALLOW_PRIVATE_ADDRESSES")
        )

    async def process_request(self, request: Request) -> None:
        if not is_fetchable_url(request.url):
            raise IgnoreRequest(f"only http(s) URLs are fetched, not {request.url}")
        if self._allow_private:
            return
        host = host_of(request.url)
        if host not in self._verdicts:
            self._verdicts[host] = await _non_public_address(host)
        if (address := self._verdicts[host]) is not None:
            raise IgnoreRequest(f"refused: {host} resolves to non-public address {address}")


async def _non_public_address(host: str) -> str | None:
    """The first non-public address ``host`` resolves to, or None when all are public.

    A host that does not resolve is left to the download itself to report.
    """
    try:
        infos = await asyncio.get_running_loop().getaddrinfo(host, None, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError):
        return None
    for *_, sockaddr in infos:
        address = str(sockaddr[0])
        if not is_public_address(address):
            return address
    return None


class BackoffRetryMiddleware(RetryMiddleware):
    """Scrapy's retries, with a wait before each one that honours Retry-After, on a budget.

    Each wait is the server's Retry-After, if it asks for no more than
    ``PICKET_MAX_RETRY_AFTER_S``, else exponential back-off from
    ``PICKET_RETRY_BACKOFF_BASE_S``. The waits of one request, plus the attempts that
    timed out, add up to at most ``PICKET_RETRY_MAX_WAIT_S``: a retry that would need
    more is not made in this crawl. The budget is small because a crawl ends only when
    its last retry does, and a waiting retry holds one of its request slots; the next
    poll asks again, and a source that keeps failing is backed off by its health.
    """

    max_retry_after_s: float
    backoff_base_s: float
    max_total_wait_s: float

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        middleware = super().from_crawler(crawler)
        middleware.max_retry_after_s = crawler.settings.getfloat("PICKET_MAX_RETRY_AFTER_S")
        middleware.backoff_base_s = crawler.settings.getfloat("PICKET_RETRY_BACKOFF_BASE_S")
        middleware.max_total_wait_s = crawler.settings.getfloat("PICKET_RETRY_MAX_WAIT_S")
        return middleware

    async def process_response(self, request: Request, response: Response) -> Request | Response:
        if request.meta.get("dont_retry") or response.status not in self.retry_http_codes:
            return response
        asked = retry_after_seconds(
            response.headers.get(b"Retry-After", b"").decode("latin-1"), now=datetime.now(UTC)
        )
        if asked is not None and asked > self.max_retry_after_s:
            logger.warning(
                "not retrying %s: Retry-After asks for %.0fs, more than the %.0fs we wait",
                request.url,
                asked,
                self.max_retry_after_s,
            )
            return response
        reason = response_status_message(response.status)
        return await self._retry_after_waiting(request, reason, asked, spent_s=0.0) or response

    async def process_exception(
        self, request: Request, exception: Exception
    ) -> Request | Response | None:
        if request.meta.get("dont_retry") or not isinstance(exception, self.exceptions_to_retry):
            return None
        timed_out = isinstance(exception, DownloadTimeoutError)
        spent_s = float(request.meta.get("download_timeout", 0.0)) if timed_out else 0.0
        return await self._retry_after_waiting(request, exception, None, spent_s=spent_s)

    async def _retry_after_waiting(
        self, request: Request, reason: str | Exception, asked: float | None, *, spent_s: float
    ) -> Request | None:
        """The retry of ``request``, after its wait; None when it is not retried.

        ``asked`` is the server's Retry-After; ``spent_s`` what the failed attempt cost
        in waiting (its timeout, when it timed out).
        """
        wait = asked if asked is not None else self._backoff(request)
        waited = request.meta.get(WAITED_META, 0.0) + spent_s
        max_retry_times = request.meta.get("max_retry_times", self.max_retry_times)
        retries_left = request.meta.get("retry_times", 0) < max_retry_times
        if retries_left and waited + wait > self.max_total_wait_s:
            logger.warning(
                "not retrying %s (%s) in this crawl: after %.1fs spent waiting, a %.1fs wait "
                "would pass the %.1fs a request may wait",
                request.url,
                reason,
                waited,
                wait,
                self.max_total_wait_s,
            )
            return None
        retry = get_retry_request(
            request,
            spider=self.crawler.spider,
            reason=reason,
            max_retry_times=max_retry_times,
            give_up_log_level=self.give_up_log_level,
        )
        if retry is None:
            return None
        retry.meta[WAITED_META] = waited + wait
        await asyncio.sleep(wait)
        return retry

    def _backoff(self, request: Request) -> float:
        return self.backoff_base_s * 2 ** request.meta.get("retry_times", 0)


def retry_after_seconds(value: str, *, now: datetime) -> float | None:
    """Seconds to wait from a Retry-After header (delta seconds or an HTTP date); None if absent."""
    value = value.strip()
    if not value:
        return None
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - now).total_seconds())


class RobotsTxtCachePolicy(DummyPolicy):
    """Caches only the robots.txt requests of Scrapy's robots middleware, never pages or feeds.

    How long an entry lives is ``HTTPCACHE_EXPIRATION_SECS`` (a day, the most RFC 9309
    allows); server errors are not kept, so a site that failed is asked again next time.
    """

    def should_cache_request(self, request: Request) -> bool:
        return (
            request.callback is NO_CALLBACK
            and bool(request.meta.get("dont_obey_robotstxt"))
            and urlparse_cached(request).path == "/robots.txt"
        )

    def should_cache_response(self, response: Response, request: Request) -> bool:
        return response.status < 500 and response.status != 429

"""Downloader middlewares: what picket refuses to fetch, and how it retries.

``RequestGuardMiddleware`` sits before everything else (robots.txt included), so
a request for a non-http(s) URL or, unless allowed, a loopback, private or
link-local address never leaves the machine; redirects pass through it again.
``BackoffRetryMiddleware`` replaces Scrapy's retry middleware: same settings,
but it waits before each retry, as long as the server's Retry-After asks (up to
a cap) or with exponential back-off. ``RobotsTxtCachePolicy`` lets Scrapy's HTTP
cache keep robots.txt files between crawls, so a poll every few minutes does not
fetch each site's robots.txt again before its feed.
"""

from __future__ import annotations

import asyncio
import logging
import socket
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import TYPE_CHECKING

from scrapy.downloadermiddlewares.retry import RetryMiddleware, get_retry_request
from scrapy.exceptions import IgnoreRequest
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
    """Scrapy's retries, with a wait before each one that honours Retry-After."""

    max_wait_s: float
    backoff_base_s: float

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        middleware = super().from_crawler(crawler)
        middleware.max_wait_s = crawler.settings.getfloat("PICKET_MAX_RETRY_AFTER_S")
        middleware.backoff_base_s = crawler.settings.getfloat("PICKET_RETRY_BACKOFF_BASE_S")
        return middleware

    async def process_response(self, request: Request, response: Response) -> Request | Response:
        if request.meta.get("dont_retry") or response.status not in self.retry_http_codes:
            return response
        asked = retry_after_seconds(
            response.headers.get(b"Retry-After", b"").decode("latin-1"), now=datetime.now(UTC)
        )
        if asked is not None and asked > self.max_wait_s:
            logger.warning(
                "not retrying %s: Retry-After asks for %.0fs, more than the %.0fs we wait",
                request.url,
                asked,
                self.max_wait_s,
            )
            return response
        retry = self._retry_request(request, response_status_message(response.status))
        if retry is None:
            return response
        await asyncio.sleep(asked if asked is not None else self._backoff(request))
        return retry

    async def process_exception(
        self, request: Request, exception: Exception
    ) -> Request | Response | None:
        if request.meta.get("dont_retry") or not isinstance(exception, self.exceptions_to_retry):
            return None
        retry = self._retry_request(request, exception)
        if retry is not None:
            await asyncio.sleep(self._backoff(request))
        return retry

    def _retry_request(self, request: Request, reason: str | Exception) -> Request | None:
        return get_retry_request(
            request,
            spider=self.crawler.spider,
            reason=reason,
            max_retry_times=request.meta.get("max_retry_times", self.max_retry_times),
            give_up_log_level=self.give_up_log_level,
        )

    def _backoff(self, request: Request) -> float:
        attempts = request.meta.get("retry_times", 0)
        return min(self.backoff_base_s * 2**attempts, self.max_wait_s)


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

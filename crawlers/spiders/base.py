"""What every picket spider shares: its source, its bounds, article pages and its tally.

A spider crawls exactly one source. The entry points of the source (feeds,
sitemaps or listing pages) decide the source's outcome; the article pages they
lead to become ``FetchedPage`` items, failed ones included, so extraction can
fall back to the feed entry and the run can report what went wrong.

A user name and password in a source's URL are taken out of the URLs requested and sent
as HTTP Basic authentication, by Scrapy's ``HttpAuthMiddleware``, to that URL's host and
port only: not to robots.txt, nor to another host a redirect leads to. The outcome names
URLs as ``display_url`` shows them.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any, TypeVar
from urllib.parse import urlsplit

import scrapy
from scrapy import signals
from scrapy.exceptions import DownloadCancelledError, DownloadTimeoutError, IgnoreRequest
from scrapy.http import HtmlResponse, Response
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.python.failure import Failure

from crawlers.pipelines import PAGES_FAILED_STAT, PAGES_OK_STAT
from crawlers.urls import in_domains, is_fetchable_url, without_fragment, without_secrets
from pipeline.crawl_records import CrawlOutcome, CrawlStatus, FeedEntry, FetchedPage, Validators
from pipeline.settings import split_credentials
from pipeline.source_records import Source

if TYPE_CHECKING:
    from typing import Self

    from scrapy.crawler import Crawler

logger = logging.getLogger(__name__)

HTML_CONTENT_TYPES = frozenset({"text/html", "application/xhtml+xml"})
# The reason Scrapy's CloseSpider extension gives when CLOSESPIDER_TIMEOUT has passed.
TIME_BUDGET_REASON = "closespider_timeout"

_T = TypeVar("_T")


@dataclass
class SourceTally:
    """A source's running counts during its crawl, turned into a ``CrawlOutcome`` at the end."""

    ok: int = 0
    not_modified: int = 0
    failed: int = 0
    http_status: int | None = None
    errors: list[str] = field(default_factory=list)
    items_seen: int = 0
    articles_requested: int = 0
    skipped_known: int = 0
    validators: dict[str, Validators] = field(default_factory=dict)
    stopped: str | None = None  # why the crawl stopped the source before it was done

    def entry_point(
        self,
        status: CrawlStatus,
        *,
        http_status: int | None,
        error: str | None = None,
        validators: Validators | None = None,
    ) -> None:
        """Record how one feed, sitemap or start page went."""
        if status == "ok":
            self.ok += 1
        elif status == "not_modified":
            self.not_modified += 1
        else:
            self.failed += 1
        if http_status and (status != "failed" or not (self.ok or self.not_modified)):
            self.http_status = http_status  # a success's status wins over a failure's
        if error:
            self.errors.append(error)
        if validators is not None:
            self.validators[validators.url] = validators

    def outcome(self, source_id: str, attempted_at: datetime) -> CrawlOutcome:
        status: CrawlStatus = "ok" if self.ok else "not_modified" if self.not_modified else "failed"
        if self.stopped:
            status = "failed"  # unfinished: health notes why, and the source backs off
        errors = [self.stopped, *self.errors] if self.stopped else self.errors
        error = without_secrets("; ".join(errors)) or (
            "nothing was fetched" if status == "failed" else None
        )
        return CrawlOutcome(
            source_id=source_id,
            status=status,
            attempted_at=attempted_at,
            http_status=self.http_status,
            error=error,
            items_seen=self.items_seen,
            validators=tuple(self.validators.values()),
        )


class SourceSpider(scrapy.Spider):
    """Base of the feed, sitemap and site spiders."""

    def __init__(
        self,
        *,
        source: Source,
        now: datetime,
        since: datetime | None = None,
        skip_urls: Collection[str] = frozenset(),
        validators: Mapping[str, Validators] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(name=source.id, **kwargs)
        self.source = source
        self.cutoff = publication_cutoff(since, source.max_age_days, now)
        # Shared, not copied: a feed batch hands the same ones to a spider per feed.
        self.skip_urls = frozenset(skip_urls)
        self.validators: Mapping[str, Validators] = validators or {}
        self.tally = SourceTally()
        self.credentials = _credentials_by_netloc(source.urls)

    @classmethod
    def from_crawler(cls, crawler: Crawler, *args: Any, **kwargs: Any) -> Self:
        spider = super().from_crawler(crawler, *args, **kwargs)
        crawler.signals.connect(spider.callback_failed, signal=signals.spider_error)
        return spider

    def outcomes(self, attempted_at: datetime) -> list[CrawlOutcome]:
        """How the crawl went for the source (one outcome: a spider crawls one source)."""
        return [self.tally.outcome(self.source.id, attempted_at)]

    def callback_failed(self, failure: Failure, response: Response) -> None:
        """A bug in a callback: Scrapy logs the traceback; the outcome names it too."""
        self.tally.errors.append(f"{response.url}: error in the crawler: {failure.value!r}")

    def source_request(self, url: str, **kwargs: Any) -> scrapy.Request:
        """A request for ``url``, without a user name and password in it; the source's
        credentials for its host and port, if any, go along as Basic authentication."""
        url = split_credentials(url)[0]
        netloc = _netloc(url)
        if netloc in self.credentials:
            username, password = self.credentials[netloc]
            kwargs["meta"] = {
                **kwargs.get("meta", {}),
                "http_user": username,
                "http_pass": password,
                "http_auth_domain": netloc,  # compared with each request's host:port
            }
        return scrapy.Request(url, **kwargs)

    # --- bounds ----------------------------------------------------------------

    def too_old(self, published: datetime | None) -> bool:
        """Whether a dated item is older than ``since`` or the source's ``max_age_days``."""
        return published is not None and self.cutoff is not None and published < self.cutoff

    def budget_left(self) -> bool:
        return self.tally.articles_requested < self.source.max_items

    # --- article pages ------------------------------------------------------------

    def article_request(self, url: str, *, entry: FeedEntry | None = None) -> scrapy.Request | None:
        """A request for an article page, or None when the URL is out of bounds or known."""
        url = without_fragment(url.strip())
        if not is_fetchable_url(url):
            logger.info("source %s: skipping %r: only http(s) URLs are fetched", self.name, url)
            return None
        if url in self.skip_urls:
            self.tally.skipped_known += 1
            return None
        if not in_domains(url, self.source.allowed_domains) or not self.budget_left():
            return None
        self.tally.articles_requested += 1
        return self.source_request(
            url,
            callback=self.parse_article,
            errback=self.article_failed,
            cb_kwargs={"entry": entry},
        )

    def parse_article(self, response: Response, entry: FeedEntry | None) -> Iterator[FetchedPage]:
        content_type = response.headers.get(b"Content-Type", b"").decode("latin-1")
        mime = content_type.split(";", 1)[0].strip().lower()
        is_html = mime in HTML_CONTENT_TYPES or (not mime and isinstance(response, HtmlResponse))
        yield FetchedPage(
            source_id=self.name,
            url=_first_url(response),
            final_url=response.url,
            status=response.status,
            fetched_at=datetime.now(UTC),
            body=response.body if is_html else b"",
            content_type=content_type,
            entry=entry,
            error=None if is_html else f"content type {mime or 'unknown'} is not HTML",
        )

    def article_failed(self, failure: Failure) -> Iterator[FetchedPage]:
        request = failure.request  # type: ignore[attr-defined]
        status, error = describe_failure(failure)
        logger.info("source %s: article %s failed: %s", self.name, request.url, error)
        response = getattr(failure.value, "response", None)
        yield FetchedPage(
            source_id=self.name,
            url=request.meta.get("redirect_urls", [request.url])[0],
            final_url=response.url if response is not None else request.url,
            status=status,
            fetched_at=datetime.now(UTC),
            entry=request.cb_kwargs.get("entry"),
            error=error,
        )

    # --- entry points ------------------------------------------------------------------

    def entry_point_failed(self, failure: Failure) -> None:
        """Errback of a feed, sitemap or start page request: the source's outcome notes it."""
        request = failure.request  # type: ignore[attr-defined]
        status, error = describe_failure(failure)
        logger.warning("source %s: %s failed: %s", self.name, request.url, error)
        self.tally.entry_point(
            "failed", http_status=status or None, error=f"{request.url}: {error}"
        )

    def stop_unfinished(self, reason: str, *, budget_s: float) -> None:
        """Note that the crawl was stopped (``reason`` is Scrapy's) before the source was done."""
        if reason != TIME_BUDGET_REASON:
            return
        self.tally.stopped = (
            f"stopped after the crawl time budget of {budget_s:g} s (PICKET_CRAWL_TIME_BUDGET_S); "
            "pages fetched until then are kept"
        )
        logger.warning("source %s: %s", self.name, self.tally.stopped)

    def closed(self, reason: str) -> None:
        self.stop_unfinished(reason, budget_s=self.settings.getfloat("CLOSESPIDER_TIMEOUT"))
        stats = self.crawler.stats
        logger.info(
            "source %s: closed (%s): %d items seen, %d pages fetched, %d failed, %d already known",
            self.name,
            reason,
            self.tally.items_seen,
            stats.get_value(PAGES_OK_STAT, 0),
            stats.get_value(PAGES_FAILED_STAT, 0),
            self.tally.skipped_known,
        )


def newest_first(items: Iterable[_T], date_of: Callable[[_T], datetime | None]) -> list[_T]:
    """``items`` by date, newest first; undated ones last, in their original order."""
    oldest = datetime.min.replace(tzinfo=UTC)
    return sorted(items, key=lambda item: date_of(item) or oldest, reverse=True)


def publication_cutoff(
    since: datetime | None, max_age_days: int | None, now: datetime
) -> datetime | None:
    """The oldest publication time still wanted: the later of ``since`` and ``now - max_age``."""
    bounds = []
    if since is not None:
        bounds.append(since if since.tzinfo else since.replace(tzinfo=UTC))
    if max_age_days is not None:
        bounds.append(now - timedelta(days=max_age_days))
    return max(bounds, default=None)


def describe_failure(failure: Failure) -> tuple[int, str]:
    """(HTTP status or 0, a short message a person can act on) for a failed request."""
    exc = failure.value
    if isinstance(exc, HttpError):
        return exc.response.status, f"HTTP {exc.response.status}"
    if isinstance(exc, DownloadTimeoutError):
        return 0, f"timed out: {exc}"
    if isinstance(exc, DownloadCancelledError) or (
        isinstance(exc, IgnoreRequest) and "DOWNLOAD_MAXSIZE" in str(exc)  # when gunzipped
    ):
        return 0, f"response too large: {exc}"
    if isinstance(exc, IgnoreRequest):
        return 0, f"not fetched: {exc}"
    return 0, f"{type(exc).__name__}: {exc}"


def _credentials_by_netloc(urls: Iterable[str]) -> dict[str, tuple[str, str]]:
    """The user name and password written into ``urls``, by the host:port they are for."""
    found = {}
    for url in urls:
        bare, username, password = split_credentials(url)
        if username is not None or password is not None:
            found.setdefault(_netloc(bare), (username or "", password or ""))
    return found


def _netloc(url: str) -> str:
    """``host[:port]`` of ``url`` in lower case, as Scrapy's ``HttpAuthMiddleware`` compares it."""
    return urlsplit(url).netloc.lower()


def _first_url(response: Response) -> str:
    return response.request.meta.get("redirect_urls", [response.url])[0]

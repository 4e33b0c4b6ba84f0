"""The crawl child process: ``python -m crawlers.child JOB OUT [PARENT_PID]``.

Scrapy's Twisted reactor cannot be started twice in one process, so every crawl
runs here, in a fresh process started by ``crawlers.crawl.crawl``. It reads the
job, crawls each source with its own Scrapy crawler, and appends pages, one
outcome per source and log records to OUT (see ``crawlers.results``).

Feed sources with the default politeness are polled together by one crawler
(``FeedBatchSpider``), whose downloader keeps each site's delay and concurrency.
Every other source gets a crawler of its own; those whose first URL shares a host
run one after another in the same lane, so two sources of one site never double its
load; lanes, and the feed batch, run side by side.

Given its parent's process id, the child ends when that process does
(``crawlers.lifeline``): a killed run leaves no crawl behind.
"""

from __future__ import annotations

import asyncio
import logging
import os
import sys
from collections import defaultdict
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from crawlers.lifeline import die_with_parent
from crawlers.results import FULL_URLS_VARIABLE, CrawlJob, ResultWriter, read_job
from crawlers.scrapy_settings import scrapy_settings
from crawlers.urls import host_of, without_secrets
from pipeline.crawl_records import CrawlOutcome
from pipeline.settings import Settings, settings_from_json
from pipeline.source_records import Politeness, Source

if TYPE_CHECKING:
    from scrapy.crawler import AsyncCrawlerRunner

    from crawlers.spiders.google_news import GoogleNews
    from crawlers.spiders.sitemap import SitemapAllowance

logger = logging.getLogger(__name__)

ASYNCIO_REACTOR = "twisted.internet.asyncioreactor.AsyncioSelectorReactor"
CHATTY_LOGGERS = ("scrapy", "twisted", "protego", "filelock")
# At DEBUG this logger prints every item, page bodies included.
ITEM_LOGGER = "scrapy.core.scraper"
# Log a robots.txt that could not be fetched: at ERROR with the whole traceback, and the
# retry middleware's "gave up" line before it.
ROBOTS_LOGGERS = ("scrapy.downloadermiddlewares.robotstxt", "scrapy.downloadermiddlewares.retry")


class _StreamHandler(logging.Handler):
    """Sends log records to the parent through the result stream."""

    def __init__(self, writer: ResultWriter) -> None:
        super().__init__()
        self._writer = writer

    def emit(self, record: logging.LogRecord) -> None:
        try:
            self._writer.log(record)
        except (OSError, ValueError, TypeError):
            self.handleError(record)


class _RobotsTxtFailureInOneLine(logging.Filter):
    """Makes a robots.txt that could not be fetched one warning line, without a traceback.

    A site that cannot be reached is the source's failure, reported with it; its robots.txt
    failing first is worth a line, not two screens.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        if not isinstance(record.args, dict):
            return True
        request = record.args.get("request")
        if "f_exception" in record.args:
            record.msg = "robots.txt of %s could not be fetched: %s"
            record.args = (host_of(getattr(request, "url", "")), record.args["f_exception"])
            record.exc_info = record.exc_text = None
            record.levelno, record.levelname = logging.WARNING, "WARNING"
            return True
        meta = getattr(request, "meta", {})
        return not meta.get("dont_obey_robotstxt")  # a robots.txt retry: the line above says it


def main(argv: Sequence[str] | None = None) -> int:
    job_path, out_path, *parent = argv if argv is not None else sys.argv[1:]
    if parent:
        die_with_parent(int(parent[0]))
    job = read_job(Path(job_path), full_urls=os.environ.pop(FULL_URLS_VARIABLE, ""))
    settings = settings_from_json(job.settings)
    writer = ResultWriter(out_path)
    _configure_logging(writer, settings.log_level)
    try:
        completed = _run_reactor(job, settings, writer, results_path=Path(out_path))
    finally:
        writer.close()
    return 0 if completed else 1


def _configure_logging(writer: ResultWriter, level: str) -> None:
    from scrapy.utils.log import configure_logging

    configure_logging({"LOG_INSTALL_ROOT_HANDLER": False})
    root = logging.getLogger()
    root.addHandler(_StreamHandler(writer))
    root.setLevel(level)
    for name in CHATTY_LOGGERS:
        logging.getLogger(name).setLevel(level if level == "DEBUG" else "WARNING")
    logging.getLogger(ITEM_LOGGER).setLevel("INFO" if level == "DEBUG" else "WARNING")
    for name in ROBOTS_LOGGERS:
        logging.getLogger(name).addFilter(_RobotsTxtFailureInOneLine())


def _run_reactor(
    job: CrawlJob, settings: Settings, writer: ResultWriter, *, results_path: Path
) -> bool:
    """Crawl every source of the job; False if the crawl as a whole broke down."""
    from scrapy.utils.reactor import install_reactor

    install_reactor(ASYNCIO_REACTOR)
    from scrapy.crawler import AsyncCrawlerRunner
    from scrapy.utils.defer import deferred_from_coro
    from twisted.internet import reactor

    runner = AsyncCrawlerRunner({"TWISTED_REACTOR": ASYNCIO_REACTOR})
    broken: list[str] = []
    done = deferred_from_coro(_crawl_all(runner, job, settings, writer, results_path))
    done.addErrback(lambda failure: broken.append(failure.getTraceback()))
    done.addBoth(lambda _: reactor.stop())  # type: ignore[attr-defined]
    reactor.run()  # type: ignore[attr-defined]
    for traceback in broken:
        logger.error("the crawl broke down: %s", traceback)
    return not broken


async def _crawl_all(
    runner: AsyncCrawlerRunner,
    job: CrawlJob,
    settings: Settings,
    writer: ResultWriter,
    results_path: Path,
) -> None:
    from crawlers.linkcache import CACHE_NAME, ResolvedLinks
    from crawlers.spiders.google_news import GoogleNews
    from crawlers.spiders.sitemap import SitemapAllowance

    default_politeness = Politeness()
    feeds: list[Source] = []
    lanes: dict[str, list[tuple[bool, list[Source]]]] = defaultdict(list)
    for source in job.sources:
        if source.kind == "feed" and source.politeness == default_politeness:
            feeds.append(source)
        else:
            lanes[host_of(source.urls[0])].append((False, [source]))
    if feeds:
        lanes[""].append((True, feeds))  # one crawler for them all, as one more lane
    parallel = asyncio.Semaphore(
        max(1, settings.concurrency_total // settings.concurrency_per_domain)
    )
    sitemap_allowance = SitemapAllowance()  # shared: the bound is the whole crawl's
    google_news = GoogleNews(
        settings.google_news_url, ResolvedLinks(results_path.resolve().parent / CACHE_NAME)
    )

    async def run_lane(crawls: list[tuple[bool, list[Source]]]) -> None:
        async with parallel:
            for batch, sources in crawls:
                outcomes = await _crawl(
                    runner,
                    sources,
                    job,
                    settings,
                    results_path,
                    batch,
                    sitemap_allowance,
                    google_news,
                )
                for outcome in outcomes:
                    writer.outcome(outcome)

    try:
        await asyncio.gather(*(run_lane(crawls) for crawls in lanes.values()))
    finally:
        google_news.resolved.close()


async def _crawl(
    runner: AsyncCrawlerRunner,
    sources: list[Source],
    job: CrawlJob,
    settings: Settings,
    results_path: Path,
    batch: bool,
    sitemap_allowance: SitemapAllowance,
    google_news: GoogleNews,
) -> list[CrawlOutcome]:
    """Crawl one source with the spider of its kind, or a ``batch`` of feed sources."""
    from scrapy.crawler import Crawler

    from crawlers.spiders import SPIDER_FOR_KIND
    from crawlers.spiders.feed import FeedBatchSpider, FeedSpider
    from crawlers.spiders.sitemap import SitemapSpider

    attempted_at = datetime.now(UTC)
    first = sources[0]
    spider, target = (
        (FeedBatchSpider, {"sources": sources})
        if batch
        else (SPIDER_FOR_KIND[first.kind], {"source": first})
    )
    if spider is SitemapSpider:
        target["sitemap_allowance"] = sitemap_allowance
    if spider in (FeedSpider, FeedBatchSpider):
        target["google_news"] = google_news
    # A batch only holds sources with the default politeness, so the first one's is theirs.
    crawler = Crawler(spider, scrapy_settings(settings, first, results_path=results_path))
    try:
        await runner.crawl(
            crawler,
            **target,
            now=attempted_at,
            since=job.since,
            skip_urls=frozenset(job.skip_urls),
            validators={v.url: v for v in job.validators},
        )
    except Exception as exc:  # one broken crawler must not stop the others
        logger.exception("sources %s: the crawler failed", ", ".join(s.id for s in sources))
        return [
            CrawlOutcome(
                source_id=source.id,
                status="failed",
                attempted_at=attempted_at,
                error=without_secrets(f"crawler error: {type(exc).__name__}: {exc}"),
            )
            for source in sources
        ]
    return crawler.spider.outcomes(attempted_at)  # type: ignore[union-attr]


if __name__ == "__main__":
    sys.exit(main())

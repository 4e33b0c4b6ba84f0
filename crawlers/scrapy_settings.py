"""Scrapy settings for one source: picket's settings, then the source's politeness overrides.

Every crawl is polite and bounded the same way: robots.txt obeyed, AutoThrottle
on top of a per-domain delay and concurrency, retries with a bounded back-off, size
and redirect caps, no cookies, no telnet console or remote control server. The only
state left on disk is a day's cache of robots.txt files in the crawl's work folder.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, TypeVar

from pipeline.settings import Settings
from pipeline.source_records import Source

RETRY_HTTP_CODES = (408, 429, 500, 502, 503, 504)
RETRY_BACKOFF_BASE_S = 0.25  # 0.25 + 0.5 + 1 s: three retries within the default wait budget
ROBOTSTXT_TOKEN = "picket"
ROBOTS_CACHE_DIR = "robots-cache"
ROBOTS_CACHE_S = 24 * 3600  # RFC 9309: a cached robots.txt should not be used longer than this

_T = TypeVar("_T")


def scrapy_settings(settings: Settings, source: Source, *, results_path: Path) -> dict[str, Any]:
    """The Scrapy settings dict of the crawler that crawls ``source``."""
    politeness = source.politeness
    delay = _override(politeness.delay_s, settings.download_delay_s)
    concurrency = _override(politeness.concurrency, settings.concurrency_per_domain)
    timeout = _override(politeness.timeout_s, settings.timeout_s)
    return {
        "BOT_NAME": "picket",
        "USER_AGENT": settings.effective_user_agent,
        "ROBOTSTXT_OBEY": True,
        "ROBOTSTXT_USER_AGENT": ROBOTSTXT_TOKEN,
        "DOWNLOAD_DELAY": delay,
        "CONCURRENT_REQUESTS": settings.concurrency_total,
        "CONCURRENT_REQUESTS_PER_DOMAIN": concurrency,
        "AUTOTHROTTLE_ENABLED": True,
        "AUTOTHROTTLE_START_DELAY": delay,
        "AUTOTHROTTLE_MAX_DELAY": max(60.0, delay),
        "AUTOTHROTTLE_TARGET_CONCURRENCY": float(concurrency),
        "DOWNLOAD_TIMEOUT": timeout,
        "DNS_TIMEOUT": timeout,
        "DOWNLOAD_MAXSIZE": _override(politeness.max_bytes, settings.max_bytes),
        "RETRY_ENABLED": True,
        "RETRY_TIMES": settings.retries,
        "RETRY_HTTP_CODES": list(RETRY_HTTP_CODES),
        "RETRY_GIVE_UP_LOG_LEVEL": "WARNING",
        "CLOSESPIDER_TIMEOUT": settings.crawl_time_budget_s,
        "REDIRECT_ENABLED": True,
        "REDIRECT_MAX_TIMES": settings.max_redirects,
        "COOKIES_ENABLED": False,
        "TELNETCONSOLE_ENABLED": False,
        "REMOTE_CONTROL_ENABLED": False,  # a code-execution server that leaves job files
        "HTTPCACHE_ENABLED": True,
        "HTTPCACHE_POLICY": "crawlers.middlewares.RobotsTxtCachePolicy",
        "HTTPCACHE_DIR": str(results_path.resolve().parent / ROBOTS_CACHE_DIR),
        "HTTPCACHE_EXPIRATION_SECS": ROBOTS_CACHE_S,
        "JOBDIR": None,
        # Scrapy reads each callback's source once per spider object to warn about generators
        # that return values: a feed batch has a spider per feed, so a thousand re-reads.
        "WARN_ON_GENERATOR_RETURN_VALUE": False,
        # The item pipeline writes each page at once; more would only start that many idle
        # tasks for every response, a 304 included.
        "CONCURRENT_ITEMS": 1,
        "STATS_DUMP": False,
        "DOWNLOADER_MIDDLEWARES": {
            "crawlers.middlewares.RequestGuardMiddleware": 50,
            "scrapy.downloadermiddlewares.retry.RetryMiddleware": None,
            "crawlers.middlewares.BackoffRetryMiddleware": 550,
        },
        "ITEM_PIPELINES": {"crawlers.pipelines.PageWriterPipeline": 300},
        "PICKET_RESULTS_PATH": str(results_path),
        "PICKET_ALLOW_PRIVATE_ADDRESSES": settings.allow_private_addresses,
        "PICKET_MAX_RETRY_AFTER_S": settings.max_retry_after_s,
        "PICKET_RETRY_MAX_WAIT_S": settings.retry_max_wait_s,
        "PICKET_RETRY_BACKOFF_BASE_S": RETRY_BACKOFF_BASE_S,
    }


def _override(value: _T | None, default: _T) -> _T:
    return default if value is None else value

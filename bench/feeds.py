"""How fast picket polls many feeds: one full pass, then a pass where nothing changed.

A local server on loopback addresses (127.0.0.1, 127.0.0.2, ...: one "site" per address,
so feeds on different sites are crawled side by side as they would be on the web) serves
N synthetic RSS feeds of 20 items each, with ETag and Last-Modified, and a share of slow,
failing and malformed feeds. Both passes go through picket's real crawler
(``crawlers.crawl.crawl``) with the default politeness per site (a 1 s delay, 2 requests
at a time) and, as an operator polling a thousand feeds would set it,
``PICKET_CONCURRENCY_TOTAL=64`` requests at a time overall (``--concurrency-total``; the
default is 16). The second pass sends the validators the first one got back, so every
healthy feed answers ``304 Not Modified``.

Of the failing feeds, half answer 404 and half 500. A 500 is retried three times, after
0.25, 0.5 and 1 s of back-off (``PICKET_RETRY_MAX_WAIT_S``, 2 s by default, bounds what one
request may wait in a crawl) and never sooner than its site's delay allows, so a pass lasts
at least the 3 to 4 s from its last failing feed's first request to that feed's last retry.

The passes measure feed polling: every item's article URL is handed to the crawler as
already stored (as ``picket run`` does with the stories it has), so no article page is
fetched. Fetching 20,000 articles politely is a different workload, bounded by the
per-site delay rather than by picket.

    python bench/feeds.py [--feeds N] [--sites N] [--concurrency-total N] [--json]

Goals: the first pass over 1,000 feeds under 60 s on 2 cores, the second under 10 s.
With ``--json`` the last line is ``{"first_pass_s", "second_pass_s", "feeds", "peak_mb"}``.
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import json
import logging
import resource
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime, parsedate_to_datetime
from pathlib import Path
from xml.sax.saxutils import escape

from crawlers.crawl import CrawlResult, crawl
from pipeline.crawl_records import Validators
from pipeline.settings import Settings, load_settings
from pipeline.source_records import Source

FIRST_PASS_GOAL_S = 60.0
SECOND_PASS_GOAL_S = 10.0
ITEMS_PER_FEED = 20
SLOW_DELAY_S = 2.0
# How many requests picket has in flight at once, across all sites (its default is 16).
BENCH_CONCURRENCY_TOTAL = 64
PUBLISHED = datetime(2025, 6, 2, 12, 0, tzinfo=UTC)
ROBOTS_TXT = b"User-agent: *\nAllow: /\n"


@dataclass(frozen=True, slots=True)
class FeedPlan:
    """How each feed of the farm behaves, by index; the shares are fractions of all feeds."""

    feeds: int
    sites: int
    slow_share: float = 0.05
    failing_share: float = 0.02
    malformed_share: float = 0.03

    def kind(self, index: int) -> str:
        """'slow', 'failing', 'malformed' or 'ok', spread evenly over the indexes."""
        position = (index * 7919) % self.feeds / self.feeds  # a fixed shuffle of the indexes
        for kind, share in (
            ("slow", self.slow_share),
            ("failing", self.failing_share),
            ("malformed", self.malformed_share),
        ):
            if position < share:
                return kind
            position -= share
        return "ok"

    def host(self, index: int) -> str:
        """The loopback address of feed ``index``'s site (127.0.0.1, 127.0.0.2, ...)."""
        site = index % self.sites
        return f"127.0.{site // 250}.{site % 250 + 1}"


@dataclass
class Traffic:
    """What the server saw, for the figures."""

    requests: Counter[int] = field(default_factory=Counter)
    bytes_sent: int = 0

    def reset(self) -> None:
        self.requests.clear()
        self.bytes_sent = 0


class FeedFarm:
    """The synthetic feeds, served by one asyncio loop in a thread; a context manager."""

    def __init__(self, plan: FeedPlan) -> None:
        self.plan = plan
        self.traffic = Traffic()
        self.port = 0
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, daemon=True)
        self._servers: list[asyncio.Server] = []
        self._feeds: dict[int, bytes] = {}

    def feed_url(self, index: int) -> str:
        return f"http://{self.plan.host(index)}:{self.port}/feeds/{index}.xml"

    def article_urls(self, index: int) -> list[str]:
        base = f"http://{self.plan.host(index)}:{self.port}"
        return [f"{base}/news/{index}/story-{item}.html" for item in range(ITEMS_PER_FEED)]

    def __enter__(self) -> FeedFarm:
        self._thread.start()
        asyncio.run_coroutine_threadsafe(self._listen(), self._loop).result()
        return self

    def __exit__(self, *exc: object) -> None:
        asyncio.run_coroutine_threadsafe(self._close(), self._loop).result()
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(timeout=5)

    async def _listen(self) -> None:
        hosts = sorted({self.plan.host(i) for i in range(self.plan.feeds)})
        first = await asyncio.start_server(self._serve, hosts[0], 0, backlog=1024)
        self.port = first.sockets[0].getsockname()[1]
        self._servers = [first]
        for host in hosts[1:]:
            self._servers.append(
                await asyncio.start_server(self._serve, host, self.port, backlog=1024)
            )

    async def _close(self) -> None:
        for server in self._servers:
            server.close()
        for server in self._servers:
            await server.wait_closed()

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while True:
                head = await reader.readuntil(b"\r\n\r\n")
                request_line, *header_lines = head.decode("latin-1").split("\r\n")
                path = request_line.split(" ")[1]
                headers = {
                    name.strip().lower(): value.strip()
                    for name, _, value in (line.partition(":") for line in header_lines if line)
                }
                status, reply_headers, body, delay = self._respond(path, headers)
                if delay:
                    await asyncio.sleep(delay)
                lines = [f"HTTP/1.1 {status} {_REASONS[status]}"]
                lines += [f"{k}: {v}" for k, v in reply_headers.items()]
                lines.append(f"Content-Length: {len(body)}")
                data = ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body
                writer.write(data)
                await writer.drain()
                self.traffic.requests[status] += 1
                self.traffic.bytes_sent += len(data)
        except (asyncio.IncompleteReadError, ConnectionError, asyncio.LimitOverrunError):
            pass
        finally:
            writer.close()

    def _respond(self, path: str, headers: dict[str, str]) -> tuple[int, dict, bytes, float]:
        if path == "/robots.txt":
            return 200, {"Content-Type": "text/plain"}, ROBOTS_TXT, 0.0
        name = path.removeprefix("/feeds/").removesuffix(".xml")
        if not path.startswith("/feeds/") or not name.isdigit() or int(name) >= self.plan.feeds:
            return 404, {"Content-Type": "text/plain"}, b"not found", 0.0
        index = int(name)
        kind = self.plan.kind(index)
        if kind == "failing":
            status = 404 if index % 2 else 500
            return status, {"Content-Type": "text/plain"}, b"no feed here", 0.0
        body = self._feed_body(index)
        validators = {
            "ETag": f'"{hashlib.sha256(body).hexdigest()[:16]}"',
            "Last-Modified": format_datetime(PUBLISHED, usegmt=True),
        }
        delay = SLOW_DELAY_S if kind == "slow" else 0.0
        if _not_modified(headers, validators):
            return 304, validators, b"", delay
        return 200, {"Content-Type": "application/rss+xml", **validators}, body, delay

    def _feed_body(self, index: int) -> bytes:
        if index not in self._feeds:
            body = _rss(index, self.article_urls(index))
            if self.plan.kind(index) == "malformed":
                body = body[: len(body) * 2 // 3] if index % 2 else b"<html><body>oops</body>"
            self._feeds[index] = body
        return self._feeds[index]


_REASONS = {200: "OK", 304: "Not Modified", 404: "Not Found", 500: "Internal Server Error"}


def _not_modified(headers: dict[str, str], validators: dict[str, str]) -> bool:
    if "if-none-match" in headers:
        return validators["ETag"] in headers["if-none-match"]
    since = headers.get("if-modified-since")
    try:
        return bool(since) and parsedate_to_datetime(since) >= PUBLISHED
    except (TypeError, ValueError):
        return False


def _rss(index: int, links: Sequence[str]) -> bytes:
    items = "".join(
        f"<item><title>Story {item} of feed {index}</title><link>{escape(link)}</link>"
        f"<guid>{escape(link)}</guid>"
        f"<pubDate>{format_datetime(PUBLISHED - timedelta(hours=item), usegmt=True)}</pubDate>"
        f"<description>Summary of story {item}: workers at the company met on "
        f"Tuesday to discuss the plan.</description></item>"
        for item, link in enumerate(links)
    )
    return (
        f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
        f"<title>Feed {index}</title><link>http://example.org/{index}</link>"
        f"<description>Synthetic feed</description>{items}</channel></rss>"
    ).encode()


@dataclass(frozen=True, slots=True)
class PassFigures:
    seconds: float
    requests: dict[int, int]
    bytes_sent: int
    statuses: dict[str, int]

    def line(self, name: str, feeds: int) -> str:
        requests = sum(self.requests.values())
        by_status = ", ".join(f"{code}: {n}" for code, n in sorted(self.requests.items()))
        outcomes = ", ".join(f"{s} {n}" for s, n in sorted(self.statuses.items()))
        return (
            f"{name}: {self.seconds:.1f} s, {feeds / self.seconds:.1f} feeds/s, "
            f"{requests} requests ({by_status}), {self.bytes_sent / 1e6:.2f} MB sent; "
            f"sources {outcomes}"
        )


def polling_pass(
    farm: FeedFarm,
    sources: Sequence[Source],
    *,
    settings: Settings,
    work_dir: Path,
    validators: dict[str, Validators],
    skip_urls: set[str],
) -> tuple[PassFigures, CrawlResult]:
    """One crawl of every source, timed, with the server's traffic during it."""
    farm.traffic.reset()
    started = time.perf_counter()
    result = crawl(
        sources, settings=settings, validators=validators, work_dir=work_dir, skip_urls=skip_urls
    )
    seconds = time.perf_counter() - started
    figures = PassFigures(
        seconds=seconds,
        requests=dict(farm.traffic.requests),
        bytes_sent=farm.traffic.bytes_sent,
        statuses=dict(Counter(o.status for o in result.outcomes)),
    )
    return figures, result


def peak_mb() -> tuple[float, float]:
    """Peak resident memory (MB) of this process and of its largest finished child."""
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    child = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return own / 1024, child / 1024


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--feeds", type=int, default=1000, help="number of feeds (1000)")
    parser.add_argument(
        "--sites", type=int, default=0, help="loopback addresses they share (one per feed)"
    )
    parser.add_argument(
        "--concurrency-total",
        type=int,
        default=BENCH_CONCURRENCY_TOTAL,
        help=f"PICKET_CONCURRENCY_TOTAL for the crawl ({BENCH_CONCURRENCY_TOTAL})",
    )
    parser.add_argument("--json", action="store_true", help="end with one JSON line of figures")
    args = parser.parse_args(argv)
    settings = load_settings(
        allow_private_addresses=True,
        log_level="WARNING",
        concurrency_total=args.concurrency_total,
    )
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    logging.getLogger("crawlers").setLevel(logging.ERROR)

    plan = FeedPlan(feeds=args.feeds, sites=min(args.sites or args.feeds, args.feeds))
    with FeedFarm(plan) as farm, tempfile.TemporaryDirectory() as work:
        sources = [
            Source(id=f"feed-{i:05d}", kind="feed", urls=(farm.feed_url(i),))
            for i in range(plan.feeds)
        ]
        known = {url for i in range(plan.feeds) for url in farm.article_urls(i)}
        kinds = Counter(plan.kind(i) for i in range(plan.feeds))
        print(
            f"{plan.feeds} feeds of {ITEMS_PER_FEED} items on {plan.sites} loopback sites "
            f"({', '.join(f'{n} {k}' for k, n in sorted(kinds.items()))}); "
            f"PICKET_CONCURRENCY_TOTAL={settings.concurrency_total}, "
            f"PICKET_DOWNLOAD_DELAY_S={settings.download_delay_s:g}, "
            f"PICKET_RETRIES={settings.retries}, "
            f"PICKET_RETRY_MAX_WAIT_S={settings.retry_max_wait_s:g}"
        )
        first, result = polling_pass(
            farm, sources, settings=settings, work_dir=Path(work), validators={}, skip_urls=known
        )
        print(first.line("first pass", plan.feeds))
        validators = {v.url: v for v in result.validators}
        second, _ = polling_pass(
            farm,
            sources,
            settings=settings,
            work_dir=Path(work),
            validators=validators,
            skip_urls=known,
        )
        print(second.line("second pass (nothing changed)", plan.feeds))
    own_mb, crawler_mb = peak_mb()
    print(
        f"peak memory: crawler process {crawler_mb:.0f} MB, this process {own_mb:.0f} MB "
        f"(with the test server)"
    )
    print(
        f"goals: first pass < {FIRST_PASS_GOAL_S:.0f} s, second pass < {SECOND_PASS_GOAL_S:.0f} s"
        " (for 1,000 feeds on 2 cores)"
    )
    if args.json:
        figures = {
            "first_pass_s": round(first.seconds, 2),
            "second_pass_s": round(second.seconds, 2),
            "feeds": plan.feeds,
            "peak_mb": round(crawler_mb + own_mb, 1),
        }
        print(json.dumps(figures))
    return 0


if __name__ == "__main__":
    sys.exit(main())

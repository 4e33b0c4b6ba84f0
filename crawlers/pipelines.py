"""The item pipeline: every fetched (or failed) page goes to the result stream.

One job only: write ``FetchedPage`` items as JSON lines for the parent process
and count them in the crawler's stats, which the source's summary reports.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from scrapy.exceptions import DropItem

from crawlers.results import ResultWriter
from pipeline.crawl_records import FetchedPage

if TYPE_CHECKING:
    from typing import Self

    from scrapy.crawler import Crawler

PAGES_OK_STAT = "picket/pages_ok"
PAGES_FAILED_STAT = "picket/pages_failed"


class PageWriterPipeline:
    """Writes each ``FetchedPage`` to the result file named by ``PICKET_RESULTS_PATH``."""

    def __init__(self, crawler: Crawler) -> None:
        self._crawler = crawler
        self._path = crawler.settings["PICKET_RESULTS_PATH"]
        self._writer: ResultWriter | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        return cls(crawler)

    def open_spider(self) -> None:
        self._writer = ResultWriter(self._path)

    def close_spider(self) -> None:
        if self._writer is not None:
            self._writer.close()

    def process_item(self, item: Any) -> Any:
        if not isinstance(item, FetchedPage):
            raise DropItem(f"expected a FetchedPage, got {type(item).__name__}")
        assert self._writer is not None, "open_spider() runs before any item"
        self._writer.page(item)
        stats = self._crawler.stats
        stats.inc_value(PAGES_FAILED_STAT if item.error else PAGES_OK_STAT)
        return item

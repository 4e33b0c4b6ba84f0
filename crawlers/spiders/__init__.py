"""picket's spiders, one per source kind; each crawls exactly one source."""

from __future__ import annotations

from crawlers.spiders.base import SourceSpider
from crawlers.spiders.feed import FeedSpider
from crawlers.spiders.site import SiteSpider
from crawlers.spiders.sitemap import SitemapSpider

SPIDER_FOR_KIND: dict[str, type[SourceSpider]] = {
    "feed": FeedSpider,
    "sitemap": SitemapSpider,
    "site": SiteSpider,
}

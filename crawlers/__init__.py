"""picket's crawlers: feeds, sitemaps and sites, fetched politely with Scrapy."""

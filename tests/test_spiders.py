"""Sitemap and site spiders against 127.0.0.1, and crawl()'s child process as a user sees it."""

from __future__ import annotations

import gzip
import textwrap
from datetime import UTC, datetime
from urllib.parse import urlsplit

import pytest
from httpserver import Status

import crawlers.crawl
from crawlers.sitemaps import parse_sitemap
from crawlers.urls import in_domains, is_public_address, looks_like_article_url
from pipeline.source_records import Source

NEWS_SITEMAP = b"""<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"
        xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">
<url><loc>https://news.example/a</loc>
<news:news><news:publication><news:name>N</news:name></news:publication>
<news:publication_date>2024-05-03T08:00:00+02:00</news:publication_date>
<news:title>Staff  sign a letter</news:title></news:news></url>
<url><loc>https://news.example/b</loc><lastmod>2024-04-01</lastmod></url>
</urlset>"""


def paths(result) -> set[str]:
    return {urlsplit(page.url).path for page in result.pages}


# --- pure pieces -------------------------------------------------------------------


def test_news_sitemap_keeps_publication_date_and_title():
    document = parse_sitemap(NEWS_SITEMAP, max_bytes=1_000_000)
    assert document.kind == "urlset"
    news, plain = document.entries
    assert news.published == datetime(2024, 5, 3, 6, 0, tzinfo=UTC)
    assert news.title == "Staff sign a letter"
    assert plain.date == datetime(2024, 4, 1, tzinfo=UTC)


def test_gzipped_sitemap_is_read_and_bounded():
    compressed = gzip.compress(NEWS_SITEMAP)
    assert len(parse_sitemap(compressed, max_bytes=1_000_000).entries) == 2
    assert parse_sitemap(compressed, max_bytes=100).kind == "invalid"
    assert parse_sitemap(b"<html><body>no</body></html>", max_bytes=1000).kind == "invalid"


@pytest.mark.parametrize(
    ("url", "article"),
    [
        ("https://news.example/2024/05/01/workers-walk-out", True),
        ("https://news.example/tech/123456/staff-sign-open-letter-over-contract", True),
        ("https://news.example/articles/short.html", True),
        ("https://news.example/2024/05/", False),
        ("https://news.example/tag/labor", False),
        ("https://news.example/section/labour/", False),
        ("https://news.example/about.html", False),
        ("https://news.example/images/a-b-c-d.jpg", False),
        ("https://news.example/", False),
    ],
)
def test_article_looking_links(url, article):
    assert looks_like_article_url(url) is article


def test_address_and_domain_rules():
    assert not is_public_address("127.0.0.1")
    assert not is_public_address("10.1.2.3")
    assert not is_public_address("169.254.169.254")
    assert not is_public_address("::ffff:192.168.1.1")
    assert is_public_address("93.184.215.14")
    assert in_domains("https://www.news.example/a", ["news.example"])
    assert not in_domains("https://badnews.example/a", ["news.example"])


# --- sitemap spider -------------------------------------------------------------------


def test_sitemap_index_and_news_sitemap_bounded_by_date(local_server, run_crawl):
    source = Source(
        id="fixture-sitemap", kind="sitemap", urls=(local_server.url("/sitemap_index.xml"),)
    )
    result = run_crawl(source, since=datetime(2024, 1, 1, tzinfo=UTC))
    (outcome,) = result.outcomes
    assert outcome.status == "ok"
    assert paths(result) == {
        "/articles/news-recent-one.html",
        "/articles/news-recent-two.html",
        "/articles/page-listed.html",
        "/about.html",  # undated entries are kept
    }
    assert local_server.requests_for("/sitemaps/archive-2019.xml") == []  # old child sitemap
    news = next(p for p in result.pages if p.url.endswith("news-recent-one.html"))
    assert news.entry.title == "Recent news sitemap story one"
    assert news.entry.published == datetime(2024, 5, 3, 6, 0, tzinfo=UTC)


def test_sitemap_max_items_takes_the_newest(local_server, run_crawl):
    source = Source(
        id="news-sitemap",
        kind="sitemap",
        urls=(local_server.url("/sitemaps/news.xml"),),
        max_items=2,
    )
    result = run_crawl(source)
    assert paths(result) == {"/articles/news-recent-one.html", "/articles/news-recent-two.html"}
    assert result.outcomes[0].items_seen == 3


def test_sitemaps_listed_in_robots_txt_are_followed(local_server, run_crawl):
    source = Source(id="robots-sitemaps", kind="sitemap", urls=(local_server.url("/robots.txt"),))
    result = run_crawl(source, since=datetime(2024, 4, 1, tzinfo=UTC))
    assert result.outcomes[0].status == "ok"
    assert "/articles/news-recent-one.html" in paths(result)


def test_not_a_sitemap_fails_the_source(local_server, run_crawl):
    source = Source(id="not-sitemap", kind="sitemap", urls=(local_server.url("/index.html"),))
    (outcome,) = run_crawl(source).outcomes
    assert outcome.status == "failed"
    assert outcome.error.endswith("/index.html: not a sitemap")


# --- site spider ------------------------------------------------------------------------


def site(server, **changes) -> Source:
    return Source(id="fixture-site", kind="site", urls=(server.url("/"),), **changes)


def test_site_spider_follows_article_links_one_hop(local_server, run_crawl):
    result = run_crawl(site(local_server, max_depth=1))
    assert result.outcomes[0].status == "ok"
    assert paths(result) == {
        "/articles/first-open-letter.html",
        "/articles/second-walkout.html",
        "/articles/old-site-story.html",
    }
    assert local_server.requests_for("/section/labour/") == []
    assert local_server.requests_for("/about.html") == []  # not an article link


def test_site_spider_depth_bound(local_server, run_crawl):
    result = run_crawl(site(local_server, max_depth=2))
    assert "/articles/deep-story.html" in paths(result)
    assert "/articles/deeper-story.html" not in paths(result)
    assert local_server.requests_for("/section/labour/page/2/") == []


def test_site_spider_date_and_count_bounds(local_server, run_crawl):
    dated = run_crawl(site(local_server, max_depth=1), since=datetime(2021, 1, 1, tzinfo=UTC))
    assert "/articles/old-site-story.html" not in paths(dated)
    assert len(paths(dated)) == 2

    counted = run_crawl(site(local_server, max_depth=2, max_items=2))
    assert len(counted.pages) == 2


# --- crawl() as a whole ----------------------------------------------------------------


def test_two_crawls_in_one_process_and_known_urls_are_not_refetched(local_server, run_crawl):
    sources = (
        site(local_server, max_depth=1),
        Source(id="news-sitemap", kind="sitemap", urls=(local_server.url("/sitemaps/news.xml"),)),
    )
    first = run_crawl(*sources)
    assert [o.status for o in first.outcomes] == ["ok", "ok"]
    assert len(first.pages) == 6

    second = run_crawl(*sources, skip_urls=[p.url for p in first.pages])
    assert [o.status for o in second.outcomes] == ["ok", "ok"]
    assert second.pages == []
    assert all(len(local_server.requests_for(path)) == 1 for path in paths(first))


def test_sources_sharing_a_host_both_finish(local_server, run_crawl):
    local_server.route("/feeds/down.xml", Status(503))
    sources = (
        Source(id="up", kind="feed", urls=(local_server.url("/feeds/atom.xml"),)),
        Source(id="down", kind="feed", urls=(local_server.url("/feeds/down.xml"),)),
    )
    result = run_crawl(*sources, settings={"retries": 0})
    assert [(o.source_id, o.status) for o in result.outcomes] == [("up", "ok"), ("down", "failed")]
    assert result.outcomes[1].http_status == 503


def test_child_crash_is_reported_per_source_and_pages_are_kept(
    local_server, run_crawl, tmp_path, monkeypatch
):
    crashing = tmp_path / "crashing_child.py"
    crashing.write_text(
        textwrap.dedent(
            """
            import json, sys
            with open(sys.argv[2], "a") as out:
                page = {"source_id": "a", "url": "https://news.example/x",
                        "final_url": "https://news.example/x", "status": 200,
                        "fetched_at": "2024-05-01T00:00:00+00:00"}
                out.write(json.dumps({"page": page}) + "\\n")
            sys.stderr.write("simulated crash\\n")
            sys.exit(3)
            """
        )
    )
    monkeypatch.setattr(crawlers.crawl, "CHILD_MODULE", "crashing_child")
    monkeypatch.setenv("PYTHONPATH", str(tmp_path))
    sources = (
        Source(id="a", kind="feed", urls=("https://news.example/a.xml",)),
        Source(id="b", kind="feed", urls=("https://news.example/b.xml",)),
    )
    result = run_crawl(*sources)
    assert [p.url for p in result.pages] == ["https://news.example/x"]
    assert [o.status for o in result.outcomes] == ["failed", "failed"]
    assert "exited with code 3" in result.outcomes[0].error
    assert "simulated crash" in result.outcomes[0].error

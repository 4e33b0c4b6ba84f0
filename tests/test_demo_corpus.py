"""The bundled demo site is a truthful, self-consistent corpus.

Other tests treat ``MANIFEST.json`` as ground truth for what the demo site holds, so these
checks keep the manifest, the pages, the feeds and the sitemaps in step with each other.
"""

from __future__ import annotations

import json
import re
from functools import cache
from importlib import resources
from pathlib import Path
from urllib.parse import urlsplit
from urllib.robotparser import RobotFileParser

import feedparser
import lxml.etree
import lxml.html
import pytest

BASE = "http://127.0.0.1:8123"
SITE = Path(str(resources.files("pipeline.demo") / "site"))
MISSING_ON_PURPOSE = "/articles/removed-story.html"
FEEDS = ("/feeds/rss.xml", "/feeds/atom.xml", "/feeds/broken.xml")
ACTIONS = {
    "strike",
    "protest",
    "open_letter",
    "legal_action",
    "union_drive",
    "union_representation",
}
SITEMAP_NS = {
    "sm": "http://www.sitemaps.org/schemas/sitemap/0.9",
    "news": "http://www.google.com/schemas/sitemap-news/0.9",
}
# Absolute URLs that may appear literally: the fictional outbound domain and XML vocabularies.
ALLOWED_ABSOLUTE = (
    "https://example.org/",
    "https://schema.org",
    "http://www.w3.org/2005/Atom",
    "http://purl.org/dc/elements/1.1/",
    "http://www.sitemaps.org/schemas/sitemap/0.9",
    "http://www.google.com/schemas/sitemap-news/0.9",
)
YEAR = re.compile(r"\b(19|20)\d\d\b")


@cache
def manifest() -> tuple[dict, ...]:
    return tuple(json.loads((SITE / "MANIFEST.json").read_text(encoding="utf-8")))


def served(path: str) -> str:
    """A text file as the demo server would send it, with the placeholder filled in."""
    return (SITE / path.lstrip("/")).read_text(encoding="utf-8").replace("__BASE__", BASE)


def local_path(link: str) -> str:
    """The site path a served absolute link points at, ignoring query and fragment."""
    assert link.startswith(BASE + "/"), link
    return urlsplit(link).path


def site_file(path: str) -> Path:
    """The file the demo server answers with for a site path ("/" is the front page)."""
    relative = urlsplit(path).path.lstrip("/") or "index.html"
    return SITE / relative


def page(path: str) -> lxml.html.HtmlElement:
    return lxml.html.fromstring(served(path).encode("utf-8"))


def meta(doc: lxml.html.HtmlElement, attr: str, name: str) -> str | None:
    found = doc.xpath(f"//meta[@{attr}=$name]/@content", name=name)
    return found[0] if found else None


def feed_links(feed_path: str) -> list[str]:
    parsed = feedparser.parse(served(feed_path))
    return [local_path(entry.link) for entry in parsed.entries]


def sitemap_locs(path: str) -> list[str]:
    root = lxml.etree.fromstring(served(path).encode("utf-8"))
    return [local_path(loc) for loc in root.xpath("//sm:loc/text()", namespaces=SITEMAP_NS)]


def article_text(doc: lxml.html.HtmlElement) -> list[str]:
    return [p.text_content().strip() for p in doc.xpath("//article//p") if p.text_content().strip()]


def test_manifest_lists_exactly_the_article_files() -> None:
    on_disk = {f"/articles/{p.name}" for p in (SITE / "articles").glob("*.html")}
    listed = [a["path"] for a in manifest()]
    assert len(listed) == len(set(listed))
    assert set(listed) == on_disk
    for article in manifest():
        assert article["path"] == f"/articles/{article['slug']}.html"


def test_corpus_is_big_enough_and_balanced() -> None:
    relevant = [a for a in manifest() if a["relevant"]]
    assert len(manifest()) >= 40
    assert len(relevant) >= 20
    assert len(manifest()) - len(relevant) >= 20


@pytest.mark.parametrize("article", manifest(), ids=lambda a: a["slug"])
def test_article_page_matches_its_manifest_entry(article: dict) -> None:
    doc = page(article["path"])
    assert doc.get("lang")
    assert doc.findtext(".//title").startswith(article["title"])
    assert [h.text_content() for h in doc.xpath("//h1")] == [article["title"]]
    assert meta(doc, "property", "og:title") == article["title"]
    assert meta(doc, "property", "og:site_name") == article["outlet"]
    assert meta(doc, "property", "og:type") == "article"
    assert meta(doc, "name", "description")
    assert meta(doc, "name", "author")
    canonical = doc.xpath("//link[@rel='canonical']/@href")
    assert canonical == [BASE + article["path"]]
    assert meta(doc, "property", "article:published_time") == article["published"]
    for block in doc.xpath("//script[@type='application/ld+json']/text()"):
        data = json.loads(block)
        assert data["@type"] == "NewsArticle"
        assert data["datePublished"] == article["published"]
        assert data["headline"] == article["title"]


@pytest.mark.parametrize("article", manifest(), ids=lambda a: a["slug"])
def test_article_body_has_a_realistic_length(article: dict) -> None:
    doc = page(article["path"])
    body = doc.xpath(
        "//article//div[contains(@class,'story-body') or contains(@class,'article-text')]"
        " | //article//section[@itemprop='articleBody']"
    )
    assert len(body) == 1
    paragraphs = [p.text_content() for p in body[0].xpath("./p")]
    words = sum(len(p.split()) for p in paragraphs)
    assert 4 <= len(paragraphs) <= 8
    assert 150 <= words <= 500


def test_every_html_page_parses() -> None:
    pages = sorted(SITE.rglob("*.html"))
    assert len(pages) > len(manifest())
    for path in pages:
        doc = page(str(path.relative_to(SITE)))
        assert doc.tag == "html", path
        assert doc.findtext(".//title"), path


def test_manifest_labels_use_the_shared_vocabulary() -> None:
    for article in manifest():
        assert set(article["actions"]) <= ACTIONS, article["slug"]
        assert bool(article["actions"]) == article["relevant"], article["slug"]
        assert article["companies"] or not article["relevant"], article["slug"]
        assert article["workers"] is None or article["workers"] > 0


def test_stated_head_counts_appear_in_the_text() -> None:
    for article in manifest():
        count = article["workers"]
        if count is None or count < 50:
            continue
        text = " ".join(article_text(page(article["path"])))
        spelled = {f"{count:,}", f"{count:,}".replace(",", "."), str(count)}
        assert any(s in text for s in spelled), (article["slug"], count)


def test_syndicated_reprints_point_at_an_original_on_another_outlet() -> None:
    by_slug = {a["slug"]: a for a in manifest()}
    reprints = [a for a in manifest() if a["duplicate_of"]]
    assert 2 <= len(reprints) <= 3
    for reprint in reprints:
        original = by_slug[reprint["duplicate_of"]]
        assert original["duplicate_of"] is None
        assert original["outlet"] != reprint["outlet"]
        assert original["relevant"] and reprint["relevant"]
        same = set(" ".join(article_text(page(original["path"]))).split())
        other = set(" ".join(article_text(page(reprint["path"]))).split())
        assert len(same & other) / len(same | other) > 0.8


def test_exactly_one_article_carries_no_date_anywhere() -> None:
    undated = [a for a in manifest() if a["published"] is None]
    assert len(undated) == 1
    (article,) = undated
    html = served(article["path"])
    assert not YEAR.search(html)
    assert not re.search(r"\d", article["slug"])
    doc = lxml.html.fromstring(html.encode("utf-8"))
    assert not doc.xpath("//time")
    assert meta(doc, "property", "article:published_time") is None


def test_dated_articles_span_several_years() -> None:
    years = {a["published"][:4] for a in manifest() if a["published"]}
    assert {"2018", "2025"} <= years
    assert len(years) >= 6


@pytest.mark.parametrize("feed", ["/feeds/rss.xml", "/feeds/atom.xml"])
def test_well_formed_feeds_parse_cleanly(feed: str) -> None:
    parsed = feedparser.parse(served(feed))
    assert not parsed.bozo, parsed.get("bozo_exception")
    assert parsed.entries


def test_broken_feed_is_malformed_but_still_yields_entries() -> None:
    parsed = feedparser.parse(served("/feeds/broken.xml"))
    assert parsed.bozo
    assert len(parsed.entries) == 2


def test_feed_links_point_at_pages_except_the_deliberate_404() -> None:
    links = [link for feed in FEEDS for link in feed_links(feed)]
    missing = [link for link in links if not site_file(link).is_file()]
    assert missing == [MISSING_ON_PURPOSE]
    assert MISSING_ON_PURPOSE in feed_links("/feeds/rss.xml")


def test_some_feed_links_carry_tracking_parameters() -> None:
    raw = [entry.link for feed in FEEDS for entry in feedparser.parse(served(feed)).entries]
    assert any("utm_source=" in link for link in raw)


def test_manifest_feed_membership_matches_the_feeds() -> None:
    members = {feed: set(feed_links(feed)) for feed in FEEDS}
    for article in manifest():
        actual = [feed for feed in FEEDS if article["path"] in members[feed]]
        assert article["in_feeds"] == actual, article["slug"]
        assert article["in_feeds"], article["slug"]


def test_sitemaps_cover_every_article() -> None:
    index = sitemap_locs("/sitemap.xml")
    assert index == ["/sitemap-news.xml", "/sitemap-pages.xml"]
    pages = sitemap_locs("/sitemap-pages.xml")
    news = sitemap_locs("/sitemap-news.xml")
    for loc in pages + news:
        assert site_file(loc).is_file(), loc
    assert {a["path"] for a in manifest()} <= set(pages)
    news_root = lxml.etree.fromstring(served("/sitemap-news.xml").encode("utf-8"))
    dates = news_root.xpath("//news:publication_date/text()", namespaces=SITEMAP_NS)
    titles = news_root.xpath("//news:title/text()", namespaces=SITEMAP_NS)
    assert len(dates) == len(titles) == len(news) > 0


def test_robots_keeps_crawlers_out_of_the_private_area() -> None:
    robots = RobotFileParser()
    robots.parse(served("/robots.txt").splitlines())
    assert not robots.can_fetch("*", BASE + "/private/secret.html")
    assert robots.can_fetch("*", BASE + manifest()[0]["path"])
    assert robots.site_maps() == [BASE + "/sitemap.xml"]


def test_front_page_links_to_every_article_and_the_private_trap() -> None:
    hrefs = set(page("/index.html").xpath("//a/@href"))
    assert {a["path"] for a in manifest()} <= hrefs
    assert {"/section/labor.html", "/section/business.html", "/private/secret.html"} <= hrefs


def test_internal_links_on_pages_resolve() -> None:
    for path in SITE.rglob("*.html"):
        for href in page(str(path.relative_to(SITE))).xpath("//a/@href"):
            if href.startswith("/"):
                assert site_file(href).is_file(), (path.name, href)


def test_absolute_urls_only_come_from_the_placeholder() -> None:
    for path in SITE.rglob("*"):
        if path.suffix not in {".html", ".xml", ".txt"}:
            continue
        text = path.read_text(encoding="utf-8")
        for url in re.findall(r"https?://[^\s\"'<>]+", text):
            assert url.startswith(ALLOWED_ABSOLUTE), (path.name, url)
        for use in re.findall(r"__BASE__(.)", text):
            assert use == "/", path.name


def test_site_stays_small() -> None:
    size = sum(p.stat().st_size for p in SITE.rglob("*") if p.is_file())
    assert size < 1_500_000

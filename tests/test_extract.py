"""Article extraction: text and metadata from pages, charsets, and the feed-entry fallback."""

from __future__ import annotations

import json
import logging
import os
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest

from pipeline.crawl_records import FeedEntry, FetchedPage
from pipeline.extract.article import (
    MIN_TEXT_CHARS,
    ExtractionError,
    byline_authors,
    extract_article,
    extract_text,
)
from pipeline.recordjson import to_json

GOLDEN_DIR = Path(__file__).parent / "golden" / "extraction"
GOLDEN_BASE = "http://demo.test"
FETCHED_AT = datetime(2025, 3, 14, 12, 0, tzinfo=UTC)

PARAGRAPHS = (
    "More than four hundred engineers at a cloud software company signed an open letter "
    "on Tuesday asking their employer to drop a contract with a border enforcement agency.",
    "The letter, circulated on an internal mailing list for two weeks, says the signatories "
    "did not join the company to build tools that separate families, and asks for a public "
    "review of every government contract before it is signed.",
    "A company spokesperson said leadership had received the letter and would meet with "
    "the organisers next week, but declined to say whether the contract would be reviewed.",
    "Organisers said they would hold a lunchtime walkout on Friday if management did not "
    "answer their three demands in writing by the end of the week.",
)


def article_html(
    *,
    head: str = "",
    paragraphs: tuple[str, ...] = PARAGRAPHS,
    extra_body: str = "",
    lang: str = "en-GB",
) -> str:
    body = "\n".join(f"<p>{p}</p>" for p in paragraphs)
    return f"""<!DOCTYPE html>
<html lang="{lang}">
<head>
<meta charset="utf-8">
<title>Engineers sign letter against border contract | The Daily Stack</title>
{head}
</head>
<body>
<nav><ul><li><a href="/">Home</a></li><li><a href="/tech">Tech</a></li>
<li><a href="/labor">Labor</a></li></ul></nav>
<main>
<article>
<h1>Engineers sign letter against border contract</h1>
<div class="article-body">
{body}
{extra_body}
</div>
</article>
</main>
<footer><p>© 2025 The Daily Stack. All rights reserved.</p></footer>
</body>
</html>"""


FULL_HEAD = """
<meta name="description" content="Hundreds of engineers ask their employer to drop a contract.">
<meta property="og:site_name" content="The Daily Stack">
<meta property="article:published_time" content="2025-03-11T09:30:00+02:00">
<meta name="author" content="Rosa Whitfield; Tomás Ibarra">
<link rel="canonical" href="/tech/engineers-letter-border-contract">
"""


def page_for(
    body: bytes | str,
    *,
    content_type: str = "text/html; charset=utf-8",
    status: int = 200,
    entry: FeedEntry | None = None,
    error: str | None = None,
    url: str = "https://dailystack.example/tech/engineers-letter?utm_source=rss",
) -> FetchedPage:
    if isinstance(body, str):
        body = body.encode("utf-8")
    return FetchedPage(
        source_id="dailystack",
        url=url,
        final_url=url,
        status=status,
        fetched_at=FETCHED_AT,
        body=body,
        content_type=content_type,
        entry=entry,
        error=error,
    )


ENTRY = FeedEntry(
    link="https://dailystack.example/tech/engineers-letter",
    title="Engineers sign letter against border contract",
    summary="<p>Hundreds of engineers <b>signed</b> an open letter.</p>"
    "<p>They ask for a review of &amp; a pause on the contract.</p>"
    "<script>track()</script>",
    published=datetime(2025, 3, 11, 7, 30),
    feed_url="https://dailystack.example/feed.xml",
)


# --- text and metadata ---------------------------------------------------------------


def test_article_text_and_metadata_come_from_the_page() -> None:
    article = extract_article(page_for(article_html(head=FULL_HEAD)))

    assert article.fallback is False
    assert article.title == "Engineers sign letter against border contract"
    assert article.text.split("\n") == list(PARAGRAPHS)
    assert article.authors == ("Rosa Whitfield", "Tomás Ibarra")
    assert article.published == datetime(2025, 3, 11, 9, 30, tzinfo=timezone(timedelta(hours=2)))
    assert article.published.utcoffset() == timedelta(hours=2)  # the page's own offset
    assert (
        article.canonical_url == "https://dailystack.example/tech/engineers-letter-border-contract"
    )
    assert article.language == "en-GB"
    assert article.site_name == "The Daily Stack"
    assert article.description == "Hundreds of engineers ask their employer to drop a contract."
    assert article.url == "https://dailystack.example/tech/engineers-letter?utm_source=rss"


def test_a_date_without_a_time_is_midnight_utc() -> None:
    head = '<meta property="article:published_time" content="2025-03-10">'
    article = extract_article(page_for(article_html(head=head)))

    assert article.published == datetime(2025, 3, 10, tzinfo=UTC)


def test_a_date_after_the_fetch_is_not_believed() -> None:
    head = '<meta property="article:published_time" content="2031-01-01T10:00:00+00:00">'
    article = extract_article(page_for(article_html(head=head)))

    assert article.published is None or article.published <= FETCHED_AT + timedelta(days=1)


def test_authors_from_json_ld_are_split() -> None:
    head = """<script type="application/ld+json">{"@context": "https://schema.org",
      "@type": "NewsArticle", "headline": "Engineers sign letter against border contract",
      "author": [{"@type": "Person", "name": "Rosa Whitfield"},
                 {"@type": "Person", "name": "Tomás Ibarra"}],
      "datePublished": "2025-03-11T07:30:00Z"}</script>"""
    article = extract_article(page_for(article_html(head=head)))

    assert article.authors == ("Rosa Whitfield", "Tomás Ibarra")
    assert article.published == datetime(2025, 3, 11, 7, 30, tzinfo=UTC)


def with_under_headline(markup: str) -> str:
    headline = "<h1>Engineers sign letter against border contract</h1>"
    return article_html().replace(headline, f"{headline}\n{markup}")


def test_a_byline_in_the_markup_is_found_by_its_own_search() -> None:
    page = page_for(
        with_under_headline(
            '<div class="byline"><span class="author">By Rosa Whitfield</span></div>'
        )
    )

    assert extract_article(page).authors == ()  # too slow for every page: relevant ones only
    assert byline_authors(page) == ("Rosa Whitfield",)


def test_a_date_only_in_the_page_text_is_found() -> None:
    article = extract_article(
        page_for(with_under_headline("<div><span>10 March 2025</span></div>"))
    )

    assert article.published == datetime(2025, 3, 10, tzinfo=UTC)


def test_page_without_declared_metadata_still_gives_title_and_text() -> None:
    html = article_html(lang="").replace(' lang=""', "")
    article = extract_article(page_for(html))

    assert article.title == "Engineers sign letter against border contract"
    assert article.language is None
    assert article.canonical_url is None
    assert PARAGRAPHS[0] in article.text


def test_headline_related_links_and_prompts_stay_out_of_the_text() -> None:
    extra = """
<p>Sign up for our newsletter to get the day's labor news delivered to your inbox.</p>
<p>Read more: Warehouse staff vote to unionise at a second site</p>
<h3>Related stories</h3>
<ul><li><a href="/a">Game studio staff stage walkout over crunch</a></li>
<li><a href="/b">Delivery riders strike over pay cuts</a></li>
<li><a href="/c">Chip designers publish petition on export rules</a></li></ul>"""
    paragraphs = ("Engineers sign letter against border contract", *PARAGRAPHS)
    text = extract_text(article_html(paragraphs=paragraphs, extra_body=extra))

    assert text.split("\n") == list(PARAGRAPHS)


def test_an_article_split_by_ads_is_extracted_whole() -> None:
    chunk = '<div class="grid"><div class="article__body">{}</div></div>'
    first = "".join(f"<p>{p}</p>" for p in PARAGRAPHS[:2])
    second = "".join(f"<p>{p}</p>" for p in PARAGRAPHS[2:])
    html = f"""<html><head><title>Letter</title></head><body><main><article>
{chunk.format(first)}
<div class="ad-slot"><p>Advertisement</p></div>
{chunk.format(second)}
</article></main></body></html>"""

    text = extract_text(html)

    assert all(p in text for p in PARAGRAPHS)
    assert text.index(PARAGRAPHS[1]) < text.index(PARAGRAPHS[2])


def test_extract_text_of_nothing_is_empty() -> None:
    assert extract_text("") == ""
    assert extract_text("   ") == ""


# --- charsets --------------------------------------------------------------------------

LEGACY_TEXT = (
    "“Nous ne céderons pas”, déclare l’intersyndicale des développeurs du studio, "
    "réunie en assemblée générale après l’annonce de la fermeture du bureau de Montréal. "
) * 3


def legacy_page(meta: str = "") -> str:
    return (
        f"<html lang='fr'><head>{meta}<title>Grève au studio</title></head><body><article>"
        f"<h1>Grève au studio</h1><p>{LEGACY_TEXT}</p><p>{LEGACY_TEXT}</p></article></body></html>"
    )


@pytest.mark.parametrize("declared", ["windows-1252", "iso-8859-1", "ISO-8859-1", "latin1"])
def test_charset_declared_in_content_type_is_used(declared: str) -> None:
    body = legacy_page().encode("cp1252")
    article = extract_article(page_for(body, content_type=f"text/html; charset={declared}"))

    assert LEGACY_TEXT.strip() in article.text
    assert article.title == "Grève au studio"


@pytest.mark.parametrize(
    "meta",
    [
        '<meta charset="windows-1252">',
        '<meta http-equiv="Content-Type" content="text/html; charset=iso-8859-1">',
    ],
)
def test_charset_declared_only_in_meta_is_used(meta: str) -> None:
    body = legacy_page(meta).encode("cp1252")
    article = extract_article(page_for(body, content_type="text/html"))

    assert LEGACY_TEXT.strip() in article.text


# --- falling back to the feed entry --------------------------------------------------------


def assert_entry_fallback(page: FetchedPage) -> None:
    article = extract_article(page)

    assert article.fallback is True
    assert article.title == ENTRY.title
    assert article.text == (
        "Hundreds of engineers signed an open letter.\n"
        "They ask for a review of & a pause on the contract."
    )
    assert article.published == datetime(2025, 3, 11, 7, 30, tzinfo=UTC)
    assert article.url == page.final_url


def test_http_error_falls_back_to_the_feed_entry(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING, logger="pipeline.extract.article"):
        assert_entry_fallback(page_for(article_html(), status=404, entry=ENTRY))

    assert "HTTP 404" in caplog.text


def test_fetch_error_falls_back_to_the_feed_entry(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING, logger="pipeline.extract.article"):
        assert_entry_fallback(page_for(b"", status=0, entry=ENTRY, error="timed out"))

    assert "timed out" in caplog.text


def test_empty_body_falls_back_to_the_feed_entry(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING, logger="pipeline.extract.article"):
        assert_entry_fallback(page_for(b"  \n", entry=ENTRY))

    assert "empty body" in caplog.text


def test_page_without_main_text_falls_back_to_the_feed_entry(
    caplog: pytest.LogCaptureFixture,
) -> None:
    consent_wall = """<html><head><title>Before you continue</title></head><body>
<div class="consent"><p>We use cookies.</p><button>Accept all</button></div></body></html>"""
    with caplog.at_level(logging.WARNING, logger="pipeline.extract.article"):
        assert_entry_fallback(page_for(consent_wall, entry=ENTRY))

    assert "main text" in caplog.text


def test_too_little_text_counts_as_no_text() -> None:
    short = ("Engineers walked out today.",)
    assert len(short[0]) < MIN_TEXT_CHARS

    assert extract_article(page_for(article_html(paragraphs=short), entry=ENTRY)).fallback


def test_entry_with_only_a_title_is_still_a_fallback() -> None:
    entry = FeedEntry(link=ENTRY.link, title="Engineers sign letter")
    article = extract_article(page_for(b"", status=503, entry=entry))

    assert (article.title, article.text, article.fallback) == ("Engineers sign letter", "", True)


@pytest.mark.parametrize(
    ("status", "body", "entry"),
    [
        (404, b"<html><body><p>Not found</p></body></html>", None),
        (200, b"", None),
        (500, b"", FeedEntry(link="https://dailystack.example/x", title=" ", summary="")),
    ],
)
def test_nothing_to_extract_raises(status: int, body: bytes, entry: FeedEntry | None) -> None:
    with pytest.raises(ExtractionError, match="no feed entry"):
        extract_article(page_for(body, status=status, entry=entry))


# --- golden files ------------------------------------------------------------------------

GOLDEN_CASES = sorted(p.parent.name for p in GOLDEN_DIR.glob("*/input.html"))


def test_there_are_golden_cases() -> None:
    assert len(GOLDEN_CASES) >= 5


@pytest.mark.parametrize("name", GOLDEN_CASES)
def test_golden_extraction(name: str) -> None:
    """``PICKET_UPDATE_GOLDEN=1`` rewrites expected.json; review the diff before keeping it."""
    case = GOLDEN_DIR / name
    html = (case / "input.html").read_bytes()
    page = page_for(html, url=f"{GOLDEN_BASE}/articles/{name}.html")
    actual = to_json(extract_article(page))
    expected_file = case / "expected.json"

    if os.environ.get("PICKET_UPDATE_GOLDEN") == "1":
        expected_file.write_text(
            json.dumps(actual, indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
        )
    assert expected_file.is_file(), f"{expected_file} is missing; run with PICKET_UPDATE_GOLDEN=1"
    assert actual == json.loads(expected_file.read_text(encoding="utf-8"))


@pytest.mark.parametrize("path", ["index.html", "section/labor.html", "section/business.html"])
def test_front_and_section_pages_are_not_articles(path):
    """A sitemap lists section pages too; their headline lists must not become stories."""
    from pipeline.demo.server import demo_site_root

    page = FetchedPage(
        source_id="site",
        url=f"https://news.test/{path}",
        final_url=f"https://news.test/{path}",
        status=200,
        fetched_at=datetime(2024, 1, 1, tzinfo=UTC),
        body=(demo_site_root() / path).read_bytes(),
        content_type="text/html; charset=utf-8",
    )
    with pytest.raises(ExtractionError, match="list of links"):
        extract_article(page)

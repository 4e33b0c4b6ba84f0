"""The extractor wrapper turns any page into an article or an ``ExtractionError``, nothing else.

``pipeline.extract.article.extract_article`` reads pages written by strangers: markup soup, wrong
or missing encodings, truncated bytes, scripts and hostile attributes. Whatever it gets,
it returns an ``Article`` (from the page, or from the feed entry as a fallback) or raises
``ExtractionError``; ``picket run`` counts the latter as an unusable page.
"""

from __future__ import annotations

from datetime import UTC, datetime

from fuzzing import FUZZ, TRICKY_TEXT, html_documents
from hypothesis import example, given
from hypothesis import strategies as st

from pipeline.crawl_records import Article, FeedEntry, FetchedPage
from pipeline.extract.article import ExtractionError, extract_article

FETCHED_AT = datetime(2025, 6, 2, 12, 0, tzinfo=UTC)
CONTENT_TYPES = st.sampled_from(
    ["", "text/html", "text/html; charset=utf-8", "text/html; charset=koi8-r", "text/html; x=y"]
)


def page(body: bytes, content_type: str, entry: FeedEntry | None = None) -> FetchedPage:
    return FetchedPage(
        source_id="fuzz",
        url="https://news.example.org/2025/06/02/story",
        final_url="https://news.example.org/2025/06/02/story",
        status=200,
        fetched_at=FETCHED_AT,
        body=body,
        content_type=content_type,
        entry=entry,
    )


def extract_or_refuse(fetched: FetchedPage) -> Article | None:
    try:
        article = extract_article(fetched)
    except ExtractionError:
        return None
    assert isinstance(article, Article)
    assert isinstance(article.title, str) and isinstance(article.text, str)
    return article


@FUZZ
@given(body=html_documents(), content_type=CONTENT_TYPES)
def test_html_ish_pages_give_an_article_or_an_extraction_error(
    body: bytes, content_type: str
) -> None:
    extract_or_refuse(page(body, content_type))


@FUZZ
@given(body=st.binary(max_size=3000), content_type=CONTENT_TYPES)
def test_random_bytes_give_an_article_or_an_extraction_error(
    body: bytes, content_type: str
) -> None:
    extract_or_refuse(page(body, content_type))


@FUZZ
@given(body=html_documents(), title=TRICKY_TEXT, summary=TRICKY_TEXT)
@example(body=b"", title="", summary="\x08")  # lxml refused the control character
@example(body=b"", title="<html>", summary="<!DOCTYPE html>")  # lxml asserted, then found nothing
def test_a_feed_entry_with_text_always_gives_an_article(
    body: bytes, title: str, summary: str
) -> None:
    entry = FeedEntry(link="https://news.example.org/story", title=title, summary=summary)
    article = extract_or_refuse(page(body, "text/html", entry))
    if title.strip() or summary.strip():
        assert article is not None
        if article.fallback:
            assert "<script" not in article.text.lower()

"""Normalization: canonical URLs, dates, text clean-up, language, outlet and the Story it makes."""

from __future__ import annotations

import base64
from datetime import UTC, datetime, timedelta, timezone

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from pipeline.crawl_records import Article, FeedEntry, FetchedPage
from pipeline.field_caps import (
    AUTHOR_MAX_CHARS,
    AUTHORS_MAX,
    SUMMARY_MAX_CHARS,
    TEXT_MAX_CHARS,
    TITLE_MAX_CHARS,
)
from pipeline.understand.normalize import (
    clean_text,
    content_hash,
    detect_language,
    normalize_article,
    outlet_and_domain,
    to_utc,
)
from pipeline.understand.urls import canonical_url, choose_canonical, story_id

NOW = datetime(2024, 5, 2, 12, 0, tzinfo=UTC)


def _utc(*fields: int) -> datetime:
    return datetime(*fields, tzinfo=UTC)


# --- canonical_url -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        # case, default ports, fragments, credentials, empty path
        ("HTTPS://WWW.Example.COM/News/Story", "https://www.example.com/News/Story"),
        ("http://example.com:80/a", "http://example.com/a"),
        ("https://example.com:443/a", "https://example.com/a"),
        ("https://example.com:8443/a", "https://example.com:8443/a"),
        ("https://example.com/a#comments", "https://example.com/a"),
        ("https://user:secret@example.com/a", "https://example.com/a"),
        ("https://example.com", "https://example.com/"),
        ("https://example.com./a", "https://example.com/a"),
        ("https://bücher.de/a", "https://xn--bcher-kva.de/a"),
        ("http://[2001:DB8::1]:8080/a", "http://[2001:db8::1]:8080/a"),
        # dot segments and percent-encoding
        ("https://example.com/a/./b/../c", "https://example.com/a/c"),
        ("https://example.com/caf%c3%a9/%7Euser", "https://example.com/caf%C3%A9/~user"),
        ("https://example.com/café", "https://example.com/caf%C3%A9"),
        # tracking parameters
        ("https://example.com/a?utm_source=tw&utm_medium=social&id=7", "https://example.com/a?id=7"),
        ("https://example.com/a?UTM_Campaign=x", "https://example.com/a"),
        ("https://example.com/a?fbclid=IwAR0abc", "https://example.com/a"),
        ("https://example.com/a?gclid=1&dclid=2&msclkid=3", "https://example.com/a"),
        ("https://example.com/a?mc_cid=1&mc_eid=2", "https://example.com/a"),
        ("https://example.com/a?_ga=2.1&igshid=abc", "https://example.com/a"),
        ("https://example.com/a?ref=hp", "https://example.com/a"),
        ("https://example.com/a?ref_src=twsrc%5Etfw", "https://example.com/a"),
        ("https://example.com/a?ref=https://other.org/x", "https://example.com/a?ref=https://other.org/x"),
        # remaining parameters are sorted, their encoding made uniform
        ("https://example.com/a?b=2&a=1&c=", "https://example.com/a?a=1&b=2&c="),
        ("https://example.com/a?q=tech+workers&x=%2B", "https://example.com/a?q=tech%20workers&x=%2B"),
        ("https://example.com/a?123", "https://example.com/a?123"),
        # AMP variants
        ("https://www.cnbc.com/amp/2019/01/01/story.html", "https://www.cnbc.com/2019/01/01/story.html"),
        ("https://example.com/news/story/amp/", "https://example.com/news/story/"),
        ("https://example.com/news/story/amp", "https://example.com/news/story"),
        ("https://example.com/news/story.amp.html", "https://example.com/news/story.html"),
        ("https://example.com/a?amp=1", "https://example.com/a"),
        ("https://example.com/a?amp", "https://example.com/a"),
        ("https://example.com/a?outputType=amp&id=3", "https://example.com/a?id=3"),
        ("https://amp.theguardian.com/tech/x", "https://www.theguardian.com/tech/x"),
        (
            "https://www-example-com.cdn.ampproject.org/c/s/www.example.com/a/amp?usqp=mq331AQ",
            "https://www.example.com/a",
        ),
        ("https://www.google.com/amp/s/www.example.com/story", "https://www.example.com/story"),
        # aggregator and redirect links that carry their target
        (
            "https://www.google.com/url?sa=t&url=https%3A%2F%2Fwww.example.com%2Fa%3Fb%3D1"
            "%26utm_medium%3Dx&usg=AOv",
            "https://www.example.com/a?b=1",
        ),
        ("https://www.google.com/url?q=https://example.com/a&sa=D", "https://example.com/a"),
        (
            "https://news.google.com/news/url?sa=t&fd=R&url=https://example.com/story&usg=x",
            "https://example.com/story",
        ),
        (
            "https://www.bing.com/news/apiclick.aspx?ref=FexRss&aid=&url=https%3a%2f%2fexample.com"
            "%2fstory&c=1",
            "https://example.com/story",
        ),
        ("https://l.facebook.com/l.php?u=https%3A%2F%2Fexample.com%2Fa&h=AT0", "https://example.com/a"),
        ("https://duckduckgo.com/l/?uddg=https%3A%2F%2Fexample.com%2Fa", "https://example.com/a"),
        # targets that are not in the link are kept as they are
        (
            "https://news.google.com/rss/articles/CBMiXmh0dHBzOi8vd3d3?oc=5",
            "https://news.google.com/rss/articles/CBMiXmh0dHBzOi8vd3d3?oc=5",
        ),
        ("https://www.google.com/url?q=javascript:alert(1)", "https://www.google.com/url?q=javascript:alert(1)"),
        ("https://www.google.com/url?q=https://", "https://www.google.com/url?q=https://"),
        # index.html and trailing slashes name whatever the server says; they are kept
        ("https://edition.cnn.com/2024/05/01/tech/x/index.html", "https://edition.cnn.com/2024/05/01/tech/x/index.html"),
        ("https://example.com/a/", "https://example.com/a/"),
    ],
)  # fmt: skip
def test_canonical_url(url: str, expected: str) -> None:
    assert canonical_url(url) == expected
    assert canonical_url(expected) == expected


def test_bing_click_links_carry_their_target_base64_encoded() -> None:
    target = base64.urlsafe_b64encode(b"https://www.example.com/story?utm_source=bing")
    link = f"https://www.bing.com/ck/a?!&&p=abc&u=a1{target.decode().rstrip('=')}&ntb=1"
    assert canonical_url(link) == "https://www.example.com/story"


@pytest.mark.parametrize(
    ("url", "base", "expected"),
    [
        ("../b?x=1", "https://example.com/a/c/d", "https://example.com/a/b?x=1"),
        ("/story#top", "https://Example.com/section/", "https://example.com/story"),
        ("//cdn.example.org/x", "https://example.com/", "https://cdn.example.org/x"),
        ("https://other.org/x", "https://example.com/", "https://other.org/x"),
    ],
)
def test_relative_urls_resolve_against_base(url: str, base: str, expected: str) -> None:
    assert canonical_url(url, base=base) == expected


@pytest.mark.parametrize(
    "url",
    ["ftp://example.com/a", "mailto:news@example.com", "javascript:alert(1)", "/relative/path",
     "", "http://", "https://example.com:99999/a", "file:///etc/passwd"],
)  # fmt: skip
def test_non_http_urls_are_rejected(url: str) -> None:
    with pytest.raises(ValueError):
        canonical_url(url)


_url_text = st.text(
    alphabet=st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), max_size=12
)


@given(
    scheme=st.sampled_from(["http", "HTTPS", "https"]),
    host=st.from_regex(r"(amp\.|www\.)?[a-z0-9]{1,10}\.(com|co\.uk|org)", fullmatch=True),
    port=st.sampled_from(["", ":80", ":443", ":8080"]),
    path=st.lists(st.one_of(_url_text, st.sampled_from(["amp", "..", ".", "x.amp.html"]))),
    query=st.lists(
        st.tuples(
            st.one_of(_url_text, st.sampled_from(["utm_source", "ref", "amp", "url"])),
            _url_text,
        ),
        max_size=4,
    ),
    fragment=_url_text,
)
def test_canonical_url_is_idempotent(
    scheme: str, host: str, port: str, path: list[str], query: list[tuple[str, str]], fragment: str
) -> None:
    path_text = "/".join(seg.replace("/", "").replace("?", "").replace("#", "") for seg in path)
    query_text = "&".join(f"{k}={v}".replace("#", "") for k, v in query)
    url = f"{scheme}://{host}{port}/{path_text}?{query_text}#{fragment}"
    try:
        once = canonical_url(url)
    except ValueError:
        assume(False)
    assert canonical_url(once) == once


def test_story_id_is_a_stable_hash_of_the_canonical_url() -> None:
    canonical = canonical_url("https://example.com/a?utm_source=x")
    assert story_id(canonical) == story_id("https://example.com/a")
    assert story_id(canonical) == "2dce0a4c50441bfccfa9"  # never changes between releases
    assert story_id("https://example.com/b") != story_id(canonical)


# --- choose_canonical -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("page", "declared", "entry", "expected"),
    [
        # a declared canonical on the same registrable domain wins
        ("https://www.example.com/amp/story", "https://www.example.com/story", None,
         "https://www.example.com/story"),
        ("https://m.example.co.uk/story?utm_source=x", "https://www.example.co.uk/story", None,
         "https://www.example.co.uk/story"),
        ("https://www.example.com/a/story", "/b/story", None, "https://www.example.com/b/story"),
        # ...not on another domain, nor when it names the home page, nor when it is not http
        ("https://www.example.com/story", "https://elsewhere.net/story", None,
         "https://www.example.com/story"),
        ("https://www.example.com/story", "https://www.example.com/", None,
         "https://www.example.com/story"),
        ("https://www.example.com/story", "ftp://example.com/story", None,
         "https://www.example.com/story"),
        ("https://a.github.io/post", "https://b.github.io/post", None, "https://a.github.io/post"),
        # a syndicator points at the original publisher
        ("https://news.yahoo.com/workers-walk-out-123.html", "https://www.reuters.com/story", None,
         "https://www.reuters.com/story"),
        # without a usable page URL, the feed entry's link
        ("", None, "https://example.com/e?utm_source=rss", "https://example.com/e"),
        (None, "https://example.com/c", "https://example.com/e", "https://example.com/c"),
    ],
)  # fmt: skip
def test_choose_canonical(page: str | None, declared: str | None, entry: str | None,
                          expected: str) -> None:  # fmt: skip
    assert choose_canonical(page, declared, entry) == expected


def test_choose_canonical_needs_some_http_url() -> None:
    with pytest.raises(ValueError):
        choose_canonical("", "https://example.com/a", "mailto:x@example.com")


# --- dates ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("dt", "zone", "expected"),
    [
        (datetime(2024, 1, 15, 9, 0), "America/New_York", _utc(2024, 1, 15, 14, 0)),
        (datetime(2024, 7, 15, 9, 0), "America/New_York", _utc(2024, 7, 15, 13, 0)),
        (datetime(2024, 7, 15, 9, 0), "Europe/Berlin", _utc(2024, 7, 15, 7, 0)),
        (datetime(2024, 1, 15, 9, 0), "Europe/Berlin", _utc(2024, 1, 15, 8, 0)),
        (datetime(2024, 1, 15, 9, 0), None, _utc(2024, 1, 15, 9, 0)),
        # the day clocks go forward: before and after the jump
        (datetime(2024, 3, 10, 1, 30), "America/New_York", _utc(2024, 3, 10, 6, 30)),
        (datetime(2024, 3, 10, 3, 30), "America/New_York", _utc(2024, 3, 10, 7, 30)),
        # the repeated hour when clocks go back is read as its first occurrence (still EDT)
        (datetime(2024, 11, 3, 1, 30), "America/New_York", _utc(2024, 11, 3, 5, 30)),
        # an aware time keeps its own offset whatever the source's zone
        (datetime(2024, 1, 15, 9, 0, tzinfo=timezone(timedelta(hours=5, minutes=30))),
         "America/New_York", _utc(2024, 1, 15, 3, 30)),
        (None, "Europe/Berlin", None),
    ],
)  # fmt: skip
def test_to_utc(dt: datetime | None, zone: str | None, expected: datetime | None) -> None:
    result = to_utc(dt, zone)
    assert result == expected
    if result is not None:
        assert result.utcoffset() == timedelta(0)


def test_to_utc_rejects_unknown_zones() -> None:
    with pytest.raises(ValueError, match="Mars/Olympus"):
        to_utc(datetime(2024, 1, 1), "Mars/Olympus")


# --- clean_text ----------------------------------------------------------------------------


def test_clean_text_collapses_spacing_and_keeps_paragraphs() -> None:
    raw = "  Workers   gathered\tat the\u00a0gate.  \r\nThey stayed\u200b for hours.\n\n\n"
    assert clean_text(raw) == "Workers gathered at the gate.\n\nThey stayed for hours."


@pytest.mark.parametrize(
    "boilerplate",
    [
        "Advertisement", "ADVERTISEMENT", "Advertisement - Scroll to continue",
        "Story continues below advertisement", "Share this article", "Share", "Share on Facebook",
        "Sign up for our newsletter", "Subscribe to our daily Tech newsletter.",
        "Get the Morning Briefing newsletter in your inbox",
        "We use cookies to improve your experience on our site.",
        "This website uses cookies. By continuing to use this site you accept our cookie policy.",
        "Accept all cookies", "Read more: Union vote set for next week", "Related: Earlier strikes",
        "Follow us on Twitter", "© 2024 Example Media. All rights reserved.",
        "Copyright 2024 The Associated Press. All rights reserved.", "Photo: Getty Images",
    ],
)  # fmt: skip
def test_clean_text_drops_boilerplate_paragraphs(boilerplate: str) -> None:
    text = f"The walkout began at noon.\n{boilerplate}\nIt ended at three."
    assert clean_text(text) == "The walkout began at noon.\n\nIt ended at three."


@pytest.mark.parametrize(
    "paragraph",
    [
        "Organisers said they would share the petition with the board on Friday.",
        "The company said it uses cookies and other tracking tools, which staff objected to.",
        "Advertisement revenue fell, and the union said management blamed the workers for it.",
        "Sign up numbers for the union drive doubled in a week, organisers said.",
    ],
)
def test_clean_text_keeps_article_sentences_that_use_the_same_words(paragraph: str) -> None:
    assert clean_text(paragraph) == paragraph


@pytest.mark.timeout(5)
@pytest.mark.parametrize(
    "paragraph",
    [
        "Share on " + "a" * 60 + "?",
        "Share on " + "a b " * 60 + "?",
        "Read more " + "x " * 140 + "?",
    ],
)
def test_clean_text_judges_long_near_boilerplate_promptly(paragraph: str) -> None:
    assert clean_text(paragraph) == paragraph.strip()


def test_clean_text_is_idempotent() -> None:
    once = clean_text("A  b\nShare\n\nC\u00a0d\r\nAdvertisement\ne")
    assert clean_text(once) == once


# --- language ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("More than a thousand employees signed a letter asking the company to drop the "
         "contract with the immigration agency.", "en"),
        ("Plus d'un millier de salariés ont signé une lettre demandant à l'entreprise de "
         "renoncer au contrat avec l'agence de l'immigration.", "fr"),
        ("Mehr als tausend Beschäftigte haben einen Brief unterschrieben, in dem sie das "
         "Unternehmen auffordern, den Vertrag mit der Einwanderungsbehörde aufzugeben.", "de"),
    ],
)  # fmt: skip
def test_detect_language_prefers_a_confident_detection(text: str, expected: str) -> None:
    assert detect_language(text, declared="es") == expected


@pytest.mark.parametrize(
    ("text", "declared", "expected"),
    [
        ("Strike", "en-US", "en"),
        ("", "pt_BR", "pt"),
        ("Google", "FR", "fr"),
        ("Google", None, None),
        ("", "und", None),
        ("", "english", None),
    ],
)
def test_detect_language_falls_back_to_the_declared_language(
    text: str, declared: str | None, expected: str | None
) -> None:
    assert detect_language(text, declared) == expected


# --- outlet, hash --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "site_name", "expected"),
    [
        ("https://www.theverge.com/x", "The Verge", ("The Verge", "theverge.com")),
        ("https://www.theverge.com/x", "  The\n Verge ", ("The Verge", "theverge.com")),
        ("https://news.bbc.co.uk/x", None, ("bbc.co.uk", "news.bbc.co.uk")),
        ("https://www.bbc.co.uk/x", "www.bbc.co.uk", ("bbc.co.uk", "bbc.co.uk")),
        ("https://edition.cnn.com/x", "@CNN", ("cnn.com", "edition.cnn.com")),
        ("https://example.com/x", "x" * 81, ("example.com", "example.com")),
    ],
)
def test_outlet_and_domain(url: str, site_name: str | None, expected: tuple[str, str]) -> None:
    assert outlet_and_domain(url, site_name) == expected


def test_content_hash_ignores_case_punctuation_and_spacing() -> None:
    a = content_hash("Workers walked out.\n\nThey want a union!")
    assert a == content_hash("workers  walked out -- they want a UNION")
    assert a != content_hash("Workers walked out. They want a raise!")
    assert content_hash(" ... ") == ""


# --- normalize_article ---------------------------------------------------------------------


def _page(url: str, **entry: object) -> FetchedPage:
    return FetchedPage(
        source_id="example-feed",
        url=url,
        final_url=url,
        status=200,
        fetched_at=datetime(2024, 5, 2, 11, 59),
        entry=FeedEntry(link=url, **entry) if entry else None,  # type: ignore[arg-type]
    )


def test_normalize_article_builds_a_story() -> None:
    article = Article(
        url="https://www.example.com/amp/2024/05/01/walkout?utm_source=rss",
        title="  Hundreds of engineers walk out  | Example News",
        text="Hundreds of engineers walked out on Wednesday.\nAdvertisement\n"
        "They   object to the contract.",
        authors=("Jane Doe", " Jane Doe ", "", "Sam Roe"),
        published=datetime(2024, 5, 1, 9, 30),
        language="en",
        canonical_url="https://www.example.com/2024/05/01/walkout",
        site_name="Example News",
        description="Engineers  walked\nout.",
    )
    page = _page(article.url)
    story = normalize_article(article, page, source_tz="America/Los_Angeles", now=NOW)

    assert story.canonical_url == "https://www.example.com/2024/05/01/walkout"
    assert story.id == story_id(story.canonical_url)
    assert story.url == article.url
    assert story.source_id == "example-feed"
    assert (story.outlet, story.domain) == ("Example News", "example.com")
    assert story.title == "Hundreds of engineers walk out"
    assert story.text == (
        "Hundreds of engineers walked out on Wednesday.\n\nThey object to the contract."
    )
    assert story.description == "Engineers walked out."
    assert story.authors == ("Jane Doe", "Sam Roe")
    assert story.language == "en"
    assert story.published == datetime(2024, 5, 1, 16, 30, tzinfo=UTC)
    assert story.first_seen == NOW
    assert story.fetched_at == datetime(2024, 5, 2, 11, 59, tzinfo=UTC)
    assert story.content_hash == content_hash(story.text)
    assert not story.fallback
    assert story.relevance.label is False and story.event_id is None and story.duplicate_of is None


def test_a_syndicated_copy_takes_the_original_publishers_url_and_name() -> None:
    article = Article(
        url="https://news.yahoo.com/engineers-walk-out-123.html",
        title="Engineers walk out",
        text="Engineers walked out.",
        canonical_url="https://www.reuters.com/technology/engineers-walk-out-2024-05-01/",
        site_name="Yahoo News",
    )
    story = normalize_article(article, _page(article.url), now=NOW)
    assert (
        story.canonical_url == "https://www.reuters.com/technology/engineers-walk-out-2024-05-01/"
    )
    assert (story.outlet, story.domain) == ("reuters.com", "reuters.com")


def test_dates_come_from_the_feed_entry_when_the_article_has_none_or_a_wrong_one() -> None:
    entry_date = datetime(2024, 5, 1, 8, 0, tzinfo=UTC)
    page = _page("https://example.com/a", title="Feed title", published=entry_date)
    for published in (None, datetime(2031, 1, 1, tzinfo=UTC), datetime(1970, 1, 1, tzinfo=UTC)):
        article = Article(url="https://example.com/a", title="", text="Text.", published=published)
        story = normalize_article(article, page, now=NOW)
        assert story.published == entry_date
        assert story.title == "Feed title"


def test_a_feed_fallback_without_a_page_uses_the_entry_link() -> None:
    page = FetchedPage(
        source_id="s", url="", final_url="", status=0, fetched_at=NOW, error="timeout",
        entry=FeedEntry(link="https://example.com/e?utm_source=rss", title="Entry"),
    )  # fmt: skip
    article = Article(url="", title="Entry", text="A short summary.", fallback=True)
    story = normalize_article(article, page, now=NOW)
    assert story.canonical_url == "https://example.com/e"
    assert story.fallback


def test_normalize_article_rejects_a_story_without_an_http_url() -> None:
    page = FetchedPage(source_id="s", url="", final_url="", status=0, fetched_at=NOW)
    with pytest.raises(ValueError):
        normalize_article(Article(url="", title="t", text="x"), page, now=NOW)


def test_story_fields_are_capped_at_the_stored_lengths() -> None:
    article = Article(
        url="https://www.example.com/2024/05/01/walkout",
        title="Walkout " * 100_000,
        text="Engineers walked out. " * 100_000,
        authors=tuple(f"Author {n} " + "x" * 1_000 for n in range(1_000)),
        description="Engineers walked out. " * 100_000,
    )

    story = normalize_article(article, _page(article.url), now=NOW)

    assert len(story.title) <= TITLE_MAX_CHARS and story.title.endswith("Walkout…")
    assert len(story.text) <= TEXT_MAX_CHARS
    assert len(story.description) <= SUMMARY_MAX_CHARS
    assert len(story.authors) == AUTHORS_MAX
    assert all(len(name) <= AUTHOR_MAX_CHARS for name in story.authors)
    assert story.content_hash == content_hash(story.text)

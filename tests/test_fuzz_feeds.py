"""The feed reader never crashes, whatever bytes a feed URL returns.

``crawlers.feeds.parse_feed`` reads what strangers publish: random bytes, feeds built from
hostile pieces, and the feeds of feedparser's own corpus (``../shared``) cut, spliced and
corrupted. Each must give a ``ParsedFeed`` whose entries have a link and one-line titles.
"""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest
from fuzzing import FUZZ, TRICKY_TEXT
from hypothesis import example, given
from hypothesis import strategies as st

from crawlers.feeds import ParsedFeed, parse_feed
from pipeline.field_caps import SUMMARY_MAX_CHARS, TITLE_MAX_CHARS

CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "feedparser-corpus"
FEED_URL = "https://news.example.org/feed.xml"

# feedparser warns about its own updated/published fallback on some dated entries.
pytestmark = pytest.mark.filterwarnings("ignore:To avoid breaking existing software")

CONTENT_TYPES = st.sampled_from(
    [
        "",
        "application/rss+xml",
        "application/atom+xml; charset=utf-8",
        "text/xml; charset=iso-8859-1",
        "application/feed+json",
        "text/html",
        "text/plain; charset=bogus-charset",
        "application/octet-stream",
    ]
)
XML_PIECES = st.sampled_from(
    [
        "<rss version='2.0'>",
        "<channel>",
        "<item>",
        "</item>",
        "<feed xmlns='http://www.w3.org/2005/Atom'>",
        "<entry>",
        "<link href='javascript:alert(1)'/>",
        "<link>http://127.0.0.1:22/</link>",
        "<title type='html'>&lt;script&gt;alert(1)&lt;/script&gt;</title>",
        "<description><![CDATA[<img src=x onerror=alert(1)>]]></description>",
        "<pubDate>Tue, 31 Feb 2024 25:61:00 +9999</pubDate>",
        "<!DOCTYPE x [<!ENTITY a '&#38;#38;'><!ENTITY b '&a;&a;&a;&a;'>]>",
        "&b;",
        "<?xml version='1.0' encoding='utf-16'?>",
        '{"version": "https://jsonfeed.org/version/1.1", "items": [',
        '{"url": 5, "title": null}',
    ]
)


def assert_well_formed(parsed: ParsedFeed) -> None:
    assert isinstance(parsed, ParsedFeed)
    for entry in parsed.entries:
        assert entry.link and entry.link == entry.link.strip()
        assert "\n" not in entry.title and "\r" not in entry.title
        assert isinstance(entry.summary, str)


@FUZZ
@given(body=st.binary(max_size=2000), content_type=CONTENT_TYPES)
def test_random_bytes_give_a_parsed_feed(body: bytes, content_type: str) -> None:
    headers = {"Content-Type": content_type} if content_type else {}
    assert_well_formed(parse_feed(body, url=FEED_URL, headers=headers))


@FUZZ
@given(
    pieces=st.lists(st.one_of(XML_PIECES, TRICKY_TEXT), max_size=30),
    content_type=CONTENT_TYPES,
)
def test_feeds_built_from_hostile_pieces_give_a_parsed_feed(
    pieces: list[str], content_type: str
) -> None:
    body = "".join(pieces).encode("utf-8", errors="surrogatepass")
    assert_well_formed(parse_feed(body, url=FEED_URL, headers={"Content-Type": content_type}))


@FUZZ
@given(item_title=TRICKY_TEXT, link=TRICKY_TEXT, summary=TRICKY_TEXT, kind=st.sampled_from("rja"))
@example(item_title="t", link="https://a.example/1", summary="<html>", kind="j")  # lxml asserted
@example(item_title="\x1b[31mred", link="https://a.example/1", summary="\x08", kind="j")
@example(item_title="", link="0 ?", summary="", kind="j")  # resolved to ".../0 "
def test_entries_with_hostile_fields_keep_one_line_titles(
    item_title: str, link: str, summary: str, kind: str
) -> None:
    body = _feed(kind, item_title, link, summary)
    parsed = parse_feed(body, url=FEED_URL, headers={})
    assert_well_formed(parsed)
    for entry in parsed.entries:
        assert "<script" not in entry.summary.lower()
        assert not any(c in entry.title + entry.summary for c in "\x1b\x08\x00")


def _feed(kind: str, title: str, link: str, summary: str) -> bytes:
    import json
    from xml.sax.saxutils import escape

    if kind == "j":
        item = {"url": link, "title": title, "content_html": summary}
        document = {"version": "https://jsonfeed.org/version/1.1", "items": [item]}
        return json.dumps(document).encode()
    title, link = escape(title), escape(link)
    summary = escape(f"<p>{summary}</p><script>alert('x')</script>")
    if kind == "r":
        return (
            f"<rss version='2.0'><channel><title>t</title><item><title>{title}</title>"
            f"<link>{link}</link><description>{summary}</description></item></channel></rss>"
        ).encode("utf-8", errors="replace")
    return (
        f"<feed xmlns='http://www.w3.org/2005/Atom'><entry><title type='html'>{title}</title>"
        f"<link href='{link}'/><summary type='html'>{summary}</summary></entry></feed>"
    ).encode("utf-8", errors="replace")


# --- the feedparser corpus, corrupted ------------------------------------------------------


def corpus_files() -> list[Path]:
    if not CORPUS.is_dir():
        return []
    files = sorted(p for p in CORPUS.rglob("*") if p.is_file() and p.name != "LICENSE")
    return random.Random(7).sample(files, min(60, len(files)))


CORPUS_FILES = corpus_files()


@st.composite
def corrupted(draw: st.DrawFn, body: bytes) -> bytes:
    """``body`` after a few cuts, splices, duplications and flipped bytes."""
    for _ in range(draw(st.integers(1, 4))):
        at = draw(st.integers(0, len(body)))
        end = draw(st.integers(at, min(len(body), at + 200)))
        operation = draw(st.sampled_from(["cut", "truncate", "insert", "repeat", "flip"]))
        if operation == "cut":
            body = body[:at] + body[end:]
        elif operation == "truncate":
            body = body[:at]
        elif operation == "insert":
            piece = draw(st.one_of(XML_PIECES.map(str.encode), st.binary(max_size=20)))
            body = body[:at] + piece + body[at:]
        elif operation == "repeat":
            body = body[:end] + body[at:end] * draw(st.integers(2, 5)) + body[end:]
        elif at < len(body):
            body = body[:at] + bytes([body[at] ^ draw(st.integers(1, 255))]) + body[at + 1 :]
    return body


@pytest.mark.shared
@FUZZ
@given(data=st.data())
def test_corrupted_corpus_feeds_give_a_parsed_feed(data: st.DataObject) -> None:
    if not CORPUS_FILES:
        pytest.skip(f"feedparser corpus not found at {CORPUS}: ../shared is absent")
    path = data.draw(st.sampled_from(CORPUS_FILES))
    body = data.draw(corrupted(path.read_bytes()))
    content_type = data.draw(CONTENT_TYPES)
    assert_well_formed(parse_feed(body, url=FEED_URL, headers={"Content-Type": content_type}))


def billion_laughs(levels: int) -> str:
    """An RSS feed whose title is an entity each level of which holds ten of the one below."""
    entities = ['<!ENTITY lol0 "lol">'] + [
        f'<!ENTITY lol{n} "{f"&lol{n - 1};" * 10}">' for n in range(1, levels + 1)
    ]
    return (
        f'<?xml version="1.0"?><!DOCTYPE rss [{"".join(entities)}]>'
        f"<rss version='2.0'><channel><title>&lol{levels};</title>"
        f"<item><title>&lol{levels};</title><link>https://news.example.org/a</link></item>"
        "</channel></rss>"
    )


@pytest.mark.parametrize("levels", [5, 9])
@pytest.mark.parametrize("encoding", ["utf-8", "utf-16"])
def test_a_feed_declaring_entities_is_refused_before_it_is_parsed(
    levels: int, encoding: str
) -> None:
    body = billion_laughs(levels).replace('"1.0"?>', f'"1.0" encoding="{encoding}"?>', 1)

    parsed = parse_feed(body.encode(encoding), url=FEED_URL, headers={})

    assert parsed.entries == ()
    assert parsed.problem == "the document declares XML entities (<!ENTITY>), which are refused"


def test_feed_fields_are_capped_at_the_stored_lengths() -> None:
    items = "".join(
        f"<item><title>{'Walkout ' * 50_000}</title><link>https://news.example.org/{n}</link>"
        f"<description>{'Engineers walked out. ' * 50_000}</description></item>"
        for n in range(2)
    )
    body = f"<rss version='2.0'><channel><title>{'t ' * 50_000}</title>{items}</channel></rss>"
    json_feed = {
        "version": "https://jsonfeed.org/version/1.1",
        "title": "t " * 50_000,
        "items": [{"url": "https://news.example.org/j", "title": "x " * 50_000}],
    }

    for parsed in (
        parse_feed(body.encode(), url=FEED_URL, headers={}),
        parse_feed(json.dumps(json_feed).encode(), url=FEED_URL, headers={}),
    ):
        assert len(parsed.title) <= TITLE_MAX_CHARS
        assert parsed.entries
        for entry in parsed.entries:
            assert len(entry.title) <= TITLE_MAX_CHARS and entry.title.endswith("…")
            assert len(entry.summary) <= SUMMARY_MAX_CHARS

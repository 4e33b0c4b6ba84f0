"""Read a fetched feed body (RSS, Atom or JSON Feed) into ``FeedEntry`` records.

No network here: the spider hands over the bytes and headers it got, so the same
function serves the crawler and the tests over saved feeds. RSS and Atom go
through feedparser; feedparser 6 does not read JSON Feed, so that small format is
read here. An ill-formed feed is not an error: feedparser's ``bozo`` flag becomes
``ParsedFeed.problem``, a log line names the feed, and whatever parsed is kept.
"""

from __future__ import annotations

import io
import json
import logging
import re
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urljoin

import feedparser
import lxml.etree
import lxml.html

from pipeline.crawl_records import FeedEntry
from pipeline.field_caps import SUMMARY_MAX_CHARS, TITLE_MAX_CHARS, capped

logger = logging.getLogger(__name__)

JSON_FEED_VERSION_PREFIX = "https://jsonfeed.org/version/"


@dataclass(frozen=True, slots=True)
class ParsedFeed:
    """What one feed document said; ``problem`` is set when it was ill-formed."""

    url: str
    title: str = ""
    version: str = ""
    entries: tuple[FeedEntry, ...] = ()
    problem: str | None = None


def parse_feed(
    body: bytes, *, url: str, headers: Mapping[str, str], source_id: str = ""
) -> ParsedFeed:
    """Parse a feed body fetched from ``url`` with response ``headers``.

    Relative links resolve against the document URL (or its Content-Location).
    Never raises on bad input: the problem is logged with the feed URL and
    returned in ``ParsedFeed.problem``.
    """
    lowered = {k.lower(): v for k, v in headers.items()}
    parsed = (
        _parse_json_feed(body, url=url)
        if _looks_like_json(body, lowered.get("content-type", ""))
        else _parse_xml_feed(body, url=url, headers=lowered)
    )
    if parsed.problem:
        logger.warning(
            "feed %s%s is ill-formed (%s); kept %d entries that parsed",
            url,
            f" of source {source_id}" if source_id else "",
            parsed.problem,
            len(parsed.entries),
        )
    return parsed


def _looks_like_json(body: bytes, content_type: str) -> bool:
    if "json" in content_type.lower():
        return True
    return body.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"{")


# --- RSS and Atom --------------------------------------------------------------


# An internal DTD's entity declarations are how a few hundred bytes expand to megabytes
# ("billion laughs"); no real feed needs them. Looked for in the encodings a feed may use.
_ENTITY_DECLARATIONS = tuple(
    "<!ENTITY".encode(encoding)
    for encoding in ("utf-8", "utf-16-le", "utf-16-be", "utf-32-le", "utf-32-be")
)


def _parse_xml_feed(body: bytes, *, url: str, headers: dict[str, str]) -> ParsedFeed:
    if any(declaration in body for declaration in _ENTITY_DECLARATIONS):
        return ParsedFeed(
            url=url, problem="the document declares XML entities (<!ENTITY>), which are refused"
        )
    headers = {
        "content-type": "application/xml",  # no header: let the document declare itself
        **headers,
        "content-location": urljoin(url, headers.get("content-location", "")),
    }
    try:
        # A stream, not bytes: feedparser would first try to open bytes as a file name.
        result = feedparser.parse(io.BytesIO(body), response_headers=headers)
    except (ValueError, LookupError) as exc:  # an encoding declared in bytes it cannot read
        return ParsedFeed(url=url, problem=f"unreadable document: {type(exc).__name__}: {exc}")
    entries = tuple(_entries_from_feedparser(result.entries, feed_url=url))
    problem = None
    if result.get("bozo"):
        exc = result.get("bozo_exception")
        problem = f"{type(exc).__name__}: {exc}" if exc else "malformed document"
    if not result.get("version") and not entries:
        problem = "not a feed: no RSS, Atom or JSON Feed document" + (
            f" ({problem})" if problem else ""
        )
    return ParsedFeed(
        url=url,
        title=capped(_detail_text(result.feed, "title"), TITLE_MAX_CHARS),
        version=result.get("version", ""),
        entries=entries,
        problem=problem,
    )


def _entries_from_feedparser(items: Iterable[Any], *, feed_url: str) -> Iterable[FeedEntry]:
    for item in items:
        link = (item.get("link") or "").strip()
        guid = (item.get("id") or "").strip()
        if not link and guid.startswith(("http://", "https://")):
            link = guid
        if not link:
            continue
        yield FeedEntry(
            link=link,
            title=capped(_detail_text(item, "title"), TITLE_MAX_CHARS),
            summary=capped(_detail_text(item, "summary") or _content_text(item), SUMMARY_MAX_CHARS),
            published=_from_struct_time(
                item.get("published_parsed")
                or item.get("updated_parsed")
                or item.get("created_parsed")
            ),
            feed_url=feed_url,
        )


def _detail_text(element: Any, key: str) -> str:
    """Plain text of a feedparser field, reading it as HTML only when its type says so."""
    detail = element.get(f"{key}_detail") or {}
    return _text(element.get(key) or "", html="html" in detail.get("type", "html"))


def _content_text(item: Any) -> str:
    content = (item.get("content") or [{}])[0]
    return _text(content.get("value") or "", html="html" in content.get("type", "html"))


def _from_struct_time(value: time.struct_time | None) -> datetime | None:
    if value is None:
        return None
    try:
        return datetime(*value[:6], tzinfo=UTC)
    except (TypeError, ValueError):
        return None


# --- JSON Feed -----------------------------------------------------------------


def _parse_json_feed(body: bytes, *, url: str) -> ParsedFeed:
    try:
        document = json.loads(body)
    except (ValueError, UnicodeDecodeError) as exc:
        return ParsedFeed(url=url, problem=f"JSON Feed is not valid JSON: {exc}")
    if not isinstance(document, dict):
        return ParsedFeed(url=url, problem="JSON Feed is not a JSON object")
    version = str(document.get("version", ""))
    problem = None
    if not version.startswith(JSON_FEED_VERSION_PREFIX):
        problem = f"not a JSON Feed: version is {version!r}"
    items = document.get("items")
    if not isinstance(items, list):
        items = []
        problem = problem or "JSON Feed has no items list"
    base = str(document.get("feed_url") or url)
    return ParsedFeed(
        url=url,
        title=capped(_text(str(document.get("title", "")), html=False), TITLE_MAX_CHARS),
        version="json" + version.removeprefix(JSON_FEED_VERSION_PREFIX).replace(".", ""),
        entries=tuple(_entries_from_json_feed(items, base=base, feed_url=url)),
        problem=problem,
    )


def _entries_from_json_feed(
    items: Iterable[Any], *, base: str, feed_url: str
) -> Iterable[FeedEntry]:
    for item in items:
        if not isinstance(item, dict):
            continue
        link = str(item.get("url") or item.get("external_url") or "").strip()
        if not link:
            continue
        summary = _text(str(item.get("summary") or item.get("content_text") or ""), html=False)
        summary = summary or _text(str(item.get("content_html") or ""), html=True)
        yield FeedEntry(
            link=urljoin(base, link).strip(),  # "0 ?" resolves to ".../0 "
            title=capped(_text(str(item.get("title") or ""), html=False), TITLE_MAX_CHARS),
            summary=capped(summary, SUMMARY_MAX_CHARS),
            published=_from_iso(item.get("date_published") or item.get("date_modified")),
            feed_url=feed_url,
        )


def _from_iso(value: Any) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        parsed = datetime.fromisoformat(value.strip())
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


# --- text ------------------------------------------------------------------------


# Control characters: no text needs them, lxml refuses most, and terminals obey some.
_CONTROL_CHARACTERS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffe\uffff]")
_TAG = re.compile(r"<[^>]*>")


def _text(markup: str, *, html: bool) -> str:
    """Plain text of a title or summary (HTML reduced to its text, scripts dropped)."""
    markup = _CONTROL_CHARACTERS.sub(" ", markup)
    if html and ("<" in markup or "&" in markup):
        try:
            fragment = lxml.html.fragment_fromstring(markup, create_parent="div")
        except (lxml.etree.ParserError, ValueError, AssertionError):  # "<html>" trips an assert
            markup = _TAG.sub(" ", markup)
        else:
            lxml.etree.strip_elements(fragment, "script", "style", with_tail=False)
            markup = fragment.text_content()
    return " ".join(markup.split())

"""Turn an extracted Article into a Story: canonical URL, UTC dates, clean text, language, outlet.

Every function here is pure: the clock comes in as ``now`` and the source's time zone as an
argument. Canonical URLs have their own module, ``urls``. A naive date is read in
the source's zone; a repeated wall-clock hour (clocks going back) is read as its first
occurrence.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from functools import cache, lru_cache
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from py3langid.langid import MODEL_FILE, LanguageIdentifier

from pipeline.crawl_records import Article, FetchedPage
from pipeline.field_caps import (
    SUMMARY_MAX_CHARS,
    TEXT_MAX_CHARS,
    TITLE_MAX_CHARS,
    capped,
    capped_authors,
)
from pipeline.records import Story
from pipeline.understand.urls import (
    canonical_or_none,
    choose_canonical,
    registrable_domain,
    story_id,
)

# --- dates ---------------------------------------------------------------------------------

_EARLIEST_PLAUSIBLE = datetime(1990, 1, 1, tzinfo=UTC)
_FUTURE_SLACK = timedelta(days=1)


def to_utc(dt: datetime | None, source_tz: str | None = None) -> datetime | None:
    """``dt`` in UTC; a naive ``dt`` is read in ``source_tz`` (an IANA name, default UTC).

    Raises ``ValueError`` for an unknown zone name.
    """
    return None if dt is None else _as_utc(dt, source_tz)


def _as_utc(dt: datetime, source_tz: str | None = None) -> datetime:
    if dt.utcoffset() is None:
        dt = dt.replace(tzinfo=_zone(source_tz or "UTC"))
    return dt.astimezone(UTC)


@cache
def _zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ValueError(f"unknown time zone {name!r}") from exc


def _plausible(published: datetime | None, now: datetime) -> datetime | None:
    """A publication date, unless it is a parsing accident (before 1990 or after tomorrow)."""
    if published is None or not _EARLIEST_PLAUSIBLE <= published <= now + _FUTURE_SLACK:
        return None
    return published


# --- text ----------------------------------------------------------------------------------

# Zero-width characters, soft hyphens, and the control characters no text needs and that
# would drive a terminal (escape sequences) if a title were printed; tab and line breaks
# are spacing, handled below. (A character class, not str.translate: on a long article
# translate looks every character up, the expression only stops at these.)
_INVISIBLE = re.compile(
    "[\u200b\u200c\u200d\u2060\ufeff\u00ad\x00-\x08\x0e-\x1b\x7f-\x84\x86-\x9f]"
)
_LINE_BREAKS = re.compile("[\r\u2028\u2029\x0b]")
_SPACES = re.compile(r"\s+")
_BOILERPLATE_MAX_CHARS = 300
_BOILERPLATE = re.compile(
    r"""(?:
        advertisement(?:\s*[-–—:]\s*scroll\s+to\s+continue.*)?
      | (?:story|article)\s+continues\s+below(?:\s+(?:this\s+)?(?:advertisement|ad))?
      | skip\s+(?:advertisement|ad)
      | sponsored(?:\s+content)?
      | share(?:\s+(?:this|the)\s+(?:article|story|post|page))?(?:\s+on\s+\w+)?
      | share\s+(?:on|via)\s+\w+(?:(?:\s*[/,|&]\s*|\s+)\w+){0,6}
      | (?:sign\s+up|subscribe)(?:\s+now)?\s+(?:for|to)\s+.{0,60}newsletters?\b.*
      | (?:get|receive)\s+(?:our|the)\s+.{0,40}newsletters?\b.*
      | (?:we|this\s+(?:web)?site)\s+uses?\s+cookies\b.*
      | by\s+(?:continuing\s+to\s+use|using)\s+this\s+(?:web)?site.*cookies.*
      | (?:accept|reject|manage)\s+(?:all\s+)?cookies.*
      | cookie\s+(?:settings|policy|preferences|consent).*
      | (?:read|see)\s+(?:more|also)\b(?:\s*:.*)?
      | related(?:\s+(?:articles?|stories|coverage|content))?\s*:.*
      | follow\s+us\s+on\s+.*
      | all\s+rights\s+reserved\.?
      | (?:copyright\s*©?|©)\s*\d{4}\b.*
      | (?:photo|image|photograph)(?:\s+credit)?\s*:.*
    )[\s.!]*""",
    re.IGNORECASE | re.VERBOSE,
)


def clean_text(text: str) -> str:
    """Article text, one paragraph per line of the input, separated by a blank line.

    Spacing inside a paragraph collapses to single spaces and invisible characters go.
    Every line counts as a paragraph (trafilatura writes one per line), so two paragraphs
    are never run together. Boilerplate is a whole short paragraph such as
    "Advertisement", "Share this article", "Sign up for our newsletter" or a cookie notice;
    the same words inside a longer paragraph are kept.
    """
    text = _INVISIBLE.sub("", unicodedata.normalize("NFC", text)).replace("\r\n", "\n")
    paragraphs = (
        _SPACES.sub(" ", line).strip() for line in _LINE_BREAKS.sub("\n", text).split("\n")
    )
    return "\n\n".join(p for p in paragraphs if p and not _is_boilerplate(p))


def _is_boilerplate(paragraph: str) -> bool:
    return len(paragraph) <= _BOILERPLATE_MAX_CHARS and bool(_BOILERPLATE.fullmatch(paragraph))


def one_line(text: str | None) -> str:
    """``text`` with all whitespace runs, line breaks included, collapsed to one space."""
    return _SPACES.sub(" ", _INVISIBLE.sub("", unicodedata.normalize("NFC", text or ""))).strip()


def clean_authors(names: Iterable[str]) -> tuple[str, ...]:
    """Author names on one line each, without blanks and repeats."""
    return tuple(dict.fromkeys(name for name in map(one_line, names) if name))


_WORD = re.compile(r"\w+")


@lru_cache(maxsize=16)  # a story's text is tokenized for its content hash, then its signature
def words(text: str) -> tuple[str, ...]:
    """The case-folded word tokens texts are compared by (hashes, shingles, keywords)."""
    return tuple(_WORD.findall(unicodedata.normalize("NFKC", text).casefold()))


def content_hash(text: str) -> str:
    """A hash of the words of ``text``, blind to case, punctuation and spacing; "" if none."""
    tokens = words(text)
    if not tokens:
        return ""
    return hashlib.sha256(" ".join(tokens).encode("utf-8")).hexdigest()[:32]


# --- language ------------------------------------------------------------------------------

_LANGUAGE_CONFIDENCE = 0.9
# The identifier walks its automaton byte by byte in Python; 500 characters (title,
# description and the opening) decide the same language as 1,000 on every benchmark and
# demo page, at half the cost.
_LANGUAGE_SAMPLE_CHARS = 500
_LANGUAGE_CODE = re.compile(r"[a-z]{2,3}")
_NO_LANGUAGE = frozenset({"und", "mul", "zxx", "mis"})


@cache
def _language_identifier() -> LanguageIdentifier:
    return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)


def detect_language(text: str, declared: str | None = None) -> str | None:
    """The ISO 639 code of ``text``: a confident detection, else the page's declared one.

    ``declared`` may be a tag such as ``en-US`` or ``pt_BR``; its primary subtag is used.
    """
    sample = text[:_LANGUAGE_SAMPLE_CHARS]
    if sample.strip():
        language, confidence = _language_identifier().classify(sample)
        if confidence >= _LANGUAGE_CONFIDENCE:
            return language
    return _primary_language(declared)


def _primary_language(tag: str | None) -> str | None:
    primary = re.split(r"[-_]", (tag or "").strip().lower(), maxsplit=1)[0]
    if _LANGUAGE_CODE.fullmatch(primary) and primary not in _NO_LANGUAGE:
        return primary
    return None


# --- outlet --------------------------------------------------------------------------------

_SITE_NAME_MAX_CHARS = 80
_HOST_LIKE = re.compile(r"(?:https?://)?[\w-]+(?:\.[\w-]+)+/?", re.IGNORECASE)
_TITLE_SUFFIX = re.compile(r"^(?P<head>.{10,}?)\s+[|\-–—:·•]\s+(?P<tail>[^|\-–—:·•]+)$")


def outlet_and_domain(url: str, site_name: str | None = None) -> tuple[str, str]:
    """The outlet's display name and the URL's host without ``www.``.

    The name is the page's site name when it reads as a name (not empty, not a URL or
    ``@handle``, not over 80 characters), else the registrable domain (``bbc.co.uk``):
    guessing word breaks in a domain would make up names.
    """
    host = (urlsplit(url).hostname or "").rstrip(".")
    domain = host.removeprefix("www.")
    name = one_line(site_name)
    if not name or len(name) > _SITE_NAME_MAX_CHARS or name.startswith("@"):
        name = ""
    if _HOST_LIKE.fullmatch(name):
        name = ""
    return name or registrable_domain(host), domain


def _strip_outlet_suffix(title: str, names: tuple[str, ...]) -> str:
    """``"Headline | The Verge"`` -> ``"Headline"`` when the tail names the outlet."""
    match = _TITLE_SUFFIX.match(title)
    keys = {_name_key(n) for n in names} - {""}
    if match and _name_key(match.group("tail")) in keys:
        return match.group("head")
    return title


def _name_key(name: str) -> str:
    return "".join(words(name)).replace("_", "")


# --- assembly ------------------------------------------------------------------------------


def normalize_article(
    article: Article, page: FetchedPage, *, source_tz: str | None = None, now: datetime
) -> Story:
    """The Story an extracted article makes, first seen at ``now``.

    Relevance, tags, event and duplicate links are left at their defaults for the later
    stages. Raises ``ValueError`` when neither the page nor its feed entry has an http(s) URL.
    """
    now = _as_utc(now)
    entry = page.entry
    page_url = page.final_url or page.url or article.url
    canonical = choose_canonical(page_url, article.canonical_url, entry.link if entry else None)
    page_host = urlsplit(canonical_or_none(page_url) or canonical).hostname or ""
    canonical_host = urlsplit(canonical).hostname or ""
    # A syndicated copy's canonical names the original publisher; the site name is the copier's.
    same_site = registrable_domain(page_host) == registrable_domain(canonical_host)
    outlet, domain = outlet_and_domain(canonical, article.site_name if same_site else None)

    title = one_line(article.title) or one_line(entry.title if entry else "")
    title = _strip_outlet_suffix(
        title, (outlet, article.site_name or "", domain, registrable_domain(canonical_host))
    )
    title = capped(title, TITLE_MAX_CHARS)
    text = capped(clean_text(article.text), TEXT_MAX_CHARS)
    description = capped(one_line(article.description), SUMMARY_MAX_CHARS)
    published = _plausible(to_utc(article.published, source_tz), now)
    if published is None and entry is not None:
        published = _plausible(to_utc(entry.published, source_tz), now)

    return Story(
        id=story_id(canonical),
        url=page.url or page_url,
        canonical_url=canonical,
        source_id=page.source_id,
        title=title,
        text=text,
        outlet=outlet,
        domain=domain,
        description=description,
        authors=capped_authors(clean_authors(article.authors)),
        language=detect_language(f"{title}\n{description}\n{text}", article.language),
        published=published,
        first_seen=now,
        fetched_at=to_utc(page.fetched_at),
        fallback=article.fallback,
        content_hash=content_hash(text),
    )

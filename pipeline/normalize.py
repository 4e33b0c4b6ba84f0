"""Turn an extracted Article into a Story: canonical URL, UTC dates, clean text, language, outlet.

Every function here is pure: the clock comes in as ``now`` and the source's time zone as an
argument. Choices a reader might argue with are written down where they are made:

- a canonical URL keeps its scheme, ``www.``, trailing slash and ``index.html``: whether those
  name the same page is the server's business, and a canonical URL must stay a working link;
- an ``amp.`` host becomes ``www.`` (what news sites that use one serve their full pages on);
- a path segment that is exactly ``amp`` is dropped wherever it stands;
- a naive date is read in the source's zone; a repeated wall-clock hour (clocks going back)
  is read as its first occurrence.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import cache, lru_cache
from urllib.parse import quote, unquote_plus, urljoin, urlsplit, urlunsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import tldextract
from py3langid.langid import MODEL_FILE, LanguageIdentifier

from pipeline.records import Article, FetchedPage, Story

# --- canonical URLs ------------------------------------------------------------------

_DEFAULT_PORTS = {"http": 80, "https": 443}

_TRACKING_PARAMS = frozenset(
    {
        "fbclid", "gclid", "gclsrc", "dclid", "gbraid", "wbraid", "msclkid", "yclid",
        "twclid", "ttclid", "li_fat_id", "igshid", "igsh", "mc_cid", "mc_eid", "_ga", "_gl",
        "_hsenc", "_hsmi", "__hstc", "__hssc", "__hsfp", "hsctatracking", "mkt_tok",
        "oly_anon_id", "oly_enc_id", "vero_conv", "vero_id", "wt.mc_id", "wt_mc_id",
        "s_cid", "cmpid", "ncid", "ocid", "smid", "smtyp", "at_medium", "at_campaign",
        "ref_src", "ref_url", "spm", "usqp", "__twitter_impression",
    }
)  # fmt: skip
_TRACKING_PREFIXES = ("utm_", "pk_", "mtm_", "hsa_", "itm_")
_TRACKING_REF = re.compile(r"[\w.\-]{1,40}")  # ref=hp, ref=rss, ref=twitter: a tag, not a path
_AMP_FLAG_PARAMS = frozenset({"amp", "_amp"})
_AMP_FLAG_VALUES = frozenset({"", "1", "true", "yes"})
_AMP_OUTPUT_PARAMS = frozenset({"outputtype", "output"})

_QUERY_SAFE = "/:@!$'()*,;?-._~"
_PATH_SAFE = "/:@!$&'()*+,;=-._~%"
_UNRESERVED = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")
_PERCENT_ESCAPE = re.compile(r"%([0-9A-Fa-f]{2})")
_AMP_HTML = re.compile(r"(?:\.amp)+(\.html?)$", re.IGNORECASE)

_GOOGLE_HOST = re.compile(r"^(?:www\.)?google\.(?:[a-z]{2,3}|co\.[a-z]{2}|com\.[a-z]{2})$")
_AMP_CACHE_PATH = re.compile(r"^/(?:c|v)/(s/)?([^/]+)(/.*)?$")
_GOOGLE_AMP_PATH = re.compile(r"^/amp/(s/)?([^/]+)(/.*)?$")
_QUERY_WRAPPERS: dict[tuple[str, str], tuple[str, ...]] = {
    ("news.google.com", "/news/url"): ("url",),
    ("news.google.com", "/url"): ("url",),
    ("www.bing.com", "/news/apiclick.aspx"): ("url",),
    ("bing.com", "/news/apiclick.aspx"): ("url",),
    ("l.facebook.com", "/l.php"): ("u",),
    ("lm.facebook.com", "/l.php"): ("u",),
    ("duckduckgo.com", "/l/"): ("uddg",),
    ("www.linkedin.com", "/redir/redirect"): ("url",),
    ("slack-redir.net", "/link"): ("url",),
}
_BING_CLICK_HOSTS = frozenset({"www.bing.com", "bing.com"})


@dataclass(frozen=True, slots=True)
class _UrlParts:
    """An http(s) URL taken apart, host lower-cased, query as decoded (name, value) pairs."""

    scheme: str
    host: str
    port: int | None
    path: str
    query: tuple[tuple[str, str | None], ...]


def canonical_url(url: str, *, base: str | None = None) -> str:
    """The one spelling of ``url`` that picket stores and compares.

    Lower-cases scheme and host, drops default ports, credentials, fragments, tracking and
    AMP parameters, sorts the query, undoes AMP variants and unwraps redirect links that
    carry their target (Google, Bing, Facebook...). Links whose target is not in the URL
    (``news.google.com/rss/articles/...``) are kept. Raises ``ValueError`` for anything but
    an absolute http(s) URL (after resolving against ``base``). Idempotent.
    """
    raw = url.strip()
    parts = _split_http(urljoin(base, raw) if base else raw)
    while (target := _wrapped_target(parts)) is not None:
        try:
            parts = _split_http(target)  # each target is shorter than its wrapper: this ends
        except ValueError:
            break  # a wrapper around something that is no URL stays as it is
    return _assemble(parts)


def story_id(canonical: str) -> str:
    """A stable id for the story at ``canonical`` (first 20 hex digits of its SHA-256)."""
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()[:20]


def _split_http(url: str) -> _UrlParts:
    split = urlsplit(url)
    scheme = split.scheme.lower()
    if scheme not in _DEFAULT_PORTS:
        raise ValueError(f"not an http(s) URL: {url!r}")
    host = (split.hostname or "").rstrip(".")
    if not host:
        raise ValueError(f"URL has no host: {url!r}")
    try:
        host = host.encode("idna").decode("ascii")
    except UnicodeError as exc:
        raise ValueError(f"URL has an invalid host: {url!r}") from exc
    port = split.port  # raises ValueError for a port out of range
    return _UrlParts(scheme, host, port, split.path, _parse_query(split.query))


def _parse_query(query: str) -> tuple[tuple[str, str | None], ...]:
    pairs = []
    for piece in query.split("&"):
        if not piece:
            continue
        name, sep, value = piece.partition("=")
        pairs.append((_unquote(name), _unquote(value) if sep else None))
    return tuple(pairs)


def _unquote(text: str) -> str:
    return unquote_plus(text, encoding="utf-8", errors="surrogateescape")


def _quote(text: str) -> str:
    return quote(text, safe=_QUERY_SAFE, encoding="utf-8", errors="surrogateescape")


def _wrapped_target(parts: _UrlParts) -> str | None:
    """The URL a redirect or AMP-cache link points at, when the link itself spells it out."""
    query = dict(parts.query)
    if _GOOGLE_HOST.match(parts.host):
        if parts.path == "/url":
            return _http_target(query.get("url") or query.get("q"))
        amp_viewer = _GOOGLE_AMP_PATH.match(parts.path)
        if amp_viewer:
            return _path_target(amp_viewer, parts.query)
    if parts.host.endswith(".cdn.ampproject.org"):
        cached = _AMP_CACHE_PATH.match(parts.path)
        return _path_target(cached, parts.query) if cached else None
    if parts.host in _BING_CLICK_HOSTS and parts.path == "/ck/a":
        return _http_target(_bing_click_target(query.get("u")))
    for name in _QUERY_WRAPPERS.get((parts.host, parts.path), ()):
        target = _http_target(query.get(name))
        if target:
            return target
    return None


def _path_target(match: re.Match[str], query: tuple[tuple[str, str | None], ...]) -> str:
    secure, host, path = match.groups()
    rest = "&".join(_encode_pair(name, value) for name, value in query)
    return f"{'https' if secure else 'http'}://{host}{path or '/'}{'?' + rest if rest else ''}"


def _bing_click_target(value: str | None) -> str | None:
    """Bing's ``/ck/a?u=a1<base64url>`` click links carry the target base64-encoded."""
    if not value or not value.startswith("a1"):
        return None
    encoded = value[2:]
    try:
        return base64.urlsafe_b64decode(encoded + "=" * (-len(encoded) % 4)).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError):
        return None


def _http_target(value: str | None) -> str | None:
    if value and value.strip().lower().startswith(("http://", "https://")):
        return value.strip()
    return None


def _assemble(parts: _UrlParts) -> str:
    host = parts.host
    if host.startswith("amp.") and host.count(".") >= 2:
        host = "www." + host.removeprefix("amp.")
    if ":" in host:  # an IPv6 literal
        host = f"[{host}]"
    netloc = host if parts.port in (None, _DEFAULT_PORTS[parts.scheme]) else f"{host}:{parts.port}"
    kept = sorted(
        ((name, value) for name, value in parts.query if not _is_dropped_param(name, value)),
        key=lambda pair: pair[0],
    )
    query = "&".join(_encode_pair(name, value) for name, value in kept)
    return urlunsplit((parts.scheme, netloc, _canonical_path(parts.path), query, ""))


def _encode_pair(name: str, value: str | None) -> str:
    return _quote(name) if value is None else f"{_quote(name)}={_quote(value)}"


def _is_dropped_param(name: str, value: str | None) -> bool:
    key = name.lower()
    flag = (value or "").lower()
    if key in _TRACKING_PARAMS or key.startswith(_TRACKING_PREFIXES):
        return True
    if key == "ref":
        return bool(_TRACKING_REF.fullmatch(value or ""))
    if key in _AMP_FLAG_PARAMS:
        return flag in _AMP_FLAG_VALUES
    return key in _AMP_OUTPUT_PARAMS and flag == "amp"


def _canonical_path(path: str) -> str:
    encoded = _PERCENT_ESCAPE.sub(_normalize_escape, quote(path, safe=_PATH_SAFE))
    segments = _remove_dot_segments(encoded or "/").split("/")
    kept = [seg for seg in segments if seg.lower() != "amp"]
    kept[-1] = _AMP_HTML.sub(r"\1", kept[-1])
    return "/".join(kept) if len(kept) > 1 else "/"


def _normalize_escape(match: re.Match[str]) -> str:
    char = chr(int(match.group(1), 16))
    return char if char in _UNRESERVED else "%" + match.group(1).upper()


def _remove_dot_segments(path: str) -> str:
    """RFC 3986 section 5.2.4, for absolute paths."""
    out: list[str] = []
    segments = path.split("/")
    for seg in segments[1:]:
        if seg == "..":
            if out:
                out.pop()
        elif seg != ".":
            out.append(seg)
    if segments[-1] in (".", ".."):
        out.append("")
    return "/" + "/".join(out)


# --- which URL names the story -----------------------------------------------------------

_SYNDICATORS = frozenset(
    {"yahoo.com", "msn.com", "aol.com", "newsbreak.com", "flipboard.com", "smartnews.com"}
)


@cache
def _domain_extractor() -> tldextract.TLDExtract:
    """The public-suffix list bundled with tldextract; never fetched."""
    return tldextract.TLDExtract(
        suffix_list_urls=(), cache_dir=None, include_psl_private_domains=True
    )


def registrable_domain(host: str) -> str:
    """The part of ``host`` its owner registered (``news.bbc.co.uk`` -> ``bbc.co.uk``)."""
    host = host.lower().rstrip(".")
    return _domain_extractor()(host).top_domain_under_public_suffix or host


def choose_canonical(
    page_url: str | None, declared_canonical: str | None, entry_link: str | None
) -> str:
    """The canonical URL of a story.

    A page's declared ``<link rel=canonical>`` wins when it is an http(s) URL on the page's
    own registrable domain, or when the page sits on a known syndicator (Yahoo, MSN...)
    that points at the original publisher. A canonical naming the site's home page for an
    article is a CMS mistake and is ignored. Otherwise the page's final URL is used, and
    the feed entry's link when there is no usable page URL. Raises ``ValueError`` when none
    of them is an http(s) URL.
    """
    page = _canonical_or_none(page_url) or _canonical_or_none(entry_link)
    if page is None:
        raise ValueError(f"no http(s) URL for this story: {page_url!r}, {entry_link!r}")
    declared = _canonical_or_none(declared_canonical, base=page_url or page)
    if declared and _may_declare(page, declared):
        return declared
    return page


def _canonical_or_none(url: str | None, *, base: str | None = None) -> str | None:
    if not url:
        return None
    try:
        return canonical_url(url, base=base)
    except ValueError:
        return None


def _may_declare(page: str, declared: str) -> bool:
    page_parts, declared_parts = urlsplit(page), urlsplit(declared)
    if declared_parts.path == "/" and not declared_parts.query and page_parts.path != "/":
        return False
    page_domain = registrable_domain(page_parts.hostname or "")
    return (
        registrable_domain(declared_parts.hostname or "") == page_domain
        or page_domain in _SYNDICATORS
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
    page_host = urlsplit(_canonical_or_none(page_url) or canonical).hostname or ""
    canonical_host = urlsplit(canonical).hostname or ""
    # A syndicated copy's canonical names the original publisher; the site name is the copier's.
    same_site = registrable_domain(page_host) == registrable_domain(canonical_host)
    outlet, domain = outlet_and_domain(canonical, article.site_name if same_site else None)

    title = one_line(article.title) or one_line(entry.title if entry else "")
    title = _strip_outlet_suffix(
        title, (outlet, article.site_name or "", domain, registrable_domain(canonical_host))
    )
    text = clean_text(article.text)
    description = one_line(article.description)
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
        authors=clean_authors(article.authors),
        language=detect_language(f"{title}\n{description}\n{text}", article.language),
        published=published,
        first_seen=now,
        fetched_at=to_utc(page.fetched_at),
        fallback=article.fallback,
        content_hash=content_hash(text),
    )

"""Canonical URLs: the one address of a story, its id, and its registrable domain.

Pure functions. Choices a reader might argue with are written down where they are made:

- a canonical URL keeps its scheme, ``www.``, trailing slash and ``index.html``: whether those
  name the same page is the server's business, and a canonical URL must stay a working link;
- an ``amp.`` host becomes ``www.`` (what news sites that use one serve their full pages on);
- a path segment that is exactly ``amp`` is dropped wherever it stands.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import re
from dataclasses import dataclass
from functools import cache
from urllib.parse import quote, unquote_plus, urljoin, urlsplit, urlunsplit

import tldextract

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
    page = canonical_or_none(page_url) or canonical_or_none(entry_link)
    if page is None:
        raise ValueError(f"no http(s) URL for this story: {page_url!r}, {entry_link!r}")
    declared = canonical_or_none(declared_canonical, base=page_url or page)
    if declared and _may_declare(page, declared):
        return declared
    return page


def canonical_or_none(url: str | None, *, base: str | None = None) -> str | None:
    """``canonical_url(url)``, or None for a missing or unusable URL."""
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

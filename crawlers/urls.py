"""Which URLs picket may fetch, which links look like articles, and how a URL is shown.

Pure functions of a URL string, shared by every spider so that the rules for
"only http(s)", "inside the allowed domains", "an article, not a listing" and "no
password or token in what is shown or kept" live in one place. The patterns below are
text, compiled by ``re`` at their first use and kept there, so a command that only checks
the URLs of the sources file compiles none of them.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Collection
from urllib.parse import quote, urlsplit, urlunsplit

from pipeline.settings import split_credentials

FETCHABLE_SCHEMES = frozenset({"http", "https"})

# Path pieces that mark navigation rather than a story.
_LISTING_SEGMENTS = frozenset(
    {
        "tag", "tags", "topic", "topics", "category", "categories", "section", "author",
        "authors", "page", "search", "about", "contact", "subscribe", "newsletter",
        "newsletters", "login", "signin", "account", "privacy", "terms", "feed", "rss",
        "video", "videos", "podcast", "podcasts", "events", "jobs", "shop", "donate",
        "index", "home", "archive", "archives",
    }
)  # fmt: skip
_NON_PAGE_SUFFIX = (
    r"(?i)\.(?:jpe?g|png|gif|webp|svg|ico|css|js|json|xml|rss|atom|pdf|zip|gz|mp[34]|mov|woff2?)$"
)
# A date followed by something else: /2024/05/01/slug or /2024-05-01-slug, not /2024/05/.
_DATE_IN_PATH = (
    r"/(?:19|20)\d\d/(?:0?[1-9]|1[0-2])/(?:(?:0?[1-9]|[12]\d|3[01])/)?[^/\d][^/]*"
    r"|/(?:19|20)\d\d-\d\d-\d\d-?[^/]+"
)
# Query parameters whose value is a secret (compared in lower case, "-" read as "_").
SECRET_QUERY_KEYS = frozenset(
    {
        "token", "access_token", "auth_token", "api_key", "apikey", "key", "password", "passwd",
        "pass", "pwd", "secret", "client_secret", "sig", "signature", "auth", "session",
    }
)  # fmt: skip
MASK = "***"
# A URL inside free text (a log line, an error): up to white space, quotes or brackets.
_URL_IN_TEXT = r"""(?i)https?://[^\s"'<>()\[\]{}]+"""
_SECRET_QUERY_VALUE = r"(?P<key>[^&=;]+)=(?P<value>[^&;]*)"
_SLUG = r"(?i)[a-z0-9]+(?:-[a-z0-9]+){3,}"


def is_fetchable_url(url: str) -> bool:
    """Whether ``url`` is an absolute http(s) URL with a host."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return False
    return parts.scheme.lower() in FETCHABLE_SCHEMES and bool(parts.hostname)


def host_of(url: str) -> str:
    """The lower-cased host name of ``url`` ("" when it has none)."""
    try:
        return (urlsplit(url).hostname or "").lower()
    except ValueError:
        return ""


def without_fragment(url: str) -> str:
    """``url`` without its ``#fragment``, which never changes what a server sends."""
    parts = urlsplit(url)
    return urlunsplit(parts._replace(fragment="")) if parts.fragment else url


def in_domains(url: str, domains: Collection[str]) -> bool:
    """Whether ``url``'s host is one of ``domains`` or a subdomain of one (any host when empty)."""
    if not domains:
        return True
    host = host_of(url)
    return any(host == d or host.endswith("." + d) for d in (d.lower() for d in domains))


def looks_like_article_url(url: str) -> bool:
    """Whether a link found on a listing page probably leads to a single story.

    News sites put a date or a long hyphenated slug in story URLs and short words
    in navigation URLs (``/tag/labor``, ``/page/2``); this heuristic follows that.
    """
    path = urlsplit(url).path
    if not path or path == "/" or re.search(_NON_PAGE_SUFFIX, path):
        return False
    segments = [s for s in path.lower().split("/") if s]
    last = segments[-1].rsplit(".", 1)[0]
    if last in _LISTING_SEGMENTS or any(s in _LISTING_SEGMENTS for s in segments[:-1]):
        return False
    if re.search(_DATE_IN_PATH, path):
        return True
    return bool(re.fullmatch(_SLUG, last)) or segments[-1].endswith((".html", ".htm"))


def is_public_address(address: str) -> bool:
    """Whether an IP address is routable on the public internet.

    Loopback, private, link-local, multicast, reserved and unspecified addresses
    are not: a crawler that follows links from the open web must not reach them.
    """
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return ip.is_global and not ip.is_multicast


def display_url(url: str) -> str:
    """``url`` as it may be shown or kept: its password and secret query values masked.

    ``https://user:s3cret@feeds.example.org/rss?token=abc`` is shown as
    ``https://user:***@feeds.example.org/rss?token=***``; the user name and the other
    query parameters stay, so the URL still says which feed it is.
    """
    bare, username, password = split_credentials(url)
    try:
        parts = urlsplit(bare)
    except ValueError:  # not a URL: nothing in it is a URL's secret
        return url
    if username is not None or password is not None:
        userinfo = quote(username or "", safe="") + ("" if password is None else f":{MASK}")
        parts = parts._replace(netloc=f"{userinfo}@{parts.netloc}")
    if parts.query:
        parts = parts._replace(query=re.sub(_SECRET_QUERY_VALUE, _masked_pair, parts.query))
    return urlunsplit(parts)


def without_secrets(text: str) -> str:
    """``text`` (a log line, an error message) with every URL in it shown by ``display_url``."""
    if "://" not in text:
        return text
    return re.sub(_URL_IN_TEXT, lambda found: display_url(found.group()), text)


def _masked_pair(pair: re.Match[str]) -> str:
    key = pair["key"]
    if key.strip().lower().replace("-", "_") in SECRET_QUERY_KEYS and pair["value"]:
        return f"{key}={MASK}"
    return pair.group()

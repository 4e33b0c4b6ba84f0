"""What a news page says about itself: headline, authors, publication date, language, links.

trafilatura's metadata steps, in its order (meta tags, then JSON-LD, then the page's
markup), limited to the fields picket keeps: categories, tags and the licence are not
looked for. The publication date comes from htmldate, first from the page's structure and
markup only; the slower search through its text runs when that finds none.

Authors come from meta tags and JSON-LD. trafilatura's search of the markup for a byline
(``class="author"`` and the like) costs about 4 ms on a page that declares none, a fifth
of all picket does with a page, so it is a separate step, ``page_byline``, which the
pipeline takes only for stories it judged relevant.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta
from urllib.parse import urljoin

from htmldate import find_date
from lxml.html import HtmlElement
from trafilatura import metadata as trafilatura_metadata

from pipeline.crawl_records import Article
from pipeline.extract.html_tree import PageHead

LOGGER = logging.getLogger(__name__)

_DATE_FORMAT = "%Y-%m-%dT%H:%M:%S%z"


def page_article(
    tree: HtmlElement, head: PageHead, url: str, *, text: str, fetched_at: datetime
) -> Article:
    """The article of the parsed page ``tree`` (whose head elements are ``head``), fetched
    from ``url`` at ``fetched_at``, with its main ``text`` and the metadata the page gives."""
    found = trafilatura_metadata.examine_meta(tree)
    if found.author and " " not in found.author:  # a handle or a site name, not a byline
        found.author = None
    try:
        found = trafilatura_metadata.extract_meta_json(tree, found)
    except Exception as exc:  # JSON-LD on the web is anything at all, and so are its errors
        LOGGER.debug("%s: unreadable JSON-LD: %s", url, exc)
    found.title = found.title or trafilatura_metadata.extract_title(tree)
    found.sitename = found.sitename or trafilatura_metadata.extract_sitename(tree)
    found.clean_and_trim()
    return Article(
        url=url,
        title=found.title or "",
        text=text,
        authors=_authors(found.author),
        published=_published_date(tree, found.url or url, fetched_at),
        language=_language_tag(head.declared_language()),
        canonical_url=_canonical_link(head, url),
        site_name=_site_name(found.sitename, found.url or url),
        description=found.description or None,
    )


def page_byline(tree: HtmlElement) -> tuple[str, ...]:
    """The authors a byline in the page's markup names (for a page that declares none)."""
    return _authors(trafilatura_metadata.extract_author(tree))


def _site_name(declared: str | None, url: str) -> str | None:
    """The declared site name, else the host name (``@handle`` and lowercase tidied)."""
    name = (declared or "").lstrip("@")
    if name and "." not in name and not name[0].isupper():
        name = name.title()
    if not name and (host := trafilatura_metadata.META_URL.match(url)):
        name = host[1]
    return name or None


def _authors(author: str | None) -> tuple[str, ...]:
    """trafilatura joins several authors with "; "."""
    names = (name.strip() for name in (author or "").split(";"))
    return tuple(dict.fromkeys(name for name in names if name))


def _published_date(tree: HtmlElement, url: str, fetched_at: datetime) -> datetime | None:
    # htmldate discards dates after max_date: a page cannot be published after it was fetched
    latest = (fetched_at + timedelta(days=1)).strftime("%Y-%m-%d")
    for extensive_search in (False, True):
        found = find_date(
            tree,
            url=url,
            original_date=True,
            extensive_search=extensive_search,
            max_date=latest,
            outputformat=_DATE_FORMAT,
        )
        if found:
            return _aware(found)
    return None


def _aware(date: str) -> datetime | None:
    """An aware datetime; a date without a zone (or a bare day) is taken as UTC."""
    try:
        published = datetime.strptime(date, _DATE_FORMAT)
    except ValueError:
        try:
            published = datetime.fromisoformat(date)
        except ValueError:
            LOGGER.debug("unreadable date %r", date)
            return None
    return published if published.utcoffset() is not None else published.replace(tzinfo=UTC)


def _language_tag(declared: str | None) -> str | None:
    """The first of the tags a page declares (``en-US``, ``pt_BR`` as ``pt-BR``)."""
    tag = (declared or "").strip().split(",")[0].strip().replace("_", "-")
    return tag or None


def _canonical_link(head: PageHead, url: str) -> str | None:
    """The page's ``<link rel=canonical>``, else its og:url, made absolute."""
    canonical = [link.get("href") for link in head.links if link.get("rel") == "canonical"]
    for href in [*canonical, *head.meta_contents(property=["og:url"])]:
        if href is not None and href.strip():
            return urljoin(url, href.strip())
    return None

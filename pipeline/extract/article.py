"""Article extraction: a fetched page's main text and metadata, or its feed entry when it has none.

trafilatura finds the main text, in precision mode and without reader comments, first with its
own heuristics alone (its fast mode). A few general repairs, each measured on the Zyte
article-extraction benchmark (``bench/extraction.py``), make up for what that gets wrong on
news pages:

- a link list under a "Related" / "More stories" heading is dropped before extraction;
- an article body split into sibling containers (ads between its chunks) is extracted whole;
- an extraction that finds next to nothing is redone in trafilatura's balanced mode;
- a text made mostly of link texts (a site's menus, not its article) is redone with
  trafilatura's comparison against readability and jusText, which costs as much again as
  the fast mode, so only such pages pay for it;
- the headline and a date or reading-time line at the top, "Read more: ..." teasers and
  newsletter, sharing and comment prompts are dropped from the text.

Nothing here knows about any particular site.
"""

from __future__ import annotations

import logging
import re
from collections import defaultdict
from copy import deepcopy
from datetime import UTC

import lxml.etree
import lxml.html
import trafilatura
from lxml.html import HtmlElement

from pipeline.crawl_records import Article, FeedEntry, FetchedPage
from pipeline.extract.html_tree import PageHead, page_tree, parse_html
from pipeline.extract.page_metadata import page_article, page_byline

LOGGER = logging.getLogger(__name__)

MIN_TEXT_CHARS = 200
"""Page text shorter than this is not an article (a paywall, a consent wall, a video page)."""

_SHORT_TEXT_CHARS = 1000  # a precision-mode text this short may have missed the article...
_RECALL_GAIN = 3  # ...and is replaced when balanced mode finds this many times more
_MIN_CHUNK_CHARS = 300  # paragraph text a container needs to count as a chunk of the body
_MIN_PARAGRAPH_CHARS = 40  # shorter paragraphs (captions, bylines) do not count towards it
_CHUNK_TAGS = ("div", "section", "article")
_TEASER_MAX_WORDS = 25
_PROMPT_MAX_WORDS = 40
_DATELINE_MAX_WORDS = 12
_LEADING_LINES_CHECKED = 3

_RELATED_LABEL = (
    r"(?:read more|read also|also read|see more|see also|more|more from \S+(?: \S+)?"
    r"|related(?: stories| articles| posts?| coverage| content| links)?"
    r"|more (?:great |top )?(?:\S+ )?(?:stories|news|articles)(?: from \S+)?"
    r"|don'?t miss|do not miss|you (?:may|might) also like|recommended(?: for you| reading)?"
    r"|most (?:read|popular|viewed|shared)(?: \w+){0,4}|trending(?: now)?|popular(?: now)?"
    r"|leggi anche|lesen sie auch|lire aussi|leia também|veja também|lea también)"
)
_RELATED_HEADING = re.compile(rf"\W{{0,3}}{_RELATED_LABEL}\W*", re.IGNORECASE)
_TEASER = re.compile(rf"\W{{0,3}}{_RELATED_LABEL}(?:\s*[:|…]|\W*$)", re.IGNORECASE)
_PROMPT_ANYWHERE = re.compile(
    r"""\b(?:sign\ up|subscribe)\b.{0,80}\bnewsletters?\b
    | \bnewsletters?\b.{0,80}\b(?:sign\ up|subscribe)\b
    | \b(?:delivered|sent|straight|right)\ (?:to|in|into)\ your\ inbox
    | \bfollow\ (?:us|@?\w+(?:\ \w+)?)\ (?:on|at)\ (?:twitter|facebook|instagram)
    | \bshare\ (?:it|this)\b.{0,20}\bfriends?\b
    | \bif\ you\ (?:enjoyed|liked)\ this
    | \bthis\ copy\ is\ for\ your\ personal""",
    re.IGNORECASE | re.VERBOSE,
)
# Words one of which each of those holds: looking for them is cheaper than the search.
_PROMPT_WORDS = ("newsletter", "inbox", "follow", "share", "if you", "this copy")
_PROMPT_OPENING = re.compile(
    r"""subscribe\b
    | like\ this\ (?:story|article)
    | tell\ us\ what\ you\ think
    | \d*\ ?comments?$
    | (?:tags?|filed\ under|categories|category)\s*(?::|$)
    | (?:order\ reprints|print\ article|print|share|email|tweet|advertisement
         |skip\ advertisement|continue\ reading(?:\ the\ main\ story)?|thank\ you)$
    | an\ error\ has\ occurred""",
    re.IGNORECASE | re.VERBOSE,
)
_DATELINE = re.compile(r"\b(?:1[89]\d\d|20\d\d)\b|\b\d{1,2}:\d\d\b")
_SENTENCE_END = re.compile(r"[.!?\"”»]$")
_READING_TIME = re.compile(
    r"\b(?:reading time|tempo de leitura|temps de lecture|tiempo de lectura|lesezeit"
    r"|min(?:ute)?s? read)\b",
    re.IGNORECASE,
)
_WORD = re.compile(r"\w+")
_LIST_ITEM = "- "

# Control characters: no text needs them, lxml refuses most, and terminals obey some.
_CONTROL_CHARACTERS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffe\uffff]")
_TAG = re.compile(r"<[^>]*>")
_BLOCK_TAGS = ("p", "div", "br", "li", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "tr")


LISTING_HEADLINE_WORDS = 4
LISTING_MIN_LINES = 5
LISTING_LINK_SHARE = 0.9
_NAVIGATION_LINK_SHARE = 0.5  # a main text more than this much link text is a site's menus


class ExtractionError(ValueError):
    """A page has no text to extract and no feed entry to fall back to."""


# --- the article -------------------------------------------------------------------------


def extract_article(page: FetchedPage) -> Article:
    """The article in ``page``; its feed entry (``fallback=True``) when the page has no text.

    Raises ``ExtractionError`` when the page has no usable text and there is no feed entry.
    """
    url = page.final_url or page.url
    problem = _fetch_problem(page)
    if problem is None:
        tree = page_tree(page.body, page.content_type)
        if tree is None:
            problem = "no main text"
        else:
            _drop_related_link_lists(tree)  # no part of the article: its text or its metadata
            links = _link_texts(tree)
            head = PageHead.of(tree)
            text = _main_text(tree, head, url, links)
            if len(text) < MIN_TEXT_CHARS:
                problem = (
                    f"too little main text ({len(text)} characters)" if text else "no main text"
                )
            elif _is_listing(links, text):
                problem = "a list of links to other pages, not an article"
            else:
                return page_article(tree, head, url, text=text, fetched_at=page.fetched_at)
    return _entry_article(page.entry, url, problem)


def byline_authors(page: FetchedPage) -> tuple[str, ...]:
    """The authors a byline in ``page``'s markup names: the slow search ``extract_article``
    leaves out, for the stories worth it (see ``pipeline.extract.page_metadata``)."""
    tree = page_tree(page.body, page.content_type) if not _fetch_problem(page) else None
    if tree is None:
        return ()
    _drop_related_link_lists(tree)
    return page_byline(tree)


def _is_listing(link_texts: set[str], text: str) -> bool:
    """Whether the main text is a front or section page: nearly every line opens with a link.

    Sitemaps and site crawls reach such pages; an article's paragraphs rarely start with
    the text of a link, a listing's headlines always do.
    """
    headlines = [a for a in link_texts if len(a.split()) >= LISTING_HEADLINE_WORDS]
    lines = _text_lines(text)
    if len(lines) < LISTING_MIN_LINES or not headlines:
        return False
    opened_by_link = sum(any(line.startswith(h) for h in headlines) for line in lines)
    return opened_by_link >= LISTING_LINK_SHARE * len(lines)


def _link_share(text: str, link_texts: set[str]) -> float:
    """The share of ``text``'s characters in lines that are exactly the text of a link."""
    lines = _text_lines(text)
    linked = sum(len(line) for line in lines if line in link_texts)
    return linked / max(1, sum(map(len, lines)))


def _link_texts(tree: HtmlElement) -> set[str]:
    return {" ".join(a.text_content().split()) for a in tree.iter("a")} - {""}


def _text_lines(text: str) -> list[str]:
    """The text's non-blank lines without list bullets."""
    return [line.strip().lstrip("-•* ").strip() for line in text.splitlines() if line.strip()]


def _fetch_problem(page: FetchedPage) -> str | None:
    if page.error:
        return f"fetch failed: {page.error}"
    if page.status >= 400:
        return f"HTTP {page.status}"
    if not page.body.strip():
        return "empty body"
    return None


def _entry_article(entry: FeedEntry | None, url: str, problem: str) -> Article:
    if entry is None or not (entry.title.strip() or entry.summary.strip()):
        raise ExtractionError(f"{url}: {problem}, and no feed entry to fall back to")
    LOGGER.warning("%s: %s; using the feed entry's title and summary", url, problem)
    published = entry.published
    if published is not None and published.utcoffset() is None:
        published = published.replace(tzinfo=UTC)
    return Article(
        url=url,
        title=_html_to_text(entry.title).replace("\n", " "),
        text=_html_to_text(entry.summary),
        published=published,
        fallback=True,
    )


def _html_to_text(fragment: str) -> str:
    """Plain text of an HTML fragment (a feed summary), one line per block."""
    fragment = _CONTROL_CHARACTERS.sub(" ", fragment)
    if not fragment.strip():
        return ""
    try:
        root = lxml.html.fragment_fromstring(fragment, create_parent="div")
    except (lxml.etree.ParserError, ValueError, AssertionError):  # "<html>" trips an assert
        return " ".join(_TAG.sub(" ", fragment).split())
    for unwanted in root.xpath("//script | //style"):
        unwanted.drop_tree()
    for block in root.iter(*_BLOCK_TAGS):
        block.tail = "\n" + (block.tail or "")
    lines = (" ".join(line.split()) for line in root.text_content().splitlines())
    return "\n".join(line for line in lines if line)


# --- the main text -----------------------------------------------------------------------


def extract_text(html: str, url: str | None = None) -> str:
    """The main text of an HTML page, one paragraph a line: exactly what picket stores."""
    tree = parse_html(html)
    if tree is None:
        return ""
    _drop_related_link_lists(tree)
    return _main_text(tree, PageHead.of(tree), url, _link_texts(tree))


def _main_text(tree: HtmlElement, head: PageHead, url: str | None, link_texts: set[str]) -> str:
    """The main text of ``tree`` (without its related-link lists), whose head elements are
    ``head`` and whose links have ``link_texts``."""
    text = _repaired_text(tree, url, compare=False)
    if text and _link_share(text, link_texts) > _NAVIGATION_LINK_SHARE:
        LOGGER.debug("%s: the text found is mostly links; comparing extractors", url)
        text = _repaired_text(tree, url, compare=True)
    return _clean_lines(text, _headlines(head))


def _repaired_text(tree: HtmlElement, url: str | None, *, compare: bool) -> str:
    text = _trafilatura_text(tree, url, compare=compare)
    if text:
        whole = _with_missed_chunks(tree, text)
        if whole is not None:
            text = max(text, _trafilatura_text(whole, url, compare=compare), key=len)
    if len(text) < _SHORT_TEXT_CHARS:
        balanced = _trafilatura_text(tree, url, precise=False, compare=compare)
        if len(balanced) >= _RECALL_GAIN * len(text):
            LOGGER.debug(
                "%s: precision mode found %d characters, using balanced mode", url, len(text)
            )
            text = balanced
    return text


def _trafilatura_text(
    tree: HtmlElement, url: str | None, *, precise: bool = True, compare: bool = False
) -> str:
    """trafilatura's text of ``tree`` (which it copies, not changes); ``compare`` is its slow
    mode, which also runs readability and jusText and keeps the best of the three."""
    document = trafilatura.bare_extraction(
        tree,
        url=url,
        fast=not compare,
        favor_precision=precise,
        include_comments=False,
        include_tables=True,
        with_metadata=False,
    )
    return (document.text or "") if document is not None else ""


def _drop_related_link_lists(tree: HtmlElement) -> None:
    """Remove a list announced by a "Related" / "More stories" heading, and the heading."""
    for links in list(tree.iter("ul", "ol")):
        heading = links.getprevious()
        while heading is not None and not isinstance(heading.tag, str):  # a comment
            heading = heading.getprevious()
        if heading is None:
            continue
        label = " ".join(heading.text_content().split())
        if label and _RELATED_HEADING.fullmatch(label):
            links.drop_tree()
            heading.drop_tree()


def _with_missed_chunks(tree: HtmlElement, text: str) -> HtmlElement | None:
    """A copy of ``tree`` with the body chunks the extraction missed moved into the chunk it
    found; None when it missed none.

    Some sites split an article into several containers of the same tag and class, in
    different parents, with ads between them; trafilatura keeps only the first container.
    """
    found_text = " ".join(text.split())
    moves: list[tuple[HtmlElement, HtmlElement]] = []  # (chunk found, chunk missed after it)
    for chunks in _chunk_groups(tree):
        found = [_chunk_found(paragraphs, found_text) for _, paragraphs in chunks]
        if not any(found) or all(found):
            continue
        first = found.index(True)
        target = chunks[first][0]
        for (chunk, _), was_found in zip(chunks[first + 1 :], found[first + 1 :], strict=True):
            if not was_found and not _nested(chunk, target):
                moves.append((target, chunk))
    if not moves:
        return None
    paths = tree.getroottree()
    whole = deepcopy(tree)
    copies = whole.getroottree()
    moves = [tuple(copies.xpath(paths.getpath(e))[0] for e in move) for move in moves]
    for target, chunk in moves:
        target.extend(list(chunk))
    return whole


def _chunk_groups(tree: HtmlElement) -> list[list[tuple[HtmlElement, list[str]]]]:
    """Containers of one tag and class in different parents, each with its paragraphs."""
    by_class: defaultdict[tuple[str, str], list[HtmlElement]] = defaultdict(list)
    for element in tree.iter(*_CHUNK_TAGS):  # document order
        if css_class := element.get("class"):
            by_class[(element.tag, css_class)].append(element)
    groups = []
    for elements in by_class.values():
        if not _in_several_parents(elements):  # most pages: no paragraph need be read
            continue
        chunks = [
            (e, texts)
            for e in elements
            if sum(map(len, texts := _paragraphs(e))) >= _MIN_CHUNK_CHARS
        ]
        if _in_several_parents([chunk for chunk, _ in chunks]):
            groups.append(chunks)
    return groups


def _in_several_parents(elements: list[HtmlElement]) -> bool:
    # the parents themselves, not their id(): a freed proxy's id can come back for another
    return len(elements) > 1 and len({e.getparent() for e in elements}) > 1


def _paragraphs(container: HtmlElement) -> list[str]:
    """The texts of the paragraphs in ``container`` long enough to be body text."""
    texts = (" ".join(p.text_content().split()) for p in container.iter("p"))
    return [text for text in texts if len(text) >= _MIN_PARAGRAPH_CHARS]


def _chunk_found(paragraphs: list[str], found_text: str) -> bool:
    return sum(p[:60] in found_text for p in paragraphs) * 2 >= len(paragraphs)


def _nested(a: HtmlElement, b: HtmlElement) -> bool:
    return any(x is b for x in a.iterancestors()) or any(x is a for x in b.iterancestors())


def _headlines(head: PageHead) -> set[str]:
    """The page's headline as its ``<title>``, og/twitter titles and ``<h1>`` give it."""
    texts = [
        *(text for title in head.titles for text in title.itertext()),
        *(heading.text_content() for heading in head.headings),
        *head.meta_contents(property=["og:title"], name=["twitter:title", "title"]),
    ]
    return {key for key in map(_word_key, texts) if key}


def _word_key(text: str) -> str:
    return " ".join(_WORD.findall(text.lower()))


def _clean_lines(text: str, headlines: set[str]) -> str:
    lines = [line.strip() for line in text.splitlines()]
    lines = _drop_leading_labels([line for line in lines if line], headlines)
    kept: list[str] = []
    in_teaser_list = False
    for line in lines:
        if in_teaser_list and line.startswith(_LIST_ITEM):
            continue
        words = len(_WORD.findall(line))
        in_teaser_list = words <= _TEASER_MAX_WORDS and bool(_TEASER.match(line))
        if in_teaser_list or (words <= _PROMPT_MAX_WORDS and _is_prompt(line)):
            continue
        kept.append(line)
    return "\n".join(kept)


def _is_prompt(line: str) -> bool:
    """Whether ``line`` asks the reader to subscribe, share or follow, or is a page's
    furniture ("Advertisement", "Tags:")."""
    if _PROMPT_OPENING.match(line):
        return True
    lowered = line.lower()
    return any(word in lowered for word in _PROMPT_WORDS) and bool(_PROMPT_ANYWHERE.search(line))


def _drop_leading_labels(lines: list[str], headlines: set[str]) -> list[str]:
    """Drop the headline and one date or reading-time line from the top of the text."""
    dateline_seen = False
    for _ in range(_LEADING_LINES_CHECKED):
        if not lines:
            break
        first = lines[0]
        if _word_key(first) in headlines:
            lines = lines[1:]
        elif (
            not dateline_seen
            and len(_WORD.findall(first)) <= _DATELINE_MAX_WORDS
            and not _SENTENCE_END.search(first)
            and (_DATELINE.search(first) or _READING_TIME.search(first))
        ):
            dateline_seen = True
            lines = lines[1:]
        else:
            break
    return lines

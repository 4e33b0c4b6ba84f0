"""A fetched page's bytes as the tree extraction reads: its charset, then lxml.

The tree is the one ``trafilatura.load_html`` makes of the decoded text, with its repairs,
built for less: lxml reads UTF-8 bytes faster than a str, and the characters XML refuses
are looked for in those bytes with one C call, where trafilatura runs a regular expression
over the whole text (0.45 ms of a 170 KB page's 1.3 ms). The rare page that has some is
left to trafilatura, which removes them.

Its elements are all ``HtmlElement``: lxml.html's own parser picks each element's class in
Python (forms and inputs get their own), once for every element any walk of the tree
touches, trafilatura's included; a fixed class is picked in C. Nothing here or in
trafilatura uses the form classes, and a benchmark page extracts 0.6 ms (4%) faster.
"""

from __future__ import annotations

import codecs
import logging
import re
from collections.abc import Collection
from dataclasses import dataclass

import lxml.etree
import lxml.html
import trafilatura
from lxml.html import HtmlElement
from trafilatura.utils import DOCTYPE_TAG, FAULTY_HTML

LOGGER = logging.getLogger(__name__)

_HEADER_CHARSET = re.compile(r"charset\s*=\s*[\"']?([\w.:-]+)", re.IGNORECASE)
_META_CHARSET = re.compile(rb"<meta[^>]+charset\s*=\s*[\"']?\s*([\w.:-]+)", re.IGNORECASE)
_SNIFF_BYTES = 4096
# As browsers read labels (WHATWG Encoding): Latin-1 and ASCII mean windows-1252, and a
# UTF-16/32 label on bytes without a byte-order mark is read as UTF-8.
_CODEC_ALIASES = {"latin-1": "cp1252", "iso8859-1": "cp1252", "ascii": "cp1252"}
_FALLBACK_CODEC = "cp1252"
_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)

# What trafilatura.utils.INVALID_XML_CHARS matches: control characters (in UTF-8, bytes
# that are never part of a multi-byte sequence) and the noncharacters U+FFFE and U+FFFF.
_XML_INVALID_BYTES = bytes([*range(0x09), 0x0B, 0x0C, *range(0x0E, 0x20)])
_XML_INVALID_NONCHARACTERS = ("\ufffe", "\uffff")
# lxml tells a whole document from a fragment by its start, where a str's spaces include
# Unicode ones (U+00A0) and bytes' do not.
_LEADING_SPACE = re.compile(r"\s*")
_REPAIRED_LINES = 4
_REPAIRED_CHARS = 4096

# trafilatura.utils.HTML_PARSER's options, with every element an HtmlElement.
_HTML_PARSER = lxml.etree.HTMLParser(
    collect_ids=False,
    default_doctype=False,
    encoding="utf-8",
    remove_comments=True,
    remove_pis=True,
)
_HTML_PARSER.set_element_class_lookup(
    lxml.etree.ElementDefaultClassLookup(
        element=HtmlElement,
        comment=lxml.html.HtmlComment,
        pi=lxml.html.HtmlProcessingInstruction,
        entity=lxml.html.HtmlEntity,
    )
)


def page_tree(body: bytes, content_type: str = "") -> HtmlElement | None:
    """The parsed page, or None when its body holds no HTML document."""
    return parse_html(decode_body(body, content_type))


def decode_body(body: bytes, content_type: str = "") -> str:
    """``body`` as text: byte-order mark, then the HTTP charset, then ``<meta charset>``.

    Undeclared bytes are read as UTF-8 when they are valid UTF-8, else as windows-1252
    (the web's default for unlabelled pages); undecodable bytes become U+FFFD.
    """
    for bom, codec in _BOMS:
        if body.startswith(bom):
            return body.decode(codec, errors="replace")
    header = _HEADER_CHARSET.search(content_type)
    meta = _META_CHARSET.search(body[:_SNIFF_BYTES])
    labels = (
        header[1] if header else None,
        meta[1].decode("ascii", "replace") if meta else None,
    )
    for label in labels:
        codec = _codec(label)
        if codec:
            return body.decode(codec, errors="replace")
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError:
        return body.decode(_FALLBACK_CODEC, errors="replace")


def _codec(label: str | None) -> str | None:
    if not label:
        return None
    try:
        name = codecs.lookup(label).name
    except LookupError:
        LOGGER.debug("unknown charset %r", label)
        return None
    if name.startswith("utf-16") or name.startswith("utf-32"):
        return "utf-8"
    return _CODEC_ALIASES.get(name, name)


def parse_html(html: str) -> HtmlElement | None:
    """``trafilatura.load_html(html)``: the document's tree, or None for a blank text or
    one that is not HTML (it names no ``html`` in its first 50 characters and parses to
    fewer than two elements)."""
    if not html.strip():
        return None
    try:
        data = html.encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate, which no decoded page has
        return trafilatura.load_html(html)
    beginning = html[:50].lower()
    repaired = _repaired(html, beginning)
    if _has_xml_invalid(html, data) or not _LEADING_SPACE.match(repaired).group().isascii():
        return trafilatura.load_html(html)
    if repaired is not html:
        data = repaired.encode("utf-8")
    try:
        tree = lxml.html.fromstring(data, parser=_HTML_PARSER)
    except (lxml.etree.LxmlError, ValueError) as exc:
        LOGGER.debug("lxml could not parse the page: %s", exc)
        return None
    if "html" not in beginning and len(tree) < 2:
        LOGGER.debug("not HTML: the parsed tree has %d elements", len(tree))
        return None
    return tree


def _has_xml_invalid(html: str, data: bytes) -> bool:
    """Whether ``html``, encoded as ``data``, has characters XML refuses (each test is
    the fastest of its kind: deleting bytes, finding a character)."""
    return len(data.translate(None, _XML_INVALID_BYTES)) != len(data) or any(
        character in html for character in _XML_INVALID_NONCHARACTERS
    )


def _repaired(html: str, beginning: str) -> str:
    """trafilatura's repairs for libxml2: a doctype with a slash dropped from the first
    line, a self-closing ``<html/>`` opened."""
    if "doctype" in beginning:
        first_line, _, rest = html.partition("\n")
        html = DOCTYPE_TAG.sub("", first_line, count=1) + "\n" + rest
    for line in html[:_REPAIRED_CHARS].splitlines()[:_REPAIRED_LINES]:
        if "<html" in line and line.endswith("/>"):
            return FAULTY_HTML.sub(r"\1>", html, count=1)
    return html


_XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
_CONTENT_LANGUAGE_LOWERED = str.maketrans("CONTENTLAGU", "contentlagu")  # as the XPath did


@dataclass(frozen=True, slots=True)
class PageHead:
    """The elements of a page that name it (``<title>``, ``<h1>``, ``<meta>``, ``<link>``),
    found anywhere in its document in one walk: each walk of a 700-element page costs
    about 0.12 ms, and the XPath queries these answer made seven."""

    root: HtmlElement  # the document's root element
    titles: list[HtmlElement]
    headings: list[HtmlElement]  # the <h1> elements
    metas: list[HtmlElement]
    links: list[HtmlElement]

    @classmethod
    def of(cls, tree: HtmlElement) -> PageHead:
        root = tree.getroottree().getroot()
        found: dict[str, list[HtmlElement]] = {"title": [], "h1": [], "meta": [], "link": []}
        for element in root.iter(*found):
            found[element.tag].append(element)
        return cls(root, found["title"], found["h1"], found["meta"], found["link"])

    def meta_contents(self, **attributes: Collection[str]) -> list[str]:
        """The ``content`` of each ``<meta>`` with one of the given values for one of the
        given attributes (``name=["title"]``), in document order."""
        return [
            content
            for meta in self.metas
            if any(meta.get(name) in values for name, values in attributes.items())
            and (content := meta.get("content")) is not None
        ]

    def declared_language(self) -> str | None:
        """The language tag the page declares first: ``<html lang>``, then the first
        Content-Language or og:locale ``<meta>``."""
        if self.root.tag == "html":
            for name, value in self.root.attrib.items():
                if name in ("lang", _XML_LANG):
                    return value
        for meta in self.metas:
            content = meta.get("content")
            if content is not None and (
                meta.get("property") == "og:locale"
                or (meta.get("http-equiv") or "").translate(_CONTENT_LANGUAGE_LOWERED)
                == "content-language"
            ):
                return content
        return None

"""Page bytes to a parsed tree: charsets, and the same tree trafilatura.load_html makes."""

from __future__ import annotations

import gzip
from pathlib import Path

import lxml.etree
import pytest
import trafilatura
from fuzzing import FUZZ, TRICKY_TEXT, html_documents
from hypothesis import example, given
from lxml.html import HtmlElement

from pipeline.extract.html_tree import PageHead, decode_body, page_tree, parse_html

SHARED_DATA = Path(__file__).resolve().parents[2] / "shared" / "data"
BENCHMARK_PAGES = SHARED_DATA / "article-extraction-benchmark" / "html"


def test_http_charset_wins_over_meta_charset() -> None:
    body = '<meta charset="utf-8"><p>“Nous ne céderons pas”</p>'.encode("cp1252")

    assert "“Nous ne céderons pas”" in decode_body(body, "text/html; charset=windows-1252")


def test_undeclared_bytes_are_utf8_when_valid_else_windows_1252() -> None:
    assert decode_body("grève “générale”".encode()) == "grève “générale”"
    assert decode_body("grève “générale”".encode("cp1252")) == "grève “générale”"


def test_byte_order_mark_decides_the_encoding() -> None:
    assert decode_body("grève".encode("utf-16"), "text/html; charset=iso-8859-1") == "grève"
    assert decode_body(b"\xef\xbb\xbfgr\xc3\xa8ve", "text/html; charset=iso-8859-1") == "grève"


def test_unknown_charset_label_is_ignored() -> None:
    assert decode_body("grève".encode(), "text/html; charset=no-such-codec") == "grève"


def markup(tree: lxml.etree._Element | None) -> str | None:
    return None if tree is None else lxml.etree.tostring(tree, encoding="unicode")


def assert_same_tree_as_trafilatura(html: str) -> None:
    expected = trafilatura.load_html(html) if html.strip() else None

    assert markup(parse_html(html)) == markup(expected)


@pytest.mark.parametrize(
    "html",
    [
        "<!DOCTYPE html><html><head><title>Walkout</title></head><body><p>Staff left.</p>",
        '<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Strict//EN">\n<html><body><p>x</p>',
        "<?xml version='1.0' encoding='iso-8859-1'?><html><body><p>grève</p></body></html>",
        "<html/><body><p>a page opened by a self-closing html tag</p></body>",
        "<html><body><p>control\x00 and\x0b characters\x1f, U+FFFE \ufffe</p></body></html>",
        "\u00a0<!DOCTYPE html><p>a no-break space first</p>",
        "<p>a fragment alone</p>",
        "<p>one</p><p>two fragments</p>",
        "plain text, no markup at all",
        "<!-- only a comment -->",
        "<html><body><p>lone surrogate \ud800 here</p></body></html>",
        "   \n\t ",
    ],
)
def test_tricky_documents_parse_as_trafilatura_parses_them(html: str) -> None:
    assert_same_tree_as_trafilatura(html)


@FUZZ
@given(body=html_documents())
def test_fuzzed_pages_parse_as_trafilatura_parses_them(body: bytes) -> None:
    assert_same_tree_as_trafilatura(decode_body(body))


@FUZZ
@given(text=TRICKY_TEXT)
@example(text="\u3000<html>")
def test_fuzzed_text_parses_as_trafilatura_parses_it(text: str) -> None:
    assert_same_tree_as_trafilatura(text)


@pytest.mark.shared
def test_benchmark_pages_parse_as_trafilatura_parses_them() -> None:
    if not BENCHMARK_PAGES.is_dir():
        pytest.skip("the article-extraction benchmark in ../shared is absent")
    pages = sorted(BENCHMARK_PAGES.iterdir())

    for path in pages:
        assert_same_tree_as_trafilatura(decode_body(gzip.decompress(path.read_bytes())))
    assert len(pages) == 181


def test_every_element_is_an_html_element_with_its_text_methods() -> None:
    tree = parse_html(
        "<html><body><form action='/join'><label>Name <input name='n'></label>"
        "<select><option>Union</option></select><textarea>Why</textarea></form>"
        "<p>Staff walked out.</p></body></html>"
    )
    assert tree is not None

    assert {type(element) for element in tree.iter(lxml.etree.Element)} == {HtmlElement}
    assert tree.find(".//form").text_content() == "Name UnionWhy"


def test_blank_bodies_have_no_tree() -> None:
    assert page_tree(b"") is None
    assert page_tree(b"  \r\n ") is None


def head_of(html: str) -> PageHead:
    tree = parse_html(html)
    assert tree is not None
    return PageHead.of(tree)


@pytest.mark.parametrize(
    ("head", "expected"),
    [
        ('<html lang="fr"><head><meta property="og:locale" content="en_US">', "fr"),
        ('<html lang=""><head><meta property="og:locale" content="en_US">', ""),
        ('<html><head><meta http-equiv="CONTENT-Language" content="de-AT">', "de-AT"),
        (
            '<html><head><meta property="og:locale"><meta property="og:locale" content="pt_BR">'
            '<meta http-equiv="content-language" content="es">',
            "pt_BR",
        ),
        ('<html><head><meta name="og:locale" content="it">', None),
    ],
)
def test_the_declared_language_is_the_first_the_document_gives(
    head: str, expected: str | None
) -> None:
    page = head_of(f"{head}</head><body><p>Workers walked out on Friday.</p></body></html>")

    assert page.declared_language() == expected


def test_meta_contents_match_exact_attribute_values_in_document_order() -> None:
    page = head_of(
        '<html><head><meta name="title" content="First"><meta name="Title" content="Case">'
        '<meta property="og:title" content="Second"><meta name="title">'
        '<meta name="twitter:title" content="Third"></head><body><p>x</p><p>y</p></body></html>'
    )

    found = page.meta_contents(property=["og:title"], name=["twitter:title", "title"])

    assert found == ["First", "Second", "Third"]

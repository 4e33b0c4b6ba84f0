"""Shared Hypothesis settings and input strategies of the fuzz tests (``test_fuzz_*.py``).

The example count is modest so the suite stays quick; a run that finds a failure keeps it
in Hypothesis's database and tries it first next time. Under CI (``CI`` set) the examples
are derived from each test's name, so a CI run is reproducible and fails only on a change;
local runs keep exploring new inputs. Text strategies lean towards the
characters that break parsers: markup, quotes, escapes, control characters and non-ASCII.
"""

from __future__ import annotations

import os

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

FUZZ = settings(
    max_examples=200,
    deadline=None,
    derandomize=bool(os.environ.get("CI")),
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

TRICKY_CHARACTERS = st.sampled_from(
    list("<>&\"'=/\\;:#?%()[]{}!-_. \t\r\n\x00\x07\x1b\u00a0\u200b\u202e\ufeff\ufffdé中🙂")
)
TRICKY_TEXT = st.text(st.one_of(TRICKY_CHARACTERS, st.characters()), max_size=80)

_TAG_NAMES = """html head body title meta link script style article main div p span a h1 h2
ul li table tr td br img iframe svg noscript template section nav footer"""
_TAGS = st.sampled_from(_TAG_NAMES.split())
_ATTRIBUTES = st.sampled_from(
    [
        "",
        ' class="content"',
        ' lang="en"',
        ' charset="utf-8"',
        ' http-equiv="content-type" content="text/html; charset=shift_jis"',
        ' rel="canonical" href="javascript:alert(1)"',
        ' href="http://127.0.0.1/x"',
        ' property="og:title" content="<b>title</b>"',
        ' onload="alert(1)"',
        ' src="data:text/html,<script>alert(1)</script>"',
    ]
)


@st.composite
def html_fragments(draw: st.DrawFn, depth: int = 0) -> str:
    """A piece of HTML-ish markup: nested elements, text, comments and broken bits."""
    kind = draw(st.integers(0, 6 if depth < 4 else 2))
    if kind == 0:
        return draw(TRICKY_TEXT)
    if kind == 1:
        return draw(st.sampled_from(["<!--", "-->", "<![CDATA[", "]]>", "&amp", "&#x0;", "</"]))
    if kind == 2:
        return "<p>" + " ".join(draw(st.lists(st.sampled_from(WORDS), max_size=60))) + "</p>"
    tag = draw(_TAGS)
    inner = "".join(draw(st.lists(html_fragments(depth + 1), max_size=4)))
    close = draw(st.sampled_from([f"</{tag}>", "", f"</{tag}"]))
    return f"<{tag}{draw(_ATTRIBUTES)}>{inner}{close}"


_SENTENCE = """workers walked out on Tuesday to protest the contract with the agency and
signed an open letter asking executives to cancel it while the union said members would strike"""
WORDS = _SENTENCE.split()


@st.composite
def html_documents(draw: st.DrawFn) -> bytes:
    """A whole page's bytes: a doctype or not, fragments, sometimes another encoding or junk."""
    head = draw(st.sampled_from(["", "<!DOCTYPE html>", "<?xml version='1.0'?>", "\ufeff"]))
    markup = head + "".join(draw(st.lists(html_fragments(), max_size=8)))
    encoding = draw(st.sampled_from(["utf-8", "utf-16", "latin-1", "cp1252"]))
    body = markup.encode(encoding, errors="replace")
    if draw(st.booleans()):
        junk = draw(st.binary(max_size=64))
        body = body[: draw(st.integers(0, len(body)))] + junk
    return body

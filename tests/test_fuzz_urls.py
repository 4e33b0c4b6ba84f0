"""The URL normalizer gives one stable http(s) spelling or a ``ValueError``, for any input.

Links come from feeds, pages and redirects that strangers wrote. ``canonical_url`` must
never raise anything but ``ValueError``, must only ever return http(s) URLs, and must be
idempotent: a canonical URL is its own canonical URL, so the story id made from it never
changes when a stored URL is normalized again.
"""

from __future__ import annotations

import pytest
from fuzzing import FUZZ, TRICKY_TEXT
from hypothesis import example, given
from hypothesis import strategies as st

from pipeline.understand.urls import canonical_url, story_id

SCHEMES = st.sampled_from(
    ["http", "https", "HTTPS", "javascript", "data", "file", "ftp", "mailto", "", "http:"]
)
HOSTS = st.one_of(
    st.sampled_from(
        [
            "news.example.org",
            "AMP.Example.COM",
            "amp.co.uk",
            "www.google.com",
            "news.google.com",
            "l.facebook.com",
            "www.bing.com",
            "a.cdn.ampproject.org",
            "127.0.0.1",
            "[::1]",
            "[fe80::1%25eth0]",
            "xn--nxasmq6b.example",
            "bücher.example",
            "user:pass@host.example",
            "host.example.",
            "",
        ]
    ),
    TRICKY_TEXT,
)
PORTS = st.sampled_from(["", ":80", ":443", ":8080", ":0", ":99999", ":x"])
SEGMENTS = st.one_of(
    st.sampled_from(["amp", "AMP", ".", "..", "index.html", "story.amp.html", "%2F", "%7e", "a b"]),
    TRICKY_TEXT,
)
PARAMS = st.tuples(
    st.one_of(
        st.sampled_from(["utm_source", "ref", "amp", "output", "url", "u", "q"]), TRICKY_TEXT
    ),
    st.one_of(st.none(), st.sampled_from(["1", "amp", "https://news.example.org/x", "a1aHR0cA"])),
)


@st.composite
def url_like(draw: st.DrawFn) -> str:
    """Something shaped like a URL, with the pieces that normalizers get wrong."""
    path = "/".join(draw(st.lists(SEGMENTS, max_size=5)))
    query = "&".join(
        name if value is None else f"{name}={value}"
        for name, value in draw(st.lists(PARAMS, max_size=4))
    )
    fragment = draw(st.sampled_from(["", "#top", "#"]))
    url = f"{draw(SCHEMES)}://{draw(HOSTS)}{draw(PORTS)}/{path}"
    return url + (f"?{query}" if query else "") + fragment


def canonical_or_none(url: str, base: str | None = None) -> str | None:
    try:
        return canonical_url(url, base=base)
    except ValueError:
        return None


def assert_canonical(result: str | None) -> None:
    if result is None:
        return
    assert result.startswith(("http://", "https://"))
    assert "#" not in result
    assert canonical_url(result) == result  # idempotent
    assert story_id(canonical_url(result)) == story_id(result)


@FUZZ
@given(url=st.text(max_size=200))
def test_any_text_is_a_canonical_http_url_or_a_value_error(url: str) -> None:
    assert_canonical(canonical_or_none(url))


@FUZZ
@given(url=url_like())
@example(url="https://www.google.com/url?q=https://www.google.com/url?q=javascript:alert(1)")
@example(url="https://l.facebook.com/l.php?u=http%3A%2F%2F127.0.0.1%2F")
@example(url="http://[fe80::1%25eth0]/a")
def test_url_like_text_is_a_canonical_http_url_or_a_value_error(url: str) -> None:
    assert_canonical(canonical_or_none(url))


@FUZZ
@given(url=st.one_of(url_like(), TRICKY_TEXT), base=url_like())
def test_relative_links_resolve_to_a_canonical_http_url_or_a_value_error(
    url: str, base: str
) -> None:
    assert_canonical(canonical_or_none(url, base=base))


@pytest.mark.parametrize("scheme", ["javascript", "data", "file", "ftp", "mailto", "gopher"])
def test_only_http_urls_are_canonical(scheme: str) -> None:
    assert canonical_or_none(f"{scheme}://news.example.org/story") is None
    assert canonical_or_none(f"{scheme}:alert(document.cookie)") is None

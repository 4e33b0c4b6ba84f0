"""Every feed of feedparser's own test corpus is read by picket without an unhandled exception.

The corpus lives in ``../shared/data/feedparser-corpus`` next to the repository.
Each file states in a comment the HTTP headers it is served with (``Header:``)
and what feedparser should conclude (``Expect:``). Only the headers and whether a
file is expected to be ``bozo`` (ill-formed) are used here; the expectation text
is read as data, never run.
"""

from __future__ import annotations

import logging
import re
from pathlib import Path

import pytest

from crawlers.feeds import ParsedFeed, parse_feed

CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "feedparser-corpus"
UPSTREAM_BASE = "http://127.0.0.1:8097/tests/"  # the document URL the corpus assumes
HEADER_LINE = re.compile(rb"^Header:\s*([^:]+):\s*(.*?)\s*$", re.MULTILINE)
EXPECT_LINE = re.compile(rb"Expect:\s*(.*?)\s*(?:$|-->)", re.MULTILINE)

pytestmark = pytest.mark.shared


def corpus_files() -> list[Path]:
    if not CORPUS.is_dir():
        return []
    return sorted(p for p in CORPUS.rglob("*") if p.is_file() and p.name != "LICENSE")


def served_headers(path: Path) -> dict[str, str]:
    """The response headers a corpus file is read with, as upstream does.

    Upstream serves files with ``http`` in their path over HTTP, with their
    ``Header:`` lines and text/xml by default, and reads the others as plain files.
    """
    body = path.read_bytes()
    if "http" not in path.relative_to(CORPUS).as_posix():
        return {}
    headers = {"Content-Type": "text/xml"}
    for name, value in HEADER_LINE.findall(body):
        headers[name.decode("latin-1").strip()] = value.decode("latin-1")
    return headers


def expects_bozo(body: bytes) -> bool:
    match = EXPECT_LINE.search(body)
    return bool(match) and match.group(1).startswith(b"bozo")


@pytest.fixture(scope="module")
def files() -> list[Path]:
    found = corpus_files()
    if not found:
        pytest.skip(f"feedparser corpus not found at {CORPUS}: ../shared is absent")
    return found


def test_every_corpus_feed_is_read_and_problems_are_logged(files, caplog):
    problems = {}
    for path in files:
        body = path.read_bytes()
        url = UPSTREAM_BASE + path.relative_to(CORPUS).as_posix()
        caplog.clear()
        with caplog.at_level(logging.WARNING, logger="crawlers.feeds"):
            parsed = parse_feed(body, url=url, headers=served_headers(path), source_id="corpus")
        assert isinstance(parsed, ParsedFeed)
        assert all(entry.link for entry in parsed.entries), path
        if parsed.problem:
            problems[path] = parsed.problem
            (record,) = caplog.records
            assert f"feed {url} of source corpus is ill-formed ({parsed.problem})" in (
                record.getMessage()
            )
        else:
            assert caplog.records == [], path
    assert len(files) > 250
    assert len(problems) < len(files) / 4  # most of the corpus is well-formed


def test_feeds_expected_to_be_ill_formed_are_reported(files):
    expected = [p for p in files if expects_bozo(p.read_bytes())]
    assert len(expected) >= 15
    for path in expected:
        body = path.read_bytes()
        parsed = parse_feed(body, url=UPSTREAM_BASE + path.name, headers=served_headers(path))
        assert parsed.problem, path


def test_corpus_json_feed(files):
    (example,) = [p for p in files if p.suffix == ".json"]
    parsed = parse_feed(example.read_bytes(), url="https://example.org/feed.json", headers={})
    assert parsed.problem is None
    assert parsed.title == "My Example Feed"
    assert [e.link for e in parsed.entries] == [
        "https://example.org/second-item",
        "https://example.org/initial-post",
    ]
    assert parsed.entries[1].summary == "Hello, world!"  # HTML and script reduced to text

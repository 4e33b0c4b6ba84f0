"""Google News links are fetched at the publisher's URL, resolved once, or kept with a warning.

A local stand-in for Google News serves an RSS search whose items link to
``/rss/articles/<id>`` in both forms: older ids that carry the publisher's URL, and newer
(``AU_yqL``) ids that need Google's article page and its ``batchexecute`` endpoint. The
crawler runs with ``PICKET_GOOGLE_NEWS_URL`` pointed at the stand-in.
"""

from __future__ import annotations

import json
import logging
from contextlib import closing
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import parse_qs, unquote_to_bytes, urlsplit

import pytest
from httpserver import LocalServer, RecordedRequest, Reply, Text
from test_hostile_fetch import settings_in

from crawlers.googlenews import BATCHEXECUTE_PATH, decode_offline, encode_article_id
from pipeline.run import run_once
from pipeline.source_records import Source
from pipeline.store.sqlite import SQLiteStore

NOW = datetime(2024, 5, 10, 12, 0, tzinfo=UTC)
SIGNATURE = "AV_signature:123"
TIMESTAMP = "1715342400"
NEW_TOKEN = b"AU_yqLNewStoryToken"
LOST_TOKEN = b"AU_yqLTokenGoogleDoesNotKnow"


def article_id_of(link: str) -> str:
    return urlsplit(link).path.rpartition("/")[2]


def story(title: str) -> str:
    sentence = f"{title}: more than four hundred engineers signed an open letter on Monday. "
    return (
        f"<html><head><title>{title}</title></head><body><article><h1>{title}</h1>"
        + "".join(f"<p>{sentence * 2}</p>" for _ in range(3))
        + "</article></body></html>"
    )


@dataclass(frozen=True)
class BatchExecute:
    """Google's decoding endpoint: the URL of a known token, given the right signature."""

    urls: dict[str, str]

    def respond(self, request: RecordedRequest, server: LocalServer) -> Reply:
        (envelope,) = json.loads(parse_qs(request.body.decode())["f.req"][0])[0]
        asked = json.loads(envelope[1])
        gid, signature = asked[2], asked[4]
        url = self.urls.get(gid) if signature == SIGNATURE else None
        answer = (
            json.dumps(["garturlres", url.replace("__BASE__", server.base_url), 1]) if url else None
        )
        body = ")]}'\n\n" + json.dumps([["wrb.fr", "Fbv4je", answer, None, None, None, "generic"]])
        return Reply(200, {"Content-Type": "application/json"}, body.encode())


@pytest.fixture
def google_news(local_server: LocalServer) -> dict[str, str]:
    """Routes of the stand-in and the publisher; returns the feed's Google link per story."""
    base = local_server.base_url
    old_id = encode_article_id(f"{base}/publisher/old-story.html".encode())
    new_id, lost_id = encode_article_id(NEW_TOKEN), encode_article_id(LOST_TOKEN)
    links = {
        name: f"{base}/rss/articles/{gid}?oc=5"
        for name, gid in (("old", old_id), ("new", new_id), ("lost", lost_id))
    }
    items = "".join(
        f"<item><title>{name} story - Publisher</title><link>{link}</link></item>"
        for name, link in links.items()
    )
    feed = f"<rss version='2.0'><channel><title>Google News</title>{items}</channel></rss>"
    local_server.route("/rss/search", Text(feed, "application/rss+xml"))
    page = (
        f'<html><body><c-wiz><div jscontroller="x" data-n-a-sg="{SIGNATURE}" '
        f'data-n-a-ts="{TIMESTAMP}"></div></c-wiz></body></html>'
    )
    for gid in (new_id, lost_id):
        local_server.route(f"/articles/{gid}", Text(page))
    local_server.route(
        BATCHEXECUTE_PATH, BatchExecute({new_id: "__BASE__/publisher/new-story.html"})
    )
    for name in ("old", "new"):
        local_server.route(f"/publisher/{name}-story.html", Text(story(f"The {name} story")))
    own = (
        "<rss version='2.0'><channel><title>Publisher</title><item><title>The new story</title>"
        f"<link>{base}/publisher/new-story.html</link></item></channel></rss>"
    )
    local_server.route("/publisher/feed.xml", Text(own, "application/rss+xml"))
    return links


def test_an_older_link_carries_its_publisher_url() -> None:
    gid = (
        "CBMiLmh0dHBzOi8vd3d3LmJiYy5jb20vbmV3cy9hcnRpY2xlcy9jampqbnhkdjE4OG_SATJodHRwczovL3d3dy5i"
        "YmMuY29tL25ld3MvYXJ0aWNsZXMvY2pqam54ZHYxODhvLmFtcA"
    )
    assert decode_offline(gid).url == "https://www.bbc.com/news/articles/cjjjnxdv188o"
    assert decode_offline(encode_article_id(NEW_TOKEN)).needs_google


def test_google_news_links_are_fetched_at_the_publisher_url_and_resolved_once(
    local_server: LocalServer,
    google_news: dict[str, str],
    run_crawl,
    caplog: pytest.LogCaptureFixture,
) -> None:
    source = Source(id="gnews", kind="feed", urls=(local_server.url("/rss/search"),))
    # Retried: the stand-in closes each connection, which a POST may meet.
    settings = {"google_news_url": local_server.base_url, "retries": 2}

    with caplog.at_level(logging.WARNING):
        result = run_crawl(source, settings=settings)

    fetched = {page.url: page for page in result.pages}
    assert set(fetched) == {
        local_server.url("/publisher/old-story.html"),
        local_server.url("/publisher/new-story.html"),
        google_news["lost"],
    }
    new = fetched[local_server.url("/publisher/new-story.html")]
    assert new.entry.link == new.url and new.entry.title == "new story - Publisher"
    kept = [r.getMessage() for r in caplog.records if "is kept as it is" in r.getMessage()]
    # Only the link Google could not resolve is kept as it is.
    assert kept == [
        f"source gnews: Google News link {google_news['lost']} is kept as it is: "
        "Google's answer holds no URL"
    ]
    asked = local_server.requests_for(BATCHEXECUTE_PATH)
    assert {r.method for r in asked} == {"POST"}
    assert all(SIGNATURE.encode() in unquote_to_bytes(r.body) for r in asked)

    def article_pages_asked() -> dict[str, int]:
        return {
            name: len(local_server.requests_for(f"/articles/{article_id_of(link)}"))
            for name, link in google_news.items()
        }

    before = article_pages_asked()
    again = run_crawl(source, settings=settings)
    assert {page.url for page in again.pages} == set(fetched)
    after = article_pages_asked()
    # The resolved link is not asked about again; the one Google could not resolve is.
    assert after["new"] == before["new"] == 1
    assert after["lost"] > before["lost"]
    assert after["old"] == before["old"] == 0


def test_a_google_news_story_is_the_publisher_feeds_story(
    local_server: LocalServer, google_news: dict[str, str], tmp_path: Path
) -> None:
    settings = settings_in(
        tmp_path,
        allow_private_addresses=True,
        retries=2,  # the stand-in closes each connection, which a POST may meet
        timeout_s=20,
        google_news_url=local_server.base_url,
    )
    sources = [
        Source(id="gnews", kind="feed", urls=(local_server.url("/rss/search"),)),
        Source(id="publisher", kind="feed", urls=(local_server.url("/publisher/feed.xml"),)),
    ]

    run_once(settings, sources=sources, now=NOW)

    with closing(SQLiteStore(settings.db_path)) as store:
        stories = [s for s, _ in store.stories_since(datetime(2000, 1, 1, tzinfo=UTC))]
    urls = sorted(s.canonical_url for s in stories)
    assert urls == sorted(
        [
            local_server.url("/publisher/new-story.html"),
            local_server.url("/publisher/old-story.html"),
            google_news["lost"],  # kept as it is
        ]
    ), urls


def test_links_past_max_items_are_not_resolved(
    local_server: LocalServer, google_news: dict[str, str], run_crawl
) -> None:
    source = Source(id="gnews", kind="feed", urls=(local_server.url("/rss/search"),), max_items=1)

    result = run_crawl(source, settings={"google_news_url": local_server.base_url})

    assert [page.url for page in result.pages] == [local_server.url("/publisher/old-story.html")]
    assert not [r for r in local_server.requests if r.path.startswith("/articles/")]

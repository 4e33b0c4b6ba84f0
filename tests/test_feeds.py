"""The feed reader: feeds parsed, articles followed, and HTTP behaving badly, against 127.0.0.1."""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from itertools import pairwise
from urllib.parse import urlsplit

import pytest
from httpserver import FailFirst, Gzip, Oversized, Redirect, Slow, Static, Status, Text

from crawlers.feeds import parse_feed
from crawlers.middlewares import retry_after_seconds
from pipeline.crawl_records import Validators
from pipeline.source_records import Politeness, Source

SLOWER = Politeness(delay_s=0.1)
RSS_ARTICLES = {
    "/articles/first-open-letter.html",
    "/articles/second-walkout.html",
    "/articles/third-union-vote.html",
}


def feed_source(server, path="/feeds/rss.xml", **changes) -> Source:
    changes.setdefault("id", "fixture-feed")
    return Source(kind="feed", urls=(server.url(path),), **changes)


def by_path(result) -> dict:
    """The crawl's pages by the path of the URL they were requested at."""
    return {urlsplit(page.url).path: page for page in result.pages}


# --- parse_feed, no network ---------------------------------------------------------


def test_rss_entries_keep_title_summary_date_and_absolute_link(local_server):
    body = (local_server.root / "feeds" / "rss.xml").read_bytes()
    parsed = parse_feed(body, url="https://news.example/feeds/rss.xml", headers={})
    assert parsed.problem is None
    first, _, third, ftp = parsed.entries
    assert first.title == "Engineers publish an open letter to their managers"
    assert first.summary == "Engineers signed an open letter."  # HTML reduced to text
    assert first.published == datetime(2024, 5, 2, 9, 0, tzinfo=UTC)
    assert first.feed_url == "https://news.example/feeds/rss.xml"
    assert third.link == "https://news.example/articles/third-union-vote.html"
    assert ftp.link.startswith("ftp://")


def test_json_feed_is_read_without_feedparser(local_server):
    body = (local_server.root / "feeds" / "feed.json").read_bytes()
    parsed = parse_feed(body, url="https://news.example/feeds/feed.json", headers={})
    assert parsed.problem is None
    assert parsed.version == "json11"
    assert [e.title for e in parsed.entries] == [
        "Contract moderators go on strike",
        "Staff back a shareholder letter",
    ]
    assert parsed.entries[0].summary == "Moderators strike."
    assert parsed.entries[1].published == datetime(2023, 12, 1, 16, 0, tzinfo=UTC)


def test_ill_formed_feed_keeps_what_parsed_and_says_so(local_server, caplog):
    body = (local_server.root / "feeds" / "broken.xml").read_bytes()
    with caplog.at_level(logging.WARNING, logger="crawlers.feeds"):
        parsed = parse_feed(body, url="https://news.example/broken.xml", headers={}, source_id="s1")
    assert parsed.problem
    assert parsed.entries[0].title == "A story listed in a broken feed"
    assert "https://news.example/broken.xml of source s1 is ill-formed" in caplog.text


def test_html_page_is_not_a_feed(caplog):
    with caplog.at_level(logging.WARNING, logger="crawlers.feeds"):
        parsed = parse_feed(
            b"<html><body><p>Hello</p></body></html>",
            url="https://news.example/",
            headers={"Content-Type": "text/html"},
        )
    assert parsed.entries == ()
    assert parsed.problem.startswith("not a feed")
    assert "not a feed" in caplog.text


def test_an_encoding_declared_in_unreadable_bytes_is_an_ill_formed_feed(caplog):
    body = b'<?xml version="1.0" encoding="\xe9so-8859-1"?><rss version="2.0"></rss>'
    with caplog.at_level(logging.WARNING, logger="crawlers.feeds"):
        parsed = parse_feed(
            body, url="https://news.example/f", headers={"Content-Type": "text/xml"}
        )
    assert parsed.entries == ()
    assert parsed.problem.startswith("unreadable document")
    assert "https://news.example/f is ill-formed" in caplog.text


def test_wrong_charset_header_still_gives_readable_titles():
    body = (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>Grève</title>'
        "<item><title>Grève à l’usine</title><link>https://news.example/a</link></item>"
        "</channel></rss>"
    ).encode()
    for content_type in ("text/xml; charset=us-ascii", "application/rss+xml; charset=iso-8859-1"):
        parsed = parse_feed(
            body, url="https://news.example/f", headers={"Content-Type": content_type}
        )
        assert parsed.entries[0].title == "Grève à l’usine", content_type


@pytest.mark.parametrize(
    ("header", "seconds"),
    [("", None), ("7", 7.0), ("Wed, 01 May 2024 12:00:30 GMT", 30.0), ("soon", None)],
)
def test_retry_after_header_forms(header, seconds):
    assert retry_after_seconds(header, now=datetime(2024, 5, 1, 12, 0, tzinfo=UTC)) == seconds


# --- feeds over HTTP ------------------------------------------------------------------


def test_feed_entries_are_followed_to_their_article_pages(local_server, run_crawl):
    result = run_crawl(feed_source(local_server))
    (outcome,) = result.outcomes
    assert outcome.status == "ok"
    assert outcome.http_status == 200
    assert outcome.items_seen == 4
    pages = by_path(result)
    assert set(pages) == RSS_ARTICLES  # the ftp:// entry is skipped
    letter = pages["/articles/first-open-letter.html"]
    assert letter.status == 200
    assert letter.error is None
    assert b"<h1>Engineers publish an open letter" in letter.body
    assert letter.content_type.startswith("text/html")
    assert letter.entry.title == "Engineers publish an open letter to their managers"
    assert letter.entry.feed_url == local_server.url("/feeds/rss.xml")
    sent = local_server.requests_for("/articles/first-open-letter.html")[0]
    assert sent.headers["user-agent"].startswith("picket/")
    assert "+http" in sent.headers["user-agent"]  # a contact URL


def test_atom_and_json_feeds_lead_to_their_articles(local_server, run_crawl):
    source = Source(
        id="two-formats",
        kind="feed",
        urls=(local_server.url("/feeds/atom.xml"), local_server.url("/feeds/feed.json")),
    )
    result = run_crawl(source)
    assert result.outcomes[0].status == "ok"
    assert set(by_path(result)) == {
        "/articles/atom-petition.html",
        "/articles/atom-resignations.html",
        "/articles/json-strike.html",
        "/articles/json-shareholder-letter.html",
    }
    assert {p.entry.title for p in result.pages} >= {"Designers circulate a petition"}


def test_feed_sources_crawled_together_keep_their_own_pages_bounds_and_outcomes(
    local_server, run_crawl
):
    local_server.route("/feeds/gone.xml", Status(404))
    rss = feed_source(local_server, id="rss", max_items=1)
    atom = feed_source(local_server, "/feeds/atom.xml", id="atom")
    gone = feed_source(local_server, "/feeds/gone.xml", id="gone")
    polite = feed_source(local_server, "/feeds/feed.json", id="polite", politeness=SLOWER)
    result = run_crawl(rss, atom, gone, polite)

    outcomes = {o.source_id: o for o in result.outcomes}
    assert [o.source_id for o in result.outcomes] == ["rss", "atom", "gone", "polite"]
    assert (outcomes["rss"].status, outcomes["atom"].status, outcomes["polite"].status) == (
        "ok",
        "ok",
        "ok",
    )
    assert (outcomes["gone"].status, outcomes["gone"].http_status) == ("failed", 404)
    pages = {urlsplit(p.url).path: p.source_id for p in result.pages}
    assert pages == {
        "/articles/first-open-letter.html": "rss",  # the newest only: its max_items is 1
        "/articles/atom-petition.html": "atom",
        "/articles/atom-resignations.html": "atom",
        "/articles/json-strike.html": "polite",
        "/articles/json-shareholder-letter.html": "polite",
    }
    # rss, atom and gone share one crawler, which reads the site's robots.txt once;
    # the source with its own politeness has a crawler, and a robots.txt read, of its own.
    assert len(local_server.requests_for("/robots.txt")) == 2


def test_conditional_get_round_trip(local_server, run_crawl):
    first = run_crawl(feed_source(local_server))
    (validators,) = first.validators
    assert validators.url == local_server.url("/feeds/rss.xml")
    assert validators.etag and validators.last_modified

    second = run_crawl(feed_source(local_server), validators={validators.url: validators})

    feed_requests = local_server.requests_for("/feeds/rss.xml")
    assert feed_requests[1].headers["if-none-match"] == validators.etag
    assert feed_requests[1].headers["if-modified-since"] == validators.last_modified
    (outcome,) = second.outcomes
    assert (outcome.status, outcome.http_status) == ("not_modified", 304)
    assert second.pages == []
    assert second.validators == [validators]  # kept for the next run
    assert all(len(local_server.requests_for(p)) == 1 for p in RSS_ARTICLES)


def test_last_modified_alone_also_gets_a_304(local_server, run_crawl):
    first = run_crawl(feed_source(local_server))
    known = first.validators[0]
    only_date = Validators(url=known.url, last_modified=known.last_modified)
    second = run_crawl(feed_source(local_server), validators={known.url: only_date})
    assert second.outcomes[0].status == "not_modified"
    assert "if-none-match" not in local_server.requests_for("/feeds/rss.xml")[1].headers


def test_redirects_are_followed_and_the_final_url_kept(local_server, run_crawl):
    local_server.route("/old-feed.xml", Redirect("/feeds/rss.xml", status=301))
    local_server.route("/articles/second-walkout.html", Redirect("/articles/atom-petition.html"))
    result = run_crawl(feed_source(local_server, "/old-feed.xml"))
    assert result.outcomes[0].status == "ok"
    moved = by_path(result)["/articles/second-walkout.html"]
    assert moved.status == 200
    assert moved.final_url == local_server.url("/articles/atom-petition.html")
    assert b"Designers circulate a petition" in moved.body


def test_redirect_chains_longer_than_the_limit_fail(local_server, run_crawl):
    local_server.route("/articles/second-walkout.html", Redirect("/hop/1"))
    local_server.route("/hop/1", Redirect("/hop/2"))
    local_server.route("/hop/2", Redirect("/hop/3"))
    local_server.route("/hop/3", Redirect("/articles/atom-petition.html"))
    result = run_crawl(feed_source(local_server), settings={"max_redirects": 2})
    failed = by_path(result)["/articles/second-walkout.html"]
    assert failed.error == "not fetched: max redirections reached"
    assert failed.body == b""
    assert local_server.requests_for("/articles/atom-petition.html") == []


def test_missing_article_is_recorded_as_a_failed_page_with_its_entry(local_server, run_crawl):
    local_server.route("/articles/second-walkout.html", Status(404))
    result = run_crawl(feed_source(local_server))
    assert result.outcomes[0].status == "ok"
    missing = by_path(result)["/articles/second-walkout.html"]
    assert (missing.status, missing.error) == (404, "HTTP 404")
    assert missing.entry.title == "Warehouse software staff plan a walkout"


def test_server_error_then_success_is_retried(local_server, run_crawl):
    local_server.route("/articles/second-walkout.html", FailFirst(1, status=500))
    result = run_crawl(feed_source(local_server))
    page = by_path(result)["/articles/second-walkout.html"]
    assert (page.status, page.error) == (200, None)
    assert len(local_server.requests_for("/articles/second-walkout.html")) == 2


def test_retry_after_on_429_is_honoured(local_server, run_crawl):
    local_server.route(
        "/articles/second-walkout.html", FailFirst(1, status=429, headers={"Retry-After": "1"})
    )
    result = run_crawl(feed_source(local_server))
    assert by_path(result)["/articles/second-walkout.html"].status == 200
    first, retry = local_server.requests_for("/articles/second-walkout.html")
    assert retry.at - first.at >= 0.95


def test_retry_after_longer_than_we_wait_is_not_retried(local_server, run_crawl):
    local_server.route(
        "/articles/second-walkout.html", FailFirst(1, status=503, headers={"Retry-After": "600"})
    )
    result = run_crawl(feed_source(local_server), settings={"max_retry_after_s": 5})
    assert by_path(result)["/articles/second-walkout.html"].error == "HTTP 503"
    assert len(local_server.requests_for("/articles/second-walkout.html")) == 1


def test_failing_feed_is_retried_three_times_with_growing_waits_then_given_up(
    local_server, run_crawl
):
    local_server.route("/feeds/rss.xml", Status(500))
    result = run_crawl(feed_source(local_server))
    (outcome,) = result.outcomes
    assert (outcome.status, outcome.http_status) == ("failed", 500)
    attempts = [request.at for request in local_server.requests_for("/feeds/rss.xml")]
    assert len(attempts) == 4  # the request and PICKET_RETRIES=3 retries
    gaps = [later - earlier for earlier, later in pairwise(attempts)]
    waits = (0.25, 0.5, 1.0)  # doubling back-off, 1.75 s in all: within the 2 s budget
    assert all(gap >= wait * 0.95 for gap, wait in zip(gaps, waits, strict=True)), gaps
    assert attempts[-1] - attempts[0] < 4.0  # not the 7 s that 1 + 2 + 4 s of back-off took


def test_retry_after_past_the_wait_budget_is_left_to_the_next_poll(local_server, run_crawl):
    local_server.route("/feeds/rss.xml", FailFirst(1, status=503, headers={"Retry-After": "5"}))
    first = run_crawl(feed_source(local_server), settings={"retry_max_wait_s": 2})
    assert (first.outcomes[0].status, first.outcomes[0].http_status) == ("failed", 503)
    assert len(local_server.requests_for("/feeds/rss.xml")) == 1
    second = run_crawl(feed_source(local_server))
    assert second.outcomes[0].status == "ok"


def test_timed_out_attempts_count_against_the_wait_budget(local_server, run_crawl):
    local_server.route("/feeds/rss.xml", Slow(3.0))
    result = run_crawl(feed_source(local_server), settings={"timeout_s": 1, "retry_max_wait_s": 2})
    assert "timed out" in result.outcomes[0].error
    # 1 s timed out + 0.25 s back-off fit in 2 s; another 1 s + 0.5 s would not.
    assert len(local_server.requests_for("/feeds/rss.xml")) == 2


def test_slow_article_times_out(local_server, run_crawl):
    local_server.route("/articles/second-walkout.html", Slow(3.0))
    result = run_crawl(feed_source(local_server), settings={"timeout_s": 0.5, "retries": 0})
    slow = by_path(result)["/articles/second-walkout.html"]
    assert slow.status == 0
    assert slow.error.startswith("timed out")
    assert by_path(result)["/articles/first-open-letter.html"].error is None


def test_gzip_bodies_are_decompressed(local_server, run_crawl):
    local_server.route("/feeds/rss.xml", Gzip())
    local_server.route("/articles/first-open-letter.html", Gzip())
    result = run_crawl(feed_source(local_server))
    assert result.outcomes[0].status == "ok"
    letter = by_path(result)["/articles/first-open-letter.html"]
    expected = (local_server.root / "articles" / "first-open-letter.html").read_bytes()
    assert letter.body == expected
    assert "gzip" in local_server.requests_for("/feeds/rss.xml")[0].headers["accept-encoding"]


def test_wrong_charset_header_leaves_the_page_bytes_untouched(local_server, run_crawl):
    page_bytes = "<html><body><h1>Grève à l’usine, café</h1></body></html>".encode()
    local_server.route(
        "/articles/second-walkout.html", Text(page_bytes, "text/html; charset=iso-8859-1")
    )
    local_server.route("/feeds/rss.xml", Static(content_type="text/xml; charset=us-ascii"))
    result = run_crawl(feed_source(local_server))
    assert result.outcomes[0].status == "ok"  # the feed still parsed
    page = by_path(result)["/articles/second-walkout.html"]
    assert page.body == page_bytes
    assert page.content_type == "text/html; charset=iso-8859-1"


@pytest.mark.parametrize("declare_length", [True, False])
def test_oversized_article_fails_with_a_clear_error(local_server, run_crawl, declare_length):
    local_server.route(
        "/articles/second-walkout.html", Oversized(60_000, declare_length=declare_length)
    )
    result = run_crawl(feed_source(local_server), settings={"max_bytes": 20_000})
    big = by_path(result)["/articles/second-walkout.html"]
    assert big.error.startswith("response too large")
    assert big.body == b""
    assert by_path(result)["/articles/first-open-letter.html"].error is None


def test_body_too_large_once_decompressed_fails_clearly(local_server, run_crawl):
    local_server.route("/articles/second-walkout.html", Gzip(Oversized(500_000)))
    result = run_crawl(feed_source(local_server), settings={"max_bytes": 20_000})
    assert by_path(result)["/articles/second-walkout.html"].error.startswith("response too large")


def test_oversized_feed_fails_the_source(local_server, run_crawl):
    local_server.route("/feeds/rss.xml", Oversized(60_000))
    result = run_crawl(feed_source(local_server), settings={"max_bytes": 20_000})
    (outcome,) = result.outcomes
    assert outcome.status == "failed"
    assert "response too large" in outcome.error
    assert result.pages == []


def test_non_html_article_is_recorded_as_failed(local_server, run_crawl):
    local_server.route("/articles/second-walkout.html", Text(b"%PDF-1.7 ...", "application/pdf"))
    result = run_crawl(feed_source(local_server))
    pdf = by_path(result)["/articles/second-walkout.html"]
    assert pdf.status == 200
    assert pdf.error == "content type application/pdf is not HTML"
    assert pdf.body == b""


def test_robots_txt_disallow_is_obeyed(local_server, run_crawl):
    result = run_crawl(feed_source(local_server, "/feeds/private.xml"))
    pages = by_path(result)
    assert pages["/private/hidden-report.html"].error == "not fetched: Forbidden by robots.txt"
    assert pages["/articles/first-open-letter.html"].error is None
    assert local_server.requests_for("/private/hidden-report.html") == []
    assert len(local_server.requests_for("/robots.txt")) == 1


def test_robots_txt_is_remembered_between_crawls(local_server, run_crawl):
    source = feed_source(local_server, "/feeds/private.xml")
    run_crawl(source)
    again = by_path(run_crawl(source))
    assert again["/private/hidden-report.html"].error == "not fetched: Forbidden by robots.txt"
    assert len(local_server.requests_for("/robots.txt")) == 1
    assert len(local_server.requests_for("/feeds/private.xml")) == 2


def test_broken_feed_is_logged_with_its_source_and_still_followed(local_server, run_crawl, caplog):
    with caplog.at_level(logging.INFO):
        result = run_crawl(feed_source(local_server, "/feeds/broken.xml", id="broken-feed"))
    assert result.outcomes[0].status == "ok"
    assert set(by_path(result)) == {"/articles/broken-feed-story.html"}
    assert "of source broken-feed is ill-formed" in caplog.text
    assert "source broken-feed: ok (HTTP 200)" in caplog.text  # the per-source progress line


def test_missing_feed_fails_the_source(local_server, run_crawl):
    result = run_crawl(feed_source(local_server, "/feeds/gone.xml"))
    (outcome,) = result.outcomes
    assert (outcome.status, outcome.http_status) == ("failed", 404)
    assert outcome.error.endswith("/feeds/gone.xml: HTTP 404")


def test_bounds_since_known_urls_and_max_items(local_server, run_crawl):
    known = local_server.url("/articles/first-open-letter.html")
    result = run_crawl(
        feed_source(local_server, max_items=5),
        since=datetime(2024, 1, 1, tzinfo=UTC),
        skip_urls=[known],
    )
    assert set(by_path(result)) == {"/articles/second-walkout.html"}  # 2023 story too old

    newest_only = run_crawl(feed_source(local_server, max_items=1))
    assert set(by_path(newest_only)) == {"/articles/first-open-letter.html"}


def test_private_addresses_are_refused_unless_allowed(local_server, run_crawl):
    result = run_crawl(feed_source(local_server), settings={"allow_private_addresses": False})
    (outcome,) = result.outcomes
    assert outcome.status == "failed"
    assert "127.0.0.1 resolves to non-public address 127.0.0.1" in outcome.error
    assert local_server.requests == []

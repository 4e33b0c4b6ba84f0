"""Alert emails as a reader sees them: subject, per-story details, escaping, links, headers."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from email import message_from_bytes, policy
from email.parser import BytesParser
from urllib.parse import unquote

import pytest

from pipeline.alerts.mailer import build_message, outbox_name, unsubscribe_link
from pipeline.alerts.render import (
    AlertItem,
    discover_url,
    http_url,
    is_public_url,
    render_alert,
    snippet,
)
from pipeline.alerts.watches import parse_watch
from pipeline.records import Relevance, Story, Tags

WATCH = parse_watch(
    {
        "name": "Walkouts",
        "query": "walkout OR companies:google",
        "timezone": "America/New_York",
        "recipients": ["reader@example.org"],
    }
)


def story(n: int, **changes) -> Story:
    fields = {
        "id": f"s{n}",
        "url": f"https://news.example/{n}",
        "canonical_url": f"https://news.example/{n}",
        "source_id": "example",
        "outlet": "Example News",
        "title": f"Workers walk out, part {n}",
        "text": "Hundreds of workers walked out on Thursday. They want the contract ended.",
        "published": datetime(2024, 5, 2, 2, 0, tzinfo=UTC),
        "relevance": Relevance(0.9, True, ("hundreds of workers walked out",)),
        "tags": Tags(
            companies=("Google",),
            actions=("protest", "open_letter"),
            struggles=("unfair_labor_practices",),
            tags=("military_contracts",),
            workers=1400,
        ),
    }
    fields.update(changes)
    return Story(**fields)


def test_subject_names_watch_count_and_top_headline():
    items = [AlertItem(story(1)), AlertItem(story(2))]
    rendered = render_alert(WATCH, items, total=7)
    assert rendered.subject == "[picket] Walkouts: 7 new stories — Workers walk out, part 1"
    one = render_alert(WATCH, [AlertItem(story(1, title="A\nsplit  title"))], total=1)
    assert one.subject == "[picket] Walkouts: 1 new story — A split title"
    more = render_alert(WATCH, [AlertItem(story(1), kind="more")], total=1)
    assert "more coverage in 1 story" in more.subject


def test_each_story_shows_outlet_date_link_snippet_tags_and_coverage():
    rendered = render_alert(WATCH, [AlertItem(story(1), outlets=4)], total=1)
    for part in (rendered.text, rendered.html):
        assert "Example News" in part
        assert "2024-05-01" in part  # 02:00 UTC is still May 1st in New York
        assert "https://news.example/1" in part
        assert "Hundreds of workers walked out on Thursday." in part
        assert "They want the contract ended" not in part  # the first sentence only
        assert "about 1,400 workers" in part
        assert "military_contracts" not in part and "open_letter" not in part
        assert "4 outlets cover this" in part
    assert '<a href="https://news.example/1"' in rendered.html
    lines = [line.strip() for line in rendered.text.splitlines()]
    assert "Example News, 2024-05-01 · about 1,400 workers · 4 outlets cover this" in lines
    assert "Company: Google" in lines
    assert "Action: protest, open letter" in lines
    assert "Issue: unfair labour practices, military contracts" in lines
    assert "Action: <span" in rendered.html and ">open letter</span>" in rendered.html


def test_the_story_is_told_by_its_own_words_not_the_worker_group():
    """The relevance evidence names the acting group; the reader wants what happened."""
    told = story(
        1,
        description="Staff at the cloud unit signed a letter against the contract.",
        relevance=Relevance(0.9, True, ("Google Cloud engineers", "signed", "Google")),
        tags=Tags(companies=("Google",)),
    )
    rendered = render_alert(WATCH, [AlertItem(told)], total=1)
    assert "Staff at the cloud unit signed a letter against the contract." in rendered.text
    assert "Google Cloud engineers" not in rendered.text
    (outlet_line,) = [line for line in rendered.text.splitlines() if "Example News" in line]
    assert "workers" not in outlet_line  # no head-count when none is known


def test_markup_in_titles_and_bodies_is_shown_as_text():
    hostile = story(
        1,
        title='<script>alert("x")</script> Walkout & more',
        description='<img src=x onerror="steal()">',
        outlet="<b>Outlet</b>",
    )
    html = render_alert(WATCH, [AlertItem(hostile)], total=1).html
    assert "<script>" not in html and "<img" not in html and "<b>Outlet" not in html
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; Walkout &amp; more" in html
    assert "&lt;img src=x onerror=&#34;steal()&#34;&gt;" in html


def test_only_http_links_are_clickable():
    for bad in ("javascript:alert(1)", "data:text/html,hi", "mailto:a@b.c", "//evil.example/x"):
        assert http_url(bad) is None
        html = render_alert(WATCH, [AlertItem(story(1, url=bad, canonical_url=bad))], total=1).html
        assert "<a href" not in html
    assert http_url("HTTPS://news.example/a") == "HTTPS://news.example/a"
    html = render_alert(
        WATCH,
        [AlertItem(story(1, canonical_url='https://x.example/a?b=1&c=2"onmouseover=1'))],
        total=1,
    ).html
    assert 'href="https://x.example/a?b=1&amp;c=2&#34;onmouseover=1"' in html


def test_hidden_stories_point_to_the_rest():
    items = [AlertItem(story(n)) for n in range(3)]
    since = datetime(2024, 5, 2, 2, 0, tzinfo=UTC)
    plain = render_alert(WATCH, items, total=12, since=since)
    assert "and 9 more" in plain.text
    assert "See them all with: picket watches test Walkouts --since 2024-05-02" in plain.text
    assert "<code>picket watches test Walkouts --since 2024-05-02</code>" in plain.html
    spaced = parse_watch({"name": "Big walkouts", "query": "walkout", "recipients": ["a@b.org"]})
    assert (
        "picket watches test 'Big walkouts' --since"
        in render_alert(spaced, items, total=12, since=since).text
    )
    url = discover_url("https://kibana.example/", WATCH, data_view="picket-stories")
    linked = render_alert(WATCH, items, total=12, rest_url=url)
    assert url in linked.text
    assert url.startswith(
        "https://kibana.example/app/discover#/?_g=(time:(from:'now-30d',to:'now'))&_a=("
    )
    state = unquote(url)
    assert "index:'picket-stories'" in state
    assert "alias:'watch: Walkouts',disabled:!f,negate:!f" in state
    assert "term:(companies:(value:'google',case_insensitive:!t))" in state
    assert "more" not in render_alert(WATCH, items, total=3).text.split("--")[0].lower()
    windowed = discover_url("https://kibana.example", WATCH, data_view="d", since=since)
    assert "_g=(time:(from:'2024-05-02T02:00:00Z',to:'now'))" in windowed


@pytest.mark.parametrize(
    ("url", "public"),
    [
        ("https://kibana.example.org", True),
        ("http://203.0.113.9:5601", False),  # documentation range, not routable
        ("http://8.8.8.8:5601", True),
        ("http://localhost:5601", False),
        ("http://LOCALHOST.:5601", False),
        ("http://kibana.localhost", False),
        ("http://127.0.0.1:5601", False),
        ("http://[::1]:5601", False),
        ("http://10.1.2.3:5601", False),
        ("http://192.168.1.20", False),
        ("http://kibana:5601", False),  # a name on the Compose network
        ("http://kibana.internal", False),
        ("not a url", False),
    ],
)
def test_only_a_public_kibana_is_linked(url, public):
    assert is_public_url(url) is public


def test_snippet_is_the_description_else_the_first_sentence():
    assert snippet(story(1)) == "Hundreds of workers walked out on Thursday."
    assert snippet(story(1, description="A  summary.\n")) == "A summary."
    assert snippet(story(1, text="")) == ""
    long = story(1, text="word " * 200)
    assert snippet(long).endswith("…") and len(snippet(long)) <= 290


def test_message_has_both_parts_and_the_headers_mail_programs_need():
    rendered = render_alert(WATCH, [AlertItem(story(1))], total=1)
    raw = build_message(
        rendered,
        sender="picket <alerts@picket.example>",
        recipient="reader@example.org",
        message_id="<abc.1@picket.example>",
        date=datetime(2024, 5, 2, 8, 0, tzinfo=UTC),
        unsubscribe=unsubscribe_link(None, "picket <alerts@picket.example>", "Walkouts"),
        watch_name="Walkouts",
    )
    message = message_from_bytes(raw, policy=policy.default)
    assert message["Subject"] == rendered.subject
    assert message["Message-ID"] == "<abc.1@picket.example>"
    assert message["Date"] == "Thu, 02 May 2024 08:00:00 +0000"
    assert message["List-Unsubscribe"].strip() == (
        "<mailto:alerts@picket.example?subject=unsubscribe%20Walkouts>"
    )
    assert message.get_content_type() == "multipart/alternative"
    for subtype, content in (("plain", rendered.text), ("html", rendered.html)):
        assert message.get_body((subtype,)).get_content().replace("\r\n", "\n") == content
    assert outbox_name(raw) == "abc.1@picket.example.eml"


LONG_NAME = "Walkouts and open letters at Google Amazon Microsoft and Meta over AI contracts"
UNICODE_NAME = "Grève chez Amazon à Paris — Überstunden"


@pytest.mark.parametrize("name", ["Walkouts", LONG_NAME, UNICODE_NAME, "Ärger " * 13])
@pytest.mark.parametrize("configured", [None, "https://picket.example/unsub?list=1"])
def test_list_unsubscribe_is_one_readable_link_whatever_the_watch_name(name, configured):
    sender = "picket <alerts@picket.example>"
    rendered = render_alert(WATCH, [AlertItem(story(1))], total=1)
    raw = build_message(
        rendered,
        sender=sender,
        recipient="reader@example.org",
        message_id="<abc.1@picket.example>",
        date=datetime(2024, 5, 2, 8, 0, tzinfo=UTC),
        unsubscribe=unsubscribe_link(configured, sender, name),
        watch_name=name,
    )
    head = raw.split(b"\r\n\r\n", 1)[0].decode("ascii")
    assert all(len(line) <= 998 for line in head.split("\r\n"))
    (value,) = re.findall(r"^List-Unsubscribe: ([^\r\n]*(?:\r\n[ \t][^\r\n]*)*)", head, re.M)
    assert "=?" not in value  # no encoded word: mail programs read the header as it stands
    assert re.fullmatch(r"<(?:mailto|https):[\x21-\x3b\x3d\x3f-\x7e]+>", value), value
    message = BytesParser(policy=policy.strict).parsebytes(raw)  # raises on any defect
    link = unquote(str(message["List-Unsubscribe"]).strip()[1:-1])
    assert name in link.replace("+", " ")
    assert message["X-Picket-Watch"] == name


def test_unsubscribe_link_can_be_configured():
    assert unsubscribe_link("https://picket.example/unsub", "a@b.example", "My watch") == (
        "https://picket.example/unsub?watch=My+watch"
    )
    assert unsubscribe_link("mailto:list@b.example", "a@b.example", "w") == (
        "mailto:list@b.example?subject=unsubscribe%20w"
    )


def test_a_story_without_a_date_says_so_rather_than_showing_when_it_was_found():
    undated = story(1, published=None, first_seen=datetime(2026, 3, 1, 9, 0, tzinfo=UTC))
    rendered = render_alert(WATCH, [AlertItem(undated)], total=1)
    for part in (rendered.text, rendered.html):
        assert "date unknown" in part
        assert "2026-03-01" not in part and "2026-02-28" not in part

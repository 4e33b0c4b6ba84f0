"""Markup, scripts and terminal escapes written by strangers never act on a reader.

A site served on 127.0.0.1 publishes a story whose title carries rich markup, a script
tag, terminal escape sequences (clear screen, an OSC 8 hyperlink, a bell) and whose page
declares a ``javascript:`` canonical link, next to a feed item whose page is gone, so its
hostile feed title and summary stand in. ``picket run`` stores them and writes the alert
emails; then:

- ``picket search`` (table and JSON) and the run's log lines carry no control character,
  and "[bold red]" is printed as text, not read as rich markup;
- the HTML email shows the title escaped, runs no script, has no event handler, and links
  only to http(s) (and mailto: for unsubscribing): a ``javascript:`` URL is at most text;
  the text email has no control character.
"""

from __future__ import annotations

import json
import re
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner
from httpserver import LocalServer

from pipeline.cli import main

CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]|\r(?!\n)")  # all but \t, \n, \r\n
EVENT_HANDLER = re.compile(r"<[^>]*\son\w+\s*=", re.IGNORECASE)
LINK = re.compile(r"""\s(?:href|src|action)\s*=\s*["']?\s*([^"'\s>]+)""", re.IGNORECASE)
ESCAPES = "\x1b[2J\x1b[31m\x1b]8;;javascript:alert(1)\x07click\x1b]8;;\x07\x9b31m\x08"
TITLE = f"[bold red]Google engineers walk out[/bold red] <script>alert(1)</script> {ESCAPES}"
BODY = " ".join(
    [
        "Hundreds of Google engineers walked off the job on Tuesday to protest the company's",
        "cloud contract with the border agency. <script>alert('body')</script>",
        "The workers gathered outside offices in Mountain View and New York and handed",
        "managers a petition signed by more than 2,000 employees asking executives to cancel",
        "the contract. <img src=x onerror=\"alert('img')\"> Organizers said the walkout",
        "would continue until the company publishes the terms of every contract with",
        "immigration authorities, and that engineers would refuse to work on the project.",
    ]
)
PAGE = f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<title>{TITLE}</title>
<meta property="og:title" content="{TITLE.replace('"', "&quot;")}">
<link rel="canonical" href="javascript:alert(document.cookie)">
</head><body><article>
<h1>{TITLE}</h1>
<p>{BODY}</p>
<p>{BODY.replace("Tuesday", "Wednesday")}</p>
<p><a href="javascript:alert('link')">Read the petition</a></p>
</article></body></html>
"""
FEED_TITLE = "&lt;b onmouseover=alert(1)&gt;Amazon warehouse workers strike&lt;/b&gt; \x1b[5m"
FEED_SUMMARY = (
    "&lt;script&gt;steal(document.cookie)&lt;/script&gt;&lt;p&gt;Hundreds of Amazon warehouse "
    "workers went on strike on Prime Day over heat and pay, the union said.&lt;/p&gt;"
)
FEED = f"""<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>Hostile News</title><link>__BASE__/</link>
<description>x</description>
<item><title>{TITLE.replace("<", "&lt;").replace(">", "&gt;")}</title>
<link>__BASE__/news/2024/05/google-walkout.html</link>
<description>Engineers walk out.</description></item>
<item><title>{FEED_TITLE}</title>
<link>__BASE__/news/2024/05/amazon-strike.html</link>
<description>{FEED_SUMMARY}</description></item>
</channel></rss>
"""
WATCH = {
    "name": "Walkouts",
    "query": 'walkout OR "walk out" OR strike',
    "recipients": ["desk@example.org"],
    "include_old": True,
    "filters": {"relevant_only": False},
}


@pytest.fixture
def hostile_site(tmp_path: Path):
    root = tmp_path / "site"
    (root / "news" / "2024" / "05").mkdir(parents=True)
    (root / "feed.xml").write_text(FEED, encoding="utf-8")
    (root / "news" / "2024" / "05" / "google-walkout.html").write_text(PAGE, encoding="utf-8")
    with LocalServer(root) as server:
        yield server


@pytest.fixture
def picket_run(hostile_site: LocalServer, tmp_path: Path):
    """``picket run`` over the hostile site; its settings and everything it printed."""
    sources = {"sources": [{"id": "hostile", "kind": "feed", "url": hostile_site.url("/feed.xml")}]}
    (tmp_path / "sources.yaml").write_text(yaml.safe_dump(sources), encoding="utf-8")
    (tmp_path / "watches.yaml").write_text(yaml.safe_dump({"watches": [WATCH]}), "utf-8")
    env = {
        "PICKET_SOURCES_FILE": str(tmp_path / "sources.yaml"),
        "PICKET_WATCHES_FILE": str(tmp_path / "watches.yaml"),
        "PICKET_DB_PATH": str(tmp_path / "picket.db"),
        "PICKET_WORK_DIR": str(tmp_path / "work"),
        "PICKET_ALERTS_DB": str(tmp_path / "alerts.db"),
        "PICKET_ALERTS_OUTBOX_DIR": str(tmp_path / "mail"),
        "PICKET_ALLOW_PRIVATE_ADDRESSES": "true",
        "PICKET_DOWNLOAD_DELAY_S": "0",
        "PICKET_RETRIES": "0",
    }
    result = CliRunner().invoke(main, ["--log-level", "INFO", "run"], env=env)
    assert result.exit_code == 0, result.output
    return env, result.output


def emails(folder: Path) -> list[EmailMessage]:
    return [
        message_from_bytes(path.read_bytes(), policy=policy.default)  # type: ignore[misc]
        for path in sorted(folder.glob("*.eml"))
    ]


def test_search_output_and_log_lines_carry_no_control_characters(picket_run) -> None:
    env, run_output = picket_run
    table = CliRunner().invoke(main, ["search", "--limit", "5"], env=env)
    lines = CliRunner().invoke(main, ["search", "--json", "--limit", "5"], env=env)

    assert "alert sent to desk@example.org" in run_output  # a log line with the titles
    for output in (run_output, table.output, lines.output):
        assert not CONTROL.search(output)
    assert "[bold" in table.output  # shown as text, not taken as rich markup
    titles = [json.loads(line)["title"] for line in lines.output.splitlines()]
    assert any(t.startswith("[bold red]Google engineers walk out[/bold red]") for t in titles)
    assert all(not CONTROL.search(t) for t in titles)


def test_alert_emails_escape_markup_and_link_only_to_the_web(picket_run, tmp_path: Path):
    mails = emails(tmp_path / "mail")
    assert mails, "the watch matched the stories"
    for mail in mails:
        html = mail.get_body(("html",)).get_content()  # type: ignore[union-attr]
        text = mail.get_body(("plain",)).get_content()  # type: ignore[union-attr]
        assert "<script" not in html.lower()
        assert not EVENT_HANDLER.search(html), "an element with an on...= handler"
        links = LINK.findall(html)
        assert links and all(link.startswith(("http://", "https://", "mailto:")) for link in links)
        assert not CONTROL.search(text)
        assert not CONTROL.search(str(mail["Subject"]))
    shown = "".join(mail.get_body(("html",)).get_content() for mail in mails)  # type: ignore[union-attr]
    assert "&lt;script&gt;" in shown  # the title's markup is shown, escaped

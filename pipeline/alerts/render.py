"""Render an alert email (subject, plain text and HTML) from Jinja2 templates.

Pure: the watch, the stories and the link to the rest come in; text comes out. Each story
shows its own opening (its description, else its first sentence), the head-count when
known and its tags in words (``pipeline.vocabulary``). The HTML template is autoescaped, so
markup in a story's title or body shows as text, and only http(s) links are ever made
clickable.
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Literal
from urllib.parse import quote, urlsplit
from zoneinfo import ZoneInfo

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

from crawlers.urls import is_public_address
from pipeline.alerts.watches import Watch
from pipeline.query import to_engine_query
from pipeline.records import Story
from pipeline.understand.sentences import sentences
from pipeline.vocabulary import labels

SNIPPET_CHARS = 280
SUBJECT_HEADLINE_CHARS = 90
_RISON_SAFE = "()!:,'-"
_RISON_ID = re.compile(r"[A-Za-z_][A-Za-z0-9_./~-]*")
_LOCAL_SUFFIXES = (".localhost", ".local", ".internal", ".lan", ".home.arpa")

_environment = Environment(
    loader=PackageLoader("pipeline", "templates"),
    autoescape=select_autoescape(["html"], default=False),
    undefined=StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
    keep_trailing_newline=True,
)


@dataclass(frozen=True, slots=True)
class AlertItem:
    """One story in an alert: a new event, or more coverage of one already told."""

    story: Story
    kind: Literal["new", "more"] = "new"
    outlets: int = 1  # how many outlets cover the same event


@dataclass(frozen=True, slots=True)
class RenderedAlert:
    subject: str
    text: str
    html: str


def render_alert(
    watch: Watch,
    items: Sequence[AlertItem],
    *,
    total: int,
    rest_url: str | None = None,
    since: datetime | None = None,
) -> RenderedAlert:
    """The email for ``items`` (already capped), of ``total`` stories matched in all.

    The stories left out are reached through ``rest_url`` when there is one, else through
    the ``picket watches test`` command for stories first seen ``since``.
    """
    zone = ZoneInfo(watch.timezone)
    stories = [_story_view(item, zone) for item in items]
    context = {
        "watch": watch,
        "stories": stories,
        "total": total,
        "hidden": max(total - len(items), 0),
        "rest_url": rest_url,
        "rest_command": rest_command(watch, since),
        "schedule": watch.schedule.describe() if watch.schedule else "as soon as found",
    }
    return RenderedAlert(
        subject=alert_subject(watch, items, total),
        text=_environment.get_template("alert.txt").render(context),
        html=_environment.get_template("alert.html").render(context),
    )


def alert_subject(watch: Watch, items: Sequence[AlertItem], total: int) -> str:
    """``[picket] NAME: 3 new stories — Top headline``, on one line."""
    more_only = all(item.kind == "more" for item in items)
    noun = "story" if total == 1 else "stories"
    what = f"more coverage in {total} {noun}" if more_only else f"{total} new {noun}"
    headline = _one_line(items[0].story.title) if items else ""
    if len(headline) > SUBJECT_HEADLINE_CHARS:
        headline = headline[: SUBJECT_HEADLINE_CHARS - 1].rstrip() + "…"
    return _one_line(f"[picket] {watch.name}: {what}" + (f" — {headline}" if headline else ""))


def rest_command(watch: Watch, since: datetime | None) -> str:
    """The command line listing a watch's matches first seen since ``since`` (a UTC day)."""
    command = f"picket watches test {shlex.quote(watch.name)}"
    if since is not None:
        command += f" --since {since.astimezone(UTC):%Y-%m-%d}"
    return command


def is_public_url(url: str) -> bool:
    """Whether a reader elsewhere can open ``url``: not localhost, loopback or private.

    Judged from the URL alone (no DNS): an IP literal must be globally routable, a name
    must have a dot and not end in a local-only suffix (``kibana``, ``x.local``).
    """
    host = (urlsplit(url.strip()).hostname or "").rstrip(".").lower()
    if not host:
        return False
    try:
        return is_public_address(host)
    except ValueError:  # a name, not an IP literal
        return "." in host and not host.endswith(_LOCAL_SUFFIXES) and host != "localhost"


def discover_url(
    kibana_url: str,
    watch: Watch,
    *,
    data_view: str,
    days: int = 30,
    since: datetime | None = None,
) -> str:
    """A Kibana Discover link to every stored story the watch's query finds.

    The query goes in as a Query DSL filter, the very query the percolator runs, so the
    link finds what the alerts find (tag values included, whatever their case). The time
    range starts at ``since`` when given, else ``days`` ago.
    """
    watch_filter = {
        "meta": {"alias": f"watch: {watch.name}", "disabled": False, "negate": False},
        "query": to_engine_query(watch.ast),
    }
    app_state = _rison({"filters": [watch_filter], "index": data_view})
    start = f"{since.astimezone(UTC):%Y-%m-%dT%H:%M:%SZ}" if since else f"now-{days}d"
    global_state = _rison({"time": {"from": start, "to": "now"}})
    return (
        f"{kibana_url.rstrip('/')}/app/discover#/"
        f"?_g={quote(global_state, safe=_RISON_SAFE)}&_a={quote(app_state, safe=_RISON_SAFE)}"
    )


def http_url(url: str) -> str | None:
    """``url`` if it is an http(s) link, else None (no javascript:, data: or mailto: links)."""
    parts = urlsplit(url.strip())
    return url.strip() if parts.scheme.lower() in ("http", "https") and parts.netloc else None


def snippet(story: Story) -> str:
    """What the story says it is about: its description, else its first sentence."""
    opening = next(iter(sentences(story.text)), "")
    text = _one_line(story.description) or _one_line(opening)
    if len(text) <= SNIPPET_CHARS:
        return text
    cut = text[:SNIPPET_CHARS].rsplit(" ", 1)[0]
    return cut.rstrip(" ,.;:") + " …"


def _story_view(item: AlertItem, zone: ZoneInfo) -> dict[str, object]:
    story = item.story
    when = story.published
    tags = story.tags
    return {
        "title": _one_line(story.title) or story.canonical_url,
        "url": http_url(story.canonical_url) or http_url(story.url),
        "outlet": story.outlet or story.domain or story.source_id,
        "date": when.astimezone(zone).strftime("%Y-%m-%d") if when else "date unknown",
        "snippet": snippet(story),
        "workers": head_count(tags.workers),
        "tag_groups": [
            (heading, values)
            for heading, values in (
                ("Company", list(dict.fromkeys(tags.companies))),
                ("Action", labels(tags.actions)),
                ("Issue", labels((*tags.struggles, *tags.tags))),
            )
            if values
        ],
        "outlets": item.outlets,
        "more": item.kind == "more",
    }


def head_count(workers: int | None) -> str:
    """``about 1,400 workers``; empty when the story states no count."""
    if not workers:
        return ""
    return "1 worker" if workers == 1 else f"about {workers:,} workers"


def _one_line(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def _rison(value: object) -> str:
    """``value`` in rison, the notation of Kibana's URL state (strings always quoted)."""
    if isinstance(value, bool):
        return "!t" if value else "!f"
    if value is None:
        return "!n"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, dict):
        return "(" + ",".join(f"{_rison_key(str(k))}:{_rison(v)}" for k, v in value.items()) + ")"
    if isinstance(value, list | tuple):
        return "!(" + ",".join(_rison(v) for v in value) + ")"
    return "'" + str(value).replace("!", "!!").replace("'", "!'") + "'"


def _rison_key(key: str) -> str:
    return key if _RISON_ID.fullmatch(key) else _rison(key)

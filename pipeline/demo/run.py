"""``picket demo``: the main job, end to end, against the bundled demo site on localhost."""

from __future__ import annotations

import logging
from collections.abc import Callable
from contextlib import closing
from importlib import resources
from pathlib import Path

from pipeline.alerts.mailer import outbox_subjects
from pipeline.demo.server import DemoSite
from pipeline.display import events_table, stories_table
from pipeline.run import run_once
from pipeline.settings import Settings, updated_settings
from pipeline.source_records import Source
from pipeline.store import StoryQuery, open_store
from pipeline.store.base import stories_of_events
from pipeline.understand.events import undated_events

log = logging.getLogger(__name__)

DEMO_PORT = 8765
"""Preferred port, so story URLs (and ids) stay the same from one demo to the next."""


def demo_sources(base_url: str) -> list[Source]:
    """The demo site's feeds (one deliberately malformed) and its sitemap."""
    return [
        Source(id="demo-rss", kind="feed", name="Demo RSS", urls=(f"{base_url}/feeds/rss.xml",)),
        Source(id="demo-atom", kind="feed", name="Demo Atom", urls=(f"{base_url}/feeds/atom.xml",)),
        Source(
            id="demo-broken",
            kind="feed",
            name="Demo broken feed",
            urls=(f"{base_url}/feeds/broken.xml",),
        ),
        Source(
            id="demo-sitemap",
            kind="sitemap",
            name="Demo sitemap",
            urls=(f"{base_url}/sitemap.xml",),
        ),
    ]


def demo_settings(settings: Settings, db_path: Path) -> Settings:
    """The operator's settings, pointed at a demo database and allowed to fetch 127.0.0.1."""
    return updated_settings(
        settings,
        db_path=db_path,
        work_dir=db_path.parent / "work",
        allow_private_addresses=True,
        download_delay_s=0.0,
        store="sqlite",
        watches_file=Path(str(resources.files("pipeline.demo") / "watches.yaml")),
        alerts_db=db_path.parent / "alerts.db",
        alerts_outbox_dir=db_path.parent / "mail",
        smtp_host=None,
    )


def _start_site() -> DemoSite:
    try:
        return DemoSite(port=DEMO_PORT)
    except OSError:
        log.info("port %s is taken; serving the demo on a free port", DEMO_PORT)
        return DemoSite()


def run_demo(settings: Settings, *, keep: bool, echo: Callable[[str], None]) -> None:
    """Serve the demo site, run one pass over it, and print what picket found."""
    db_path = settings.db_path.parent / "demo" / "picket.db"
    settings = demo_settings(settings, db_path)
    if not keep:
        for path in (db_path, settings.alerts_db):
            for suffix in ("", "-wal", "-shm"):
                Path(f"{path}{suffix}").unlink(missing_ok=True)
        for email in settings.alerts_outbox_dir.glob("*.eml"):
            email.unlink()
    with _start_site() as site:
        echo(f"Serving the demo news site at {site.base_url}")
        summary = run_once(settings, sources=demo_sources(site.base_url))
    echo(summary.line())
    with closing(open_store(settings)) as store:
        relevant = store.search(
            StoryQuery(relevant=True, include_duplicates=False, limit=100, sort="newest")
        )
        others = store.count(StoryQuery(relevant=False))
        events = store.recent_events(limit=50)
        undated = undated_events(events, stories_of_events(store, events))
    echo(f"\nRelevant stories ({len(relevant)}; {others} other stories stored):")
    echo(stories_table(relevant))
    echo(f"\nEvents ({len(events)}):")
    echo(events_table(events, undated))
    echo(f"\nThe demo database is {db_path}; look into it with:")
    for command in ('search "open letter" --relevant', "events", "stats", "sources"):
        echo(f"  PICKET_DB_PATH={db_path} picket {command}")
    subjects = outbox_subjects(settings.alerts_outbox_dir)
    echo(f"\nAlert emails for the demo watches, written to {settings.alerts_outbox_dir}/:")
    echo("\n".join(f"  {subject}" for subject in subjects) or "  none")

"""Commands for the stores: ``picket index setup|migrate|flush``, ``picket kibana setup``
and ``picket stats``."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

import click

if TYPE_CHECKING:  # the stack is imported by the commands that use it, so --help is quick
    from pipeline.settings import Settings
    from pipeline.store import StoryStore
    from pipeline.store.engine import EngineStore
    from pipeline.store.stats import StoryStats


@contextmanager
def opened_store(settings: Settings) -> Iterator[StoryStore]:
    """The configured store, closed after use; a store error ends the command with its message
    (an unreachable search engine, refused credentials...) instead of a traceback."""
    from pipeline.store import StoreError, open_store

    try:
        store = open_store(settings)
    except StoreError as exc:
        raise click.ClickException(str(exc)) from exc
    try:
        yield store
    except StoreError as exc:
        raise click.ClickException(str(exc)) from exc
    finally:
        store.close()


@contextmanager
def _engine_store(settings: Settings) -> Iterator[EngineStore]:
    """The configured search engine store; on SQLite, an error saying what to set."""
    from pipeline.store.engine import EngineStore

    if settings.store == "sqlite":
        raise click.ClickException(
            "picket index works on a search engine: set PICKET_STORE=elasticsearch or opensearch"
        )
    with opened_store(settings) as store:
        assert isinstance(store, EngineStore)
        yield store


@click.group("index")
def index_group() -> None:
    """Set up and migrate the search engine's indices (Elasticsearch or OpenSearch)."""


@index_group.command("setup")
@click.pass_obj
def index_setup(obj) -> None:
    """Create or update templates, indices and aliases; safe to run on every deploy."""
    with _engine_store(obj.settings) as store:
        for line in store.setup():
            click.echo(line)


@index_group.command("migrate")
@click.pass_obj
def index_migrate(obj) -> None:
    """Copy the stories into the next versioned index and move the alias to it.

    Searches keep working throughout. Pause `picket run` while it runs: a story updated
    during the copy keeps its older version.
    """
    with _engine_store(obj.settings) as store:
        click.echo(store.migrate())


@index_group.command("flush")
@click.pass_obj
def index_flush(obj) -> None:
    """Send the writes waiting in the outbox now (the next run would send them anyway)."""
    with _engine_store(obj.settings) as store:
        sent = store.flush_outbox()
        click.echo(f"sent {sent} writes; {store.pending_writes()} still waiting")


@click.group("kibana")
def kibana_group() -> None:
    """Kibana's data view, saved searches and dashboard for picket's stories."""


@kibana_group.command("setup")
@click.option("--url", help="Kibana's URL (default: PICKET_KIBANA_URL).")
@click.option("--username", help="Default: PICKET_KIBANA_USERNAME.")
@click.option("--password", help="Default: PICKET_KIBANA_PASSWORD.")
@click.option("--space", help="A Kibana space id; the default space if not given.")
@click.pass_obj
def kibana_setup(
    obj,
    url: str | None,
    username: str | None,
    password: str | None,
    space: str | None,
) -> None:
    """Import the saved objects (overwriting earlier ones; safe to run again)."""
    from pipeline.kibana.importer import KibanaClient, KibanaError, setup_kibana
    from pipeline.settings import split_credentials

    settings = obj.settings
    url = url or settings.kibana_url
    if not url:
        raise click.UsageError("give --url or set PICKET_KIBANA_URL")
    if split_credentials(url)[1] is None:  # else the client signs in as the URL says
        secret = settings.kibana_password
        username = username or settings.kibana_username
        password = password or (secret.get_secret_value() if secret else None)
    client = KibanaClient(url, username=username, password=password, space=space)
    try:
        report = setup_kibana(client, prefix=settings.index_prefix)
    except KibanaError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"imported {report.imported} saved objects into Kibana {report.kibana_version}")


@click.command("stats")
@click.option(
    "--days", type=click.IntRange(1, 36500), help="Only the last N days (default: every date)."
)
@click.option("--all", "all_stories", is_flag=True, help="Count every story, not only relevant.")
@click.option("--top", default=10, show_default=True, type=click.IntRange(1, 1000))
@click.option("--json", "as_json", is_flag=True, help="One JSON object.")
@click.pass_obj
def stats_command(obj, days: int | None, all_stories: bool, top: int, as_json: bool) -> None:
    """Stories and events per week, top companies, actions, struggles and tags."""
    since = datetime.now(UTC) - timedelta(days=days) if days else None
    with opened_store(obj.settings) as store:
        stats = store.stats(since=since, relevant_only=not all_stories, top=top)
    click.echo(json.dumps(_stats_json(stats)) if as_json else _stats_text(stats, days))


def _stats_json(stats: StoryStats) -> dict:
    return {
        "stories": stats.stories,
        "events": stats.events,
        "stories_per_week": {week.isoformat(): n for week, n in stats.stories_per_week},
        "events_per_week": {week.isoformat(): n for week, n in stats.events_per_week},
        "top": {name: dict(counts) for name, counts in stats.top.items()},
    }


def _stats_text(stats: StoryStats, days: int | None) -> str:
    window = f"last {days} days" if days else "every date (--days N for the last N days)"
    counted = ("1 story" if stats.stories == 1 else f"{stats.stories} stories") + (
        ", 1 event" if stats.events == 1 else f", {stats.events} events"
    )
    lines = [f"{window}: {counted}", ""]
    events = dict(stats.events_per_week)
    weeks = sorted({week for week, _ in stats.stories_per_week} | set(events))
    stories = dict(stats.stories_per_week)
    lines.append("week of      stories  events")
    lines += [f"{week}  {stories.get(week, 0):7}  {events.get(week, 0):6}" for week in weeks]
    for name, counts in stats.top.items():
        lines += ["", f"top {name}:"]
        lines += [f"  {count:6}  {value}" for value, count in counts] or ["  (none)"]
    return "\n".join(lines)

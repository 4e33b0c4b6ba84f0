"""``picket watches ...`` and ``picket alerts ...``: manage watches, send and inspect alerts."""

from __future__ import annotations

from contextlib import closing
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

import click

from pipeline.alerts.schedule import DELIVERIES

if TYPE_CHECKING:  # the stack is imported by the commands that use it, so --help is quick
    from pipeline.alerts.ledger import Match, WatchState
    from pipeline.alerts.service import AlertSummary
    from pipeline.alerts.watches import Watch, WatchSet
    from pipeline.settings import Settings
    from pipeline.store import StoryStore
    from pipeline.vocabulary import Checked


def _settings(ctx: click.Context) -> Settings:
    return ctx.find_root().obj.settings


def _open_store(settings: Settings) -> closing[StoryStore]:
    from pipeline.store import StoreError, open_store

    try:
        return closing(open_store(settings))
    except StoreError as exc:
        raise click.ClickException(str(exc)) from exc


def _watches(settings: Settings) -> WatchSet:
    """The configured watches; a configured file that does not exist is an error."""
    from pipeline.alerts.watches import WatchesFileMissing, configured_watches

    try:
        return configured_watches(settings)
    except WatchesFileMissing as exc:
        raise click.ClickException(str(exc)) from exc


def _echo_problems(watch_set: WatchSet) -> None:
    for problem in watch_set.problems:
        click.echo(f"problem: {problem}", err=True)


@click.group()
def watches() -> None:
    """Saved queries whose new matches picket emails (config/watches.yaml)."""


@watches.command("list")
@click.pass_context
def list_watches(ctx: click.Context) -> None:
    """The watches, how they deliver, and any that cannot be used."""
    from pipeline.alerts.display import watches_table
    from pipeline.alerts.watches import missing_file_hint

    settings = _settings(ctx)
    watch_set = _watches(settings)
    click.echo(watches_table(watch_set.watches))
    if hint := missing_file_hint(settings.watches_file):
        click.echo(f"({hint})", err=True)
    _echo_problems(watch_set)
    for watch in watch_set.watches:
        for value in _vocabulary_notes(watch):
            click.echo(f"note: watch {watch.name!r}: {value.note}", err=True)


@watches.command("add")
@click.argument("name")
@click.option("--query", "-q", required=True, help="e.g. 'companies:google AND walkout'.")
@click.option("--recipient", "-r", multiple=True, help="Email address (repeatable).")
@click.option("--delivery", type=click.Choice(DELIVERIES), default="instant", show_default=True)
@click.option("--at", "at_time", default="08:00", show_default=True, help="Digest time, HH:MM.")
@click.option("--weekday", default="monday", show_default=True, help="Weekly digest day.")
@click.option("--timezone", default="UTC", show_default=True, help="e.g. Europe/Berlin.")
@click.option("--max-stories", default=10, show_default=True, type=int)
@click.option(
    "--company", multiple=True, help="Only stories tagged with this company or a brand it owns."
)
@click.option("--action", multiple=True, help="Only stories with this action.")
@click.option("--struggle", multiple=True, help="Only stories with this struggle.")
@click.option("--tag", multiple=True, help="Only stories with this issue tag.")
@click.option("--outlet", multiple=True, help="Only stories from this outlet or domain.")
@click.option("--min-score", type=click.FloatRange(0, 1), help="Minimum relevance score.")
@click.option("--all-stories", is_flag=True, help="Also stories not judged relevant.")
@click.option("--more-coverage", is_flag=True, help="Also tell further coverage of an event.")
@click.option("--include-old", is_flag=True, help="Also alert stories older than the max age.")
@click.pass_context
def add_watch_command(
    ctx: click.Context,
    name: str,
    query: str,
    recipient: tuple[str, ...],
    delivery: str,
    at_time: str,
    weekday: str,
    timezone: str,
    max_stories: int,
    company: tuple[str, ...],
    action: tuple[str, ...],
    struggle: tuple[str, ...],
    tag: tuple[str, ...],
    outlet: tuple[str, ...],
    min_score: float | None,
    all_stories: bool,
    more_coverage: bool,
    include_old: bool,
) -> None:
    """Add a watch to the watches file (checked first; comments in the file are kept)."""
    from pipeline.alerts.watches import WatchError, parse_watch, require_recipients
    from pipeline.alerts.watchfile import WatchFileError, add_watch

    settings = _settings(ctx)
    query, tagged = _checked_terms(
        name, query, {"companies": company, "actions": action, "struggles": struggle, "tags": tag}
    )
    filters: dict[str, object] = {
        key: list(values) for key, values in (*tagged.items(), ("outlets", outlet)) if values
    }
    if min_score is not None:
        filters["min_score"] = min_score
    if all_stories:
        filters["relevant_only"] = False
    entry: dict[str, object] = {
        "name": name,
        "query": query,
        "recipients": list(recipient),
        "delivery": delivery,
        "timezone": timezone,
        "max_stories": max_stories,
        "filters": filters,
        "more_coverage": more_coverage,
        "include_old": include_old,
        "created": datetime.now(UTC).replace(microsecond=0).isoformat(),
    }
    if delivery != "instant":
        entry.update(at=at_time, weekday=weekday)
    try:
        watch = require_recipients(parse_watch(entry))
        add_watch(settings.watches_file, watch)
    except (WatchError, WatchFileError) as exc:
        raise click.ClickException(f"watch {name!r} not added: {exc}") from exc
    click.echo(f"added watch {name!r} to {settings.watches_file}")


def _checked_terms(
    name: str, query: str, filters: dict[str, tuple[str, ...]]
) -> tuple[str, dict[str, tuple[str, ...]]]:
    """The watch's query and filters as picket tags them (company aliases and tickers become
    names); a value picket never tags stops the command with a "did you mean"."""
    from pipeline.query import QuerySyntaxError
    from pipeline.vocabulary import check_terms

    try:
        query, checked, noted = check_terms(query, filters)
    except QuerySyntaxError:  # parse_watch says what is wrong with it
        return query, filters
    unknown = [value.note for value in noted if not value.known]
    if unknown:
        raise click.ClickException(f"watch {name!r} not added: {'; '.join(unknown)}")
    for value in noted:
        click.echo(f"note: {value.note}", err=True)
    return query, checked


def _vocabulary_notes(watch: Watch) -> list[Checked]:
    """What the watch names that picket tags otherwise (an alias) or never (a typo)."""
    from pipeline.vocabulary import check_terms

    found = watch.filters
    filters = {
        "companies": found.companies,
        "actions": found.actions,
        "struggles": found.struggles,
        "tags": found.tags,
    }
    return check_terms(watch.query, filters)[2]


@watches.command("remove")
@click.argument("name")
@click.pass_context
def remove_watch_command(ctx: click.Context, name: str) -> None:
    """Remove a watch from the watches file (emails already queued are still sent)."""
    from pipeline.alerts.watchfile import WatchFileError, remove_watch

    settings = _settings(ctx)
    try:
        remove_watch(settings.watches_file, name)
    except WatchFileError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"removed watch {name!r} from {settings.watches_file}")


@watches.command("test")
@click.argument("name")
@click.option("--days", default=7, show_default=True, type=click.IntRange(1, 36500))
@click.option(
    "--since",
    type=click.DateTime(["%Y-%m-%d"]),
    help="First seen on or after this day (UTC); overrides --days.",
)
@click.option("--limit", default=50, show_default=True, type=click.IntRange(1, 10_000))
@click.pass_context
def test_watch(
    ctx: click.Context, name: str, days: int, since: datetime | None, limit: int
) -> None:
    """The stored stories the watch matches, and which of them the next alert run sends.

    Sends nothing and changes nothing.
    """
    from pipeline.alerts.display import forecast_table
    from pipeline.alerts.forecast import OUTLOOK_MEANINGS, WILL_SEND, forecast_matches
    from pipeline.alerts.service import preview_watch

    settings = _settings(ctx)
    watch_set = _watches(settings)
    watch = watch_set.get(name)
    if watch is None:
        problem = next((p for p in watch_set.problems if p.watch == name), None)
        raise click.ClickException(str(problem) if problem else f"no watch is named {name!r}")
    now = datetime.now(UTC)
    start = since.replace(tzinfo=UTC) if since else now - timedelta(days=days)
    with _open_store(settings) as store:
        found = preview_watch(store, watch, now=now, since=start)
    state, matches, seen = _ledger_view(settings, watch, [story.id for story in found])
    forecasts = forecast_matches(
        watch, found, state=state, matches=matches, seen=seen, settings=settings, now=now
    )
    window = f"since {start:%Y-%m-%d}" if since else f"in the last {days} days"
    sending = sum(f.outlook == WILL_SEND for f in forecasts)
    click.echo(
        f"{len(found)} stories first seen {window} match {name!r}; "
        f"the next alert run sends {sending} of them:"
    )
    click.echo(forecast_table(forecasts[:limit]))
    if forecasts:
        click.echo("\n" + _watch_start(watch, state, now))
        for outlook in dict.fromkeys(f.outlook for f in forecasts):
            click.echo(f"  {outlook}: {OUTLOOK_MEANINGS[outlook]}")


def _watch_start(watch: Watch, state: WatchState | None, now: datetime) -> str:
    if state is None:
        start = f"{(watch.created or now).astimezone(UTC):%Y-%m-%d %H:%M}"
        return f"The next alert run starts the watch: it sees stories first seen since {start} UTC."
    start = f"{state.registered_at.astimezone(UTC):%Y-%m-%d %H:%M}"
    return f"The watch started {start} UTC: alert runs send it every story stored since."


def _ledger_view(
    settings: Settings, watch: Watch, story_ids: list[str]
) -> tuple[WatchState | None, dict[str, Match], set[str]]:
    """The watch's state (None until a run registers it), its matches and which stories
    runs checked; nothing is written."""
    from pipeline.alerts.ledger import Ledger

    if not Path(settings.alerts_db).exists():
        return None, {}, set()
    with closing(Ledger(settings.alerts_db)) as ledger:
        state = ledger.watch_states([watch.name]).get(watch.name)
        matches = {match.story_id: match for match in ledger.matches(watch.name)}
        return state, matches, ledger.seen(story_ids)


@click.group()
def alerts() -> None:
    """Email alerts: send what is due, see what is pending."""


@alerts.command("run")
@click.pass_context
def run_alerts_command(ctx: click.Context) -> None:
    """Match new stories to the watches, then send every alert that is due."""
    from pipeline.alerts.service import run_alerts
    from pipeline.alerts.watches import missing_file_hint

    settings = _settings(ctx)
    watch_set = _watches(settings)
    if hint := missing_file_hint(settings.watches_file):
        click.echo(f"({hint})", err=True)
    with _open_store(settings) as store:
        summary = run_alerts(settings, store, now=datetime.now(UTC), watches=watch_set)
    for subject in summary.subjects:
        click.echo(f"sent: {subject}")
    click.echo(summary.line())
    if not summary.busy and not summary.stories:
        click.echo(_why_no_stories(summary, settings))
    if not settings.smtp_host and summary.sent:
        click.echo(
            f"(no SMTP host is set: the emails are .eml files in {settings.alerts_outbox_dir})"
        )


def _why_no_stories(summary: AlertSummary, settings: Settings) -> str:
    if not summary.watches:
        return (
            f"No enabled watch in {settings.watches_file}, so no story was checked; "
            "add one with `picket watches add`."
        )
    return (
        "No story was checked: none was first seen since the last alert run. Watches only "
        "see stories first seen after they were created; `picket run` collects new stories, "
        "and `picket watches test NAME` shows which stored stories a watch matches and why "
        "they are not sent."
    )


@alerts.command("status")
@click.option("--limit", default=20, show_default=True, type=click.IntRange(1, 10_000))
@click.pass_context
def status(ctx: click.Context, limit: int) -> None:
    """Pending, sent and failed alert emails, matches waiting for their digest, and
    matches left out of their email after a correction."""
    from pipeline.alerts.display import emails_table
    from pipeline.alerts.ledger import Ledger

    settings = _settings(ctx)
    if not Path(settings.alerts_db).exists():
        click.echo("No alerts yet.")
        return
    with closing(Ledger(settings.alerts_db)) as ledger:
        counts = ledger.counts()
        waiting = ledger.waiting_counts()
        dropped = ledger.dropped_counts()
        unsent = ledger.emails(("pending", "failed"), limit=limit)
        sent = ledger.emails(("sent",), limit=limit)
    click.echo(
        f"emails: {counts['pending']} pending, {counts['sent']} sent, {counts['failed']} failed"
    )
    for watch, count in waiting.items():
        click.echo(f"watch {watch!r}: {count} matches wait for the next email")
    for watch, reasons in dropped.items():
        why = ", ".join(f"{count} {reason}" for reason, count in reasons.items())
        click.echo(
            f"watch {watch!r}: {sum(reasons.values())} matches dropped after a correction ({why})"
        )
    if unsent:
        click.echo("\nPending and failed:")
        click.echo(emails_table(unsent))
    if sent:
        click.echo("\nRecently sent:")
        click.echo(emails_table(sent))

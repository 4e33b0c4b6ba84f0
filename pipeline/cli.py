"""The ``picket`` command line: run, demo, search, tags, sources, events, eval, model,
export, label and review."""

from __future__ import annotations

import importlib
import logging
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

import click

from pipeline import __version__

if TYPE_CHECKING:  # the stack is imported by the commands that use it, so --help is quick
    from contextlib import AbstractContextManager

    from pipeline.settings import Settings
    from pipeline.store import StoryStore
    from pipeline.understand.evaluate import LabelledItem

log = logging.getLogger("picket")


def _setup_logging(level: str) -> None:
    """Rich log lines on a terminal, plain timestamped lines otherwise (cron, Airflow, CI)."""
    from pipeline.display import TerminalLogHandler, TerminalSafeFormatter

    if sys.stderr.isatty():
        handler: logging.Handler = TerminalLogHandler()
        handler.setFormatter(TerminalSafeFormatter("%(message)s"))
    else:
        handler = logging.StreamHandler()
        handler.setFormatter(
            TerminalSafeFormatter("%(asctime)s %(levelname)s %(name)s: %(message)s")
        )
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    for noisy in ("scrapy", "trafilatura", "htmldate", "charset_normalizer", "urllib3"):
        logging.getLogger(noisy).setLevel(max(logging.WARNING, root.level))


class _Context:
    """Settings loaded once per invocation, validated before any command runs."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings


pass_context = click.make_pass_decorator(_Context)


_PLUG_INS: dict[str, tuple[str, str]] = {
    "watches": ("pipeline.alerts.cli", "watches"),
    "alerts": ("pipeline.alerts.cli", "alerts"),
    "index": ("pipeline.store.cli", "index_group"),
    "kibana": ("pipeline.store.cli", "kibana_group"),
    "stats": ("pipeline.store.cli", "stats_command"),
    "label": ("pipeline.label_cli", "label_group"),
    "review": ("pipeline.label_cli", "review_command"),
}
"""Commands that live in their own package: name -> (module, attribute), imported only
when the command runs or the help lists it."""


class _PicketGroup(click.Group):
    """The command group that turns a user's mistake into its message and exit code 1,
    and loads the plug-in commands (``_PLUG_INS``) only when they are asked for.

    A wrong setting or configuration file, a path picket cannot use and a store that
    cannot do its work end any command, or its sub-commands, the same way: one
    ``Error: ...`` message naming what to fix, never a traceback.
    """

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*super().list_commands(ctx), *_PLUG_INS})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name in _PLUG_INS and cmd_name not in self.commands:
            module, attribute = _PLUG_INS[cmd_name]
            self.add_command(getattr(importlib.import_module(module), attribute), cmd_name)
        return super().get_command(ctx, cmd_name)

    def invoke(self, ctx: click.Context):
        from pipeline.settings import ConfigError, path_setting_error

        try:
            return super().invoke(ctx)
        except ConfigError as exc:
            raise click.ClickException(str(exc)) from exc
        except OSError as exc:
            settings = ctx.obj.settings if isinstance(ctx.obj, _Context) else None
            named = path_setting_error(settings, exc)
            if named is None:
                raise
            raise click.ClickException(str(named)) from exc
        except RuntimeError as exc:
            if not _is_store_error(exc):
                raise
            raise click.ClickException(str(exc)) from exc


def _is_store_error(exc: BaseException) -> bool:
    """Whether ``exc`` is a store's ``StoreError``, asked without importing the stores: a
    command that never loaded them cannot have raised one, and ``sources`` or ``watches``
    start quicker without them."""
    stores = sys.modules.get("pipeline.store.base")
    return stores is not None and isinstance(exc, stores.StoreError)


@click.group(cls=_PicketGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--log-level", type=click.Choice(["DEBUG", "INFO", "WARNING", "ERROR"]))
@click.version_option(version=__version__, package_name="picket")
@click.pass_context
def main(ctx: click.Context, log_level: str | None) -> None:
    """picket finds news of tech workers acting together against their employer's conduct."""
    from pipeline.settings import load_settings

    settings = load_settings()
    _setup_logging(log_level or settings.log_level)
    ctx.obj = _Context(settings)


def _parse_date(value: str | None) -> datetime | None:
    if value is None:
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError as exc:
        raise click.BadParameter(f"{value!r} is not a date like 2024-05-01") from exc
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


@main.command()
@click.option(
    "--force", is_flag=True, help="Also poll sources that are backing off after failures."
)
@pass_context
def run(obj: _Context, force: bool) -> None:
    """One pass over the enabled sources that are due: crawl, extract, understand, store, alert."""
    from contextlib import nullcontext

    from pipeline.progress import TerminalProgress
    from pipeline.run import run_once

    progress = TerminalProgress() if sys.stderr.isatty() else None  # else log lines
    with progress or nullcontext():
        summary = run_once(obj.settings, force=force, progress=progress)
    click.echo(summary.line())
    if summary.nothing_ran:
        raise SystemExit(1)


@main.command()
@click.option("--keep", is_flag=True, help="Keep the demo database from an earlier demo.")
@pass_context
def demo(obj: _Context, keep: bool) -> None:
    """Serve the bundled demo corpus on 127.0.0.1 and run the main job against it."""
    from pipeline.demo.run import run_demo

    run_demo(obj.settings, keep=keep, echo=click.echo)


@main.command()
@click.argument("query", required=False, default="")
@click.option("--since", help="Published on or after this date (YYYY-MM-DD).")
@click.option("--until", help="Published before this date (YYYY-MM-DD).")
@click.option(
    "--company", multiple=True, help="Only stories tagged with this company or a brand it owns."
)
@click.option("--action", multiple=True, help="Only stories with this action (e.g. strike).")
@click.option("--tag", multiple=True, help="Only stories with this issue tag (e.g. ice).")
@click.option(
    "--relevant/--all",
    "relevant_only",
    default=False,
    help="Only stories judged relevant, or every story (the default).",
)
@click.option("--limit", default=20, show_default=True, type=click.IntRange(1, 10_000))
@click.option("--urls", is_flag=True, help="Show each story's link under its title.")
@click.option("--json", "as_json", is_flag=True, help="One JSON object per line.")
@pass_context
def search(
    obj: _Context,
    query: str,
    since: str | None,
    until: str | None,
    company: tuple[str, ...],
    action: tuple[str, ...],
    tag: tuple[str, ...],
    relevant_only: bool,
    limit: int,
    urls: bool,
    as_json: bool,
) -> None:
    """Search the stored stories, newest first, with the query language of watches.

    QUERY is words and "quoted phrases" joined by AND (or a space), OR and NOT, grouped with
    parentheses; field:value matches a tag exactly (companies:Amazon, actions:open_letter,
    tags:ice) and title:/body: limit words to one part of the story.
    """
    from pipeline.display import shown_note, stories_table
    from pipeline.recordjson import to_json
    from pipeline.store import StoryQuery
    from pipeline.understand.gazetteer import with_brands

    text, filters = _checked_terms(query, {"companies": company, "actions": action, "tags": tag})
    filters["companies"] = with_brands(filters["companies"])
    story_query = StoryQuery(
        text=text,
        since=_parse_date(since),
        until=_parse_date(until),
        filters=filters,
        relevant=True if relevant_only else None,
        limit=limit,
    )
    with _store(obj.settings) as store:
        stories = store.search(story_query)
        total = store.count(story_query) if len(stories) == limit else len(stories)
    if as_json:
        import json

        for story in stories:
            record = to_json(story)
            record.pop("text")
            click.echo(json.dumps(record, ensure_ascii=False))
        return
    click.echo(stories_table(stories, urls=urls))
    if note := shown_note(len(stories), total):
        click.echo(note)


def _checked_terms(
    query: str, filters: dict[str, tuple[str, ...]]
) -> tuple[str | None, dict[str, tuple[str, ...]]]:
    """The query and filter values as picket tags them (company aliases and tickers become
    names); a query that does not parse is a usage error, an unknown value gets a note."""
    from pipeline.query import QuerySyntaxError, parse_query
    from pipeline.vocabulary import check_terms

    if query.strip():
        try:
            parse_query(query)
        except QuerySyntaxError as exc:
            raise click.BadParameter(str(exc), param_hint="QUERY") from exc
    query, checked, noted = check_terms(query, filters)
    for value in noted:
        click.echo(f"note: {value.note}", err=True)
    return query.strip() or None, checked


@main.command("tags")
@pass_context
def tags_command(obj: _Context) -> None:
    """The actions, struggles, employment types and issue tags, what each means, and how
    many stored stories carry it (for field:value in queries and watch filters)."""
    from pipeline.display import vocabulary_table
    from pipeline.store import StoryQuery
    from pipeline.vocabulary import VOCABULARIES

    with _store(obj.settings) as store:
        counts = {
            (field, value): store.count(StoryQuery(filters={field: [value]}))
            for field, known in VOCABULARIES.items()
            for value in known
        }
    click.echo(vocabulary_table(VOCABULARIES, counts))
    click.echo("\nCompanies: `picket stats` lists the most frequent; aliases and tickers work.")


@main.command()
@pass_context
def sources(obj: _Context) -> None:
    """The configured sources and their health."""
    from crawlers.sources import load_sources
    from pipeline.display import sources_table

    configured = load_sources(obj.settings.sources_file)
    with _store(obj.settings) as store:
        health = store.source_health()
    click.echo(sources_table(configured, health))


@main.command()
@click.option(
    "--days", type=click.IntRange(1, 36500), help="Only events active in the last N days."
)
@click.option("--limit", default=50, show_default=True, type=click.IntRange(1, 10_000))
@click.option("--urls", is_flag=True, help="Show the link of each event's first story.")
@click.option("--json", "as_json", is_flag=True, help="One JSON object per line.")
@pass_context
def events(obj: _Context, days: int | None, limit: int, urls: bool, as_json: bool) -> None:
    """Events (one collective action, all its stories), most recently active first.

    Without --days, events of any date: a store of older news still shows its events.
    """
    from pipeline.recordjson import to_json
    from pipeline.store.base import stories_of_events
    from pipeline.understand.events import undated_events

    since = datetime.now(UTC) - timedelta(days=days) if days else None
    with _store(obj.settings) as store:
        found = store.recent_events(since=since, limit=limit)
        stories = [] if as_json else stories_of_events(store, found)
    undated = undated_events(found, stories)
    url_of = {story.id: story.url for story in stories} if urls else {}
    links = {
        e.id: url_of[e.story_ids[0]] for e in found if e.story_ids and e.story_ids[0] in url_of
    }
    if as_json:
        import json

        for event in found:
            click.echo(json.dumps(to_json(event), ensure_ascii=False))
        return
    from pipeline.display import events_table

    if found:
        click.echo(_events_heading(len(found), days=days, limit=limit))
    click.echo(events_table(found, undated, links))


def _events_heading(count: int, *, days: int | None, limit: int) -> str:
    """Which events the table holds, so a short list is not taken for all there is."""
    events = "1 event" if count == 1 else f"{count} events"
    if days:
        return f"{events} active in the last {days} days, most recently active first:"
    if count < limit:
        return f"All {events}, of any date, most recently active first:"
    return (
        f"The {events} most recently active, of any date "
        "(--limit N shows more, --days N only recent ones):"
    )


_WRITTEN_OPTION = click.option(
    "--written/--no-written",
    default=True,
    help="Train also on the stories written for the project (pipeline/data/"
    "written_stories.jsonl, never judged), as the shipped model is.",
)
"""Shared by ``eval --cv`` and ``model train``, which train alike."""


@main.command("eval")
@click.argument(
    "datasets",
    nargs=-1,
    required=True,
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
)
@click.option(
    "--cv",
    "folds",
    type=click.IntRange(2, 20),
    help="Grouped cross-validation in this many folds: train on the others, judge each.",
)
@click.option(
    "--negatives",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    help="Also judge these article pages (html/*.html.gz) as ordinary news (not relevant).",
)
@_WRITTEN_OPTION
@click.option("--json", "as_json", is_flag=True, help="End with one JSON object of the figures.")
@pass_context
def evaluate_command(
    obj: _Context,
    datasets: tuple[Path, ...],
    folds: int | None,
    negatives: Path | None,
    written: bool,
    as_json: bool,
) -> None:
    """Relevance precision/recall and tagging hit rates on labelled JSON-lines files."""
    from pipeline.understand.evaluate import evaluate, format_report, report_json

    items, pages = _labelled(datasets, negatives)
    threshold = obj.settings.relevance_threshold
    if folds is None:
        report = evaluate([*items, *pages], threshold=threshold)
        click.echo(format_report(report))
        figures = report_json(report)
    else:
        from pipeline.understand.crossval import cross_validate, cv_json, format_cv
        from pipeline.understand.training import written_stories

        result = cross_validate(
            items,
            folds=folds,
            threshold=threshold,
            extra_negatives=pages,
            written=written_stories() if written else (),
        )
        click.echo(format_cv(result))
        figures = cv_json(result)
    if as_json:
        import json

        click.echo(json.dumps(figures))


def _labelled(datasets: tuple[Path, ...], negatives: Path | None):
    """The labelled items of ``datasets`` and the negative pages of ``negatives``."""
    from pipeline.understand.evaluate import DatasetError, load_dataset, load_pages

    try:
        items = [item for path in datasets for item in load_dataset(path)]
        pages = load_pages(negatives) if negatives else []
    except DatasetError as exc:
        raise click.ClickException(str(exc)) from exc
    return items, pages


@main.group()
def model() -> None:
    """The learned relevance and action models shipped in pipeline/data/model/."""


@model.command("train")
@click.option(
    "--corpus",
    "corpus",
    multiple=True,
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="A labelled JSON-lines file (repeatable).",
)
@click.option(
    "--negatives",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    help="Article pages (html/*.html.gz) to learn from as ordinary news.",
)
@click.option(
    "--output",
    type=click.Path(file_okay=False, path_type=Path),
    help="Folder to write the model to (default: the one picket ships).",
)
@click.option(
    "--with-labels",
    is_flag=True,
    help="Also learn from the corrections kept in the store (picket label); they win over "
    "a corpus row of the same story.",
)
@_WRITTEN_OPTION
@pass_context
def model_train(
    obj: _Context,
    corpus: tuple[Path, ...],
    negatives: Path | None,
    output: Path | None,
    with_labels: bool,
    written: bool,
) -> None:
    """Train the relevance and action models on labelled stories, deterministically."""
    from pipeline.understand.model import shipped_model_folder
    from pipeline.understand.training import DEFAULT_CORPUS, train, written_stories

    corpus = corpus or tuple(p for p in DEFAULT_CORPUS if p.is_file())
    if not corpus:
        raise click.ClickException(
            f"no corpus: pass --corpus FILE (the default, {DEFAULT_CORPUS[0]}, is absent)"
        )
    items, pages = _labelled(corpus, negatives)
    if with_labels:
        corrected = _corrections(obj.settings)
        items = [item for item in items if item.id not in {c.id for c in corrected}] + corrected
        click.echo(f"with {len(corrected)} corrections from the store")
    folder = output or shipped_model_folder()
    extra = written_stories() if written else []
    try:
        trained = train(items, pages, extra, corpus=[p.name for p in corpus])
    except ValueError as exc:  # too few stories of a class for the calibration folds
        raise click.ClickException(f"cannot train on these stories: {exc}") from exc
    trained.save(folder)
    click.echo(
        f"trained on {len(items)} stories ({sum(i.label for i in items)} relevant) and "
        f"{len(pages)} extra negatives, with {len(extra)} written for the project: "
        f"{len(trained.relevance.names)} features, "
        f"written to {folder}"
    )


def _corrections(settings: Settings) -> list[LabelledItem]:
    """The store's corrections as labelled stories, in the order they were made."""
    from pipeline.labels import corrections_as_rows
    from pipeline.understand.evaluate import parse_item

    with _store(settings) as store:
        rows = list(corrections_as_rows(store))
    return [parse_item(row, f"correction of {row.get('id', '?')}") for row in rows]


@main.command()
@click.option(
    "--format", "fmt", type=click.Choice(["cat-csv"]), default="cat-csv", show_default=True
)
@click.option("--since", help="Events with coverage on or after this date (YYYY-MM-DD).")
@click.option("--output", "-o", type=click.File("w", encoding="utf-8"), default="-")
@pass_context
def export(obj: _Context, fmt: str, since: str | None, output) -> None:
    """Relevant events as candidate rows for the Collective Action in Tech archive."""
    from pipeline.export import write_cat_csv

    with _store(obj.settings) as store:
        found = store.recent_events(since=_parse_date(since), limit=100_000)
        count = write_cat_csv(found, store.get_story, output)
    log.info("exported %s events as %s", count, fmt)


def _store(settings: Settings) -> AbstractContextManager[StoryStore]:
    """The configured store, closed after use; its errors end the command with their message."""
    from pipeline.store.cli import opened_store

    return opened_store(settings)

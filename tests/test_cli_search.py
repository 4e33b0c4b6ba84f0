"""``picket search``, ``picket tags`` and ``picket events`` as a person first meets them:
one query language with watches, a vocabulary to discover, "did you mean" for a wrong
value, tables that fit the terminal and say when they are cut."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner
from synthetic_stories import one_story

from pipeline.cli import main
from pipeline.records import Event, Relevance, Story, Tags
from pipeline.store.sqlite import SQLiteStore
from pipeline.vocabulary import STRUGGLES

NOW = datetime.now(UTC).replace(microsecond=0)


def make_story(n: int, title: str, **changes) -> Story:
    """Story ``sNN``; the first three are the stories of events ``e1``-``e3``."""
    return one_story(
        f"s{n:02d}",
        NOW - timedelta(hours=n),
        title=title,
        first_seen=NOW,
        event_id=f"e{n}" if n <= 3 else None,
        **changes,
    )


STORIES = [
    make_story(1, "Walkout at the depot", tags=Tags(companies=("Amazon",), actions=("protest",))),
    make_story(
        2,
        "Engineers publish a letter",
        tags=Tags(companies=("Amazon",), actions=("open_letter",), tags=("ice",)),
    ),
    make_story(
        3,
        "Amazon shares rise",
        tags=Tags(companies=("Google",)),
        relevance=Relevance(0.1, False),
    ),
    *(
        make_story(n, f"Union vote number {n}", tags=Tags(actions=("union_drive",)))
        for n in range(4, 9)
    ),
]


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    with SQLiteStore(tmp_path / "picket.db") as store:
        store.upsert_stories(STORIES)
        store.upsert_events(
            [
                Event(
                    id=f"e{n}",
                    first_seen=NOW - timedelta(hours=n),
                    last_seen=NOW - timedelta(hours=n),
                    title=f"Event {n}",
                    story_ids=(f"s{n:02d}",),
                )
                for n in (1, 2, 3)
            ]
        )
    (tmp_path / "watches.yaml").write_text("watches: []\n", encoding="utf-8")
    return {
        "PICKET_DB_PATH": str(tmp_path / "picket.db"),
        "PICKET_WATCHES_FILE": str(tmp_path / "watches.yaml"),
        "COLUMNS": "120",
    }


def invoke(env: dict[str, str], *args: str):
    return CliRunner().invoke(main, list(args), env=env, catch_exceptions=False)


def ids_shown(output: str) -> set[str]:
    return {story.title for story in STORIES if story.title in output}


def test_a_tag_in_the_query_finds_the_tagged_stories_not_the_word(env):
    result = invoke(env, "search", "companies:Amazon")
    assert result.exit_code == 0, result.output
    assert ids_shown(result.stdout) == {"Walkout at the depot", "Engineers publish a letter"}
    result = invoke(env, "search", "actions:open_letter OR tags:ice OR title:walkout")
    assert ids_shown(result.stdout) == {"Walkout at the depot", "Engineers publish a letter"}


def test_all_lists_every_story_and_relevant_only_the_relevant_ones(env):
    everything = {story.title for story in STORIES}
    assert ids_shown(invoke(env, "search", "--all", "--limit", "50").stdout) == everything
    assert ids_shown(invoke(env, "search", "--limit", "50").stdout) == everything
    relevant = ids_shown(invoke(env, "search", "--relevant", "--limit", "50").stdout)
    assert relevant == everything - {"Amazon shares rise"}


@pytest.mark.parametrize("query", ['"open letter', "(walkout OR strike", "colour:red"])
def test_a_query_that_does_not_parse_is_refused_saying_where(env, query):
    result = invoke(env, "search", query)
    assert result.exit_code == 2
    assert "at position" in result.output and "Traceback" not in result.output


def test_a_ticker_or_alias_names_the_company(env):
    result = invoke(env, "search", "companies:AMZN")
    assert ids_shown(result.stdout) == {"Walkout at the depot", "Engineers publish a letter"}
    assert "companies:AMZN is Amazon" in result.stderr
    result = invoke(env, "search", "--company", "aws")
    assert ids_shown(result.stdout) == {"Walkout at the depot", "Engineers publish a letter"}


def test_a_company_finds_the_brands_it_owns(env):
    with SQLiteStore(Path(env["PICKET_DB_PATH"])) as store:
        store.upsert_stories([make_story(9, "Riders strike", tags=Tags(companies=("Foodpanda",)))])
    for args in (['companies:"Delivery Hero"'], ["--company", "delivery hero"]):
        result = invoke(env, "search", *args)
        assert result.exit_code == 0, result.output
        assert "Riders strike" in result.stdout
        assert ids_shown(result.stdout) == set()  # none of the other stories


def test_an_unknown_value_gets_a_did_you_mean(env):
    result = invoke(env, "search", "--action", "walkout")
    assert "did you mean actions:protest?" in result.stderr
    result = invoke(env, "search", "tags:immigrant OR companies:Amazn")
    assert "did you mean tags:immigration?" in result.stderr
    assert "did you mean companies:Amazon?" in result.stderr


def test_watches_add_refuses_an_unknown_value_and_resolves_a_ticker(env):
    result = invoke(env, "watches", "add", "w", "-q", "actions:walkout", "-r", "a@example.org")
    assert result.exit_code == 1
    assert "did you mean actions:protest?" in result.output
    result = invoke(
        env, "watches", "add", "w", "-q", "companies:MSFT", "--company", "AWS", "-r", "a@b.org"
    )
    assert result.exit_code == 0, result.output
    listed = invoke({**env, "COLUMNS": "200"}, "watches", "list").stdout
    assert "companies:Microsoft" in listed and "companies: Amazon" in listed


def test_watches_list_notes_what_a_watch_names_that_no_story_carries(env):
    Path(env["PICKET_WATCHES_FILE"]).write_text(
        "watches:\n"
        "  - name: typo\n"
        "    query: 'companies:AMZN AND actions:walkout'\n"
        "    recipients: [a@example.org]\n"
        "    filters: {tags: [immigrant]}\n",
        encoding="utf-8",
    )
    result = invoke(env, "watches", "list")
    assert result.exit_code == 0, result.output
    assert "note: watch 'typo': companies:AMZN is Amazon" in result.stderr
    assert "did you mean actions:protest?" in result.stderr
    assert "did you mean tags:immigration?" in result.stderr


def test_tags_lists_every_value_with_its_meaning_and_count(env):
    result = invoke({**env, "COLUMNS": "200"}, "tags")
    assert result.exit_code == 0, result.output
    lines = {line.split()[0]: line for line in result.stdout.splitlines() if ":" in line[:30]}
    assert lines["actions:union_drive"].split()[1] == "5"
    assert lines["tags:ice"].split()[1] == "1"
    assert "petition" in lines["actions:open_letter"]
    assert len([name for name in lines if name.startswith("struggles:")]) == len(STRUGGLES)


def test_a_cut_list_says_so(env):
    result = invoke(env, "search", "--limit", "3")
    assert "3 of 8 shown; --limit 8 shows them all" in result.stdout
    assert "shown" not in invoke(env, "search", "--limit", "8").stdout
    result = invoke(env, "events", "--limit", "2")
    assert "The 2 events most recently active, of any date (--limit N shows more" in result.stdout


@pytest.mark.parametrize("columns", [60, 80, 120, 200])
def test_tables_fit_the_terminal(env, columns):
    result = invoke({**env, "COLUMNS": str(columns)}, "search", "--urls")
    assert result.exit_code == 0
    assert max(len(line) for line in result.stdout.splitlines()) <= columns
    assert "Union vote number 8" in result.stdout.replace("\n", " ") or columns < 80
    if columns >= 100:
        assert "union_drive" in result.stdout  # the actions column, left out when narrow


def test_search_and_events_show_links_when_asked(env):
    assert "https://news.example/s01" not in invoke(env, "search").stdout
    assert "https://news.example/s01" in invoke(env, "search", "--urls").stdout
    assert "https://news.example/s02" in invoke(env, "events", "--urls").stdout

"""The ``picket`` command line through its public interface, against the demo site on 127.0.0.1."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner
from picket_env import isolated_env
from synthetic_stories import one_story

from pipeline.cli import main
from pipeline.demo.server import DemoSite
from pipeline.records import Event, Tags
from pipeline.source_records import SourceHealth
from pipeline.store.sqlite import SQLiteStore
from pipeline.understand.model import load_model
from pipeline.understand.training import written_stories


@pytest.fixture(scope="module")
def demo_site():
    with DemoSite() as site:
        yield site


@pytest.fixture
def env(tmp_path: Path, demo_site: DemoSite) -> dict[str, str]:
    """Settings that keep every file of the run under ``tmp_path`` and crawl the demo site."""
    sources = {
        "sources": [
            {"id": "demo-rss", "kind": "feed", "url": f"{demo_site.base_url}/feeds/rss.xml"},
            {"id": "demo-atom", "kind": "feed", "url": f"{demo_site.base_url}/feeds/atom.xml"},
            {"id": "gone", "kind": "feed", "url": f"{demo_site.base_url}/feeds/missing.xml"},
        ]
    }
    (tmp_path / "sources.yaml").write_text(yaml.safe_dump(sources))
    (tmp_path / "watches.yaml").write_text("watches: []\n")
    return {**isolated_env(tmp_path), "PICKET_RETRIES": "0"}


def invoke(env: dict[str, str], *args: str) -> tuple[int, str]:
    """Exit code and what the command printed: standard output, or on failure both streams."""
    result = CliRunner().invoke(main, list(args), env=env, catch_exceptions=False)
    return result.exit_code, result.stdout if result.exit_code == 0 else result.output


EVERY_COMMAND = (
    *("run", "demo", "search", "tags", "sources", "events", "eval", "export", "model"),
    *("watches", "alerts", "index", "kibana", "stats", "label", "review"),
)


def test_every_command_has_help():
    for command in EVERY_COMMAND:
        code, output = invoke({}, command, "--help")
        assert code == 0 and "Usage:" in output, command


def test_help_lists_every_command_with_what_it_does():
    code, output = invoke({}, "--help")
    assert code == 0
    listed = dict(line.split(None, 1) for line in output.split("Commands:")[1].strip().splitlines())
    assert sorted(listed) == sorted(EVERY_COMMAND)
    assert listed["watches"].startswith("Saved queries")
    assert listed["review"].startswith("Label the recent stories")


def test_wrong_setting_is_named_and_stops_the_run(env):
    code, output = invoke({**env, "PICKET_TIMEOUT_S": "-3"}, "run")
    assert code != 0
    assert "PICKET_TIMEOUT_S" in output


@pytest.mark.slow
def test_run_twice_then_search_sources_events_export(env):
    code, output = invoke(env, "run")
    assert code == 0, output
    summary = output.strip().splitlines()[-1]
    assert "sources polled 3" in summary and "failed 1" in summary
    new = int(summary.split("new stories ")[1].split(" ")[0])
    assert new >= 50

    # the second run is idempotent: feeds answer 304, nothing new is stored
    code, output = invoke(env, "run", "--force")
    assert code == 0, output
    assert "not modified 2" in output and "new stories 0" in output

    code, output = invoke(env, "search", "walkout", "--relevant", "--json", "--limit", "100")
    rows = [json.loads(line) for line in output.splitlines()]
    assert rows and all(r["relevance"]["label"] for r in rows)
    dates = [r["published"] or "" for r in rows]
    assert dates == sorted(dates, reverse=True)

    code, output = invoke(env, "search", "--company", "Google", "--action", "protest", "--json")
    rows = [json.loads(line) for line in output.splitlines()]
    assert rows and all("Google" in r["tags"]["companies"] for r in rows)

    code, output = invoke(env, "search", "no-such-words-anywhere")
    assert "No stories found." in output

    code, output = invoke(env, "search", "union", "--since", "2022-01-01", "--json")
    rows = [json.loads(line) for line in output.splitlines()]
    # a story without a date counts from when picket first saw it
    assert rows and all((r["published"] or r["first_seen"]) >= "2022-01-01" for r in rows)

    code, output = invoke(env, "sources")
    assert code == 0
    assert "demo-rss" in output and "gone" in output and "HTTP 404" in output

    code, output = invoke(env, "events", "--days", "36500", "--json")
    events = [json.loads(line) for line in output.splitlines()]
    assert events and max(len(e["story_ids"]) for e in events) >= 2

    code, output = invoke(env, "export", "--format", "cat-csv")
    rows = list(csv.DictReader(io.StringIO(output)))
    assert rows and set(rows[0]) >= {"date", "sources", "actions", "companies", "workers"}
    assert all(r["description"] == "" and r["sources"].startswith("http") for r in rows)


def test_bad_date_is_a_clear_error(env):
    code, output = invoke(env, "search", "x", "--since", "last tuesday")
    assert code != 0 and "is not a date" in output


def test_run_with_a_broken_sources_file_names_the_entry(env, tmp_path):
    (tmp_path / "sources.yaml").write_text(
        "sources:\n  - id: x\n    kind: podcast\n    url: http://a.test/\n"
    )
    code, output = invoke(env, "sources")
    assert code != 0
    assert "sources.yaml" in output and "kind" in output


def test_eval_prints_figures_and_json(tmp_path):
    data = tmp_path / "labelled.jsonl"
    items = [
        {
            "title": "More than 300 Acme Cloud engineers sign open letter against police contract",
            "lede": "Employees at Microsoft signed a letter asking executives to cancel the deal.",
            "label": 1,
            "company": "Microsoft",
            "actions": ["open letter"],
        },
        {
            "title": "Microsoft reports record quarterly revenue",
            "lede": "Cloud sales grew.",
            "label": 0,
        },
    ]
    data.write_text("\n".join(json.dumps(i) for i in items))
    code, output = invoke({}, "eval", str(data), "--json")
    assert code == 0
    figures = json.loads(output.strip().splitlines()[-1])
    assert set(figures) == {"relevance", "company", "action"}
    assert figures["relevance"]["tp"] + figures["relevance"]["fn"] == 1
    assert figures["company"]["n"] == 1


def test_eval_cross_validates_several_files_grouped_by_event(tmp_path):
    walkout = "Hundreds of Google employees walked out over the contract, organizers said."
    weather = "Heavy rain is expected across the region this weekend, forecasters said."
    first, second = tmp_path / "a.jsonl", tmp_path / "b.jsonl"
    first.write_text(
        "\n".join(
            json.dumps(
                {"title": f"Walkout {n}", "lede": walkout, "label": 1, "event": f"w{n // 2}"}
            )
            for n in range(8)
        )
    )
    second.write_text(
        "\n".join(json.dumps({"title": f"Rain {n}", "lede": weather, "label": 0}) for n in range(8))
    )
    code, output = invoke({}, "eval", str(first), str(second), "--cv", "4", "--json")
    assert code == 0, output
    assert "grouped cross-validation, 4 folds" in output
    figures = json.loads(output.strip().splitlines()[-1])
    assert set(figures) == {"relevance", "company", "action", "cv"}
    counts = figures["relevance"]
    assert counts["tp"] + counts["fp"] + counts["fn"] + counts["tn"] == 16
    assert figures["cv"]["folds"] == 4 and "f1_std" in figures["cv"]


def test_model_train_writes_a_model_that_eval_can_be_run_against(tmp_path):
    data = tmp_path / "labelled.jsonl"
    rows = [
        {"title": "Staff walk out", "lede": "Hundreds of Google employees walked out.", "label": 1},
        {
            "title": "Letter",
            "lede": "More than 300 Microsoft employees signed a letter.",
            "label": 1,
        },
        {"title": "Rain", "lede": "Heavy rain is expected this weekend.", "label": 0},
        {"title": "Match", "lede": "The home side won the match with a late goal.", "label": 0},
    ]
    data.write_text("\n".join(json.dumps(r) for r in rows * 3))
    code, output = invoke(
        {}, "model", "train", "--corpus", str(data), "--output", str(tmp_path / "m")
    )
    assert code == 0, output
    assert "trained on 12 stories (6 relevant)" in output
    assert f"with {len(written_stories())} written for the project" in output
    assert (tmp_path / "m" / "relevance.npz").is_file()
    assert (tmp_path / "m" / "relevance.json").is_file()
    assert load_model(tmp_path / "m").info["written"] == len(written_stories())
    code, output = invoke(
        {}, "model", "train", "--corpus", str(data), "--output", str(tmp_path / "m"), "--no-written"
    )
    assert code == 0 and "with 0 written" in output
    assert load_model(tmp_path / "m").info["written"] == 0


def test_model_train_without_a_corpus_says_so(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    code, output = invoke({}, "model", "train")
    assert code != 0 and "--corpus" in output


def test_eval_reports_the_bad_line(tmp_path):
    data = tmp_path / "broken.jsonl"
    data.write_text('{"title": "a", "lede": "b", "label": 1}\n{not json\n')
    code, output = invoke({}, "eval", str(data))
    assert code != 0 and ":2" in output


@pytest.mark.slow
def test_demo_prints_what_it_found_as_the_readme_quotes_it(env, tmp_path):
    code, output = invoke(env, "demo")
    assert code == 0, output
    assert "Serving the demo news site at http://127.0.0.1:" in output
    summary = next(line for line in output.splitlines() if line.startswith("sources polled 4"))
    assert "failed 0" in summary
    relevant = output.split("Relevant stories (")[1]
    assert int(relevant.split(";")[0]) >= 20
    assert "Google" in relevant and "open_letter" in relevant
    assert "Events (" in output
    assert (tmp_path / "demo" / "picket.db").exists()

    # the README quotes this run: its summary line, its counts and its follow-up commands
    readme = " ".join((Path(__file__).resolve().parents[1] / "README.md").read_text().split())
    assert summary in readme
    stories = int(relevant.split(";")[0])
    events = int(output.split("Events (")[1].split(")")[0])
    assert f"the relevant stories it found ({stories}," in readme
    assert f"the {events} events they form" in readme
    for command in ("search", "events", "stats", "sources"):
        assert f"picket.db picket {command}" in output


def _stored_archive(env: dict[str, str]) -> None:
    """A store of older news: two 2019 actions, one story without a date, and the health of a
    source the sources file does not list."""
    found = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
    stories, events = [], []
    for n, published in enumerate((datetime(2019, 5, 7, tzinfo=UTC), None)):
        story = one_story(
            f"s{n}",
            published,
            source_id="old-feed",
            title=f"Staff walk out, part {n}",
            tags=Tags(companies=("Riot Games",), actions=("protest",)),
            event_id=f"e{n}",
        )
        stories.append(story)
        when = published or found - timedelta(days=400)
        events.append(Event(id=f"e{n}", first_seen=when, last_seen=when, title=story.title,
                            story_ids=(story.id,), tags=story.tags))  # fmt: skip
    with SQLiteStore(Path(env["PICKET_DB_PATH"])) as store:
        store.upsert_stories(stories)
        store.upsert_events(events)
        health = SourceHealth(source_id="old-feed", last_success=found, last_status="ok (200)")
        store.record_outcomes([health], [])


def test_events_and_stats_without_a_window_show_a_store_of_older_news(env):
    _stored_archive(env)
    code, output = invoke(env, "events")
    assert code == 0, output
    assert "All 2 events, of any date" in output
    assert "2019-05-07" in output and "date unknown" in output

    code, output = invoke(env, "events", "--days", "30")
    assert "No events found." in output

    code, output = invoke(env, "stats")
    assert output.startswith("every date (--days N for the last N days): 2 stories, 2 events")
    code, output = invoke(env, "stats", "--days", "30")
    assert output.startswith("last 30 days: 0 stories, 0 events")


def test_sources_lists_the_databases_sources_beside_the_configured_ones(env):
    _stored_archive(env)
    code, output = invoke(env, "sources")
    assert code == 0, output
    lines = output.splitlines()
    assert "never polled" in next(line for line in lines if "demo-rss" in line)
    old = next(line for line in lines if "old-feed" in line)
    assert "not configured" in old and "2026-03-01 09:00" in old

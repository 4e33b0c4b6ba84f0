"""The DAG files parse the way Airflow parses them: fast, without I/O, as documented."""

from __future__ import annotations

from pathlib import Path

import pytest
from airflow_harness import DAGS_FOLDER, airflow_environment, require_airflow, run_script

pytestmark = pytest.mark.airflow

STORIES = "picket://stories/"
SCHEDULES = {
    "picket_crawl": {"kind": "CronDataIntervalTimetable", "cron": "*/15 * * * *", "assets": []},
    "picket_alerts": {"kind": "AssetOrTimeSchedule", "cron": "0 * * * *", "assets": [STORIES]},
    "picket_maintenance": {"kind": "CronTriggerTimetable", "cron": "0 0 * * *", "assets": []},
    "picket_backfill": {"kind": "NullTimetable", "cron": None, "assets": []},
}


def parse(folder: Path, home: Path) -> dict:
    require_airflow()
    return run_script(airflow_environment(home), "parse_dags.py", str(folder))


@pytest.fixture(scope="module")
def parsed(tmp_path_factory: pytest.TempPathFactory) -> dict:
    return parse(DAGS_FOLDER, tmp_path_factory.mktemp("airflow-parse"))


def test_every_dag_file_imports_without_errors_in_well_under_a_second(parsed: dict) -> None:
    assert parsed["import_errors"] == {}
    assert parsed["seconds"] < 1.0
    files = {Path(dag["fileloc"]).name for dag in parsed["dags"].values()}
    assert files == {path.name for path in DAGS_FOLDER.glob("*.py")}
    assert set(parsed["dags"]) == set(SCHEDULES)


@pytest.mark.parametrize("dag_id", sorted(SCHEDULES))
def test_each_dag_has_its_schedule_tags_owner_docs_and_retries(parsed: dict, dag_id: str) -> None:
    dag = parsed["dags"][dag_id]
    assert dag["schedule"] == SCHEDULES[dag_id]
    assert "picket" in dag["tags"] and len(dag["tags"]) >= 2
    assert dag["owner"] == "picket"
    assert dag["doc_md"].lstrip().startswith(f"### {dag_id}")
    assert dag["catchup"] is False
    for task in dag["tasks"].values():
        assert task["retries"] >= 1
        assert task["retry_exponential_backoff"] > 0


def test_crawl_fans_out_in_the_pool_and_announces_stories(parsed: dict) -> None:
    tasks = parsed["dags"]["picket_crawl"]["tasks"]
    assert list(tasks) == ["plan", "crawl", "process", "index"]
    assert tasks["crawl"]["mapped"] and tasks["crawl"]["pool"] == "picket_crawl"
    assert tasks["process"]["trigger_rule"] == "all_done"
    assert [t for t, task in tasks.items() if task["outlets"]] == ["index"]
    assert tasks["index"]["outlets"] == [STORIES]


def test_backfill_takes_its_params_and_announces_only_when_asked(parsed: dict) -> None:
    dag = parsed["dags"]["picket_backfill"]
    assert set(dag["params"]) == {"since", "until", "sources", "sitemap_depth", "send_alerts"}
    assert dag["tasks"]["crawl"]["mapped"] and dag["tasks"]["crawl"]["pool"] == "picket_crawl"
    assert {t: task["outlets"] for t, task in dag["tasks"].items() if task["outlets"]} == {
        "announce": [STORIES]
    }


def test_a_connection_lookup_at_parse_time_is_an_import_error(tmp_path: Path) -> None:
    """The guard the checks above rely on catches a DAG file that looks things up."""
    folder = tmp_path / "dags"
    folder.mkdir()
    (folder / "looks_up.py").write_text(
        "from airflow.sdk import Connection, dag\n"
        "SMTP = Connection.get('smtp_default')\n"
        "@dag(schedule=None)\n"
        "def looks_up():\n"
        "    pass\n"
        "looks_up()\n",
        encoding="utf-8",
    )
    result = parse(folder, tmp_path / "home")
    assert result["dags"] == {}
    (error,) = result["import_errors"].values()
    assert "a Connection lookup while parsing DAG files" in error

"""The benchmark scripts' own parts: the feed farm, the pipeline run, and RESULTS.md.

These check that each script measures what it says and reports it in the agreed shape;
they never check how fast anything is.
"""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
import urllib.error
import urllib.request
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path
from types import ModuleType

import pytest

REPO_ROOT = Path(__file__).resolve().parents[1]
BENCHMARK_DATA = REPO_ROOT.parent / "shared" / "data" / "article-extraction-benchmark"


def load(name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        f"bench_{name}", REPO_ROOT / "bench" / f"{name}.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while it loads
    spec.loader.exec_module(module)
    return module


feeds = load("feeds")
pipeline_bench = load("pipeline")
relevance_bench = load("relevance")
report = load("report")


def run_script(name: str, *args: str) -> str:
    """A benchmark run as ``make bench`` runs it, in its own process; its output."""
    finished = subprocess.run(
        [sys.executable, str(REPO_ROOT / "bench" / f"{name}.py"), *args],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert finished.returncode == 0, finished.stderr[-3000:]
    return finished.stdout


def fetch(url: str, headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], bytes]:
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


# --- bench/feeds.py --------------------------------------------------------------------


def test_the_feed_plan_has_its_shares_of_bad_feeds_spread_over_sites() -> None:
    plan = feeds.FeedPlan(feeds=1000, sites=250)
    kinds = Counter(plan.kind(i) for i in range(1000))
    assert kinds == {"ok": 900, "slow": 50, "malformed": 30, "failing": 20}
    assert len({plan.host(i) for i in range(1000)}) == 250
    assert all(plan.host(i).startswith("127.0.") for i in range(1000))


def test_the_feed_farm_serves_feeds_with_validators_and_304s() -> None:
    plan = feeds.FeedPlan(feeds=100, sites=3, slow_share=0)
    kinds = {plan.kind(i): i for i in range(100)}
    with feeds.FeedFarm(plan) as farm:
        status, headers, body = fetch(farm.feed_url(kinds["ok"]))
        again, _, empty = fetch(farm.feed_url(kinds["ok"]), {"If-None-Match": headers["ETag"]})
        failing, _, _ = fetch(farm.feed_url(kinds["failing"]))
        _, _, malformed = fetch(farm.feed_url(kinds["malformed"]))
        robots, _, _ = fetch(farm.feed_url(0).rsplit("/", 2)[0] + "/robots.txt")
        figures = farm.traffic

    assert status == 200 and body.count(b"<item>") == feeds.ITEMS_PER_FEED
    assert headers["Last-Modified"] and headers["ETag"]
    assert (again, empty) == (304, b"")
    assert failing in (404, 500)
    assert malformed.count(b"</rss>") == 0
    assert robots == 200
    assert sum(figures.requests.values()) == 5 and figures.bytes_sent > len(body)


@pytest.mark.slow
def test_the_feeds_benchmark_ends_with_its_json_figures() -> None:
    output = run_script("feeds", "--feeds", "8", "--json")

    figures = json.loads(output.strip().splitlines()[-1])
    assert set(figures) == {"first_pass_s", "second_pass_s", "feeds", "peak_mb"}
    assert figures["feeds"] == 8 and figures["peak_mb"] > 0


# --- bench/pipeline.py -----------------------------------------------------------------


def test_the_pipeline_benchmark_stops_with_a_message_without_its_data(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert pipeline_bench.main(["--data", str(tmp_path / "nowhere")]) == 2
    assert "benchmark data not found" in capsys.readouterr().err


def test_copies_of_a_page_are_distinct_documents() -> None:
    page = pipeline_bench.BenchPage("p1", "https://example.org/a", b"<html></html>")
    documents = list(pipeline_bench.documents([page], 3, fetched_at=datetime.now(UTC)))
    assert len({d.url for d in documents}) == 3
    assert all(d.body is page.body for d in documents)


@pytest.mark.shared
@pytest.mark.slow
def test_the_pipeline_benchmark_stores_every_document() -> None:
    if not (BENCHMARK_DATA / "ground-truth.json").is_file():
        pytest.skip("the article-extraction benchmark in ../shared is absent")

    output = run_script("pipeline", "--docs", "200", "--batch", "100", "--json")

    figures = json.loads(output.strip().splitlines()[-1])
    assert set(figures) == {"docs_per_s", "ratio_to_extraction", "peak_mb"}
    # the second run finds the copies of the 19 pages it repeats, stored by the first
    assert "stored 200 stories (19 duplicates" in output
    assert figures["ratio_to_extraction"] > 0


# --- bench/report.py -------------------------------------------------------------------


def test_figures_are_read_by_path_and_judged_against_their_goal() -> None:
    figure = report.Figure("sizes.10000.rate", "rate", "/s", ("<", 60))
    assert figure.value({"sizes": {"10000": {"rate": 42}}}) == 42.0
    assert figure.value({"sizes": {}}) is None
    assert (figure.verdict(42.0), figure.verdict(61.0), figure.verdict(None)) == (
        "met",
        "**missed**",
        "",
    )
    assert report.Figure("f1", "F1").verdict(0.5) == ""


def test_results_are_a_markdown_table_with_the_machine_and_no_paths() -> None:
    feeds_run, index_run = report.BENCHMARKS[1], report.BENCHMARKS[3]
    outcomes = [
        report.Outcome(feeds_run, {"first_pass_s": 41.2, "second_pass_s": 12.5, "feeds": 1000}, 60),
        report.Outcome(index_run, None, 1, "exit code 1: no Java on this machine"),
    ]
    machine = report.machine_description()

    text = report.render(outcomes, machine, when=datetime(2025, 6, 2, tzinfo=UTC))

    assert "| `feeds.py` | first pass | 41.2 s | < 60 s | met |" in text
    assert (
        "| `feeds.py` | second pass, nothing changed (304s) | 12.5 s | < 10 s | **missed** |"
        in text
    )
    assert "| `feeds.py` | peak memory, crawler and parent | n/a |" in text
    assert "not run: exit code 1: no Java on this machine" in text
    for key in ("CPU", "cores", "memory", "Python"):
        assert f"- {key}: {machine[key]}" in text
    assert str(REPO_ROOT) not in text and "/home/" not in text


def test_the_relevance_bench_times_loading_reading_and_scoring() -> None:
    from pipeline.understand.evaluate import LabelledItem

    items = [
        LabelledItem("Staff walk out", "Hundreds of Google employees walked out.", True),
        LabelledItem("Rain", "Heavy rain is expected this weekend.", False),
    ]
    cost = relevance_bench.timings(items)
    assert set(cost) == {"model_load_ms", "read_ms", "score_ms"}
    assert all(value >= 0 for value in cost.values())
    assert any(b.script == "relevance.py" for b in report.BENCHMARKS)


def test_the_last_output_line_must_be_a_json_object() -> None:
    assert report._last_json('noise\n{"a": 1}\n', 1.0) == ({"a": 1}, 1.0, None)
    assert (
        report._last_json("noise\n[1, 2]\n", 1.0)[2] == "its last output line is not a JSON object"
    )


def test_unknown_benchmark_names_are_refused(tmp_path: Path) -> None:
    with pytest.raises(SystemExit):
        report.main(["nonsense", "--output", str(tmp_path / "R.md")])
    assert not (tmp_path / "R.md").exists()

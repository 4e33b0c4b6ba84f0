"""Run every benchmark and write their figures, next to the goals, to ``bench/RESULTS.md``.

Each benchmark runs as its own process with ``--json``; its last output line is the JSON
object of its figures. A benchmark that cannot run here (its data or a Java runtime is
missing) gets a row saying why instead of figures, and the others still run.

    python bench/report.py [NAME ...] [--output FILE]

NAME is one of the benchmarks below (all of them by default).
"""

from __future__ import annotations

import argparse
import json
import operator
import os
import platform
import subprocess
import sys
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
REPO_ROOT = HERE.parent
DEFAULT_OUTPUT = HERE / "RESULTS.md"
TIMEOUT_S = 3600

_COMPARISONS: dict[str, Callable[[float, float], bool]] = {"<": operator.lt, ">": operator.gt}


@dataclass(frozen=True, slots=True)
class Figure:
    """One number of a benchmark's JSON (``key`` is a dotted path) and its goal, if any."""

    key: str
    label: str
    unit: str = ""
    goal: tuple[str, float] | None = None  # ("<", 60.0): below 60 meets it

    def value(self, figures: Mapping[str, Any]) -> float | None:
        found: Any = figures
        for part in self.key.split("."):
            if not isinstance(found, Mapping) or part not in found:
                return None
            found = found[part]
        return float(found) if isinstance(found, (int, float)) else None

    def goal_text(self) -> str:
        if self.goal is None:
            return ""
        comparison, bound = self.goal
        return f"{comparison} {_number(bound)}{' ' + self.unit if self.unit else ''}"

    def verdict(self, value: float | None) -> str:
        if self.goal is None or value is None:
            return ""
        comparison, bound = self.goal
        return "met" if _COMPARISONS[comparison](value, bound) else "**missed**"


@dataclass(frozen=True, slots=True)
class Benchmark:
    name: str
    script: str
    what: str
    figures: tuple[Figure, ...]
    args: tuple[str, ...] = ()


BENCHMARKS: tuple[Benchmark, ...] = (
    Benchmark(
        "extraction",
        "extraction.py",
        "article text on the 181 benchmark pages (word 4-gram F1)",
        (
            Figure("picket.f1", "picket F1"),
            Figure("trafilatura.f1", "trafilatura defaults F1"),
        ),
    ),
    Benchmark(
        "feeds",
        "feeds.py",
        "polling 1,000 synthetic feeds on 127.0.0.x through the crawler "
        "(PICKET_CONCURRENCY_TOTAL=64; their articles count as stored, so only feeds are "
        "fetched; the 1% that answer 500 are retried 3 times, after 0.25+0.5+1 s of back-off "
        "within a 2 s wait budget per request, never sooner than the site's 1 s delay)",
        (
            Figure("first_pass_s", "first pass", "s", ("<", 60)),
            Figure("second_pass_s", "second pass, nothing changed (304s)", "s", ("<", 10)),
            Figure("feeds", "feeds"),
            Figure("peak_mb", "peak memory, crawler and parent", "MB"),
        ),
    ),
    Benchmark(
        "pipeline",
        "pipeline.py",
        "10,000 pages to stored stories (SQLite), against trafilatura.extract alone",
        (
            Figure("docs_per_s", "documents per second", "/s"),
            Figure("ratio_to_extraction", "time per document / trafilatura's", "", ("<", 1.5)),
            Figure("peak_mb", "peak memory", "MB", ("<", 1024)),
        ),
    ),
    Benchmark(
        "index",
        "index.py",
        "bulk indexing of synthetic stories into SQLite and a real OpenSearch node",
        (
            Figure("sizes.10000.sqlite_per_s", "SQLite, 10,000 stories", "/s"),
            Figure("sizes.100000.sqlite_per_s", "SQLite, 100,000 stories", "/s"),
            Figure("sizes.10000.opensearch_per_s", "OpenSearch, 10,000 stories", "/s"),
            Figure("sizes.100000.opensearch_per_s", "OpenSearch, 100,000 stories", "/s"),
        ),
    ),
    Benchmark(
        "alert_latency",
        "alert_latency.py",
        "from `picket run` starting to the alert email in an SMTP mailbox",
        (Figure("latency_s", "latency", "s", ("<", 30)),),
    ),
    Benchmark(
        "relevance",
        "relevance.py",
        "relevance on real news never seen: grouped 5-fold cross-validation by event over "
        "the 1,156 labelled stories, the 181 benchmark pages as extra ordinary negatives",
        (
            Figure("precision", "precision", "", (">", 0.95)),
            Figure("recall", "recall", "", (">", 0.90)),
            Figure("f1", "F1"),
            Figure("f1_std", "F1 spread across folds (std)"),
            Figure("company_hit_rate", "company hit rate", "", (">", 0.95)),
            Figure("employer_hit_rate", "acting employer named first", "", (">", 0.95)),
            Figure("action_hit_rate", "action hit rate", "", (">", 0.85)),
            Figure(
                "page_alerts_per_1000", "ordinary pages judged relevant, per 1,000", "", ("<", 3)
            ),
            Figure("model_load_ms", "model load", "ms", ("<", 1000)),
            Figure("score_ms", "model scoring per story", "ms", ("<", 2)),
        ),
    ),
    Benchmark(
        "cli_start",
        "cli_start.py",
        "CPU time of everyday `picket` commands as a multiple of a bare `python -c pass`",
        (
            Figure("bare_s", "bare Python start", "s"),
            Figure("help_ratio", "`picket --help` / bare start", "", ("<", 4)),
            Figure("version_ratio", "`picket --version` / bare start", "", ("<", 4)),
            Figure("search_ratio", "`picket search` / bare start", "", ("<", 4)),
            Figure("watches_ratio", "`picket watches list` / bare start", "", ("<", 4)),
            Figure("sources_ratio", "`picket sources` / bare start", "", ("<", 4)),
        ),
    ),
)


@dataclass(frozen=True, slots=True)
class Outcome:
    """What running one benchmark gave: its figures, or why there are none."""

    benchmark: Benchmark
    figures: Mapping[str, Any] | None
    seconds: float
    problem: str | None = None


def run_benchmark(benchmark: Benchmark, *, python: str = sys.executable) -> Outcome:
    """Run one benchmark script with ``--json``; its output passes through to ours."""
    command = [python, str(HERE / benchmark.script), *benchmark.args, "--json"]
    print(f"== {benchmark.name}: python bench/{' '.join([benchmark.script, *command[2:]])}")
    started = time.perf_counter()
    try:
        finished = subprocess.run(
            command,
            cwd=REPO_ROOT,
            capture_output=True,
            text=True,
            timeout=TIMEOUT_S,
            check=False,
        )
    except subprocess.TimeoutExpired:
        seconds = time.perf_counter() - started
        return Outcome(benchmark, None, seconds, f"timed out after {TIMEOUT_S} s")
    seconds = time.perf_counter() - started
    print(finished.stdout, end="")
    if finished.returncode != 0:
        print(finished.stderr[-4000:], end="", file=sys.stderr)
        problem = f"exit code {finished.returncode}: {_last_line(finished.stderr)}"
        return Outcome(benchmark, None, seconds, problem)
    return Outcome(benchmark, *_last_json(finished.stdout, seconds))


def _last_json(stdout: str, seconds: float) -> tuple[Mapping[str, Any] | None, float, str | None]:
    lines = stdout.strip().splitlines()
    try:
        figures = json.loads(lines[-1]) if lines else None
    except json.JSONDecodeError:
        figures = None
    if not isinstance(figures, dict):
        return None, seconds, "its last output line is not a JSON object"
    return figures, seconds, None


def _last_line(text: str) -> str:
    lines = [line.strip() for line in text.strip().splitlines() if line.strip()]
    return lines[-1][:300] if lines else "no error output"


def machine_description() -> dict[str, str]:
    """Cores, memory, CPU model, Python and OS of this machine (no paths, no host name)."""
    return {
        "CPU": _cpu_model(),
        "cores": str(os.cpu_count() or "unknown"),
        "memory": _memory(),
        "Python": f"{platform.python_implementation()} {platform.python_version()}",
        "OS": f"{platform.system()} {platform.release()} ({platform.machine()})",
    }


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text(encoding="utf-8").splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def _memory() -> str:
    try:
        total = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (ValueError, OSError, AttributeError):
        return "unknown"
    return f"{total / 2**30:.1f} GiB"


def render(outcomes: Sequence[Outcome], machine: Mapping[str, str], *, when: datetime) -> str:
    """RESULTS.md: a table of every figure against its goal, then the machine."""
    lines = [
        "# Benchmark results",
        "",
        f"Written by `make bench` (`python bench/report.py`) on {when:%Y-%m-%d %H:%M} UTC. "
        "Each benchmark's own docstring says what it measures and how; "
        "run one alone with `python bench/<name>.py`.",
        "",
        "| benchmark | figure | value | goal | |",
        "|---|---|---|---|---|",
    ]
    for outcome in outcomes:
        benchmark = outcome.benchmark
        name = f"`{benchmark.script}`"
        if outcome.figures is None:
            lines.append(f"| {name} | {benchmark.what} | not run: {_cell(outcome.problem)} | | |")
            continue
        for figure in benchmark.figures:
            value = figure.value(outcome.figures)
            shown = "n/a" if value is None else f"{_number(value)}{_unit(figure.unit)}"
            lines.append(
                f"| {name} | {figure.label} | {shown} | {figure.goal_text()} "
                f"| {figure.verdict(value)} |"
            )
    lines += ["", "What each benchmark measures:", ""]
    lines += [f"- `{o.benchmark.script}`: {o.benchmark.what} ({o.seconds:.0f} s)" for o in outcomes]
    lines += ["", "## Machine", ""]
    lines += [f"- {key}: {value}" for key, value in machine.items()]
    return "\n".join(lines) + "\n"


def _number(value: float) -> str:
    if value >= 100 or value == int(value):
        return f"{value:,.0f}"
    return f"{value:.3g}" if value < 10 else f"{value:.1f}"  # a ratio of 1.54 is not 1.5


def _unit(unit: str) -> str:
    return "" if not unit else unit if unit.startswith("/") else f" {unit}"


def _cell(text: str | None) -> str:
    return (text or "").replace("|", "\\|").replace("\n", " ")


def main(argv: Sequence[str] | None = None) -> int:
    known = {b.name: b for b in BENCHMARKS}
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("names", nargs="*", metavar="NAME", help=", ".join(known))
    parser.add_argument("--output", type=Path, default=DEFAULT_OUTPUT, help="bench/RESULTS.md")
    args = parser.parse_args(argv)
    unknown = [name for name in args.names if name not in known]
    if unknown:
        parser.error(f"unknown benchmark {', '.join(unknown)}; choose from {', '.join(known)}")
    outcomes = [run_benchmark(known[name]) for name in args.names or known]
    args.output.write_text(
        render(outcomes, machine_description(), when=datetime.now(UTC)), encoding="utf-8"
    )
    print(f"wrote {args.output.name}")
    for outcome in outcomes:
        if outcome.problem:
            print(f"{outcome.benchmark.name} did not run: {outcome.problem}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())

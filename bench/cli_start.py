"""How quickly the ``picket`` command answers, as a multiple of a bare Python start.

Each command runs as a fresh process, ``--runs`` times (7 by default); its CPU time (user
plus system, from ``getrusage`` of the children) is taken at the median and divided by the
median CPU time of ``python -c pass`` measured in the same run, so the figure hardly depends
on the machine or its load. ``search``, ``watches list`` and ``sources`` run against an
empty SQLite store and watches file in a temporary folder, with the repository's sources.
Bytecode is compiled once before timing and kept in that folder (``PYTHONPYCACHEPREFIX``),
even where ``PYTHONDONTWRITEBYTECODE`` is set, as an installed picket has it compiled.

    python bench/cli_start.py [--runs N] [--json]

Goal: every command below 4 times a bare start. With ``--json`` the last line is
``{"bare_s", "help_ratio", "version_ratio", "search_ratio", "watches_ratio",
"sources_ratio"}``.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
from collections.abc import Mapping, Sequence
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
RATIO_GOAL = 4.0
PICKET = "import sys; from pipeline.cli import main; sys.exit(main())"
COMMANDS: dict[str, tuple[str, ...]] = {
    "help": ("--help",),
    "version": ("--version",),
    "search": ("search", "companies:Amazon OR walkout"),
    "watches": ("watches", "list"),
    "sources": ("sources",),
}


def cpu_seconds(command: Sequence[str], *, env: Mapping[str, str], cwd: Path) -> float:
    """User plus system CPU time of one run of ``command``; a failing run is an error."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    subprocess.run(command, env=env, cwd=cwd, check=True, stdout=subprocess.DEVNULL)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def median_seconds(command: Sequence[str], runs: int, *, env: Mapping[str, str], cwd: Path):
    return statistics.median(cpu_seconds(command, env=env, cwd=cwd) for _ in range(runs))


def measure(runs: int) -> dict[str, float]:
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        (work / "watches.yaml").write_text("watches: []\n", encoding="utf-8")
        env = {
            **{k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"},
            "PYTHONPYCACHEPREFIX": str(work / "pycache"),
            "PICKET_DB_PATH": str(work / "picket.db"),
            "PICKET_WATCHES_FILE": str(work / "watches.yaml"),
            "PICKET_SOURCES_FILE": str(REPO_ROOT / "config" / "sources.yaml"),
            "PICKET_STORE": "sqlite",
            "PICKET_LOG_LEVEL": "WARNING",
        }
        subprocess.run(  # the store exists, and bytecode is compiled, before timing
            [sys.executable, "-c", PICKET, "search", "x"], env=env, cwd=work, check=True,
            stdout=subprocess.DEVNULL,
        )  # fmt: skip
        bare = median_seconds([sys.executable, "-c", "pass"], runs, env=env, cwd=work)
        figures = {"bare_s": round(bare, 4)}
        for name, args in COMMANDS.items():
            seconds = median_seconds([sys.executable, "-c", PICKET, *args], runs, env=env, cwd=work)
            figures[f"{name}_ratio"] = round(seconds / bare, 2)
            figures[f"{name}_s"] = round(seconds, 4)
    return figures


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--json", action="store_true", help="end with one JSON line")
    args = parser.parse_args(argv)
    figures = measure(args.runs)
    print(f"bare python start: {figures['bare_s'] * 1000:.0f} ms CPU")
    for name, command in COMMANDS.items():
        ratio = figures[f"{name}_ratio"]
        verdict = "  (goal < 4: met)" if ratio < RATIO_GOAL else "  (goal < 4: missed)"
        print(
            f"picket {' '.join(command):35} {figures[f'{name}_s'] * 1000:6.0f} ms CPU"
            f"  {ratio:5.1f} x bare{verdict}"
        )
    if args.json:
        print(json.dumps(figures))
    return 0


if __name__ == "__main__":
    sys.exit(main())

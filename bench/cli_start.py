"""How quickly the ``picket`` command answers, as a multiple of a bare Python start.

Each command runs as a fresh process, ``--runs`` times (7 by default); its CPU time (user
plus system, from ``getrusage`` of the children) is taken at the median and divided by the
median CPU time of ``python -c pass`` measured in the same run, so the figure hardly depends
on the machine. The runs are interleaved, a round at a time (a bare start, then each command
once), so a change in the machine's load while the bench runs weighs on both sides alike.
``search``, ``watches list`` and ``sources`` run against an empty SQLite store and watches
file in a temporary folder, with the repository's sources. Each command runs once before
timing, so bytecode is compiled and the configuration files' parsed form kept (see
``pipeline.datacache``) as on a machine where picket ran before; both are kept in that
folder (``PYTHONPYCACHEPREFIX``), even where ``PYTHONDONTWRITEBYTECODE`` is set.

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
        commands = {
            "bare": [sys.executable, "-c", "pass"],
            **{name: [sys.executable, "-c", PICKET, *args] for name, args in COMMANDS.items()},
        }
        for command in commands.values():  # the store, bytecode and parsed files are made
            subprocess.run(command, env=env, cwd=work, check=True, stdout=subprocess.DEVNULL)
        times: dict[str, list[float]] = {name: [] for name in commands}
        for _ in range(runs):  # a round: a bare start, then each command once
            for name, command in commands.items():
                times[name].append(cpu_seconds(command, env=env, cwd=work))
    bare = statistics.median(times["bare"])
    figures = {"bare_s": round(bare, 4)}
    for name in COMMANDS:
        seconds = statistics.median(times[name])
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

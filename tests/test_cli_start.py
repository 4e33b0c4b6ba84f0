"""The everyday commands load only what they use, so ``picket`` answers at once.

Each command runs in a fresh interpreter, which then reports the top-level packages it
imported; the crawl, extraction and language stacks must not be among them, nor a
validation library, nor rich when the output is not a terminal (how long that takes is
measured by ``bench/cli_start.py``, not here).
"""

from __future__ import annotations

import json
import os
import pty
import subprocess
import sys
from pathlib import Path

import pytest

NOT_FOR_EVERYDAY = frozenset({"pydantic", "pydantic_settings", "pydantic_core", "rich"})
"""Validation libraries (settings and sources are checked by picket's own field rules),
and rich, which the tables do without."""

CRAWL_STACK = frozenset(
    {"scrapy", "twisted", "trafilatura", "lxml", "numpy", "py3langid", "tldextract", "jinja2",
     "requests", "urllib3", "opensearchpy", "elasticsearch", "feedparser", "htmldate"}
)  # fmt: skip

REPORT_IMPORTS = """
import sys
report, *args = sys.argv[1:]
sys.argv = ["picket", *args]
from pipeline.cli import main
try:
    main()
except SystemExit:
    pass
imported = sorted(sys.modules)
import json
with open(report, "w", encoding="utf-8") as file:
    json.dump(imported, file)
"""


def imported_packages(tmp_path: Path, *args: str, terminal: bool = False) -> set[str]:
    """The top-level packages ``picket ARGS`` imported."""
    return {name.split(".")[0] for name in imported_modules(tmp_path, *args, terminal=terminal)}


def imported_modules(tmp_path: Path, *args: str, terminal: bool = False) -> set[str]:
    """The modules ``picket ARGS`` imported; with ``terminal``, its output and log lines go
    to a terminal (a pseudo-terminal), else to pipes."""
    watches, sources = tmp_path / "watches.yaml", tmp_path / "sources.yaml"
    if not watches.exists():
        watches.write_text("watches: []\n", encoding="utf-8")
    if not sources.exists():
        sources.write_bytes(
            (Path(__file__).resolve().parents[1] / "config/sources.yaml").read_bytes()
        )
    env = {
        "PICKET_DB_PATH": str(tmp_path / "picket.db"),
        "PICKET_WATCHES_FILE": str(watches),
        "PICKET_SOURCES_FILE": str(sources),
        "PATH": "/usr/bin:/bin",
    }
    report = tmp_path / "imported.json"
    command = [sys.executable, "-c", REPORT_IMPORTS, str(report), *args]
    if terminal:
        controller, screen = pty.openpty()
        try:
            subprocess.run(command, env=env, cwd=tmp_path, stdout=screen, stderr=screen, check=True)
        finally:
            os.close(screen)
            os.close(controller)
    else:
        subprocess.run(command, env=env, cwd=tmp_path, capture_output=True, check=True)
    return set(json.loads(report.read_text(encoding="utf-8")))


@pytest.mark.parametrize("args", [("--help",), ("--version",)])
def test_help_and_version_load_neither_settings_nor_the_stack(tmp_path, args):
    imported = imported_packages(tmp_path, *args)
    assert not imported & (CRAWL_STACK | NOT_FOR_EVERYDAY | {"yaml"})


@pytest.mark.parametrize(
    "args",
    [
        ("search", "companies:Amazon OR walkout"),
        ("watches", "list"),
        ("watches", "add", "w", "-q", "strike", "-r", "a@example.org"),
        ("watches", "remove", "w"),
        ("sources",),
    ],
)
def test_everyday_commands_load_neither_the_crawl_stack_nor_a_validation_library(tmp_path, args):
    imported = imported_packages(tmp_path, *args)
    assert "pipeline" in imported
    assert not imported & (CRAWL_STACK | NOT_FOR_EVERYDAY)


@pytest.mark.parametrize("args", [("search", "walkout"), ("watches", "list"), ("sources",)])
def test_on_a_terminal_rich_waits_for_a_log_line(tmp_path, args):
    imported = imported_packages(tmp_path, *args, terminal=True)
    assert "pipeline" in imported
    assert "rich" not in imported


def test_search_loads_neither_the_other_commands_nor_what_it_does_not_show(tmp_path):
    imported = imported_modules(tmp_path, "search", "companies:Amazon OR walkout")
    assert not imported & {"pipeline.alerts.cli", "pipeline.label_cli"}  # plug-in commands
    assert not imported & {"shutil", "difflib"}  # the terminal's width; a "did you mean"
    assert "pipeline.understand.wordgate" not in imported  # reads no story text


def test_search_builds_no_crawl_or_source_records(tmp_path):
    imported = imported_modules(tmp_path, "search", "walkout")
    assert "pipeline.store.sqlite" in imported
    assert not imported & {"pipeline.crawl_records", "pipeline.source_records"}


def test_listing_sources_builds_no_crawl_or_story_records(tmp_path):
    imported = imported_modules(tmp_path, "sources")
    assert {"pipeline.source_records", "pipeline.store.sqlite"} <= imported
    assert not imported & {"pipeline.crawl_records", "pipeline.records"}


def test_listing_watches_builds_no_records_and_no_time_zones(tmp_path):
    imported = imported_modules(tmp_path, "watches", "list")
    assert "pipeline.alerts.watches" in imported
    assert not imported & {"pipeline.records", "pipeline.crawl_records", "zoneinfo"}
    assert "pipeline.source_records" not in imported
    assert "pipeline.store" not in imported  # its errors are told apart without loading it


def test_commands_load_no_codec_for_output_they_do_not_give(tmp_path):
    """JSON is for ``--json`` output, the stores' columns and parsed files kept; base64 for
    bytes, which no story holds."""
    assert "json" not in imported_modules(tmp_path, "--version")
    assert "base64" not in imported_modules(tmp_path, "search", "walkout")


@pytest.mark.parametrize("args", [("sources",), ("watches", "list")])
def test_a_configuration_file_is_parsed_once_per_change_of_its_text(tmp_path, args):
    """PyYAML loads for the first reading of the sources and watches files, then only when
    one is edited; an edit shows at once."""
    assert "yaml" in imported_packages(tmp_path, *args)
    assert "yaml" not in imported_packages(tmp_path, *args)
    sources = tmp_path / "sources.yaml"
    sources.write_text(sources.read_text(encoding="utf-8") + "\n# edited\n", encoding="utf-8")
    (tmp_path / "watches.yaml").write_text("watches: []  # edited\n", encoding="utf-8")
    assert "yaml" in imported_packages(tmp_path, *args)

"""A data file is parsed once per change: its parsed form is kept beside Python's bytecode,
and read back instead of parsing it again, until the file changes."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest
import yaml

from pipeline.datacache import parsed
from pipeline.understand.gazetteer import Gazetteer


class CountingParser:
    def __init__(self) -> None:
        self.calls = 0

    def __call__(self, text: str) -> object:
        self.calls += 1
        return yaml.safe_load(text)


@pytest.fixture
def writes_bytecode(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Python writes bytecode, under a prefix in ``tmp_path``."""
    monkeypatch.setattr(sys, "dont_write_bytecode", False)
    monkeypatch.setattr(sys, "pycache_prefix", str(tmp_path / "pycache"))
    return tmp_path / "pycache"


def test_a_file_is_parsed_once_until_it_changes(tmp_path, writes_bytecode):
    path = tmp_path / "data.yaml"
    path.write_text("companies: [{name: Acme, aliases: [ACME Corp]}]\n", encoding="utf-8")
    parse = CountingParser()

    first = parsed(path, parse)
    assert (
        parsed(path, parse) == first == {"companies": [{"name": "Acme", "aliases": ["ACME Corp"]}]}
    )
    assert parse.calls == 1
    assert list(writes_bytecode.rglob("data.yaml.json"))

    path.write_text("companies: [{name: Initech}]\n", encoding="utf-8")
    os.utime(path, ns=(0, 10**18))  # a later modification time, whatever the clock's grain
    assert parsed(path, parse) == {"companies": [{"name": "Initech"}]}
    assert parse.calls == 2


def test_nothing_is_kept_where_python_writes_no_bytecode(tmp_path, monkeypatch):
    monkeypatch.setattr(sys, "dont_write_bytecode", True)
    monkeypatch.setattr(sys, "pycache_prefix", str(tmp_path / "pycache"))
    path = tmp_path / "data.yaml"
    path.write_text("a: 1\n", encoding="utf-8")
    parse = CountingParser()
    assert parsed(path, parse) == parsed(path, parse) == {"a": 1}
    assert parse.calls == 2
    assert not (tmp_path / "pycache").exists()


def test_data_json_cannot_hold_is_parsed_each_time(tmp_path, writes_bytecode):
    path = tmp_path / "data.yaml"
    path.write_text("1: one\nday: 2024-05-01\n", encoding="utf-8")
    parse = CountingParser()
    assert parsed(path, parse) == parsed(path, parse) == yaml.safe_load(path.read_text())
    assert parse.calls == 2


def test_the_shipped_gazetteer_reads_the_same_from_what_was_kept(writes_bytecode):
    path = Path(__file__).resolve().parents[1] / "pipeline" / "data" / "companies.yaml"
    parse = CountingParser()
    fresh = Gazetteer(parsed(path, parse))
    kept = Gazetteer(parsed(path, parse))
    assert parse.calls == 1
    assert kept.companies == fresh.companies
    assert kept.resolve("AMZN") == fresh.resolve("AMZN") == "Amazon"


def test_an_edit_that_keeps_size_and_time_is_parsed_again(tmp_path, writes_bytecode):
    """What was kept is valid for the text it was parsed from, whatever the file's dates."""
    path = tmp_path / "sources.yaml"
    path.write_text("delay: 1\n", encoding="utf-8")
    os.utime(path, ns=(10**18, 10**18))
    parse = CountingParser()
    assert parsed(path, parse) == {"delay": 1}
    path.write_text("delay: 9\n", encoding="utf-8")
    os.utime(path, ns=(10**18, 10**18))
    assert parsed(path, parse) == {"delay": 9}
    assert parse.calls == 2


def test_what_is_kept_is_readable_only_by_whom_the_file_is(tmp_path, writes_bytecode):
    path = tmp_path / "sources.yaml"
    path.write_text("token: s3cret\n", encoding="utf-8")
    path.chmod(0o600)
    parsed(path, CountingParser())
    (kept,) = writes_bytecode.rglob("sources.yaml.json")
    assert kept.stat().st_mode & 0o777 == 0o600


def test_a_damaged_kept_file_is_parsed_again_and_replaced(tmp_path, writes_bytecode):
    path = tmp_path / "data.yaml"
    path.write_text("a: 1\n", encoding="utf-8")
    parse = CountingParser()
    parsed(path, parse)
    (kept,) = writes_bytecode.rglob("data.yaml.json")
    kept.write_text('{"text": "a: 1\\n", "da', encoding="utf-8")  # cut short by a crash
    assert parsed(path, parse) == parsed(path, parse) == {"a": 1}
    assert parse.calls == 2
    assert not list(writes_bytecode.rglob("*.tmp"))


def test_where_nothing_can_be_kept_the_file_is_parsed_each_time(tmp_path, monkeypatch):
    monkeypatch.setattr(sys, "dont_write_bytecode", False)
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("", encoding="utf-8")
    monkeypatch.setattr(sys, "pycache_prefix", str(blocked))
    path = tmp_path / "data.yaml"
    path.write_text("a: 1\n", encoding="utf-8")
    parse = CountingParser()
    assert parsed(path, parse) == parsed(path, parse) == {"a": 1}
    assert parse.calls == 2

"""Whatever an operator writes into a configuration file or a setting, picket answers cleanly.

Generated garbage goes to the sources loader, the watches loader and editor, and every
``PICKET_*`` variable: random bytes, text that is not UTF-8, random YAML documents shaped
like the real files, keys given twice, deep nesting and huge values. The loaders must
return what they read or raise the project's own errors (``SourceConfigError``,
``WatchFileError``, ``SettingsError``, a problem in the ``WatchSet``), and through the
command line every refusal is one ``Error:`` line and exit code 1, never a traceback.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner
from fuzzing import FUZZ, TRICKY_TEXT
from hypothesis import example, given, settings
from hypothesis import strategies as st
from picket_env import isolated_env

from crawlers.sources import SourceConfigError, load_sources
from pipeline.alerts.watches import WATCH_KEYS, Watch, WatchSet, load_watches, parse_watch
from pipeline.alerts.watchfile import WatchFileError, add_watch
from pipeline.cli import main
from pipeline.settings import SETTING_FIELDS, SettingsError, load_settings

SOURCE_KEYS = ["id", "kind", "url", "urls", "name", "enabled", "politeness", "max_depth",
               "max_items", "max_age_days", "allowed_domains", "delay_s", "timeout_s"]  # fmt: skip
HUGE = st.sampled_from([10**400, -(10**30), 1e308, float("inf"), float("-inf"), float("nan")])
SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    HUGE,
    st.floats(),
    TRICKY_TEXT,
    st.sampled_from(["feed", "site", "https://x.example/f", "file:///etc/passwd", "x" * 5000]),
)


def documents(keys: list[str]) -> st.SearchStrategy[object]:
    """YAML-able values nested a few levels, with mapping keys mostly taken from ``keys``."""
    names = st.one_of(st.sampled_from(keys), TRICKY_TEXT, st.integers())
    return st.recursive(
        SCALARS,
        lambda inner: st.one_of(
            st.lists(inner, max_size=4), st.dictionaries(names, inner, max_size=6)
        ),
        max_leaves=25,
    )


@st.composite
def config_bytes(draw: st.DrawFn, top: str, keys: list[str]) -> bytes:
    """A file's bytes: a generated document, often spoiled, or plain random bytes."""
    if draw(st.integers(0, 5)) == 0:
        return draw(st.binary(max_size=300))
    entries = draw(st.lists(documents(keys), max_size=4))
    document = draw(st.sampled_from([{top: entries}, entries, {top: entries, "x": 1}]))
    text = yaml.safe_dump(document, allow_unicode=True, sort_keys=False, width=70)
    lines = text.splitlines(keepends=True)
    spoil = draw(st.integers(0, 4))
    if spoil == 1 and lines:  # a line given twice: often a key given twice
        at = draw(st.integers(0, len(lines) - 1))
        lines.insert(at, lines[at])
    elif spoil == 2:  # deep nesting, in flow or block style
        depth = draw(st.integers(50, 3000))
        nested = draw(st.sampled_from(["[" * depth + "]" * depth, "- " * depth + "x"]))
        lines.append(f"{top}: {nested}\n")
    data = "".join(lines).encode("utf-8")
    if spoil == 3:  # bytes that are not UTF-8 somewhere inside
        at = draw(st.integers(0, len(data)))
        data = (
            data[:at]
            + draw(st.sampled_from([b"\xff", b"\xe9", b"\xc3", b"\x00", b"\xed\xa0\x80"]))
            + data[at:]
        )
    return data


@contextmanager
def written(data: bytes, name: str) -> Iterator[Path]:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / name
        path.write_bytes(data)
        yield path


@FUZZ
@given(config_bytes("sources", SOURCE_KEYS))
@example(b"sources:\n  - id: a\n    id: a\n")
@example(b"sources: " + b"[" * 3000)
@example(b"\xff\xfe s\x00o\x00")
def test_the_sources_loader_reads_or_refuses_any_file(data: bytes) -> None:
    with written(data, "sources.yaml") as path:
        try:
            sources = load_sources(path)
        except SourceConfigError as exc:
            message = str(exc)
            first, *others = message.split("\n")
            assert first.startswith(f"{path}: ") or first.endswith(" invalid sources:")
            assert all(line.startswith(f"  {path}: sources[") for line in others)
        else:
            assert all(s.urls and s.urls[0].startswith("http") for s in sources)


@FUZZ
@given(config_bytes("watches", sorted(WATCH_KEYS)))
@example(b"watches:\n  - name: a\n    name: b\n    query: x\n")
@example(b"watches: " + b"- " * 3000 + b"x")
def test_the_watches_loader_reports_any_file_as_watches_and_problems(data: bytes) -> None:
    with written(data, "watches.yaml") as path:
        loaded = load_watches(path)
    assert isinstance(loaded, WatchSet)
    assert all(isinstance(w, Watch) for w in loaded.watches)
    assert all("\n" not in str(p) and str(p).startswith(str(path)) for p in loaded.problems)


NEW_WATCH = parse_watch({"name": "fuzzed", "query": "walkout", "recipients": ["a@example.org"]})


@FUZZ
@given(config_bytes("watches", sorted(WATCH_KEYS)))
def test_adding_a_watch_to_any_file_adds_it_or_refuses_and_keeps_the_file(data: bytes) -> None:
    with written(data, "watches.yaml") as path:
        try:
            add_watch(path, NEW_WATCH)
        except WatchFileError as exc:
            assert str(exc).startswith(str(path))
            assert path.read_bytes() == data
        else:
            assert load_watches(path).get("fuzzed") is not None


SETTING_NAMES = sorted(SETTING_FIELDS)
SECRETS = {name for name in SETTING_NAMES if "password" in name or "api_key" in name}
SETTING_VALUES = st.one_of(
    TRICKY_TEXT,
    st.sampled_from(["inf", "-inf", "nan", "1e308", "-1", "0", "10" * 200, "x" * 10_000]),
    st.integers().map(str),
    st.floats().map(repr),
    st.binary(min_size=1, max_size=20).map(lambda b: b.decode("utf-8", "surrogateescape")),
)


def environment_can_hold(value: str) -> bool:
    try:
        return b"\x00" not in os.fsencode(value)
    except UnicodeEncodeError:
        return False


@FUZZ
@given(name=st.sampled_from(SETTING_NAMES), value=SETTING_VALUES)
@example(name="timeout_s", value="inf")
@example(name="unsubscribe_url", value="https://x.example/u\r\nBcc: a@example.org")
@example(name="db_path", value="var/\udcff.db")
def test_every_setting_takes_any_value_or_names_itself_in_one_line(name: str, value: str) -> None:
    variable = f"PICKET_{name.upper()}"
    try:
        with pytest.MonkeyPatch.context() as patch:
            if environment_can_hold(value):
                patch.setenv(variable, value)
                load_settings()
            else:
                load_settings(**{name: value})
    except SettingsError as exc:
        message = str(exc)
        assert message.startswith("invalid settings: ") and "\n" not in message
        assert variable in message
        if name in SECRETS:
            assert value not in message or len(value) < 4


BROKEN = st.one_of(
    config_bytes("sources", SOURCE_KEYS),
    st.sampled_from([b"", b"sources: [\n", b"sources:\n  - id: \xff\n"]),
)


@settings(FUZZ, max_examples=40)
@given(data=BROKEN)
def test_picket_sources_prints_the_table_or_one_error_and_exits_1(
    tmp_path_factory: pytest.TempPathFactory, data: bytes
) -> None:
    folder = tmp_path_factory.mktemp("cli")
    (folder / "sources.yaml").write_bytes(data)
    env = {
        "PICKET_SOURCES_FILE": str(folder / "sources.yaml"),
        "PICKET_DB_PATH": str(folder / "picket.db"),
    }
    result = CliRunner().invoke(main, ["sources"], env=env)
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    if result.exit_code:
        assert result.exit_code == 1
        assert result.output.startswith("Error: ") and "Traceback" not in result.output


PICKET = "import sys; from pipeline.cli import main; sys.exit(main())"


@pytest.mark.slow
@pytest.mark.parametrize(
    ("setting", "value", "command", "expected"),
    [
        ("PICKET_SOURCES_FILE", "{tmp}/latin1.yaml", "run", "not UTF-8 text: byte 0xe9 at offset"),
        ("PICKET_SOURCES_FILE", "{tmp}/twice.yaml", "run", "duplicate key 'kind'"),
        ("PICKET_DB_PATH", "/proc/nonexistent/x.db", "events", "PICKET_DB_PATH=/proc/nonexistent"),
        ("PICKET_UNSUBSCRIBE_URL", "https://x.example/\r\nBcc: a@b.c", "run", "control"),
        ("PICKET_DOWNLOAD_DELAY_S", "1e308", "run", "at least 0 and at most 300"),
    ],
)
def test_a_real_picket_process_prints_one_line_and_exits_1(
    tmp_path: Path, setting: str, value: str, command: str, expected: str
) -> None:
    (tmp_path / "latin1.yaml").write_bytes(b"sources:\n  - id: caf\xe9\n")
    (tmp_path / "twice.yaml").write_text("sources:\n  - {id: a, kind: feed, kind: site}\n")
    env = {k: v for k, v in os.environ.items() if not k.startswith("PICKET_")}
    env.update(isolated_env(tmp_path), PICKET_SOURCES_FILE=str(tmp_path / "twice.yaml"))
    env[setting] = value.format(tmp=tmp_path)
    finished = subprocess.run(
        [sys.executable, "-c", PICKET, command],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert finished.returncode == 1
    assert finished.stdout == ""
    (line,) = finished.stderr.splitlines()
    assert line.startswith("Error: ") and expected in line

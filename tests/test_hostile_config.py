"""Wrong settings and configuration files end every command with one clear line, never a trace.

An operator's mistakes, as a hostile-input run made them: sources files that are broken in
each way a hand-edited file can be, files that are not UTF-8, paths picket cannot create,
line breaks in settings that go into headers, and durations of ``inf``. Each one must stop
the command at start with ``Error:`` and a message naming the file or variable, exit code
1, and nothing crawled or stored in vain.
"""

from __future__ import annotations

import socket
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest
from click.testing import CliRunner
from picket_env import isolated_env

from crawlers.sources import SourceConfigError, load_sources
from pipeline.alerts.mailer import MailError, OutboxMailer
from pipeline.cli import main
from pipeline.settings import SETTING_FIELDS, Settings, SettingsError, load_settings
from pipeline.tasks import plan_batches, smtp_settings


def dead_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    """Settings that keep every file under ``tmp_path``, with one source nobody answers for
    and no watches."""
    (tmp_path / "watches.yaml").write_text("watches: []\n")
    (tmp_path / "sources.yaml").write_text(
        f"sources:\n  - {{id: a, kind: feed, url: 'http://127.0.0.1:{dead_port()}/f'}}\n"
    )
    return {**isolated_env(tmp_path), "PICKET_RETRIES": "0"}


def refused(env: dict[str, str], *args: str) -> str:
    """What a command that must refuse printed: its ``Error:`` message, no traceback, exit 1."""
    result = CliRunner().invoke(main, list(args), env=env, catch_exceptions=False)
    assert result.exit_code == 1, result.output
    assert result.output.startswith("Error: ") and result.output.count("Error: ") == 1
    assert "Traceback" not in result.output
    return result.output.rstrip("\n")


BROKEN_SOURCES = {
    "an id given twice": (
        "sources:\n  - {id: a, kind: feed, url: 'https://x.example/a'}\n"
        "  - {id: a, kind: feed, url: 'https://x.example/b'}\n",
        "sources[1] (id 'a'): field id: duplicates sources[0]",
    ),
    "an unknown key": (
        "sources:\n  - {id: a, kind: feed, url: 'https://x.example/a', colour: red}\n",
        "field colour: unknown field",
    ),
    "a file:// URL": (
        "sources:\n  - {id: a, kind: feed, url: 'file:///etc/passwd'}\n",
        "field url: must be an absolute http:// or https:// URL",
    ),
    "an empty file": ("", "expected a mapping with one key, `sources:`"),
    "broken YAML": ("sources: [\n", "not valid YAML: line 2, column 1"),
    "a key given twice": (
        "sources:\n  - id: a\n    id: b\n    kind: feed\n    url: 'https://x.example/a'\n",
        "line 3, column 5: duplicate key 'id' (first given on line 2)",
    ),
    "text that is not UTF-8": (
        b"sources:\n  - id: \xff\n",
        "not UTF-8 text: byte 0xff at offset 17 (line 2) cannot be decoded",
    ),
    "no file at all": (None, "cannot read the file: No such file or directory"),
}


@pytest.mark.parametrize("case", sorted(BROKEN_SOURCES))
def test_a_broken_sources_file_ends_every_command_that_reads_it_the_same_way(env, tmp_path, case):
    content, problem = BROKEN_SOURCES[case]
    path = tmp_path / "sources.yaml"
    if content is None:
        path.unlink()
    elif isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")

    printed = {command: refused(env, command) for command in ("run", "sources")}
    assert printed["run"] == printed["sources"]
    assert f"{path}: " in printed["run"] and problem in printed["run"]
    assert not (tmp_path / "picket.db").exists()  # refused before anything was opened
    with pytest.raises(SourceConfigError) as raised:  # the crawl DAG's first task
        plan_batches(load_settings(sources_file=path), now=datetime.now(UTC))
    assert printed["run"] == f"Error: {raised.value}"


@pytest.mark.parametrize(
    ("variable", "value", "command"),
    [
        ("PICKET_DB_PATH", "/proc/nonexistent/x.db", ("search", "walkout")),
        ("PICKET_DB_PATH", "{tmp}/a-file/x.db", ("events",)),
        ("PICKET_WORK_DIR", "/proc/x", ("run",)),
    ],
)
def test_a_path_picket_cannot_use_names_its_variable(env, tmp_path, variable, value, command):
    (tmp_path / "a-file").write_text("not a folder")
    value = value.format(tmp=tmp_path)
    line = refused({**env, variable: value}, *command)
    assert line.startswith(f"Error: {variable}={value}: cannot use ")


@pytest.mark.parametrize("value", ["/proc/x/alerts.db", "{tmp}"])
def test_an_alert_ledger_picket_cannot_open_is_named(env, tmp_path, value):
    value = value.format(tmp=tmp_path)
    line = refused({**env, "PICKET_ALERTS_DB": value}, "alerts", "run")
    assert line.startswith(f"Error: cannot open the alert ledger PICKET_ALERTS_DB={value}: ")


def test_the_engine_outbox_path_is_named_too(env):
    engine = {
        **env,
        "PICKET_STORE": "opensearch",
        "PICKET_SEARCH_URL": f"http://127.0.0.1:{dead_port()}",
    }
    line = refused({**engine, "PICKET_OUTBOX_PATH": "/proc/x/outbox.db"}, "search", "walkout")
    assert line.startswith("Error: PICKET_OUTBOX_PATH=/proc/x/outbox.db: cannot use /proc/x")


def test_an_alerts_outbox_folder_picket_cannot_create_is_named(tmp_path):
    with pytest.raises(MailError, match=r"PICKET_ALERTS_OUTBOX_DIR=/proc/x/mail"):
        OutboxMailer(Path("/proc/x/mail")).send("a@example.org", "b@example.org", b"Subject: x")


HEADER_SETTINGS = {
    "mail_from": "picket <alerts@example.org>",
    "unsubscribe_url": "https://example.org/unsubscribe",
    "user_agent": "picket-test/1",
    "contact_url": "https://example.org/contact",
    "kibana_url": "https://kibana.example.org",
    "search_url": "https://search.example.org:9200",
    "smtp_host": "mail.example.org",
    "smtp_username": "picket",
    "smtp_password": "secret",
}


@pytest.mark.parametrize("name", sorted(HEADER_SETTINGS))
@pytest.mark.parametrize("breaker", ["\r\nBcc: everyone@example.org", "\n", "\x00", "\u2028"])
def test_control_characters_are_refused_in_settings_that_go_into_headers(name, breaker):
    good = HEADER_SETTINGS[name]
    with pytest.raises(SettingsError) as raised:
        load_settings(**{name: good + breaker})
    message = str(raised.value)
    assert f"PICKET_{name.upper()}: must not contain control characters" in message
    assert "secret" not in message and "everyone" not in message


def test_a_line_break_in_the_unsubscribe_url_stops_the_run_before_it_crawls(env, tmp_path):
    line = refused({**env, "PICKET_UNSUBSCRIBE_URL": "https://x.example/u\r\nBcc: a@b.c"}, "run")
    assert "PICKET_UNSUBSCRIBE_URL: must not contain control characters" in line
    assert not (tmp_path / "picket.db").exists()


def test_a_sender_with_a_line_break_from_an_airflow_connection_is_refused():
    connection = type("Conn", (), {"host": "mail", "port": 25, "login": None, "password": None})
    connection.extra_dejson = {"from_email": "picket <a@example.org>\r\nBcc: x@example.org"}
    with pytest.raises(SettingsError, match="PICKET_MAIL_FROM: must not contain control"):
        load_settings(**smtp_settings(connection))


NUMBERS = [name for name, field in SETTING_FIELDS.items() if field.kind in (int, float)]


def test_every_numeric_setting_has_a_finite_range():
    for name in NUMBERS:
        field = SETTING_FIELDS[name]
        assert field.ge is not None or field.gt is not None, f"PICKET_{name.upper()} has no floor"
        assert field.le is not None, f"PICKET_{name.upper()} has no ceiling"


@pytest.mark.parametrize("name", NUMBERS)
@pytest.mark.parametrize("value", ["inf", "-inf", "1e308", "nan", "99999999999999999999999"])
def test_a_number_out_of_range_names_the_variable_and_the_range(name, value):
    with pytest.raises(SettingsError) as raised:
        load_settings(**{name: value})
    message = str(raised.value)
    assert f"PICKET_{name.upper()}: " in message
    assert "at most" in message or "should be a valid integer" in message


def test_an_infinite_timeout_stops_the_run_with_the_range(env):
    line = refused({**env, "PICKET_TIMEOUT_S": "inf"}, "run")
    assert line == (
        "Error: invalid settings: PICKET_TIMEOUT_S: must be more than 0 and at most 600, not 'inf'"
    )


def test_the_ranges_leave_the_defaults_and_ordinary_values_alone():
    settings = load_settings(timeout_s="599.5", download_delay_s="0", poll_interval_min="60")
    assert (settings.timeout_s, settings.download_delay_s, settings.poll_interval_min) == (
        599.5,
        0.0,
        60,
    )
    assert Settings() == load_settings()


def test_a_dotenv_file_that_is_not_utf8_names_itself_and_the_byte(env, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / ".env").write_bytes(b"PICKET_LOG_LEVEL=INFO\nPICKET_MAIL_FROM=caf\xe9 <a@b.c>\n")
    line = refused(env, "sources")
    assert line == (
        f"Error: {tmp_path / '.env'}: not UTF-8 text: byte 0xe9 at offset 42 (line 2) "
        "cannot be decoded; save the file as UTF-8"
    )


def test_a_file_broken_after_a_good_reading_is_refused_not_served_from_what_was_kept(
    tmp_path, monkeypatch
):
    """The parsed form kept of a good sources file never stands in for a broken edit."""
    monkeypatch.setattr(sys, "dont_write_bytecode", False)
    monkeypatch.setattr(sys, "pycache_prefix", str(tmp_path / "pycache"))
    path = tmp_path / "sources.yaml"
    good = "sources:\n  - id: a\n    kind: feed\n    url: http://example.org/f\n"
    path.write_text(good, encoding="utf-8")
    assert [s.id for s in load_sources(path)] == ["a"]
    assert list((tmp_path / "pycache").rglob("sources.yaml.json"))
    path.write_text(good + "    id: b\n", encoding="utf-8")
    with pytest.raises(SourceConfigError, match="duplicate key 'id'"):
        load_sources(path)
    path.write_text(good.replace("id: a", "id: c"), encoding="utf-8")
    assert [s.id for s in load_sources(path)] == ["c"]

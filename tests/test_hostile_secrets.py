"""Passwords and keys never show in what picket prints, logs or keeps as an error.

``picket`` runs as an operator would run it, as a child process with its settings in
``PICKET_*`` variables, against servers that say no: an SMTP server that refuses the
login (and one that is not there), and a search engine that is down, with its credentials
given as settings and, as some operators do, inside ``PICKET_SEARCH_URL``. Everything the
commands print, their log lines, and the errors the alert ledger keeps for ``picket
alerts status`` are searched for each secret.
"""

from __future__ import annotations

import os
import socket
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path

import pytest
import yaml
from smtpserver import SmtpServer

from pipeline.demo.run import demo_sources
from pipeline.demo.server import DemoSite
from pipeline.settings import load_settings, settings_json

PICKET = "import sys; from pipeline.cli import main; sys.exit(main())"
SMTP_PASSWORD = "hunter2-secret"
SEARCH_PASSWORD = "search-secret-4f9a"
URL_PASSWORD = "url-secret-77c1"
API_KEY = "api-key-secret-0b3d"
WATCHES = Path(__file__).resolve().parents[1] / "pipeline" / "demo" / "watches.yaml"


@pytest.fixture(scope="module")
def site() -> Iterator[DemoSite]:
    with DemoSite() as running:
        yield running


def dead_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def base_env(folder: Path, site: DemoSite) -> dict[str, str]:
    sources = [
        {"id": s.id, "kind": s.kind, "urls": list(s.urls)} for s in demo_sources(site.base_url)
    ]
    (folder / "sources.yaml").write_text(yaml.safe_dump({"sources": sources[:1]}), "utf-8")
    env = {k: v for k, v in os.environ.items() if not k.startswith("PICKET_")}
    env.update(
        PICKET_SOURCES_FILE=str(folder / "sources.yaml"),
        PICKET_WATCHES_FILE=str(WATCHES),
        PICKET_DB_PATH=str(folder / "picket.db"),
        PICKET_WORK_DIR=str(folder / "work"),
        PICKET_OUTBOX_PATH=str(folder / "outbox.db"),
        PICKET_ALERTS_DB=str(folder / "alerts.db"),
        PICKET_ALERTS_OUTBOX_DIR=str(folder / "mail"),
        PICKET_ALLOW_PRIVATE_ADDRESSES="true",
        PICKET_DOWNLOAD_DELAY_S="0",
        PICKET_LOG_LEVEL="DEBUG",
    )
    return env


def picket(folder: Path, env: dict[str, str], *args: str) -> str:
    """Everything one command printed, standard output and error (its log lines) together."""
    finished = subprocess.run(
        [sys.executable, "-c", PICKET, *args],
        cwd=folder,
        env=env,
        capture_output=True,
        text=True,
        timeout=240,
    )
    return f"exit {finished.returncode}\n{finished.stdout}\n{finished.stderr}"


def ledger_errors(folder: Path) -> str:
    path = folder / "alerts.db"
    if not path.exists():
        return ""
    with closing(sqlite3.connect(path)) as db:
        return "\n".join(str(row[0]) for row in db.execute("SELECT last_error FROM emails"))


@pytest.mark.slow
@pytest.mark.smtp
@pytest.mark.parametrize("server", ["refusing the login", "not listening"])
def test_the_smtp_password_never_shows(site: DemoSite, tmp_path: Path, server: str) -> None:
    env = base_env(tmp_path, site)
    with SmtpServer(users={"picket": "the-right-password"}) as smtp:
        port = smtp.port if server == "refusing the login" else dead_port()
        env.update(
            PICKET_SMTP_HOST="127.0.0.1",
            PICKET_SMTP_PORT=str(port),
            PICKET_SMTP_SECURITY="none",
            PICKET_SMTP_USERNAME="picket",
            PICKET_SMTP_PASSWORD=SMTP_PASSWORD,
            PICKET_SMTP_TIMEOUT_S="5",
        )
        outputs = [
            picket(tmp_path, env, "run"),
            picket(tmp_path, env, "alerts", "run"),
            picket(tmp_path, env, "alerts", "status"),
        ]
        delivered = smtp.delivered

    everything = "\n".join([*outputs, ledger_errors(tmp_path)])
    assert delivered == []
    assert "pending" in outputs[-1]  # the emails wait, and status says why
    assert ledger_errors(tmp_path).strip(), "the ledger keeps the delivery error"
    assert SMTP_PASSWORD not in everything


@pytest.mark.slow
@pytest.mark.parametrize("store", ["opensearch", "elasticsearch"])
def test_search_engine_credentials_never_show(site: DemoSite, tmp_path: Path, store: str) -> None:
    env = base_env(tmp_path, site)
    env.update(
        PICKET_STORE=store,
        PICKET_SEARCH_URL=f"http://admin:{URL_PASSWORD}@127.0.0.1:{dead_port()}",
        PICKET_SEARCH_USERNAME="admin",
        PICKET_SEARCH_PASSWORD=SEARCH_PASSWORD,
        PICKET_SEARCH_TIMEOUT_S="1",
    )
    if store == "elasticsearch":
        env["PICKET_SEARCH_API_KEY"] = API_KEY
    outputs = [picket(tmp_path, env, "run"), picket(tmp_path, env, "search", "walkout")]

    everything = "\n".join(outputs)
    assert "unreachable" in everything  # the commands did meet the dead engine
    for secret in (URL_PASSWORD, SEARCH_PASSWORD, API_KEY):
        assert secret not in everything, secret


def test_credentials_written_into_the_search_url_move_to_their_own_settings() -> None:
    settings = load_settings(search_url=f"https://admin:{URL_PASSWORD}@search.example:9200")

    assert settings.search_url == "https://search.example:9200"
    assert settings.search_username == "admin"
    assert settings.search_password is not None
    assert settings.search_password.get_secret_value() == URL_PASSWORD
    assert URL_PASSWORD not in repr(settings)
    assert URL_PASSWORD not in str(settings_json(settings))  # as crawl jobs save it

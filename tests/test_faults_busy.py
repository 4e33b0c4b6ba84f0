"""Runs that overlap: one ``picket run`` at a time, and writers that wait for each other.

- A second ``picket run`` started while one is going refuses at once with a message
  naming the run it met, and the first finishes untouched; a run killed with SIGKILL
  leaves no lock behind.
- A run whose store is held by another writer (an Airflow index task, say) waits for it
  and then stores its batch (a writer that waits past the store's timeout gets the
  store's "busy" error: ``test_store_sqlite.py``).
- Two processes writing overlapping batches into one SQLite file at the same time, as two
  overlapping Airflow runs would, leave it intact, with every story once.
- Processes opening the same new store, alert ledger and outbox at the same moment all
  open them (SQLite refuses one of two setting a new file's journal mode at once).
"""

from __future__ import annotations

import fcntl
import json
import os
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from contextlib import closing
from datetime import UTC, datetime
from pathlib import Path

import pytest
import yaml
from httpserver import LocalServer, Slow

import pipeline.run
from pipeline.run import run_once
from pipeline.runlock import LOCK_NAME
from pipeline.settings import load_settings
from pipeline.source_records import Source

PICKET = "import sys; from pipeline.cli import main; sys.exit(main())"
NOW = datetime(2024, 5, 10, 12, 0, tzinfo=UTC)


def environment(folder: Path, server: LocalServer) -> dict[str, str]:
    sources = folder / "sources.yaml"
    feed = {"id": "fixture", "kind": "feed", "url": server.url("/feeds/rss.xml")}
    sources.write_text(yaml.safe_dump({"sources": [feed]}), encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if not k.startswith("PICKET_")}
    env.update(
        PICKET_DB_PATH=str(folder / "picket.db"),
        PICKET_WORK_DIR=str(folder / "work"),
        PICKET_SOURCES_FILE=str(sources),
        PICKET_WATCHES_FILE=str(folder / "no-watches.yaml"),
        PICKET_ALERTS_DB=str(folder / "alerts.db"),
        PICKET_ALERTS_OUTBOX_DIR=str(folder / "mail"),
        PICKET_ALLOW_PRIVATE_ADDRESSES="true",
        PICKET_DOWNLOAD_DELAY_S="0",
    )
    return env


def start_run(folder: Path, env: dict[str, str]) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-c", PICKET, "run", "--force"],
        cwd=folder,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )


def wait_until_locked(lock: Path, timeout_s: float = 60) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if lock.exists():
            with open(lock, "a+") as probe:
                try:
                    fcntl.flock(probe, fcntl.LOCK_EX | fcntl.LOCK_NB)
                except BlockingIOError:
                    return
                fcntl.flock(probe, fcntl.LOCK_UN)
        time.sleep(0.05)
    raise AssertionError("the first run never took the run lock")


def stored_story_count(db_path: Path) -> int:
    with closing(sqlite3.connect(db_path)) as db:
        assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        return db.execute("SELECT count(*) FROM stories").fetchone()[0]


@pytest.mark.slow
def test_a_second_run_refuses_while_the_first_goes_on(local_server: LocalServer, tmp_path: Path):
    local_server.route("/feeds/rss.xml", Slow(4.0))  # keeps the first run busy
    env = environment(tmp_path, local_server)
    first = start_run(tmp_path, env)
    wait_until_locked(tmp_path / "work" / LOCK_NAME)

    second = subprocess.run(
        [sys.executable, "-c", PICKET, "run", "--force"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    first_output, _ = first.communicate(timeout=120)

    assert second.returncode == 1
    assert f"another picket run is in progress (process {first.pid}, started" in second.stderr
    assert "Traceback" not in second.stderr
    assert first.returncode == 0, first_output
    assert "new stories 3" in first_output
    assert stored_story_count(tmp_path / "picket.db") == 3


@pytest.mark.slow
def test_a_killed_run_leaves_no_lock_behind(local_server: LocalServer, tmp_path: Path):
    local_server.route("/feeds/rss.xml", Slow(30.0))
    env = environment(tmp_path, local_server)
    first = start_run(tmp_path, env)
    wait_until_locked(tmp_path / "work" / LOCK_NAME)
    os.killpg(first.pid, signal.SIGKILL)
    first.wait(timeout=30)
    del local_server.routes["/feeds/rss.xml"]

    second = subprocess.run(
        [sys.executable, "-c", PICKET, "run", "--force"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )

    assert second.returncode == 0, second.stderr
    assert stored_story_count(tmp_path / "picket.db") == 3


def test_a_run_waits_for_another_writer_to_finish(
    local_server: LocalServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = load_settings(
        db_path=tmp_path / "picket.db",
        work_dir=tmp_path / "work",
        watches_file=tmp_path / "no-watches.yaml",
        alerts_db=tmp_path / "alerts.db",
        allow_private_addresses=True,
        download_delay_s=0,
    )
    hold_s = 1.5
    waited: list[float] = []
    store_batch = pipeline.run.store_batch

    def store_while_another_writer_holds_the_file(*args, **kwargs):
        taken = threading.Event()

        def other_writer() -> None:
            with closing(sqlite3.connect(settings.db_path, isolation_level=None)) as db:
                db.execute("BEGIN IMMEDIATE")
                taken.set()
                time.sleep(hold_s)
                db.execute("COMMIT")

        writer = threading.Thread(target=other_writer)
        writer.start()
        taken.wait(timeout=10)
        started = time.monotonic()
        try:
            return store_batch(*args, **kwargs)
        finally:
            waited.append(time.monotonic() - started)
            writer.join()

    monkeypatch.setattr(pipeline.run, "store_batch", store_while_another_writer_holds_the_file)
    source = Source(id="fixture", kind="feed", urls=(local_server.url("/feeds/rss.xml"),))

    summary = run_once(settings, sources=[source], now=NOW)

    assert summary.new == 3
    assert waited and waited[0] >= hold_s * 0.9
    assert stored_story_count(settings.db_path) == 3


WRITER = """
import sys
from contextlib import closing
from pathlib import Path
sys.path.insert(0, sys.argv[3])
from synthetic_stories import make_stories
from pipeline.process import ProcessedBatch
from pipeline.run import store_batch
from pipeline.settings import load_settings
from pipeline.store.sqlite import SQLiteStore

stories = make_stories(400, seed=int(sys.argv[2]))[int(sys.argv[2]) * 100:]
settings = load_settings(db_path=Path(sys.argv[1]))
with closing(SQLiteStore(settings.db_path)) as store:
    for start in range(0, len(stories), 20):
        chunk = stories[start:start + 20]
        batch = ProcessedBatch(stories={s.id: s for s in chunk})
        store_batch(store, batch, (), settings=settings)
"""


def test_two_processes_writing_at_once_leave_the_store_intact(tmp_path: Path) -> None:
    from synthetic_stories import make_stories

    db_path = tmp_path / "picket.db"
    tests = str(Path(__file__).parent)
    writers = [
        subprocess.Popen([sys.executable, "-c", WRITER, str(db_path), str(seed), tests])
        for seed in (0, 1)
    ]
    assert [writer.wait(timeout=120) for writer in writers] == [0, 0]

    expected = {s.id for seed in (0, 1) for s in make_stories(400, seed=seed)[seed * 100 :]}
    with closing(sqlite3.connect(db_path)) as db:
        assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        rows = db.execute("SELECT id, record FROM stories").fetchall()
    assert {story_id for story_id, _ in rows} == expected
    assert all(json.loads(record)["id"] == story_id for story_id, record in rows)


OPENER = """
import sys, time
from pathlib import Path
from pipeline.alerts.ledger import Ledger
from pipeline.store.outbox import Outbox
from pipeline.store.sqlite import SQLiteStore

folder, start = Path(sys.argv[1]), float(sys.argv[2])
while time.time() < start:
    pass
for kind, name in ((SQLiteStore, "picket.db"), (Ledger, "alerts.db"), (Outbox, "outbox.db")):
    kind(folder / name).close()
"""


def test_processes_opening_new_databases_at_the_same_moment_all_open_them(tmp_path: Path) -> None:
    for round_ in range(6):
        folder = tmp_path / str(round_)
        folder.mkdir()
        start = time.time() + 1.5  # every process imported and waiting by then
        openers = [
            subprocess.Popen(
                [sys.executable, "-c", OPENER, str(folder), str(start)], stderr=subprocess.PIPE
            )
            for _ in range(4)
        ]
        failures = [o.communicate(timeout=60)[1].decode() for o in openers if o.wait()]
        assert not failures, failures[0]

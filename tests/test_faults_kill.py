"""``picket run`` killed at any moment loses nothing and doubles nothing once it runs again.

The demo news site is served on 127.0.0.1 and a real SMTP server takes the alert emails.
A first run polls one feed, so the demo watches exist before the rest of the site is
added; that state is the starting point of every case below. Each case starts
``picket run`` as a child process and kills it with SIGKILL (its whole process group,
crawler included, as a container stop or an out-of-memory kill would): after a delay, or
the moment its work shows from outside (the first story in the store, the first match in
the alert ledger, the first email in the mailbox). Then a run is let finish. (The moments
between the store's writes are too short to hit from outside; ``test_faults_crash.py``
stops a run at each of them.) The result is
compared with the same runs done without a kill:

- both SQLite files pass ``PRAGMA integrity_check`` right after the kill;
- the stored stories are exactly the same set, and no story points at a missing event;
- every story a watch matches is matched once and every event is announced once per
  watch; every email of the ledger reached the mailbox, and an email sent again after a
  kill is the very same message (same Message-ID, same bytes), never a second alert.
"""

from __future__ import annotations

import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from contextlib import closing
from dataclasses import dataclass
from email import message_from_bytes, policy
from pathlib import Path

import pytest
import yaml
from smtpserver import SmtpServer

from pipeline.demo.run import demo_sources
from pipeline.demo.server import DemoSite
from pipeline.source_records import Source

pytestmark = [pytest.mark.slow, pytest.mark.smtp]

WATCHES = Path(__file__).resolve().parents[1] / "pipeline" / "demo" / "watches.yaml"
RUN_TIMEOUT_S = 240
PICKET = "import sys; from pipeline.cli import main; sys.exit(main())"


@dataclass(frozen=True)
class Outcome:
    """What a folder's store, ledger and mailbox hold after its runs."""

    stories: frozenset[str]
    dangling_events: frozenset[str]
    matches: frozenset[tuple[str, str]]
    new_per_event: Counter[tuple[str, str]]
    unqueued_matches: int  # matches to be told that no email holds
    ledger_emails: dict[str, str]  # Message-ID -> state
    delivered: Counter[str]  # Message-ID -> times it reached the mailbox
    resent_identically: bool


class Installation:
    """One picket setup in a folder: its settings as PICKET_* variables, run as a child."""

    def __init__(self, folder: Path, smtp: SmtpServer) -> None:
        self.folder = folder
        self.smtp = smtp
        self.sources_file = folder / "sources.yaml"
        self.env = {k: v for k, v in os.environ.items() if not k.startswith("PICKET_")}
        self.env.update(
            PICKET_DB_PATH=str(folder / "picket.db"),
            PICKET_WORK_DIR=str(folder / "work"),
            PICKET_SOURCES_FILE=str(self.sources_file),
            PICKET_WATCHES_FILE=str(WATCHES),
            PICKET_ALERTS_DB=str(folder / "alerts.db"),
            PICKET_ALERTS_OUTBOX_DIR=str(folder / "mail"),
            PICKET_ALLOW_PRIVATE_ADDRESSES="true",
            PICKET_DOWNLOAD_DELAY_S="0",
            PICKET_SMTP_HOST=smtp.host,
            PICKET_SMTP_PORT=str(smtp.port),
            PICKET_SMTP_SECURITY="none",
            PICKET_SMTP_TIMEOUT_S="5",
            PICKET_LOG_LEVEL="WARNING",
        )
        self.runs = 0
        self.before: dict[str, int] = {}

    def publish(self, sources: Sequence[Source]) -> None:
        entries = [{"id": s.id, "kind": s.kind, "urls": list(s.urls)} for s in sources]
        self.sources_file.write_text(yaml.safe_dump({"sources": entries}), encoding="utf-8")

    def start(self) -> subprocess.Popen[bytes]:
        self.runs += 1
        with (self.folder / f"run-{self.runs}.log").open("wb") as log:
            return subprocess.Popen(
                [sys.executable, "-c", PICKET, "run", "--force"],
                cwd=self.folder,  # no stray .env is read
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # its own process group, crawler child included
            )

    def run(self) -> float:
        """One run to its end; its duration in seconds."""
        started = time.monotonic()
        process = self.start()
        assert process.wait(timeout=RUN_TIMEOUT_S) == 0, self.log()
        return time.monotonic() - started

    def run_and_kill(self, moment: Moment, duration_s: float) -> bool:
        """Kill a run when ``moment`` comes (progress is elapsed / ``duration_s``); False if
        the run ended first."""
        self.before = {table: self.count(table) for table in ("stories", "matches")}
        started = time.monotonic()
        process = self.start()
        while process.poll() is None:
            if moment(self, (time.monotonic() - started) / duration_s):
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=30)
                return True
            time.sleep(0.005)
        return False

    def log(self) -> str:
        return (self.folder / f"run-{self.runs}.log").read_text(encoding="utf-8", errors="replace")

    def count(self, table: str) -> int:
        """Rows in the store's stories or the ledger's matches, read without waiting."""
        path = self.folder / ("alerts.db" if table == "matches" else "picket.db")
        try:
            with closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=0.05)) as db:
                return db.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
        except sqlite3.Error:  # not created yet, or busy this very moment
            return 0

    def outcome(self) -> Outcome:
        with closing(sqlite3.connect(self.folder / "picket.db")) as db:
            stories = dict(db.execute("SELECT id, event_id FROM stories").fetchall())
            events = {row[0] for row in db.execute("SELECT id FROM events")}
        with closing(sqlite3.connect(self.folder / "alerts.db")) as db:
            matches = db.execute(
                "SELECT watch, story_id, event_key, kind, batch_id FROM matches"
            ).fetchall()
            emails = dict(db.execute("SELECT message_id, state FROM emails").fetchall())
        received: dict[str, set[bytes]] = {}
        delivered: Counter[str] = Counter()
        for mail in self.smtp.delivered:
            message_id = str(message_from_bytes(mail.raw, policy=policy.default)["Message-ID"])
            delivered[message_id] += 1
            received.setdefault(message_id, set()).add(mail.raw)
        return Outcome(
            stories=frozenset(stories),
            dangling_events=frozenset(e for e in stories.values() if e and e not in events),
            matches=frozenset((watch, story) for watch, story, *_ in matches),
            new_per_event=Counter((m[0], m[2]) for m in matches if m[3] == "new"),
            unqueued_matches=sum(m[4] is None and m[3] != "grouped" for m in matches),
            ledger_emails=emails,
            delivered=delivered,
            resent_identically=all(len(copies) == 1 for copies in received.values()),
        )


def integrity(path: Path) -> str:
    if not path.exists():
        return "ok"
    with closing(sqlite3.connect(path)) as db:
        return db.execute("PRAGMA integrity_check").fetchone()[0]


@dataclass(frozen=True)
class Start:
    """The state every case starts from, and what the uninterrupted run made of it."""

    folder: Path
    sources: tuple[Source, ...]
    expected: Outcome
    duration_s: float
    emails_before: frozenset[str]  # sent by the first run, to another mailbox


@pytest.fixture(scope="module")
def site() -> Iterator[DemoSite]:
    with DemoSite() as running:
        yield running


@pytest.fixture(scope="module")
def start(site: DemoSite, tmp_path_factory: pytest.TempPathFactory) -> Start:
    folder = tmp_path_factory.mktemp("start")
    sources = tuple(demo_sources(site.base_url))
    with SmtpServer() as smtp:
        first = Installation(folder, smtp)
        first.publish([s for s in sources if s.id == "demo-rss"])
        first.run()
        emails_before = frozenset(first.outcome().ledger_emails)
    reference_folder = tmp_path_factory.mktemp("reference") / "picket"
    shutil.copytree(folder, reference_folder)
    with SmtpServer() as smtp:
        reference = Installation(reference_folder, smtp)
        reference.publish(sources)
        duration = reference.run()
        expected = reference.outcome()
    assert len(expected.stories) > 40 and expected.matches and expected.ledger_emails
    return Start(folder, sources, expected, duration, emails_before)


Moment = Callable[[Installation, float], bool]
MOMENTS: dict[str, Moment] = {
    "early in a run": lambda _, progress: progress >= 0.15,
    "half way through a run": lambda _, progress: progress >= 0.45,
    "at the first stored story": lambda run, _: run.count("stories") > run.before["stories"],
    "at the first match": lambda run, _: run.count("matches") > run.before["matches"],
    "at the first email": lambda run, _: len(run.smtp.delivered) > 0,
}


@pytest.mark.parametrize("moment", list(MOMENTS))
def test_a_killed_run_loses_and_doubles_nothing(start: Start, moment: str, tmp_path: Path):
    folder = tmp_path / "picket"
    shutil.copytree(start.folder, folder)
    with SmtpServer() as smtp:
        installation = Installation(folder, smtp)
        installation.publish(start.sources)
        killed = installation.run_and_kill(MOMENTS[moment], start.duration_s)
        for name in ("picket.db", "alerts.db"):
            assert integrity(folder / name) == "ok", name
        installation.run()
        got = installation.outcome()
    expected = start.expected

    assert killed, "the run ended before the moment came; nothing was tested"
    assert got.stories == expected.stories
    assert got.dangling_events == frozenset()
    assert got.matches == expected.matches
    assert set(got.new_per_event.values()) == {1}  # each event announced once per watch
    assert got.unqueued_matches == 0
    assert set(got.ledger_emails.values()) == {"sent"}
    assert set(got.delivered) == set(got.ledger_emails) - start.emails_before
    assert got.resent_identically  # a resend is the same message, never a second alert

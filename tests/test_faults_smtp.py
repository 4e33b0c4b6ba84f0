"""A mail server that is slow, or drops the connection after DATA: alerts wait, then go once.

``test_alert_delivery.py`` covers a server that refuses connections and a run killed
between sending and recording. Here a real SMTP server on 127.0.0.1 (aiosmtpd) misbehaves
in the other ways a mail server does: it takes too long to answer EHLO, takes too long
to answer the message itself, or reads the whole message and hangs up without a reply.
Each time the run ends within the SMTP timeout, the emails stay pending with the error,
and once the server behaves, the next run sends each of them, and the run after sends
nothing. A message the slow server did keep arrives again only as the very same email.
"""

from __future__ import annotations

import asyncio
import socket
import threading
import time
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from email import message_from_bytes, policy
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller

from pipeline.alerts import run_alerts
from pipeline.alerts.ledger import Ledger
from pipeline.records import Relevance, Story, Tags
from pipeline.settings import Settings, load_settings
from pipeline.store.sqlite import SQLiteStore

pytestmark = pytest.mark.smtp

T0 = datetime(2024, 5, 1, 10, 0, tzinfo=UTC)
TIMEOUT_S = 1.0
SLOW_S = 3 * TIMEOUT_S
WATCHES = """
watches:
  - name: Walkouts
    query: 'walkout OR "walked out"'
    recipients: [alice@example.org, bob@example.org]
"""


class MisbehavingMailbox:
    """An aiosmtpd handler whose ``mode`` says how it answers: "ok", "slow greeting",
    "slow to accept" or "drops after DATA"."""

    def __init__(self) -> None:
        self.mode = "ok"
        self.kept: list[bytes] = []
        self.lock = threading.Lock()

    async def handle_EHLO(self, server, session, envelope, hostname, responses):
        if self.mode == "slow greeting":
            await asyncio.sleep(SLOW_S)
        session.host_name = hostname
        return responses

    async def handle_DATA(self, server, session, envelope) -> str:
        if self.mode == "drops after DATA":
            server.transport.close()  # the message is read, and no answer ever comes
            return "421 closing"
        if self.mode == "slow to accept":
            await asyncio.sleep(SLOW_S)  # the client gave up; the server keeps it anyway
        with self.lock:
            self.kept.append(envelope.original_content)
        return "250 Message accepted for delivery"

    def message_ids(self) -> Counter[str]:
        with self.lock:
            raws = list(self.kept)
        return Counter(
            str(message_from_bytes(raw, policy=policy.default)["Message-ID"]) for raw in raws
        )


@pytest.fixture
def mailbox() -> Iterator[tuple[MisbehavingMailbox, int]]:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    handler = MisbehavingMailbox()
    controller = Controller(handler, hostname="127.0.0.1", port=port, ready_timeout=10)
    controller.start()
    yield handler, port
    controller.stop()


def story(n: int, first_seen: datetime) -> Story:
    return Story(
        id=f"s{n}",
        url=f"https://news.example/story-{n}",
        canonical_url=f"https://news.example/story-{n}",
        source_id="example",
        title=f"Google workers walk out, report {n}",
        text="Hundreds of Google workers walked out to protest the contract.",
        outlet="News",
        domain="news.example",
        published=first_seen - timedelta(hours=1),
        first_seen=first_seen,
        relevance=Relevance(0.9, True, ("workers walked out",)),
        tags=Tags(companies=("Google",), actions=("protest",)),
        event_id=f"e{n}",
    )


def settings_for(tmp_path: Path, port: int) -> Settings:
    (tmp_path / "watches.yaml").write_text(WATCHES, encoding="utf-8")
    return load_settings(
        db_path=tmp_path / "picket.db",
        alerts_db=tmp_path / "alerts.db",
        watches_file=tmp_path / "watches.yaml",
        smtp_host="127.0.0.1",
        smtp_port=port,
        smtp_security="none",
        smtp_timeout_s=TIMEOUT_S,
    )


@pytest.mark.parametrize("mode", ["slow greeting", "slow to accept", "drops after DATA"])
def test_a_misbehaving_server_delays_alerts_and_never_doubles_them(
    mailbox: tuple[MisbehavingMailbox, int], tmp_path: Path, mode: str
) -> None:
    handler, port = mailbox
    settings = settings_for(tmp_path, port)
    with SQLiteStore(settings.db_path) as store:
        run_alerts(settings, store, now=T0)  # the watch exists from here on
        store.upsert_stories([story(1, T0 + timedelta(minutes=1))])
        handler.mode = mode
        started = time.monotonic()
        bad = run_alerts(settings, store, now=T0 + timedelta(minutes=2))
        elapsed = time.monotonic() - started
        with Ledger(settings.alerts_db) as ledger:
            waiting = ledger.pending()

        handler.mode = "ok"
        time.sleep(SLOW_S)  # whatever the slow server was still doing is done
        good = run_alerts(settings, store, now=T0 + timedelta(minutes=3))
        again = run_alerts(settings, store, now=T0 + timedelta(minutes=4))
        with Ledger(settings.alerts_db) as ledger:
            emails = ledger.emails(("pending", "sent", "failed"), limit=None)

    assert (bad.sent, bad.pending) == (0, 2)
    assert elapsed < 2 * (SLOW_S + TIMEOUT_S) + 10  # bounded by the timeout, not the server
    assert len(waiting) == 2
    assert "cannot send" in (waiting[0].last_error or "")  # the next ones wait their turn
    assert (good.sent, good.pending, again.sent) == (2, 0, 0)
    ledger_ids = {email.message_id for email in emails}
    received = handler.message_ids()
    assert set(received) == ledger_ids and len(ledger_ids) == 2
    if mode == "slow to accept":
        assert all(count <= 2 for count in received.values())  # kept once, then sent again
        copies: dict[str, set[bytes]] = {}
        for raw in handler.kept:
            message_id = str(message_from_bytes(raw, policy=policy.default)["Message-ID"])
            copies.setdefault(message_id, set()).add(raw)
        assert all(len(versions) == 1 for versions in copies.values())  # the same email
    else:
        assert set(received.values()) == {1}

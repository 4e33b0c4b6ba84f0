"""Alert delivery against a real SMTP server on 127.0.0.1: the right emails, once.

Stories are written straight into a SQLite store as records; watches come from a YAML
file; the SMTP server (aiosmtpd) is real and can be stopped, restarted, or made to refuse
a recipient; one test kills a real child process between sending and recording.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner
from smtpserver import SmtpServer

from pipeline.alerts import run_alerts
from pipeline.alerts.ledger import Ledger
from pipeline.alerts.service import AlertSummary
from pipeline.cli import main
from pipeline.records import Event, Relevance, Story, Tags
from pipeline.settings import Settings, load_settings, updated_settings
from pipeline.store.sqlite import SQLiteStore

pytestmark = pytest.mark.smtp

T0 = datetime(2024, 5, 1, 10, 0, tzinfo=UTC)


def make_story(n: int, *, first_seen: datetime, **changes) -> Story:
    fields = {
        "id": f"s{n}",
        "url": f"https://news{n % 3}.example/story-{n}",
        "canonical_url": f"https://news{n % 3}.example/story-{n}",
        "source_id": "example",
        "outlet": f"Outlet {n % 3}",
        "domain": f"news{n % 3}.example",
        "title": f"Google workers walk out, report {n}",
        "text": "Hundreds of Google workers walked out to protest the contract.",
        "published": first_seen - timedelta(hours=1),
        "first_seen": first_seen,
        "relevance": Relevance(0.9, True, (f"workers walked out ({n})",)),
        "tags": Tags(companies=("Google",), actions=("protest",)),
        "event_id": f"e{n}",
    }
    fields.update(changes)
    return Story(**fields)


class Harness:
    """A store, a watches file, a ledger and settings pointing at the test SMTP server."""

    def __init__(self, tmp_path: Path, smtp: SmtpServer) -> None:
        self.tmp_path = tmp_path
        self.smtp = smtp
        self.env = {
            "PICKET_DB_PATH": str(tmp_path / "picket.db"),
            "PICKET_ALERTS_DB": str(tmp_path / "alerts.db"),
            "PICKET_WATCHES_FILE": str(tmp_path / "watches.yaml"),
            "PICKET_ALERTS_OUTBOX_DIR": str(tmp_path / "mail"),
            "PICKET_SMTP_HOST": smtp.host,
            "PICKET_SMTP_PORT": str(smtp.port),
            "PICKET_SMTP_SECURITY": "none",
            "PICKET_SMTP_TIMEOUT_S": "5",
            "PICKET_MAIL_FROM": "picket <alerts@picket.example>",
        }
        self.settings: Settings = load_settings(
            **{key.removeprefix("PICKET_").lower(): value for key, value in self.env.items()}
        )
        self.store = SQLiteStore(self.settings.db_path)

    def watches(self, text: str) -> None:
        self.settings.watches_file.write_text(textwrap.dedent(text), encoding="utf-8")

    def add(self, *stories: Story, events: tuple[Event, ...] = ()) -> None:
        self.store.upsert_stories(stories)
        self.store.upsert_events(events)

    def run(self, now: datetime, **options) -> AlertSummary:
        return run_alerts(self.settings, self.store, now=now, **options)


@pytest.fixture
def harness(tmp_path, smtp_server):
    h = Harness(tmp_path, smtp_server)
    yield h
    h.store.close()


INSTANT = """
    watches:
      - name: Google walkouts
        query: 'companies:google AND (walkout OR "walked out")'
        recipients: [alice@example.org, bob@example.org]
      - name: Letters
        query: '"open letter"'
        recipients: [carol@example.org]
"""


def test_instant_alerts_arrive_with_the_right_stories_headers_and_parts(harness):
    harness.watches(INSTANT)
    assert harness.run(T0).sent == 0  # registers the watches
    harness.add(
        make_story(1, first_seen=T0 + timedelta(minutes=5)),
        make_story(
            2,
            first_seen=T0 + timedelta(minutes=5),
            title="Staff publish an open letter",
            text="An open letter from employees.",
            tags=Tags(companies=("Amazon",), actions=("open_letter",)),
        ),
        make_story(
            3,
            first_seen=T0 + timedelta(minutes=5),
            title="Cloud revenue grows",
            text="Nothing about workers.",
            relevance=Relevance(0.1, False),
        ),
    )
    summary = harness.run(T0 + timedelta(minutes=10))
    assert (summary.matched, summary.sent, summary.pending) == (2, 3, 0)

    delivered = harness.smtp.delivered
    assert sorted(r for d in delivered for r in d.recipients) == [
        "alice@example.org",
        "bob@example.org",
        "carol@example.org",
    ]
    alice = next(d for d in delivered if d.recipients == ("alice@example.org",))
    message = alice.message
    assert alice.sender == "alerts@picket.example"
    assert message["Subject"] == (
        "[picket] Google walkouts: 1 new story — Google workers walk out, report 1"
    )
    assert message["To"] == "alice@example.org"
    assert message["From"] == "picket <alerts@picket.example>"
    assert message["Date"] and message["Message-ID"].endswith("@picket.example>")
    assert "mailto:alerts@picket.example" in message["List-Unsubscribe"]
    plain = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    for part in (plain, html):
        assert "Google workers walk out, report 1" in part
        assert "https://news1.example/story-1" in part
        assert "open letter" not in part.lower() and "Cloud revenue" not in part
    assert len({d.message["Message-ID"] for d in delivered}) == 3

    assert harness.run(T0 + timedelta(minutes=20)).sent == 0
    assert len(harness.smtp.delivered) == 3


def test_markup_in_stories_arrives_escaped(harness):
    harness.watches(INSTANT)
    harness.run(T0)
    harness.add(
        make_story(
            1,
            first_seen=T0 + timedelta(minutes=1),
            title='Google <script>alert("walkout")</script> workers walk out',
            description="<b onclick=x()>bold</b> claim",
        )
    )
    harness.run(T0 + timedelta(minutes=2))
    html = harness.smtp.delivered[0].message.get_body(("html",)).get_content()
    assert "<script>" not in html and "<b onclick" not in html
    assert "&lt;script&gt;" in html and "&lt;b onclick=x()&gt;bold&lt;/b&gt; claim" in html
    plain = harness.smtp.delivered[0].message.get_body(("plain",)).get_content()
    assert '<script>alert("walkout")</script>' in plain  # plain text shows it as written


def test_digest_keeps_its_schedule_and_cap(harness):
    harness.watches(
        """
        watches:
          - name: Daily walkouts
            query: walkout OR "walked out"
            recipients: [desk@example.org]
            delivery: daily
            at: "08:00"
            timezone: Europe/Berlin
            max_stories: 2
        """
    )
    harness.run(T0)  # 2024-05-01 12:00 in Berlin
    harness.add(*(make_story(n, first_seen=T0 + timedelta(hours=1, minutes=n)) for n in range(5)))
    assert harness.run(T0 + timedelta(hours=2)).sent == 0
    before_slot = datetime(2024, 5, 2, 5, 59, tzinfo=UTC)  # 07:59 CEST
    assert harness.run(before_slot).sent == 0
    assert harness.run(before_slot + timedelta(minutes=1)).sent == 1
    (digest,) = harness.smtp.delivered
    assert digest.message["Subject"].startswith("[picket] Daily walkouts: 5 new stories — ")
    plain = digest.message.get_body(("plain",)).get_content()
    assert plain.count("Google workers walk out, report") == 2
    assert "and 3 more" in plain
    assert "daily at 08:00 Europe/Berlin" in plain

    assert harness.run(before_slot + timedelta(hours=3)).sent == 0
    harness.add(make_story(9, first_seen=before_slot + timedelta(hours=4)))
    assert harness.run(before_slot + timedelta(hours=5)).sent == 0
    assert harness.run(before_slot + timedelta(days=1, minutes=1)).sent == 1
    latest = harness.smtp.delivered[-1].message
    assert "1 new story — Google workers walk out, report 9" in latest["Subject"]


def test_smtp_refusing_connections_loses_nothing_and_doubles_nothing(harness):
    harness.watches(INSTANT)
    harness.run(T0)
    harness.add(make_story(1, first_seen=T0 + timedelta(minutes=1)))
    harness.smtp.stop()
    down = harness.run(T0 + timedelta(minutes=2))
    assert (down.sent, down.pending) == (0, 2)
    harness.add(make_story(2, first_seen=T0 + timedelta(minutes=3)))
    still_down = harness.run(T0 + timedelta(minutes=4))
    assert (still_down.sent, still_down.pending) == (0, 4)
    with Ledger(harness.settings.alerts_db) as ledger:
        assert ledger.counts() == {"pending": 4, "sent": 0, "failed": 0}
        assert [email.attempts for email in ledger.pending()] == [2, 2, 1, 1]
        assert all("cannot send" in email.last_error for email in ledger.pending())
    status = CliRunner().invoke(main, ["alerts", "status"], env=harness.env)
    rows = [line for line in status.output.splitlines() if line.lstrip().startswith("pending ")]
    assert len(rows) == 4 and all("cannot send through" in row for row in rows)

    harness.smtp.start()
    back = harness.run(T0 + timedelta(minutes=5))
    assert (back.sent, back.pending) == (4, 0)
    assert harness.run(T0 + timedelta(minutes=6)).sent == 0
    delivered = harness.smtp.delivered
    assert len(delivered) == 4
    assert len({d.message["Message-ID"] for d in delivered}) == 4
    subjects = sorted(
        d.message["Subject"] for d in delivered if d.recipients == ("bob@example.org",)
    )
    assert [s[-8:] for s in subjects] == ["report 1", "report 2"]


CHILD = """
import os, signal, sys
from datetime import datetime

from pipeline.alerts import run_alerts
from pipeline.alerts.mailer import SmtpMailer, smtp_config_from_settings
from pipeline.settings import load_settings
from pipeline.store.sqlite import SQLiteStore


class KilledAfterSending(SmtpMailer):
    def send(self, sender, recipient, message):
        super().send(sender, recipient, message)
        os.kill(os.getpid(), signal.SIGKILL)  # after the server took it, before the ledger knows


settings = load_settings()
mailer = KilledAfterSending(smtp_config_from_settings(settings))
now = datetime.fromisoformat(sys.argv[1])
run_alerts(settings, SQLiteStore(settings.db_path), now=now, mailer=mailer)
"""


def test_killed_between_sending_and_recording_repeats_the_same_message_only(harness):
    harness.watches(INSTANT)
    harness.run(T0)
    harness.add(make_story(1, first_seen=T0 + timedelta(minutes=1)))
    child = subprocess.run(
        [sys.executable, "-c", CHILD, (T0 + timedelta(minutes=2)).isoformat()],
        env={**os.environ, **harness.env},
        capture_output=True,
        timeout=120,
    )
    assert child.returncode == -9, child.stderr.decode()
    (first,) = harness.smtp.delivered

    recovered = harness.run(T0 + timedelta(minutes=3))
    assert recovered.sent == 2  # the interrupted email again, then the other recipient's
    assert harness.run(T0 + timedelta(minutes=4)).sent == 0
    delivered = harness.smtp.delivered
    assert len(delivered) == 3
    to_first = [d for d in delivered if d.recipients == first.recipients]
    assert len(to_first) == 2
    assert to_first[1].message["Message-ID"] == first.message["Message-ID"]
    assert to_first[1].raw == first.raw  # the very same email, not a second different one


def test_rerunning_an_interval_or_a_backfill_sends_nothing_new(harness):
    harness.watches(INSTANT)
    harness.run(T0)
    batch = [make_story(n, first_seen=T0 + timedelta(minutes=1)) for n in (1, 2)]
    harness.add(*batch)
    assert harness.run(T0 + timedelta(minutes=2)).sent == 2
    harness.add(*batch)  # the same crawl interval stored again
    assert harness.run(T0 + timedelta(minutes=3)).sent == 0
    backfill = [
        make_story(
            10 + n,
            first_seen=T0 + timedelta(minutes=4),
            published=datetime(2019, 11, 1, tzinfo=UTC),
        )
        for n in range(20)
    ]
    harness.add(*backfill)
    summary = harness.run(T0 + timedelta(minutes=5))
    assert (summary.stories, summary.matched, summary.sent) == (20, 0, 0)
    assert len(harness.smtp.delivered) == 2


def test_old_stories_are_alerted_when_the_watch_asks(harness):
    harness.watches(
        """
        watches:
          - name: History
            query: '"walked out"'
            recipients: [archive@example.org]
            include_old: true
        """
    )
    harness.run(T0)
    harness.add(
        make_story(
            1, first_seen=T0 + timedelta(minutes=1), published=datetime(2018, 11, 1, tzinfo=UTC)
        )
    )
    assert harness.run(T0 + timedelta(minutes=2)).sent == 1


def test_stories_older_than_the_watch_are_not_alerted(harness):
    harness.add(make_story(1, first_seen=T0))
    harness.watches(INSTANT)
    summary = harness.run(T0 + timedelta(hours=1))
    assert (summary.matched, summary.sent) == (0, 0)


def test_a_late_indexed_story_is_still_alerted(harness):
    harness.watches(INSTANT)
    harness.run(T0)
    harness.add(make_story(1, first_seen=T0 + timedelta(minutes=30)))
    harness.run(T0 + timedelta(minutes=31))
    # A crawl that started earlier stores its story only now, first seen before the last one.
    harness.add(make_story(2, first_seen=T0 + timedelta(minutes=10)))
    assert harness.run(T0 + timedelta(minutes=40)).sent == 2
    assert {d.message["Subject"][-8:] for d in harness.smtp.delivered} == {"report 1", "report 2"}


def test_duplicates_and_later_coverage_group_under_the_event(harness):
    harness.watches(
        """
        watches:
          - name: Quiet
            query: walkout OR "walked out"
            recipients: [quiet@example.org]
          - name: Followers
            query: walkout OR "walked out"
            recipients: [followers@example.org]
            more_coverage: true
        """
    )
    harness.run(T0)
    seen = T0 + timedelta(minutes=1)
    original = make_story(1, first_seen=seen, event_id="walkout")
    copy = make_story(2, first_seen=seen, event_id="walkout", duplicate_of="s1")
    event = Event(
        id="walkout",
        first_seen=seen,
        last_seen=seen,
        title=original.title,
        story_ids=("s1", "s2"),
        outlets=("Outlet 1", "Outlet 2"),
    )
    harness.add(original, copy, events=(event,))
    assert harness.run(seen + timedelta(minutes=1)).sent == 2
    for delivered in harness.smtp.delivered:
        plain = delivered.message.get_body(("plain",)).get_content()
        assert "1 new story" in delivered.message["Subject"]
        assert "2 outlets cover this" in plain

    later = make_story(3, first_seen=seen + timedelta(hours=2), event_id="walkout")
    harness.add(
        later,
        events=(
            replace(
                event, story_ids=("s1", "s2", "s3"), outlets=("Outlet 0", "Outlet 1", "Outlet 2")
            ),
        ),
    )
    assert harness.run(seen + timedelta(hours=3)).sent == 1
    follow_up = harness.smtp.delivered[-1]
    assert follow_up.recipients == ("followers@example.org",)
    assert "more coverage" in follow_up.message["Subject"]
    assert "3 outlets cover this" in follow_up.message.get_body(("plain",)).get_content()


def test_a_refused_recipient_fails_for_good_without_blocking_others(tmp_path):
    with SmtpServer(refused={"gone@example.org"}) as smtp:
        harness = Harness(tmp_path, smtp)
        harness.watches(
            """
            watches:
              - name: W
                query: '"walked out"'
                recipients: [gone@example.org, here@example.org]
            """
        )
        harness.run(T0)
        harness.add(make_story(1, first_seen=T0 + timedelta(minutes=1)))
        summary = harness.run(T0 + timedelta(minutes=2))
        assert (summary.sent, summary.failed, summary.pending) == (1, 1, 0)
        assert [d.recipients for d in smtp.delivered] == [("here@example.org",)]
        status = CliRunner().invoke(main, ["alerts", "status"], env=harness.env)
        assert "0 pending, 1 sent, 1 failed" in status.output
        assert "gone@example.org" in status.output and "550" in status.output
        assert "[picket] W: 1 new story" in status.output
        harness.store.close()


def test_starttls_and_login(tmp_path):
    tls = pytest.importorskip("cryptography", reason="needs cryptography to make a certificate")
    assert tls
    server_context, client_context = _self_signed_contexts(tmp_path)
    with SmtpServer(tls_context=server_context, users={"picket": "s3cret"}) as smtp:
        harness = Harness(tmp_path, smtp)
        harness.watches(INSTANT)
        harness.run(T0)
        harness.add(make_story(1, first_seen=T0 + timedelta(minutes=1)))
        from pipeline.alerts.mailer import SmtpConfig, SmtpMailer

        wrong = SmtpMailer(
            SmtpConfig(smtp.host, smtp.port, "starttls", "picket", "nope", 5, client_context)
        )
        assert harness.run(T0 + timedelta(minutes=2), mailer=wrong).pending == 2
        right = SmtpMailer(
            SmtpConfig(smtp.host, smtp.port, "starttls", "picket", "s3cret", 5, client_context)
        )
        assert harness.run(T0 + timedelta(minutes=3), mailer=right).sent == 2
        assert len(smtp.delivered) == 2
        harness.store.close()


def test_a_login_without_tls_is_warned_about_once_per_run(tmp_path, caplog):
    with SmtpServer(users={"picket": "s3cret"}, plain_login=True) as smtp:
        harness = Harness(tmp_path, smtp)
        settings = updated_settings(
            harness.settings, smtp_username="picket", smtp_password="s3cret"
        )
        harness.watches(INSTANT)
        run_alerts(settings, harness.store, now=T0)
        for minutes in (1, 2):
            harness.add(make_story(minutes, first_seen=T0 + timedelta(minutes=minutes)))
            caplog.clear()
            summary = run_alerts(settings, harness.store, now=T0 + timedelta(minutes=minutes))
            assert summary.sent == 2
            warnings = [
                r.getMessage()
                for r in caplog.records
                if r.levelname == "WARNING" and r.name.startswith("pipeline.")
            ]
            assert len(warnings) == 1, warnings
            assert "without TLS" in warnings[0] and "PICKET_SMTP_SECURITY=none" in warnings[0]
            assert "s3cret" not in caplog.text
        harness.store.close()


def test_without_smtp_the_emails_go_to_the_outbox_once(tmp_path, smtp_server):
    harness = Harness(tmp_path, smtp_server)
    settings = updated_settings(harness.settings, smtp_host=None)
    harness.watches(INSTANT)
    run_alerts(settings, harness.store, now=T0)
    harness.add(make_story(1, first_seen=T0 + timedelta(minutes=1)))
    summary = run_alerts(settings, harness.store, now=T0 + timedelta(minutes=2))
    files = sorted((tmp_path / "mail").glob("*.eml"))
    assert summary.sent == 2 and len(files) == 2
    assert b"Subject: [picket] Google walkouts" in files[0].read_bytes()
    run_alerts(settings, harness.store, now=T0 + timedelta(minutes=3))
    assert sorted((tmp_path / "mail").glob("*.eml")) == files
    assert smtp_server.delivered == []
    harness.store.close()


def test_a_second_concurrent_run_does_nothing(harness):
    harness.watches(INSTANT)
    harness.run(T0)
    harness.add(make_story(1, first_seen=T0 + timedelta(minutes=1)))
    with Ledger(harness.settings.alerts_db) as ledger, ledger.exclusive():
        assert harness.run(T0 + timedelta(minutes=2)).busy
    assert harness.run(T0 + timedelta(minutes=3)).sent == 2


def test_a_broken_watch_does_not_stop_the_others(harness):
    harness.watches(
        INSTANT
        + """
      - name: Broken
        query: 'walkout AND'
        recipients: [x@example.org]
    """
    )
    harness.run(T0)
    harness.add(make_story(1, first_seen=T0 + timedelta(minutes=1)))
    summary = harness.run(T0 + timedelta(minutes=2))
    assert (summary.problems, summary.sent) == (1, 2)


def _self_signed_contexts(tmp_path: Path):
    import ssl
    from ipaddress import IPv4Address

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = datetime.now(UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(days=1))
        .not_valid_after(now + timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(IPv4Address("127.0.0.1"))]), False
        )
        .sign(key, hashes.SHA256())
    )
    cert_file, key_file = tmp_path / "cert.pem", tmp_path / "key.pem"
    cert_file.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    server = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    server.load_cert_chain(cert_file, key_file)
    client = ssl.create_default_context(cafile=str(cert_file))
    return server, client


@pytest.mark.parametrize(
    ("kibana_url", "link"),
    [
        (None, "picket watches test 'Capped walkouts' --since 2024-05-01"),
        ("http://localhost:5601", "picket watches test 'Capped walkouts' --since 2024-05-01"),
        ("http://192.168.1.5:5601", "picket watches test 'Capped walkouts' --since 2024-05-01"),
        ("https://kibana.example.org", "https://kibana.example.org/app/discover#/?_g=(time:(from"),
    ],
)
def test_the_rest_of_a_capped_alert_is_reachable_from_where_the_reader_is(
    harness, kibana_url, link
):
    harness.settings = updated_settings(harness.settings, kibana_url=kibana_url)
    harness.watches(
        """
        watches:
          - name: Capped walkouts
            query: 'companies:google'
            recipients: [desk@example.org]
            max_stories: 1
        """
    )
    harness.run(T0)
    harness.add(*(make_story(n, first_seen=T0 + timedelta(minutes=n)) for n in range(1, 4)))
    harness.run(T0 + timedelta(minutes=10))
    (email,) = harness.smtp.delivered
    plain = email.message.get_body(("plain",)).get_content()
    assert "and 2 more" in plain and link in plain
    if kibana_url and "example.org" in kibana_url:
        assert "from:'2024-05-01T09:01:00Z'" in plain  # the oldest story's publication
        assert "picket watches test" not in plain

"""A story a person labels relevant reaches the watches' next alert run, once.

End to end through the command line, a SQLite store and a real SMTP server on 127.0.0.1:
``picket alerts run`` has already looked at a story when it was judged not relevant;
``picket label`` corrects it; the next run sends it; labelling it again sends nothing more.
"""

from __future__ import annotations

import textwrap
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner

from pipeline.alerts.ledger import Ledger
from pipeline.cli import main
from pipeline.records import Relevance, Story, Tags
from pipeline.store.sqlite import SQLiteStore

pytestmark = pytest.mark.smtp


def story(n: int, first_seen: datetime) -> Story:
    return Story(
        id=f"story{n}",
        url=f"https://news.example/story-{n}",
        canonical_url=f"https://news.example/story-{n}",
        source_id="example",
        outlet="Example News",
        title=f"Google staff walk out over a contract, report {n}",
        text="Google employees walked out of offices on Thursday.",
        published=first_seen,
        first_seen=first_seen,
        relevance=Relevance(0.3, False, ("Google employees",)),
        tags=Tags(companies=("Google",), actions=("protest",)),
        event_id=f"event{n}",
    )


@pytest.fixture
def env(tmp_path: Path, smtp_server) -> dict[str, str]:
    now = datetime.now(UTC).replace(microsecond=0)
    (tmp_path / "watches.yaml").write_text(
        textwrap.dedent(
            f"""
            watches:
              - name: Google
                query: 'companies:google'
                recipients: [alice@example.org]
                created: {(now - timedelta(days=2)).isoformat()}
            """
        ),
        encoding="utf-8",
    )
    with SQLiteStore(tmp_path / "picket.db") as store:
        store.upsert_stories(
            [
                story(1, now - timedelta(days=1)),  # seen after the watch was made
                story(2, now - timedelta(days=3)),  # seen before it
            ]
        )
    return {
        "PICKET_DB_PATH": str(tmp_path / "picket.db"),
        "PICKET_ALERTS_DB": str(tmp_path / "alerts.db"),
        "PICKET_WATCHES_FILE": str(tmp_path / "watches.yaml"),
        "PICKET_ALERTS_OUTBOX_DIR": str(tmp_path / "mail"),
        "PICKET_SMTP_HOST": smtp_server.host,
        "PICKET_SMTP_PORT": str(smtp_server.port),
        "PICKET_SMTP_SECURITY": "none",
        "PICKET_SMTP_TIMEOUT_S": "5",
        "PICKET_MAIL_FROM": "picket <alerts@picket.example>",
        "PICKET_LOG_LEVEL": "WARNING",
    }


def picket(env: dict[str, str], *args: str) -> str:
    result = CliRunner().invoke(main, list(args), env=env)
    assert result.exit_code == 0, result.output
    return result.output


def test_a_story_labelled_relevant_is_sent_once_by_the_next_alert_run(env, smtp_server):
    assert "emails: 0 sent" in picket(env, "alerts", "run")  # looked at, not relevant
    assert "emails: 0 sent" in picket(env, "alerts", "run")

    picket(env, "label", "story1", "--relevant")
    picket(env, "label", "story2", "--relevant")  # older than the watch: still not sent
    assert "emails: 1 sent" in picket(env, "alerts", "run")
    [delivered] = smtp_server.delivered
    assert delivered.recipients == ("alice@example.org",)
    assert "report 1" in delivered.message["Subject"]

    picket(env, "label", "story1", "--relevant")  # the same label again
    assert "emails: 0 sent" in picket(env, "alerts", "run")

    picket(env, "label", "story1", "--not-relevant")  # changed minds, already sent
    picket(env, "label", "story1", "--relevant")
    assert "emails: 0 sent" in picket(env, "alerts", "run")
    assert len(smtp_server.delivered) == 1

    with Ledger(Path(env["PICKET_ALERTS_DB"])) as ledger:
        assert ledger.rechecks() == []  # each run took what it re-checked off the queue


def test_the_recheck_queue_waits_for_a_run_with_watches(env, smtp_server, tmp_path):
    picket(env, "alerts", "run")
    picket(env, "label", "story1", "--relevant")
    with Ledger(Path(env["PICKET_ALERTS_DB"])) as ledger:
        assert ledger.rechecks() == ["story1"]
    Path(env["PICKET_WATCHES_FILE"]).write_text("watches: []\n", encoding="utf-8")
    picket(env, "alerts", "run")
    with Ledger(Path(env["PICKET_ALERTS_DB"])) as ledger:
        assert ledger.rechecks() == ["story1"]

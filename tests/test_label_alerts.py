"""A story a person labels relevant reaches the watches' next alert run, once.

End to end through the command line, a SQLite store and a real SMTP server on 127.0.0.1:
``picket alerts run`` has already looked at a story when it was judged not relevant;
``picket label`` corrects it; the next run sends it; labelling it again sends nothing more.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner
from test_alert_delivery import Harness, make_story

from pipeline.alerts.ledger import Ledger
from pipeline.cli import main
from pipeline.records import Relevance, Story

pytestmark = pytest.mark.smtp


def story(n: int, first_seen: datetime) -> Story:
    """A story of Google workers walking out that picket judged not relevant."""
    return make_story(
        n,
        first_seen=first_seen,
        published=first_seen,
        relevance=Relevance(0.3, False, ("Google workers",)),
    )


@pytest.fixture
def env(tmp_path: Path, smtp_server) -> Iterator[dict[str, str]]:
    now = datetime.now(UTC).replace(microsecond=0)
    harness = Harness(tmp_path, smtp_server)
    harness.watches(
        f"""
        watches:
          - name: Google
            query: 'companies:google'
            recipients: [alice@example.org]
            created: {(now - timedelta(days=2)).isoformat()}
        """
    )
    harness.add(
        story(1, now - timedelta(days=1)),  # seen after the watch was made
        story(2, now - timedelta(days=3)),  # seen before it
    )
    yield {**harness.env, "PICKET_LOG_LEVEL": "WARNING"}
    harness.store.close()


def picket(env: dict[str, str], *args: str) -> str:
    result = CliRunner().invoke(main, list(args), env=env)
    assert result.exit_code == 0, result.output
    return result.output


def test_a_story_labelled_relevant_is_sent_once_by_the_next_alert_run(env, smtp_server):
    assert "emails: 0 sent" in picket(env, "alerts", "run")  # looked at, not relevant
    assert "emails: 0 sent" in picket(env, "alerts", "run")

    picket(env, "label", "s1", "--relevant")
    picket(env, "label", "s2", "--relevant")  # older than the watch: still not sent
    assert "emails: 1 sent" in picket(env, "alerts", "run")
    [delivered] = smtp_server.delivered
    assert delivered.recipients == ("alice@example.org",)
    assert "report 1" in delivered.message["Subject"]

    picket(env, "label", "s1", "--relevant")  # the same label again
    assert "emails: 0 sent" in picket(env, "alerts", "run")

    picket(env, "label", "s1", "--not-relevant")  # changed minds, already sent
    picket(env, "label", "s1", "--relevant")
    assert "emails: 0 sent" in picket(env, "alerts", "run")
    assert len(smtp_server.delivered) == 1

    with Ledger(Path(env["PICKET_ALERTS_DB"])) as ledger:
        assert ledger.rechecks().story_ids == ()  # each run took what it re-checked off the queue


def test_the_recheck_queue_waits_for_a_run_with_watches(env, smtp_server, tmp_path):
    picket(env, "alerts", "run")
    picket(env, "label", "s1", "--relevant")
    with Ledger(Path(env["PICKET_ALERTS_DB"])) as ledger:
        assert ledger.rechecks().story_ids == ("s1",)
    Path(env["PICKET_WATCHES_FILE"]).write_text("watches: []\n", encoding="utf-8")
    picket(env, "alerts", "run")
    with Ledger(Path(env["PICKET_ALERTS_DB"])) as ledger:
        assert ledger.rechecks().story_ids == ("s1",)


def test_a_story_labelled_again_during_a_run_stays_queued_for_the_next(tmp_path):
    now = datetime(2024, 5, 1, 12, 0, tzinfo=UTC)
    with Ledger(tmp_path / "alerts.db") as ledger:
        ledger.queue_recheck(["s1", "s2"], now)
        read = ledger.rechecks()  # what a run matches
        assert read.story_ids == ("s1", "s2")
        ledger.queue_recheck(["s1"], now)  # labelled again meanwhile
        ledger.record_matches([], {}, since=now, registered={}, rechecked=read.upto)
        assert ledger.rechecks().story_ids == ("s1",)

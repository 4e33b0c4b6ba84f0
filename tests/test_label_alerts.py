"""A story a person labels relevant reaches the watches' next alert run, once; one labelled
not relevant before its email is built is left out of it.

End to end through the command line, a SQLite store and a real SMTP server on 127.0.0.1:
``picket alerts run`` has already looked at a story when it was judged not relevant;
``picket label`` corrects it; the next run sends it; labelling it again sends nothing more.
A match waiting for its digest (or for a run that stopped after matching) whose story is
then labelled not relevant is dropped from the email, with its reason in the ledger.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import closing
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner
from test_alert_delivery import T0, Harness, make_story

from pipeline.alerts.ledger import Ledger
from pipeline.alerts.service import match_new_stories
from pipeline.alerts.watches import configured_watches
from pipeline.cli import main
from pipeline.label_cli import record_correction
from pipeline.labels import make_correction
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


def matched_dropped(harness: Harness, watch: str) -> dict[str, str | None]:
    """Each of the watch's matches with the reason it was dropped (None: kept)."""
    with Ledger(harness.settings.alerts_db) as ledger:
        return {match.story_id: match.dropped for match in ledger.matches(watch)}


def label(harness: Harness, story_id: str, **correction) -> None:
    """What ``picket label`` does (here, so the test's log capture stays in place)."""
    labelled_at = datetime.now(UTC).replace(microsecond=0)
    made = make_correction(story_id, labelled_at=labelled_at, **correction)
    record_correction(harness.settings, harness.store, made)


DAILY = """
    watches:
      - name: Protest digest
        delivery: daily
        at: "08:00"
        filters:
          actions: [protest]
        query: walkout OR "walked out"
        recipients: [editor@example.org]
"""


def test_a_story_labelled_not_relevant_before_its_digest_is_left_out_of_it(
    tmp_path, smtp_server, caplog
):
    harness = Harness(tmp_path, smtp_server)
    harness.watches(DAILY)
    harness.run(T0)
    harness.add(*(make_story(n, first_seen=T0 + timedelta(hours=1)) for n in (1, 2, 3)))
    assert harness.run(T0 + timedelta(hours=2)).matched == 3  # the digest is due tomorrow

    label(harness, "s1", relevant=False)
    label(harness, "s2", relevant=True, actions=("strike",))  # not a protest
    digest_time = datetime(2024, 5, 2, 8, 0, tzinfo=UTC)
    with caplog.at_level("INFO", logger="pipeline.alerts.service"):
        assert harness.run(digest_time).sent == 1
    [digest] = smtp_server.delivered
    assert digest.message["Subject"].startswith("[picket] Protest digest: 1 new story — ")
    plain = digest.message.get_body(("plain",)).get_content()
    assert "report 3" in plain and "report 1" not in plain and "report 2" not in plain
    assert matched_dropped(harness, "Protest digest") == {
        "s1": "corrected as not relevant",
        "s2": "corrected, no longer matches the watch",
        "s3": None,
    }
    assert "2 matches dropped" in caplog.text and "corrected as not relevant" in caplog.text
    status = picket(harness.env, "alerts", "status")
    assert "watch 'Protest digest': 2 matches dropped after a correction" in status
    assert harness.run(datetime(2024, 5, 3, 8, 0, tzinfo=UTC)).sent == 0  # never sent later

    label(harness, "s1", relevant=True)  # minds changed again
    preview = picket(harness.env, "watches", "test", "Protest digest", "--since", "2024-05-01")
    assert "dropped" in preview and "left out of its email after a correction" in preview
    assert harness.run(datetime(2024, 5, 3, 9, 0, tzinfo=UTC)).sent == 0  # waits for 08:00
    assert matched_dropped(harness, "Protest digest")["s1"] is None
    assert harness.run(datetime(2024, 5, 4, 8, 0, tzinfo=UTC)).sent == 1
    assert "report 1" in smtp_server.delivered[-1].message.get_body(("plain",)).get_content()
    harness.store.close()


def walkouts_watched(tmp_path: Path, smtp_server) -> Harness:
    """A harness with one instant watch of walkouts, run once before any story."""
    harness = Harness(tmp_path, smtp_server)
    harness.watches(
        """
        watches:
          - name: Walkouts
            query: walkout OR "walked out"
            recipients: [alice@example.org]
        """
    )
    harness.run(T0)
    return harness


def test_an_instant_match_labelled_not_relevant_before_it_is_sent_gives_way_to_its_event(
    tmp_path, smtp_server
):
    harness = walkouts_watched(tmp_path, smtp_server)
    seen = T0 + timedelta(minutes=1)
    harness.add(
        make_story(1, first_seen=seen, event_id="walkout"),
        make_story(2, first_seen=seen, event_id="walkout", relevance=Relevance(0.8, True)),
    )
    watches = configured_watches(harness.settings).watches
    with Ledger(harness.settings.alerts_db) as ledger:  # a run that stopped after matching
        states = ledger.watch_states(["Walkouts"])
        match_new_stories(
            ledger, harness.store, watches, states, settings=harness.settings, now=seen
        )
    with Ledger(harness.settings.alerts_db) as ledger:
        assert {m.story_id: m.kind for m in ledger.matches("Walkouts")} == {
            "s1": "new",
            "s2": "grouped",
        }

    picket(harness.env, "label", "s1", "--not-relevant")
    assert harness.run(seen + timedelta(minutes=1)).sent == 1
    [alert] = smtp_server.delivered
    assert alert.message["Subject"].endswith("report 2")  # told in the place of report 1
    assert matched_dropped(harness, "Walkouts") == {"s1": "corrected as not relevant", "s2": None}
    assert harness.run(seen + timedelta(minutes=2)).sent == 0
    harness.store.close()


def test_a_ledger_from_before_dropped_matches_is_opened_and_kept(tmp_path):
    path = tmp_path / "alerts.db"
    with closing(sqlite3.connect(path)) as db:
        db.execute(
            "CREATE TABLE matches (watch TEXT NOT NULL, story_id TEXT NOT NULL, "
            "event_key TEXT NOT NULL, kind TEXT NOT NULL, first_seen TEXT NOT NULL, "
            "matched_at TEXT NOT NULL, batch_id INTEGER, PRIMARY KEY (watch, story_id))"
        )
        db.execute(
            "INSERT INTO matches VALUES ('W', 's1', 'event:e1', 'new', ?, ?, NULL)",
            (T0.isoformat(), T0.isoformat()),
        )
        db.commit()
    with Ledger(path) as ledger:
        [waiting] = ledger.waiting("W")
        assert (waiting.story_id, waiting.dropped) == ("s1", None)
        ledger.drop("W", {"s1": "corrected as not relevant"})
        assert ledger.waiting("W") == []
        assert ledger.dropped_counts() == {"W": {"corrected as not relevant": 1}}


def test_a_story_labelled_not_relevant_is_not_mailed_through_a_copy(tmp_path, smtp_server):
    """The reader said no to the article; a wire copy of it, stored as a copy, sends nothing
    either, and nor does a copy found later."""
    harness = walkouts_watched(tmp_path, smtp_server)
    seen = T0 + timedelta(minutes=1)
    harness.add(
        make_story(1, first_seen=seen, event_id="walkout"),
        make_story(2, first_seen=seen, event_id="walkout", duplicate_of="s1"),
    )
    label(harness, "s1", relevant=False)
    harness.add(make_story(3, first_seen=seen + timedelta(minutes=1), duplicate_of="s1"))
    assert harness.run(T0 + timedelta(minutes=5)).sent == 0
    assert smtp_server.delivered == []
    harness.store.close()

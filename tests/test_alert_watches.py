"""Watches: a wrong one is reported with file, name and reason, the others keep working;
``picket watches`` adds, removes, lists and tests them."""

from __future__ import annotations

import logging
from datetime import UTC, datetime, time, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner

from pipeline.alerts import run_alerts
from pipeline.alerts.watches import Watch, WatchesFileMissing, WatchSet, load_watches, parse_watch
from pipeline.cli import main
from pipeline.query import MAX_QUERY_TERMS, Or, Words
from pipeline.records import Relevance, Story, Tags
from pipeline.run import run_once
from pipeline.settings import load_settings
from pipeline.store.sqlite import SQLiteStore

GOOD = """
  - name: good
    query: 'companies:google AND walkout'
    recipients: [organizers@example.org]
"""


@pytest.mark.parametrize(
    ("entry", "reason"),
    [
        ("query: 'walkout AND'", "bad query"),
        ("query: 'employer:google'", "unknown field 'employer'"),
        (
            "query: strike\n    recipients: [not-an-address]",
            "'not-an-address' is not an email address",
        ),
        (
            "query: strike\n    delivery: daily\n    timezone: Mars/Olympus",
            "unknown time zone 'Mars/Olympus'",
        ),
        ("query: strike\n    delivery: monthly", "'delivery' must be one of"),
        ("query: strike\n    delivery: daily\n    at: '25:00'", "'at' must be a time of day"),
        ("query: strike\n    delivery: weekly\n    weekday: someday", "'weekday' must be one of"),
        ("query: strike\n    recipient: [a@example.org]", "unknown key(s) 'recipient'"),
        ("query: strike\n    filters: {company: [Google]}", "unknown filter(s) company"),
        ("query: strike\n    filters: {min_score: 2}", "'min_score' must be a number from 0 to 1"),
        ("query: strike\n    max_stories: 0", "'max_stories' must be a whole number"),
        ("recipients: [a@example.org]", "'query' is required"),
        ("query: strike", "'recipients' must list at least one email address, or the watch never"),
        ("query: strike\n    recipients: []", "'recipients' must list at least one email address"),
        (
            "query: strike\n    recipients: [nobody, also-nobody]",
            "'nobody' is not an email address",
        ),
    ],
)
def test_a_wrong_watch_is_reported_and_the_others_still_load(tmp_path, entry, reason):
    path = tmp_path / "watches.yaml"
    path.write_text(f"watches:\n  - name: broken\n    {entry}\n{GOOD}", encoding="utf-8")
    loaded = load_watches(path)
    assert [w.name for w in loaded.watches] == ["good"]
    (problem,) = loaded.problems
    assert problem.watch == "broken"
    assert reason in problem.reason
    assert str(problem).startswith(f"{path}: watch 'broken': ")


def test_duplicate_names_and_unnamed_entries_are_reported(tmp_path):
    path = tmp_path / "watches.yaml"
    path.write_text(f"watches:\n{GOOD}{GOOD}  - query: strike\n", encoding="utf-8")
    loaded = load_watches(path)
    assert [w.name for w in loaded.watches] == ["good"]
    assert [(p.watch, p.reason) for p in loaded.problems] == [
        ("good", "another watch has the same name"),
        ("#3", "'name' must be 1-80 letters, digits, spaces, '.', '_' or '-'"),
    ]


def test_a_broken_file_is_one_problem_and_a_missing_file_no_watches(tmp_path):
    path = tmp_path / "watches.yaml"
    path.write_text("watches: [\n", encoding="utf-8")
    loaded = load_watches(path)
    assert loaded.watches == ()
    assert "cannot be read" in str(loaded.problems[0])
    assert load_watches(tmp_path / "absent.yaml").watches == ()


def test_a_key_given_twice_makes_the_file_a_problem_naming_the_lines(tmp_path):
    path = tmp_path / "watches.yaml"
    path.write_text(
        "watches:\n  - name: w\n    query: strike\n    query: walkout\n", encoding="utf-8"
    )
    loaded = load_watches(path)
    assert loaded.watches == ()
    (problem,) = loaded.problems
    assert str(problem) == (
        f"{path}: file: cannot be read: not valid YAML: line 4, column 5: "
        "duplicate key 'query' (first given on line 3)"
    )


def test_a_watches_file_that_is_not_utf8_names_the_byte_offset(cli, tmp_path):
    path = tmp_path / "watches.yaml"
    path.write_bytes(b"watches:\n  - name: caf\xe9\n    query: strike\n")
    (problem,) = load_watches(path).problems
    assert "not UTF-8 text: byte 0xe9 at offset 22 (line 2)" in str(problem)
    adding = ("watches", "add", "w", "--query", "strike", "--recipient", "a@example.org")
    for args in (adding, ("watches", "remove", "w")):
        result = cli(*args)
        assert result.exit_code == 1
        assert f"{path}: not UTF-8 text: byte 0xe9 at offset 22 (line 2)" in result.output
    assert path.read_bytes().endswith(b"caf\xe9\n    query: strike\n")


def test_a_full_watch_reads_every_option():
    watch = parse_watch(
        {
            "name": "Letters weekly",
            "query": "actions:open_letter",
            "recipients": ["a@example.org", "b@example.org"],
            "delivery": "weekly",
            "weekday": "Friday",
            "at": 630,  # YAML 1.1 reads an unquoted 10:30 as 630
            "timezone": "Europe/Berlin",
            "max_stories": 5,
            "filters": {"companies": "Google", "min_score": 0.7, "relevant_only": False},
            "more_coverage": True,
            "include_old": True,
            "max_age_days": 30,
            "created": "2024-05-01",
        }
    )
    assert watch.schedule.every == "weekly"
    assert (watch.schedule.weekday, watch.schedule.at) == (4, time(10, 30))
    assert watch.filters.companies == ("Google",)
    assert watch.filters.min_score == 0.7 and not watch.filters.relevant_only
    assert watch.created == datetime(2024, 5, 1, tzinfo=UTC)


def test_the_shipped_watches_file_is_valid():
    shipped = load_watches(Path(__file__).parents[1] / "config" / "watches.yaml")
    assert shipped.problems == ()
    assert shipped.watches and not any(w.enabled for w in shipped.watches)
    assert all(r.endswith("@example.org") for w in shipped.watches for r in w.recipients)


def test_the_demo_watches_are_valid():
    from importlib import resources

    demo = resources.files("pipeline.demo").joinpath("watches.yaml")
    loaded = load_watches(Path(str(demo)))
    assert loaded.problems == () and len(loaded.watches) >= 2


# --- the command line -----------------------------------------------------------------

COMMENTED = """# My watches; this comment must survive edits.
watches:
  # Google first
  - name: google
    query: 'companies:google'
    recipients: [a@example.org]

  # then Amazon
  - name: amazon
    query: 'companies:amazon'   # inline comment
    recipients: [b@example.org]
"""


@pytest.fixture
def cli(tmp_path):
    env = {
        "PICKET_WATCHES_FILE": str(tmp_path / "watches.yaml"),
        "PICKET_DB_PATH": str(tmp_path / "picket.db"),
        "PICKET_ALERTS_DB": str(tmp_path / "alerts.db"),
    }
    runner = CliRunner()

    def invoke(*args: str):
        return runner.invoke(main, list(args), env=env, catch_exceptions=False)

    return invoke


def test_add_and_remove_keep_comments_and_other_watches(cli, tmp_path):
    path = tmp_path / "watches.yaml"
    path.write_text(COMMENTED, encoding="utf-8")
    result = cli(
        "watches",
        "add",
        "letters",
        "--query",
        '"open letter" OR petition',
        "--recipient",
        "c@example.org",
        "--delivery",
        "daily",
        "--at",
        "07:00",
        "--timezone",
        "Europe/Berlin",
        "--company",
        "Google",
    )
    assert result.exit_code == 0, result.output
    text = path.read_text(encoding="utf-8")
    assert "# My watches; this comment must survive edits." in text
    assert "# inline comment" in text
    loaded = load_watches(path)
    assert [w.name for w in loaded.watches] == ["google", "amazon", "letters"]
    letters = loaded.get("letters")
    assert letters.schedule.describe() == "daily at 07:00 Europe/Berlin"
    assert letters.filters.companies == ("Google",)
    assert letters.created is not None

    assert cli("watches", "remove", "google").exit_code == 0
    text = path.read_text(encoding="utf-8")
    assert "# then Amazon" in text and "# My watches" in text
    assert [w.name for w in load_watches(path).watches] == ["amazon", "letters"]
    assert cli("watches", "remove", "letters").exit_code == 0
    assert cli("watches", "remove", "amazon").exit_code == 0
    assert load_watches(path).watches == ()
    assert "# My watches" in path.read_text(encoding="utf-8")


def test_add_creates_the_file_and_refuses_bad_or_duplicate_watches(cli, tmp_path):
    assert cli("watches", "add", "w", "--query", "strike", "-r", "a@example.org").exit_code == 0
    assert [w.name for w in load_watches(tmp_path / "watches.yaml").watches] == ["w"]
    again = cli("watches", "add", "w", "--query", "strike", "-r", "a@example.org")
    assert again.exit_code != 0 and "already exists" in again.output
    bad = cli("watches", "add", "x", "--query", "strike AND", "--recipient", "a@example.org")
    assert bad.exit_code != 0 and "bad query" in bad.output
    zone = cli(
        "watches", "add", "y", "-q", "s", "-r", "a@b.org", "--delivery", "daily", "--timezone", "X"
    )
    assert zone.exit_code != 0 and "unknown time zone" in zone.output
    assert [w.name for w in load_watches(tmp_path / "watches.yaml").watches] == ["w"]
    assert "no watch is named" in cli("watches", "remove", "nope").output


def test_list_shows_watches_and_problems(cli, tmp_path):
    (tmp_path / "watches.yaml").write_text(
        COMMENTED + "  - name: broken\n    query: 'a AND'\n", encoding="utf-8"
    )
    result = cli("watches", "list")
    assert "google" in result.output and "amazon" in result.output
    assert "watch 'broken': bad query" in result.output


def _story(n: int, title: str, first_seen: datetime, company: str = "Google", **changes) -> Story:
    return Story(
        id=f"s{n}",
        url=f"https://news.example/{n}",
        canonical_url=f"https://news.example/{n}",
        source_id="example",
        title=title,
        text="Workers acted together.",
        first_seen=first_seen,
        relevance=Relevance(0.9, True),
        tags=Tags(companies=(company,)),
        **changes,
    )


def test_watch_test_shows_matches_without_sending(cli, tmp_path):
    (tmp_path / "watches.yaml").write_text(COMMENTED, encoding="utf-8")
    now = datetime.now(UTC).replace(microsecond=0)
    with SQLiteStore(tmp_path / "picket.db") as store:
        store.upsert_stories(
            [
                _story(0, "Googlers walk out", now, company="Google"),
                _story(1, "Amazon staff letter", now, company="Amazon"),
            ]
        )
    result = cli("watches", "test", "google", "--days", "3")
    assert "1 stories first seen in the last 3 days match 'google'" in result.output
    assert "Googlers walk out" in result.output and "Amazon staff" not in result.output
    assert not (tmp_path / "alerts.db").exists()
    assert cli("watches", "test", "nope").exit_code != 0


HUGE_QUERY = " OR ".join(f"word{n}" for n in range(10_000))


def test_add_refuses_a_query_beyond_the_limits_naming_them(cli, tmp_path):
    result = cli("watches", "add", "huge", "--query", HUGE_QUERY)
    assert result.exit_code != 0
    assert f"more than the {MAX_QUERY_TERMS} a watch query may have" in result.output
    assert len(result.output) < 400
    assert not (tmp_path / "watches.yaml").exists()


def test_a_huge_watch_in_the_file_is_reported_and_the_others_alert(cli, tmp_path):
    (tmp_path / "watches.yaml").write_text(
        f"watches:\n  - name: huge\n    query: '{HUGE_QUERY}'\n{GOOD}", encoding="utf-8"
    )
    listed = cli("watches", "list")
    assert "watch 'huge': bad query: the query has 10000 terms" in listed.output
    assert "good" in listed.output
    tested = cli("watches", "test", "huge")
    assert tested.exit_code != 0 and "10000 terms" in tested.output
    now = datetime.now(UTC).replace(microsecond=0)
    assert cli("alerts", "run").exit_code == 0  # registers the good watch
    with SQLiteStore(tmp_path / "picket.db") as store:
        store.upsert_stories([walkout_story(now)])
    result = cli("alerts", "run")
    assert result.exit_code == 0, result.output
    assert "1 watches (1 with problems)" in result.output and "1 matches" in result.output


def walkout_story(now: datetime) -> Story:
    return _story(1, "Google walkout began at noon", now)


def test_a_watch_that_cannot_be_evaluated_is_skipped_and_the_others_go_on(tmp_path, caplog):
    settings = load_settings(
        db_path=tmp_path / "picket.db",
        alerts_db=tmp_path / "alerts.db",
        alerts_outbox_dir=tmp_path / "mail",
    )
    good = parse_watch({"name": "good", "query": "walkout", "recipients": ["a@example.org"]})
    too_big = Watch(  # a query no check stopped: SQLite cannot evaluate it
        name="too big",
        query="...",
        ast=Or(tuple(Words(f"word{n}") for n in range(5_000))),
        recipients=("b@example.org",),
    )
    watches = WatchSet((too_big, good))
    now = datetime.now(UTC).replace(microsecond=0)
    with SQLiteStore(settings.db_path) as store:
        run_alerts(settings, store, now=now, watches=watches)
        store.upsert_stories([walkout_story(now)])
        summary = run_alerts(settings, store, now=now + timedelta(minutes=1), watches=watches)
    assert (summary.problems, summary.matched, summary.sent) == (1, 1, 1)
    assert "watch 'too big' skipped, the other watches go on" in caplog.text


def test_a_configured_watches_file_that_does_not_exist_is_an_error(cli, tmp_path):
    missing = tmp_path / "watches.yaml"
    for command in (("alerts", "run"), ("watches", "list"), ("watches", "test", "good")):
        result = cli(*command)
        assert result.exit_code == 1, command
        assert f"PICKET_WATCHES_FILE: {missing} does not exist" in result.output, command
        assert "Traceback" not in result.output
    settings = load_settings(
        watches_file=missing,
        alerts_db=tmp_path / "alerts.db",
        db_path=tmp_path / "picket.db",
        work_dir=tmp_path / "work",
    )
    with SQLiteStore(settings.db_path) as store, pytest.raises(WatchesFileMissing):
        run_alerts(settings, store, now=datetime.now(UTC))


def test_picket_run_logs_a_missing_configured_watches_file_and_goes_on(tmp_path, caplog):
    missing = tmp_path / "watches.yaml"
    settings = load_settings(
        watches_file=missing,
        alerts_db=tmp_path / "alerts.db",
        db_path=tmp_path / "picket.db",
        work_dir=tmp_path / "work",
    )
    with caplog.at_level(logging.ERROR):
        run_once(settings, sources=[])  # picket run goes on, and says why nothing alerts
    assert f"alerts not run: PICKET_WATCHES_FILE: {missing} does not exist" in caplog.text


def test_the_default_watches_file_may_be_absent_with_a_hint(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("PICKET_WATCHES_FILE", raising=False)
    env = {"PICKET_DB_PATH": str(tmp_path / "picket.db")}
    runner = CliRunner()
    for command in (("watches", "list"), ("alerts", "run")):
        result = runner.invoke(main, list(command), env=env, catch_exceptions=False)
        assert result.exit_code == 0, result.output
        assert "no watches file at config/watches.yaml: 'picket watches add' creates it" in (
            result.output
        )


def test_add_refuses_a_watch_without_recipients(cli, tmp_path):
    result = cli("watches", "add", "mute", "--query", "strike")
    assert result.exit_code != 0
    assert "watch 'mute' not added: 'recipients' must list at least one" in result.output
    assert not (tmp_path / "watches.yaml").exists()


def test_watch_test_marks_what_the_next_run_really_sends(cli, tmp_path):
    now = datetime.now(UTC).replace(microsecond=0)
    created = now - timedelta(hours=2)
    (tmp_path / "watches.yaml").write_text(
        "watches:\n  - name: google\n    query: 'companies:google'\n"
        f"    recipients: [a@example.org]\n    created: '{created.isoformat()}'\n",
        encoding="utf-8",
    )
    with SQLiteStore(tmp_path / "picket.db") as store:
        store.upsert_stories(
            [
                _story(1, "Before the watch", now - timedelta(hours=3)),
                _story(2, "Told already", now - timedelta(hours=1)),
            ]
        )
    assert "sent: [picket] google: 1 new story — Told already" in cli("alerts", "run").output
    with SQLiteStore(tmp_path / "picket.db") as store:
        store.upsert_stories(
            [
                _story(3, "Fresh walkout", now - timedelta(minutes=30)),
                _story(
                    4,
                    "Old news found late",
                    now - timedelta(minutes=20),
                    published=now - timedelta(days=40),
                ),
            ]
        )
    result = cli("watches", "test", "google", "--days", "3")
    assert "4 stories first seen in the last 3 days match 'google'; the next alert run sends 1" in (
        result.output
    )
    rows = {
        title: line.split()[0] + " " + line.split()[1]
        for line in result.output.splitlines()
        for title in ("Before the watch", "Told already", "Fresh walkout", "Old news found late")
        if title in line
    }
    assert rows == {
        "Before the watch": "before watch",
        "Told already": "already sent",
        "Fresh walkout": "will send",
        "Old news found late": "too old",
    }
    assert f"The watch started {created.astimezone(UTC):%Y-%m-%d %H:%M} UTC" in result.output
    assert "before watch: first seen before the watch existed" in result.output
    # the forecast holds: the next run sends exactly the story marked "will send"
    assert "sent: [picket] google: 1 new story — Fresh walkout" in cli("alerts", "run").output
    since = f"{now - timedelta(days=1):%Y-%m-%d}"  # a whole day back: "Told already" is in it
    assert "already sent" in cli("watches", "test", "google", "--since", since).output


def test_a_new_watch_explains_that_stored_stories_are_before_it(cli, tmp_path):
    (tmp_path / "watches.yaml").write_text(COMMENTED, encoding="utf-8")
    with SQLiteStore(tmp_path / "picket.db") as store:
        store.upsert_stories(
            [_story(1, "Googlers walk out", datetime.now(UTC) - timedelta(minutes=1))]
        )
    result = cli("watches", "test", "google")
    assert "the next alert run sends 0 of them" in result.output
    assert "before watch" in result.output
    assert not (tmp_path / "alerts.db").exists()


def test_an_alert_run_that_checks_nothing_says_why(cli, tmp_path):
    SQLiteStore(tmp_path / "picket.db").close()
    (tmp_path / "watches.yaml").write_text("watches: []\n", encoding="utf-8")
    nothing = cli("alerts", "run")
    assert "0 new stories checked" in nothing.output
    assert "No enabled watch in" in nothing.output and "picket watches add" in nothing.output
    (tmp_path / "watches.yaml").write_text(COMMENTED, encoding="utf-8")
    quiet = cli("alerts", "run").output
    assert "No story was checked: none was first seen since the last alert run." in quiet
    assert "Watches only see stories first seen after they were created" in quiet


def test_a_switched_off_watch_is_said_to_send_nothing():
    from pipeline.alerts.forecast import WATCH_OFF, WILL_SEND, forecast_matches
    from pipeline.alerts.ledger import WatchState
    from pipeline.settings import load_settings

    now = datetime(2024, 5, 2, 12, 0, tzinfo=UTC)
    entry = {"name": "w", "query": "companies:google", "recipients": ["a@example.org"]}
    fresh = [_story(1, "Googlers walk out", now - timedelta(hours=1))]
    state = WatchState(now - timedelta(days=1))
    for enabled, outlook in ((True, WILL_SEND), (False, WATCH_OFF)):
        watch = parse_watch({**entry, "enabled": enabled})
        (forecast,) = forecast_matches(
            watch, fresh, state=state, matches={}, seen=set(), settings=load_settings(), now=now
        )
        assert forecast.outlook == outlook

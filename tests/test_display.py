"""The CLI's tables: text exactly as stored (minus what a terminal would obey), unknown
dates said as such, and every source the store knows."""

from __future__ import annotations

from datetime import UTC, datetime

from synthetic_stories import one_story

from pipeline.display import events_table, sources_table, stories_table
from pipeline.records import Event, Tags
from pipeline.source_records import Source, SourceHealth


def test_titles_are_not_markup_and_lose_terminal_escapes(monkeypatch):
    monkeypatch.setenv("COLUMNS", "400")  # wide enough that no cell wraps
    story = one_story(
        "s1",
        datetime(2024, 1, 2, tzinfo=UTC),
        title="[bold red]Workers[/] strike \x1b[2J\x1b]0;owned\x07 at <b>Acme</b>",
        tags=Tags(companies=("[link=file:///etc/passwd]Acme[/link]",)),
    )
    table = stories_table([story])
    assert "[bold red]Workers[/]" in table
    assert "<b>Acme</b>" in table
    assert "[link=file:///etc/passwd]Acme[/link]" in table.replace("\n", "").replace(" ", "")
    assert "\x1b" not in table and "\x07" not in table
    assert "2024-01-02" in table


def test_a_story_without_a_date_says_so_instead_of_passing_for_new():
    table = stories_table([one_story("s1", None)])
    assert "date unknown" in table
    assert "2026-03-01" not in table


def test_an_event_whose_stories_carry_no_date_says_so():
    seen = datetime(2026, 3, 1, tzinfo=UTC)
    undated = Event(id="e1", first_seen=seen, last_seen=seen, title="Staff vote to unionise")
    started = datetime(2019, 5, 7, tzinfo=UTC)
    dated = Event(id="e2", first_seen=started, last_seen=seen, title="Staff walk out")
    table = events_table([undated, dated], undated={"e1"})
    lines = table.splitlines()
    assert "date unknown" in next(line for line in lines if "unionise" in line)
    walkout = next(line for line in lines if "walk out" in line)
    assert "2019-05-07" in walkout and "2026-03-01" in walkout


def test_sources_only_the_database_knows_are_listed_and_marked():
    configured = [Source(id="verge", kind="feed", urls=("https://verge.test/rss",))]
    health = {
        "verge": SourceHealth(source_id="verge", last_status="ok (200)", items_seen=3),
        "demo-rss": SourceHealth(
            source_id="demo-rss",
            last_success=datetime(2026, 3, 1, 9, 30, tzinfo=UTC),
            consecutive_failures=2,
            last_status="failed",
            next_due=datetime(2026, 3, 1, 11, 0, tzinfo=UTC),
        ),
    }
    lines = sources_table(configured, health).splitlines()
    verge = next(line for line in lines if "verge" in line)
    demo = next(line for line in lines if "demo-rss" in line)
    assert "not configured" not in verge and "yes" in verge
    assert "not configured" in demo
    assert "2026-03-01 09:30" in demo and "2026-03-01 11:00" in demo and " 2 " in demo

"""The CLI's tables show text exactly as stored, minus anything a terminal would obey."""

from __future__ import annotations

from datetime import UTC, datetime

from pipeline.display import stories_table
from pipeline.records import Story, Tags


def test_titles_are_not_markup_and_lose_terminal_escapes(monkeypatch):
    monkeypatch.setenv("COLUMNS", "400")  # wide enough that no cell wraps
    story = Story(
        id="s1",
        url="https://x.test/1",
        canonical_url="https://x.test/1",
        source_id="x",
        title="[bold red]Workers[/] strike \x1b[2J\x1b]0;owned\x07 at <b>Acme</b>",
        text="",
        outlet="X",
        published=datetime(2024, 1, 2, tzinfo=UTC),
        tags=Tags(companies=("[link=file:///etc/passwd]Acme[/link]",)),
    )
    table = stories_table([story])
    assert "[bold red]Workers[/]" in table
    assert "<b>Acme</b>" in table
    assert "[link=file:///etc/passwd]Acme[/link]" in table.replace("\n", "").replace(" ", "")
    assert "\x1b" not in table and "\x07" not in table
    assert "2024-01-02" in table

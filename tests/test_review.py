"""``picket review``: the least certain recent stories first, labelled with one key each.

The interactive session is driven through a real pseudo-terminal: ``picket review`` runs
as a child process whose terminal is the PTY; the test reads the screen, presses keys,
and then checks what the store kept.
"""

from __future__ import annotations

import os
import select
import stat
import subprocess
import sys
import time
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner

from pipeline.cli import main
from pipeline.labels import make_correction
from pipeline.records import Relevance, Story, Tags
from pipeline.review import review, review_queue
from pipeline.store.sqlite import SQLiteStore

SEEN = datetime(2024, 5, 1, 12, 0, tzinfo=UTC)


def story(name: str, score: float, hours_ago: int, **changes) -> Story:
    return Story(
        id=name,
        url=f"https://news.example/{name}",
        canonical_url=f"https://news.example/{name}",
        source_id="example",
        outlet="Example News",
        title=f"Headline {name}",
        text="Workers at Google signed a petition.",
        published=SEEN - timedelta(hours=hours_ago),
        first_seen=SEEN - timedelta(hours=hours_ago),
        relevance=Relevance(score, score >= 0.5, (f"evidence of {name}",)),
        tags=Tags(companies=("Google",)),
        **changes,
    )


STORIES = [
    story("sure-yes", 0.95, 1),
    story("unsure-new", 0.48, 2),
    story("unsure-old", 0.51, 30),
    story("fairly-unsure", 0.58, 3),
    story("sure-no", 0.02, 1),
    story("labelled", 0.5, 1),
    story("copy", 0.5, 1, duplicate_of="unsure-new"),
]
EXPECTED_ORDER = ["unsure-new", "unsure-old", "fairly-unsure", "sure-yes", "sure-no"]


def test_the_most_uncertain_come_first_then_the_newest():
    queue = review_queue(STORIES, labelled={"labelled"}, threshold=0.5, limit=10)
    assert [s.id for s in queue] == EXPECTED_ORDER
    assert [s.id for s in review_queue(STORIES, labelled=(), threshold=0.5, limit=2)] == [
        "labelled",
        "unsure-new",
    ]


def test_the_loop_prints_the_url_when_no_browser_opens_it():
    keys = iter("o?s")
    screen: list[str] = []
    summary = review(
        [STORIES[1]],
        read_key=lambda: next(keys),
        echo=screen.append,
        label=lambda story, relevant: pytest.fail("nothing is labelled"),
        open_url=lambda url: False,
    )
    assert "https://news.example/unsure-new" in screen
    assert "unknown key '?'" in screen
    assert summary.skipped == 1


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    with SQLiteStore(tmp_path / "picket.db") as store:
        store.upsert_stories(STORIES)
        store.save_correction(make_correction("labelled", relevant=True, labelled_at=SEEN))
    return {
        "PICKET_DB_PATH": str(tmp_path / "picket.db"),
        "PICKET_ALERTS_DB": str(tmp_path / "alerts.db"),
        "PICKET_LOG_LEVEL": "WARNING",
    }


def test_off_a_terminal_review_lists_the_stories_and_exits(env):
    result = CliRunner().invoke(main, ["review", "--limit", "3"], env=env)
    assert result.exit_code == 0, result.output
    headlines = [line for line in result.output.splitlines() if "Headline" in line]
    assert headlines == [
        "[1/3] Headline unsure-new",
        "[2/3] Headline unsure-old",
        "[3/3] Headline fairly-unsure",
    ]
    assert "score 0.48 (not relevant)   id unsure-new" in result.output
    assert "evidence: evidence of unsure-new" in result.output


class Terminal:
    """A child process on a pseudo-terminal: read its screen, type keys."""

    def __init__(self, args: list[str], env: dict[str, str]) -> None:
        self.master, slave = os.openpty()
        self.process = subprocess.Popen(
            args, stdin=slave, stdout=slave, stderr=slave, env=env, start_new_session=True
        )
        os.close(slave)
        self.screen = ""

    def expect(self, text: str, timeout_s: float = 60) -> None:
        """Read until ``text`` is on the screen (failing with the screen if it never is)."""
        deadline = time.monotonic() + timeout_s
        while text not in self.screen:
            left = deadline - time.monotonic()
            ready = select.select([self.master], [], [], max(left, 0))[0] if left > 0 else []
            chunk = b""
            if ready:
                try:
                    chunk = os.read(self.master, 4096)
                except OSError:  # the child closed the terminal
                    chunk = b""
            if not chunk:
                raise AssertionError(f"{text!r} never appeared; the screen:\n{self.screen}")
            self.screen += chunk.decode("utf-8", "replace")

    def press(self, key: str) -> None:
        os.write(self.master, key.encode())

    def close(self) -> int:
        code = self.process.wait(timeout=60)
        os.close(self.master)
        return code


def test_review_on_a_terminal_takes_one_key_per_story(env, tmp_path):
    opened = tmp_path / "opened.txt"
    browser = tmp_path / "browser.sh"
    browser.write_text(f'#!/bin/sh\necho "$1" > {opened}\n', encoding="utf-8")
    browser.chmod(browser.stat().st_mode | stat.S_IXUSR)
    child_env = {**os.environ, **env, "BROWSER": str(browser), "TERM": "dumb"}
    terminal = Terminal(
        [sys.executable, "-c", "from pipeline.cli import main; main()", "review"], child_env
    )
    try:
        terminal.expect("[1/5] Headline unsure-new")
        terminal.expect("score 0.48 (not relevant)")
        terminal.expect("evidence: evidence of unsure-new")
        terminal.expect("[q] quit")
        terminal.press("o")
        terminal.expect("opened https://news.example/unsure-new")
        terminal.press("y")
        terminal.expect("[2/5] Headline unsure-old")
        terminal.press("n")
        terminal.expect("[3/5] Headline fairly-unsure")
        terminal.press("s")
        terminal.expect("[4/5] Headline sure-yes")
        terminal.press("q")
        terminal.expect("labelled 1 relevant, 1 not relevant; skipped 1")
    finally:
        code = terminal.close()
    assert code == 0, terminal.screen
    assert opened.read_text(encoding="utf-8").strip() == "https://news.example/unsure-new"

    with SQLiteStore(Path(env["PICKET_DB_PATH"])) as store:
        verdicts = {c.story_id: c.relevant for c in store.corrections()}
        assert verdicts == {"labelled": True, "unsure-new": True, "unsure-old": False}
        assert store.get_story("unsure-new").relevance == replace(
            store.get_story("unsure-new").relevance, score=1.0, label=True
        )
        assert store.get_story("unsure-old").relevance.label is False
        assert store.get_story("fairly-unsure") == STORIES[3]  # skipped: unchanged

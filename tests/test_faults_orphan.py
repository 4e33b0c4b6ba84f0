"""A killed ``picket run`` leaves no crawler behind, and its crawler holds the run lock.

``picket run`` is started as a process of its own and, while its crawler child is
fetching a slow feed's articles, only the run itself is killed (SIGKILL, as an
out-of-memory kill would, or SIGTERM), not its process group. The crawler must end with
it, and stop fetching; while it lives, it holds the run lock's file, so no new run could
crawl beside it.
"""

from __future__ import annotations

import fcntl
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml
from httpserver import LocalServer, Slow, Text
from test_faults_busy import environment

pytestmark = [pytest.mark.slow, pytest.mark.timeout(180)]

PICKET = "import sys; from pipeline.cli import main; sys.exit(main())"
ARTICLES = 200
WAIT_S = 60
STORY = "<html><body><article><p>A slow story.</p></article></body></html>"


def wait_for(condition, what: str) -> None:
    deadline = time.monotonic() + WAIT_S
    while not condition():
        assert time.monotonic() < deadline, f"gave up waiting for {what}"
        time.sleep(0.05)


def children_of(pid: int) -> list[int]:
    try:
        text = Path(f"/proc/{pid}/task/{pid}/children").read_text()
    except OSError:
        return []
    return [int(child) for child in text.split()]


def alive(pid: int) -> bool:
    """Whether ``pid`` runs (a zombie waiting for its reaper has ended)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rpartition(")")[2].split()[0] != "Z"


def open_files(pid: int) -> set[str]:
    folder = Path(f"/proc/{pid}/fd")
    return {os.readlink(folder / fd) for fd in os.listdir(folder)}


@pytest.fixture
def slow_feed(local_server: LocalServer) -> str:
    """A feed of many articles that each take a while to come."""
    items = "".join(
        f"<item><title>Story {n}</title><link>{local_server.url(f'/slow/{n}.html')}</link></item>"
        for n in range(ARTICLES)
    )
    feed = f"<rss version='2.0'><channel><title>slow</title>{items}</channel></rss>"
    local_server.route("/slow.xml", Text(feed, "application/rss+xml"))
    for n in range(ARTICLES):
        local_server.route(f"/slow/{n}.html", Slow(0.3, then=Text(STORY)))
    return local_server.url("/slow.xml")


@pytest.mark.skipif(not Path("/proc/self/task").is_dir(), reason="reads /proc (Linux)")
@pytest.mark.parametrize("kill", [signal.SIGKILL, signal.SIGTERM], ids=["sigkill", "sigterm"])
def test_the_crawler_dies_with_a_killed_run_and_holds_its_lock_until_then(
    kill: signal.Signals, slow_feed: str, local_server: LocalServer, tmp_path: Path
) -> None:
    env = environment(tmp_path, local_server)
    feed = {"id": "slow", "kind": "feed", "url": slow_feed}
    (tmp_path / "sources.yaml").write_text(yaml.safe_dump({"sources": [feed]}), encoding="utf-8")
    with (tmp_path / "run.log").open("wb") as log:
        run = subprocess.Popen(
            [sys.executable, "-c", PICKET, "run", "--force"],
            cwd=tmp_path,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    crawler = None
    try:
        wait_for(lambda: len(local_server.requests) > 5, "the crawl to fetch articles")
        (crawler,) = children_of(run.pid)
        lock_file = str(tmp_path / "work" / "run.lock")
        assert lock_file in open_files(crawler)

        os.kill(run.pid, kill)
        run.wait(timeout=WAIT_S)
        wait_for(lambda: not alive(crawler), "the crawler to end with its run")
    finally:
        if run.poll() is None:
            os.killpg(run.pid, signal.SIGKILL)
            run.wait()
        if crawler is not None and alive(crawler):
            os.kill(crawler, signal.SIGKILL)

    fetched = len(local_server.requests)
    time.sleep(1.0)
    assert len(local_server.requests) == fetched  # nothing more was fetched
    with open(lock_file, "a") as lock:  # and a new run may start
        fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)

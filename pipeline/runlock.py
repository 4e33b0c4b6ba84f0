"""One ``picket run`` at a time per installation, held with a lock file in the work folder.

Two overlapping runs would crawl every site twice and could each store events built
without the other's stories. A second run started while one is going (cron every 15
minutes and a slow run, say) refuses at once with a message naming the run it met.
The lock is an ``flock`` on ``<work_dir>/run.lock``: the system drops it when the process
ends, however it ends, so a killed run never leaves a stale lock behind. The lock's file
descriptor is handed to the run's crawler process, which ends with the run: while
either lives, the lock is held.
"""

from __future__ import annotations

import fcntl
import os
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

from pipeline.store.base import StoreError

LOCK_NAME = "run.lock"


class RunInProgress(StoreError):
    """Another ``picket run`` holds this installation's run lock."""


@contextmanager
def run_lock(work_dir: Path) -> Iterator[int]:
    """Hold the installation's run lock, or raise ``RunInProgress`` if another run has it.

    Yields the lock's file descriptor, for child processes to inherit.
    """
    work_dir.mkdir(parents=True, exist_ok=True)
    path = work_dir / LOCK_NAME
    with open(path, "a+", encoding="utf-8") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError as exc:
            lock.seek(0)
            holder = lock.read().strip() or "a run whose details are unknown"
            raise RunInProgress(
                f"another picket run is in progress ({holder}); this one does nothing. "
                f"The lock is {path}"
            ) from exc
        lock.truncate(0)
        lock.write(f"process {os.getpid()}, started {datetime.now(UTC):%Y-%m-%d %H:%M:%S} UTC")
        lock.flush()
        try:
            yield lock.fileno()
        finally:
            lock.truncate(0)
            fcntl.flock(lock, fcntl.LOCK_UN)

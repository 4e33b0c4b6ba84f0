"""Tie the crawler child's life to its parent's: when ``picket run`` dies, so does its crawl.

The parent may be killed with SIGKILL (an out-of-memory kill, a container stop) or
SIGTERM, and then runs no cleanup of its own. Left alone, its crawler child would go on
fetching, outside the run lock that keeps two runs from crawling side by side. On Linux
the kernel sends the child SIGKILL when the parent dies (``PR_SET_PDEATHSIG``); on every
system a watchdog thread notices that the parent is gone and ends the child too.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import logging
import os
import signal
import sys
import threading
import time

logger = logging.getLogger(__name__)

PR_SET_PDEATHSIG = 1  # from <linux/prctl.h>
WATCHDOG_INTERVAL_S = 0.5


def die_with_parent(parent_pid: int) -> None:
    """End this process as soon as the process ``parent_pid`` (its parent) is gone."""
    if sys.platform.startswith("linux"):
        _ask_kernel_to_kill_on_parent_death()
    if os.getppid() != parent_pid:  # the parent died before we could ask
        _end()
    threading.Thread(target=_watch, args=(parent_pid,), name="parent-watchdog", daemon=True).start()


def _ask_kernel_to_kill_on_parent_death() -> None:
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
        failed = libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0) != 0
    except (OSError, AttributeError):
        failed = True
    if failed:
        logger.debug("prctl(PR_SET_PDEATHSIG) is unavailable; the watchdog alone ends the crawl")


def _watch(parent_pid: int) -> None:
    while os.getppid() == parent_pid:
        time.sleep(WATCHDOG_INTERVAL_S)
    _end()


def _end() -> None:
    os.kill(os.getpid(), signal.SIGKILL)

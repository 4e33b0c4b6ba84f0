"""The alert latency benchmark runs end to end: a new story in a feed becomes an email."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.slow
@pytest.mark.smtp
def test_the_benchmark_reports_a_latency():
    result = subprocess.run(
        [sys.executable, str(REPO_ROOT / "bench" / "alert_latency.py"), "--json"],
        capture_output=True,
        text=True,
        timeout=600,
        cwd=REPO_ROOT,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    lines = result.stdout.strip().splitlines()
    assert "alert emails 1 sent" in result.stdout  # only the new story, not the old corpus
    figures = json.loads(lines[-1])
    assert figures["latency_s"] > 0  # benchmarks report timing; they never assert it

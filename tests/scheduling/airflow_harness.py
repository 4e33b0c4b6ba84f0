"""How the Airflow tests run Airflow: a temporary home, its CLI, the scripts beside this file.

Airflow itself always runs in child processes with ``AIRFLOW_HOME`` in a temporary folder,
so its configuration and metadata database never touch the test process or the
developer's own Airflow.
"""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml

from pipeline.demo.run import demo_sources

REPO = Path(__file__).resolve().parents[2]
DAGS_FOLDER = REPO / "dags"
HERE = Path(__file__).resolve().parent
AIRFLOW_CLI = Path(sys.executable).with_name("airflow")
CRAWL_POOL_SLOTS = "4"


def require_airflow() -> None:
    if importlib.util.find_spec("airflow") is None or not AIRFLOW_CLI.exists():
        pytest.skip("Airflow is not installed (pip install -e '.[airflow]')")


def airflow_environment(home: Path) -> dict[str, str]:
    """This environment without the operator's Airflow and picket settings, home at ``home``."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("AIRFLOW", "PICKET_"))
    }
    env.update(
        AIRFLOW_HOME=str(home),
        AIRFLOW__CORE__DAGS_FOLDER=str(DAGS_FOLDER),
        AIRFLOW__CORE__LOAD_EXAMPLES="False",
        AIRFLOW__LOGGING__LOGGING_LEVEL="INFO",
        PYTHONPATH=os.pathsep.join(p for p in (str(REPO), os.environ.get("PYTHONPATH")) if p),
    )
    return env


def run_airflow(env: dict[str, str], *args: str, timeout: float = 300) -> str:
    """Run the ``airflow`` command; fail the test with its output when it fails."""
    done = subprocess.run(
        [str(AIRFLOW_CLI), *args], env=env, capture_output=True, text=True, timeout=timeout
    )
    if done.returncode != 0:
        pytest.fail(f"airflow {' '.join(args)} failed:\n{done.stdout[-3000:]}{done.stderr[-3000:]}")
    return done.stdout


def run_script(env: dict[str, str], script: str, *args: str, timeout: float = 600) -> dict:
    """Run a helper script beside this file and return the JSON object it printed last."""
    done = subprocess.run(
        [sys.executable, str(HERE / script), *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    lines = done.stdout.strip().splitlines()
    if done.returncode != 0 or not lines or not lines[-1].startswith("{"):
        pytest.fail(f"{script} failed:\n{done.stdout[-5000:]}\n{done.stderr[-5000:]}")
    return json.loads(lines[-1])


@dataclass
class PicketAirflow:
    """A migrated Airflow home with picket's DAGs, settings pointing at temporary files."""

    home: Path
    env: dict[str, str]
    settings_env: dict[str, str]

    def dag_test(
        self, dag_id: str, logical_date: str, conf: dict | None = None, **extra_env: str
    ) -> dict:
        """One ``dag.test()`` run: state, task states, unmapped results and seconds taken."""
        env = {**self.env, **self.settings_env, **extra_env}
        return run_script(env, "run_dag_test.py", dag_id, logical_date, json.dumps(conf or {}))


def write_demo_sources(path: Path, base_url: str) -> None:
    entries = [
        {"id": s.id, "kind": s.kind, "name": s.name, "urls": list(s.urls)}
        for s in demo_sources(base_url)
    ]
    path.write_text(yaml.safe_dump({"sources": entries}), encoding="utf-8")

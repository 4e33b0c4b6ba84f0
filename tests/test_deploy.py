"""The image and the stack's start-up scripts: who the containers run as, whether they can
write picket's data volume, and airflow-init refusing to start without a Fernet key.

No Docker engine runs here: the Dockerfile is read, and the scripts of ``deploy/`` are run
outside Docker, as the users the containers would be, on temporary folders.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

REPO = Path(__file__).resolve().parents[1]
DOCKERFILE = (REPO / "Dockerfile").read_text(encoding="utf-8")
DATA_DIRS = REPO / "deploy" / "picket-data-dirs.sh"
AIRFLOW_INIT = REPO / "deploy" / "airflow-init.sh"
FERNET_KEY = "8oEhgvQ9-ZzlY0Qb7G2U6lX3W0vR1nVbq5-kD1sP2Ck="


def instructions() -> list[tuple[str, str]]:
    """The Dockerfile as (instruction, arguments), continuation lines joined."""
    joined = re.sub(r"\\\n\s*", " ", DOCKERFILE)
    lines = [line.strip() for line in joined.splitlines()]
    return [
        (line.split(None, 1)[0].upper(), line.split(None, 1)[1])
        for line in lines
        if line and not line.startswith("#")
    ]


def test_the_image_runs_as_airflow_and_its_data_folder_is_group_0_writable():
    steps = instructions()
    users = [args for op, args in steps if op == "USER"]
    assert users[-1] == "airflow", "the image must not end running as root"
    (prepare,) = [args for op, args in steps if op == "RUN" and "/opt/picket/var" in args]
    assert "chown -R airflow:root /opt/picket" in prepare
    assert "chmod -R g+rwX /opt/picket" in prepare and "chmod g+s /opt/picket/var" in prepare
    root_at = steps.index(("USER", "root"))
    assert root_at < steps.index(("RUN", prepare)) < steps.index(("USER", "airflow"))


def test_every_container_writing_the_data_volume_runs_as_airflow_uid_in_group_0():
    compose = yaml.safe_load((REPO / "docker-compose.yml").read_text(encoding="utf-8"))
    for name, service in compose["services"].items():
        if any(str(v).startswith("picket-data:") for v in service.get("volumes", [])):
            assert service["user"] == "${AIRFLOW_UID:-50000}:0", name
    setup = " ".join(compose["services"]["picket-setup"]["command"])
    assert "/opt/picket/deploy/picket-data-dirs.sh &&" in setup
    assert compose["services"]["airflow-init"]["command"] == [
        "bash",
        "/opt/picket/deploy/airflow-init.sh",
    ]
    assert ("COPY", "--chown=airflow:root deploy /opt/picket/deploy") in instructions()


def test_the_image_installs_with_the_tested_constraints():
    steps = instructions()
    (install,) = [args for op, args in steps if op == "RUN" and "pip install" in args]
    assert "-c /opt/picket/src/constraints.txt" in install
    copied = [args for op, args in steps if op == "COPY" and "/opt/picket/src/" in args]
    assert any("constraints.txt" in args.split() for args in copied)
    (version,) = re.findall(r"^ARG AIRFLOW_VERSION=(\S+)$", DOCKERFILE, re.MULTILINE)
    pins = (REPO / "constraints.txt").read_text(encoding="utf-8")
    assert f"\napache-airflow=={version}\n" in pins, "the image's Airflow differs from the pin"


# --- deploy/picket-data-dirs.sh -------------------------------------------------------


@pytest.fixture
def shared_tmp() -> Iterator[Path]:
    """A temporary folder other users can enter (pytest's own is private to its user)."""
    folder = Path(tempfile.mkdtemp(prefix="picket-deploy-"))
    folder.chmod(0o755)
    yield folder
    shutil.rmtree(folder, ignore_errors=True)


def run_as(uid: int | None, gid: int, *command: str, env: dict[str, str] | None = None):
    prefix: list[str] = []
    if uid is not None:
        if os.geteuid() != 0 or shutil.which("setpriv") is None:
            pytest.skip("running as another user needs root and setpriv")
        prefix = ["setpriv", f"--reuid={uid}", f"--regid={gid}", "--clear-groups"]
    return subprocess.run(
        [*prefix, *command],
        capture_output=True,
        text=True,
        timeout=60,
        env={"PATH": os.environ["PATH"], **(env or {})},
    )


def test_the_data_folders_of_the_settings_are_created(shared_tmp):
    var = shared_tmp / "var"
    env = {
        "PICKET_DB_PATH": f"{var}/picket.db",
        "PICKET_OUTBOX_PATH": f"{var}/outbox.db",
        "PICKET_ALERTS_DB": f"{var}/alerts.db",
        "PICKET_WORK_DIR": f"{var}/work",
        "PICKET_ALERTS_OUTBOX_DIR": f"{var}/mail",
        "PICKET_BATCH_PATH": f"{var}/batches",
    }
    done = run_as(None, 0, "bash", str(DATA_DIRS), env=env)
    assert done.returncode == 0, done.stderr
    assert {p.name for p in var.iterdir()} == {"work", "mail", "batches"}
    assert "data folders ready" in done.stdout
    remote = run_as(None, 0, "bash", str(DATA_DIRS), env={**env, "PICKET_BATCH_PATH": "s3://b/x"})
    assert remote.returncode == 0 and not (Path.cwd() / "s3:").exists()


def test_any_airflow_uid_in_group_0_can_write_a_volume_made_as_the_image_makes_it(shared_tmp):
    var = shared_tmp / "var"
    var.mkdir()
    if os.geteuid() != 0:
        pytest.skip("making a folder of the image's airflow user (50000) needs root")
    os.chown(var, 50000, 0)
    var.chmod(0o2775)  # what the Dockerfile's chown airflow:root, g+rwX and g+s leave
    done = run_as(1000, 0, "bash", str(DATA_DIRS), str(var), str(var / "work"))
    assert done.returncode == 0, done.stderr
    assert (var / "work").stat().st_gid == 0


def test_a_data_folder_this_user_cannot_write_stops_with_what_to_do(shared_tmp):
    var = shared_tmp / "var"
    var.mkdir()
    var.chmod(0o755)  # owned by root, not group-writable: an old volume, say
    done = run_as(1000, 1000, "bash", str(DATA_DIRS), str(var / "work"))
    assert done.returncode == 1
    assert f"picket: cannot create the data folder {var}/work as user 1000" in done.stderr
    assert "AIRFLOW_UID" in done.stderr and "chown -R 1000:0" in done.stderr
    assert "Traceback" not in done.stderr
    done = run_as(1000, 1000, "bash", str(DATA_DIRS), str(var))
    assert done.returncode == 1
    assert f"picket: the data folder {var} is not writable by user 1000" in done.stderr
    assert "owner 0:0, mode 755" in done.stderr


# --- deploy/airflow-init.sh -----------------------------------------------------------


@pytest.fixture
def fake_airflow(tmp_path) -> Path:
    """An ``airflow`` command that records its arguments instead of migrating anything."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    stub = bin_dir / "airflow"
    stub.write_text(f'#!/bin/sh\necho "$@" >> "{tmp_path}/airflow-calls"\n', encoding="utf-8")
    stub.chmod(0o755)
    (bin_dir / "python").symlink_to(sys.executable)
    return tmp_path


def airflow_init(workdir: Path, **env: str) -> subprocess.CompletedProcess:
    base = {
        "PATH": f"{workdir / 'bin'}:{os.environ['PATH']}",
        "AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_PASSWORDS_FILE": str(workdir / "passwords.json"),
        "AIRFLOW_ADMIN_PASSWORD": 'se"cr\\et',
        "PICKET_CRAWL_POOL_SLOTS": "4",
    }
    return subprocess.run(
        ["bash", str(AIRFLOW_INIT)],
        capture_output=True,
        text=True,
        timeout=60,
        env=base | env,
    )


@pytest.mark.parametrize("key", ["", "not-a-fernet-key"])
def test_airflow_init_stops_before_anything_without_a_fernet_key(fake_airflow, key):
    done = airflow_init(fake_airflow, AIRFLOW__CORE__FERNET_KEY=key)
    assert done.returncode == 1
    assert "AIRFLOW_FERNET_KEY" in done.stderr and "Fernet.generate_key()" in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1
    assert not (fake_airflow / "airflow-calls").exists()
    assert not (fake_airflow / "passwords.json").exists()


def test_airflow_init_migrates_sets_the_password_and_the_pool(fake_airflow):
    done = airflow_init(fake_airflow, AIRFLOW__CORE__FERNET_KEY=FERNET_KEY)
    assert done.returncode == 0, done.stderr
    calls = (fake_airflow / "airflow-calls").read_text(encoding="utf-8").splitlines()
    assert calls == ["db migrate", "pools set picket_crawl 4 picket crawl tasks at once"]
    passwords = json.loads((fake_airflow / "passwords.json").read_text(encoding="utf-8"))
    assert passwords == {"admin": 'se"cr\\et'}

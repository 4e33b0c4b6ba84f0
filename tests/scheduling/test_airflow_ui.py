"""Airflow's web UI in a real browser: picket's DAGs are listed and a crawl run shows success.

Starts Airflow's api-server, scheduler and dag-processor on a fresh SQLite home with picket's
DAGs, lets the scheduler run picket_crawl against the demo site, then signs in with headless
Chromium and looks at the DAG list and the finished run. Screenshots go to ``test-artifacts/``.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import socket
import subprocess
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from airflow_harness import (
    AIRFLOW_CLI,
    CRAWL_POOL_SLOTS,
    REPO,
    airflow_environment,
    require_airflow,
    run_airflow,
)

pytestmark = [pytest.mark.airflow, pytest.mark.browser, pytest.mark.slow]

ARTIFACTS = REPO / "test-artifacts"
USER, PASSWORD = "admin", "picket-ui-test"
CHROMIUM_FLAGS = (
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--window-size=1440,1000",
)
RUN_TIMEOUT_S = 300


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def browser_binaries() -> tuple[str, str]:
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    driver = shutil.which("chromedriver")
    if not chromium or not driver:
        pytest.skip(
            "Chromium and chromedriver are not installed (apt-get install chromium chromium-driver)"
        )
    pytest.importorskip("selenium", reason="selenium is not installed (the dev extra has it)")
    return chromium, driver


@dataclass
class RunningAirflow:
    url: str
    env: dict[str, str]
    crawl_run_id: str


def stop(process: subprocess.Popen, grace_s: float = 30) -> None:
    """Stop a component and every process it started (its own process group), for sure."""
    group = process.pid
    with contextlib.suppress(ProcessLookupError):
        os.killpg(group, signal.SIGTERM)
    deadline = time.monotonic() + grace_s
    while time.monotonic() < deadline:
        process.poll()
        try:
            os.killpg(group, 0)
        except ProcessLookupError:
            return
        time.sleep(0.5)
    with contextlib.suppress(ProcessLookupError):
        os.killpg(group, signal.SIGKILL)
    process.wait()


def wait_until_up(url: str, timeout_s: float = 120) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=5):
                return
        except OSError:
            time.sleep(1)
    pytest.fail(f"Airflow's api-server did not answer at {url}")


def first_finished_run(env: dict[str, str]) -> tuple[str, str]:
    """The id and state of the first picket_crawl run the scheduler finishes."""
    deadline = time.monotonic() + RUN_TIMEOUT_S
    while time.monotonic() < deadline:
        listed = run_airflow(env, "dags", "list-runs", "picket_crawl", "-o", "json")
        runs = json.loads(listed.splitlines()[-1] or "[]")
        finished = [r for r in runs if r["state"] in ("success", "failed")]
        if finished:
            return finished[0]["run_id"], finished[0]["state"]
        time.sleep(3)
    return "", "timed out"


@pytest.fixture(scope="module")
def airflow_ui(
    tmp_path_factory: pytest.TempPathFactory, picket_airflow
) -> Iterator[RunningAirflow]:
    """Airflow's services on free ports, sharing picket's test settings and demo site."""
    require_airflow()
    root = tmp_path_factory.mktemp("airflow-ui")
    port = free_port()
    passwords = root / "passwords.json"
    passwords.write_text(json.dumps({USER: PASSWORD}), encoding="utf-8")
    env = {
        **airflow_environment(root / "home"),
        **picket_airflow.settings_env,
        "PICKET_DB_PATH": str(root / "picket.db"),
        "PICKET_BATCH_PATH": str(root / "batches"),
        "PICKET_ALERTS_DB": str(root / "alerts.db"),
        "AIRFLOW__API__HOST": "127.0.0.1",
        "AIRFLOW__API__PORT": str(port),
        "AIRFLOW__CORE__EXECUTION_API_SERVER_URL": f"http://127.0.0.1:{port}/execution/",
        "AIRFLOW__CORE__EXECUTOR": "LocalExecutor",
        "AIRFLOW__CORE__PARALLELISM": "4",
        "AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_USERS": f"{USER}:admin",
        "AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_PASSWORDS_FILE": str(passwords),
        "AIRFLOW__LOGGING__WORKER_LOG_SERVER_PORT": str(free_port()),
        "AIRFLOW__SCHEDULER__SCHEDULER_HEARTBEAT_SEC": "1",
        "PATH": f"{AIRFLOW_CLI.parent}{os.pathsep}{os.environ.get('PATH', '')}",
    }
    run_airflow(env, "db", "migrate")
    run_airflow(env, "pools", "set", "picket_crawl", CRAWL_POOL_SLOTS, "picket crawl tasks")
    run_airflow(env, "dags", "reserialize")
    logs = root / "logs"
    logs.mkdir()

    def start(component: str) -> subprocess.Popen:
        return subprocess.Popen(
            [str(AIRFLOW_CLI), component],
            env=env,
            stdout=(logs / f"{component}.log").open("wb"),
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    url = f"http://127.0.0.1:{port}"
    processes = [start("api-server")]
    try:
        # Tasks report to the api-server, so the scheduler starts once it answers.
        wait_until_up(f"{url}/api/v2/monitor/health")
        processes += [start("scheduler"), start("dag-processor")]
        # Unpaused, the scheduler runs picket_crawl for the latest interval at once.
        run_airflow(env, "dags", "unpause", "picket_crawl")
        run_id, state = first_finished_run(env)
        if state != "success":
            tails = "\n".join(
                f"--- {log.name}\n{log.read_text(errors='replace')[-3000:]}"
                for log in logs.iterdir()
            )
            pytest.fail(f"picket_crawl run {run_id} ended {state}\n{tails}")
        yield RunningAirflow(url=url, env=env, crawl_run_id=run_id)
    finally:
        for process in processes:
            stop(process)


@pytest.fixture
def browser(tmp_path: Path):
    chromium, driver_path = browser_binaries()
    from selenium import webdriver
    from selenium.webdriver.chrome.options import Options
    from selenium.webdriver.chrome.service import Service

    options = Options()
    options.binary_location = chromium
    for flag in (*CHROMIUM_FLAGS, f"--user-data-dir={tmp_path / 'chromium-profile'}"):
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(executable_path=driver_path), options=options)
    driver.set_page_load_timeout(60)
    try:
        yield driver
    finally:
        driver.quit()


def wait_for_text(driver, *texts: str, timeout: float = 60) -> str:
    """The page's visible text once it shows every one of ``texts``; fail with a screenshot."""
    from selenium.common.exceptions import StaleElementReferenceException
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    def shows_all(d) -> str | bool:
        body = d.find_element(By.TAG_NAME, "body").text
        return body if all(text in body for text in texts) else False

    # The UI re-renders as its data arrives, so an element read mid-render may go stale.
    waiting = WebDriverWait(
        driver, timeout, poll_frequency=0.5, ignored_exceptions=(StaleElementReferenceException,)
    )
    try:
        return waiting.until(shows_all)
    except Exception:
        driver.save_screenshot(str(ARTIFACTS / "airflow-ui-failure.png"))
        raise


def sign_in(driver, url: str) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as shown
    from selenium.webdriver.support.ui import WebDriverWait

    driver.get(f"{url}/")
    form = WebDriverWait(driver, 60)
    form.until(shown.element_to_be_clickable((By.NAME, "username"))).send_keys(USER)
    form.until(shown.element_to_be_clickable((By.NAME, "password"))).send_keys(PASSWORD)
    form.until(shown.element_to_be_clickable((By.CSS_SELECTOR, "button[type=submit]"))).click()
    wait_for_text(driver, "Dags")


def test_airflow_ui_lists_picket_dags_and_a_successful_crawl(airflow_ui, browser) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    sign_in(browser, airflow_ui.url)

    browser.get(f"{airflow_ui.url}/dags")
    page = wait_for_text(
        browser, "picket_crawl", "picket_alerts", "picket_maintenance", "picket_backfill"
    )
    browser.save_screenshot(str(ARTIFACTS / "airflow-dags.png"))
    assert "Import Errors" not in page

    browser.get(f"{airflow_ui.url}/dags/picket_crawl/runs/{airflow_ui.crawl_run_id}")
    # The task grid draws before the run's state and its task table arrive: wait for both.
    page = wait_for_text(
        browser, airflow_ui.crawl_run_id, "plan", "crawl", "process", "index", "4 Task Instances"
    )
    page = wait_for_text(browser, "Success")
    assert "failed" not in page.lower()
    browser.save_screenshot(str(ARTIFACTS / "airflow-picket-crawl-run.png"))

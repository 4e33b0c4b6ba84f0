"""Fixtures for the Airflow tests: a migrated Airflow home with picket's DAGs, the demo site."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from airflow_harness import (
    CRAWL_POOL_SLOTS,
    PicketAirflow,
    airflow_environment,
    require_airflow,
    run_airflow,
    write_demo_sources,
)

from pipeline.demo.server import DemoSite


@pytest.fixture(scope="session")
def demo_site() -> Iterator[DemoSite]:
    with DemoSite() as site:
        yield site


@pytest.fixture(scope="session")
def picket_airflow(tmp_path_factory: pytest.TempPathFactory, demo_site: DemoSite) -> PicketAirflow:
    """Airflow's database migrated, the crawl pool created, picket's DAGs serialized."""
    require_airflow()
    root = tmp_path_factory.mktemp("airflow")
    env = airflow_environment(root / "home")
    data = root / "picket"
    data.mkdir()
    write_demo_sources(data / "sources.yaml", demo_site.base_url)
    (data / "watches.yaml").write_text("watches: []\n", encoding="utf-8")
    settings_env = {
        "PICKET_DB_PATH": str(data / "picket.db"),
        "PICKET_WORK_DIR": str(data / "work"),
        "PICKET_BATCH_PATH": str(data / "batches"),
        "PICKET_SOURCES_FILE": str(data / "sources.yaml"),
        "PICKET_WATCHES_FILE": str(data / "watches.yaml"),
        "PICKET_ALERTS_DB": str(data / "alerts.db"),
        "PICKET_ALERTS_OUTBOX_DIR": str(data / "mail"),
        "PICKET_ALLOW_PRIVATE_ADDRESSES": "true",
        "PICKET_DOWNLOAD_DELAY_S": "0",
    }
    run_airflow(env, "db", "migrate")
    run_airflow(env, "pools", "set", "picket_crawl", CRAWL_POOL_SLOTS, "picket crawl tasks")
    run_airflow({**env, **settings_env}, "dags", "reserialize")
    return PicketAirflow(home=root / "home", env=env, settings_env=settings_env)

"""What the DAG files in ``dags/`` share: owner, retries with backoff, pool and the asset.

Only constants and the settings read once at parse time (environment variables, no
database, network or Airflow Variables); the work itself lives in ``pipeline.tasks``.
"""

from __future__ import annotations

from datetime import timedelta

import pendulum
from airflow.sdk import Asset

from pipeline.settings import load_settings

SETTINGS = load_settings()
"""``PICKET_*`` settings, for the schedules; tasks read their own at run time."""

STORIES = Asset("picket://stories")
"""Updated when a crawl has stored its stories; ``picket_alerts`` runs on it."""

CRAWL_POOL = "picket_crawl"
"""The pool that caps how many crawl tasks run at once over all DAG runs (created at setup)."""

START_DATE = pendulum.datetime(2025, 1, 1, tz="UTC")

DEFAULT_ARGS = {
    "owner": "picket",
    "retries": 3,
    "retry_delay": timedelta(minutes=1),
    "retry_exponential_backoff": 2.0,
    "max_retry_delay": timedelta(minutes=30),
    "execution_timeout": timedelta(hours=1),
}
"""Every task retries with exponential backoff: 1, 2, 4 minutes, at most 30."""

TAGS = ["picket"]

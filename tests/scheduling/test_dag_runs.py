"""``dag.test()`` runs of picket_crawl and picket_alerts, end to end on real local servers.

The crawl reads the demo news site on 127.0.0.1 into the SQLite store; the alerts go to a
real SMTP server on 127.0.0.1 through the ``smtp_default`` connection. Running the same
interval again must add nothing and send nothing.
"""

from __future__ import annotations

import json
import logging
from contextlib import closing
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from airflow_harness import PicketAirflow

from pipeline.store.sqlite import SQLiteStore

pytestmark = [pytest.mark.airflow, pytest.mark.slow]

log = logging.getLogger(__name__)

CRAWL_AT = datetime.now(UTC).replace(minute=0, second=0, microsecond=0)
"""The end of the crawl's data interval: a recent moment, so stories count as new."""


def stored(picket_airflow: PicketAirflow) -> SQLiteStore:
    return SQLiteStore(Path(picket_airflow.settings_env["PICKET_DB_PATH"]))


@pytest.fixture(scope="module")
def first_crawl(picket_airflow: PicketAirflow) -> dict:
    result = picket_airflow.dag_test("picket_crawl", CRAWL_AT.isoformat())
    log.info("one picket_crawl run over the demo corpus took %.1f s", result["seconds"])
    return result


def test_crawl_stores_the_demo_stories(
    first_crawl: dict, picket_airflow: PicketAirflow, record_property
) -> None:
    record_property("picket_crawl_seconds", first_crawl["seconds"])
    assert first_crawl["state"] == "success", first_crawl["tasks"]
    assert set(first_crawl["tasks"].values()) == {"success"}
    summary = first_crawl["results"]["index"]
    assert summary["sources_polled"] == 4
    assert summary["failed_sources"] == 0
    assert summary["new"] >= 30 and summary["relevant_new"] >= 10
    with closing(stored(picket_airflow)) as store:
        assert store.count() == summary["new"]
        assert set(store.source_health()) == {
            "demo-rss",
            "demo-atom",
            "demo-broken",
            "demo-sitemap",
        }
    interval = f"{CRAWL_AT - timedelta(minutes=15):%Y%m%dT%H%M%SZ}_{CRAWL_AT:%Y%m%dT%H%M%SZ}"
    folder = Path(picket_airflow.settings_env["PICKET_BATCH_PATH"]) / "crawl" / interval
    assert (folder / "processed.jsonl.gz").is_file()
    assert len(list(folder.glob("crawl-*.jsonl.gz"))) == len(first_crawl["results"]["plan"])


def test_crawling_the_same_interval_again_adds_nothing(
    first_crawl: dict, picket_airflow: PicketAirflow
) -> None:
    with closing(stored(picket_airflow)) as store:
        before = store.count()
    again = picket_airflow.dag_test("picket_crawl", CRAWL_AT.isoformat())
    assert again["state"] == "success", again["tasks"]
    assert again["results"]["index"]["new"] == 0
    assert again["results"]["index"]["updated"] == 0
    with closing(stored(picket_airflow)) as store:
        assert store.count() == before


@pytest.mark.smtp
def test_alerts_mail_matching_stories_once(
    first_crawl: dict, picket_airflow: PicketAirflow, smtp_server
) -> None:
    assert first_crawl["state"] == "success"
    Path(picket_airflow.settings_env["PICKET_WATCHES_FILE"]).write_text(
        json.dumps(
            {
                "watches": [
                    {
                        "name": "collective-action",
                        "query": "actions:strike OR actions:open_letter OR actions:petition",
                        "recipients": ["desk@example.org"],
                        "delivery": "instant",
                        "include_old": True,
                        "created": "2020-01-01",
                    }
                ]
            }
        ),
        encoding="utf-8",
    )
    smtp = json.dumps(
        {
            "conn_type": "smtp",
            "host": "127.0.0.1",
            "port": smtp_server.port,
            "extra": {"disable_ssl": True, "disable_tls": True, "from_email": "picket@example.org"},
        }
    )
    alerts_at = (CRAWL_AT + timedelta(minutes=5)).isoformat()

    first = picket_airflow.dag_test("picket_alerts", alerts_at, AIRFLOW_CONN_SMTP_DEFAULT=smtp)
    assert first["state"] == "success", first["tasks"]
    assert first["results"]["send"]["sent"] >= 1
    mails = smtp_server.wait_for(first["results"]["send"]["sent"])
    message = mails[0].message
    assert "collective-action" in message["Subject"]
    assert "desk@example.org" in message["To"]
    assert (
        message["From"].endswith("picket@example.org>") or "picket@example.org" in message["From"]
    )

    again = picket_airflow.dag_test("picket_alerts", alerts_at, AIRFLOW_CONN_SMTP_DEFAULT=smtp)
    assert again["state"] == "success", again["tasks"]
    assert again["results"]["send"]["sent"] == 0
    assert len(smtp_server.delivered) == len(mails)


def test_backfill_collects_older_stories_without_announcing_them(
    picket_airflow: PicketAirflow, tmp_path: Path
) -> None:
    db_path = tmp_path / "backfill.db"
    result = picket_airflow.dag_test(
        "picket_backfill",
        CRAWL_AT.isoformat(),
        conf={"since": "2000-01-01", "sources": ["demo-sitemap"], "sitemap_depth": 1},
        PICKET_DB_PATH=str(db_path),
    )
    assert result["state"] == "success", result["tasks"]
    assert result["results"]["plan"] == [["demo-sitemap"]]
    assert result["results"]["index"]["sources_polled"] == 1
    assert result["results"]["index"]["new"] >= 10
    assert result["tasks"]["announce"] == "skipped"
    with closing(SQLiteStore(db_path)) as store:
        assert store.count() == result["results"]["index"]["new"]
        assert {s.source_id for s in store.recent(limit=1000)} == {"demo-sitemap"}


def test_maintenance_reports_source_health(
    first_crawl: dict, picket_airflow: PicketAirflow
) -> None:
    result = picket_airflow.dag_test("picket_maintenance", CRAWL_AT.isoformat())
    assert result["state"] == "success", result["tasks"]
    report = result["results"]["source_health"]
    assert report == {"failing": [], "stale": [], "never_crawled": []}
    assert result["results"]["flush_outbox"] == {"flushed": 0, "pending": 0}
    assert result["results"]["housekeeping"]["batch_folders_removed"] == 0

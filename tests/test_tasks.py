"""The Airflow task bodies' own logic: batching, back-off, connections, batch files, pruning."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import SimpleNamespace

import pytest

from pipeline.batchfiles import read_batch, write_batch
from pipeline.crawl_records import CrawlOutcome, FeedEntry, FetchedPage
from pipeline.settings import load_settings
from pipeline.source_records import Source, SourceHealth
from pipeline.tasks import (
    backfill_range,
    backing_off,
    batch_by_host,
    batch_key,
    interval_folder,
    prune_batches,
    run_interval,
    search_settings,
    smtp_settings,
    sort_by_health,
)

NOW = datetime(2025, 6, 1, 12, 0, tzinfo=UTC)


def source(source_id: str, url: str) -> Source:
    return Source(id=source_id, kind="feed", urls=(url,))


def connection(**fields) -> SimpleNamespace:
    extra = fields.pop("extra", {})
    defaults = {"host": None, "port": None, "login": None, "password": None, "conn_type": ""}
    return SimpleNamespace(**{**defaults, **fields}, extra_dejson=extra)


def test_batches_keep_each_host_together_and_fill_up_to_the_size() -> None:
    sources = [
        source("a1", "https://a.example/feed"),
        source("b1", "https://b.example/rss"),
        source("a2", "https://a.example/other"),
        source("c1", "https://c.example/feed"),
        source("a3", "https://a.example/third"),
    ]
    batches = batch_by_host(sources, batch_size=4)
    assert batches == [["a1", "a2", "a3", "b1"], ["c1"]]
    assert batch_by_host(sources, batch_size=1) == [["a1", "a2", "a3"], ["b1"], ["c1"]]
    assert batch_by_host([], batch_size=5) == []


def test_batch_key_ignores_order() -> None:
    assert batch_key(["b", "a"]) == batch_key(["a", "b"]) != batch_key(["a"])


@pytest.mark.parametrize(
    ("health", "waits"),
    [
        (None, False),
        (SourceHealth("s", next_due=NOW + timedelta(minutes=5)), False),  # healthy: schedule rules
        (SourceHealth("s", consecutive_failures=2, next_due=NOW + timedelta(minutes=5)), True),
        (SourceHealth("s", consecutive_failures=2, next_due=NOW - timedelta(minutes=5)), False),
    ],
)
def test_only_failing_sources_wait_out_their_back_off(health, waits: bool) -> None:
    assert backing_off(health, NOW) is waits


def test_sources_are_sorted_by_health_problem() -> None:
    sources = [source(i, f"https://{i}.example/") for i in ("ok", "failing", "stale", "new")]
    health = {
        "ok": SourceHealth("ok", last_attempt=NOW, last_success=NOW),
        "failing": SourceHealth(
            "failing",
            last_attempt=NOW,
            last_success=NOW - timedelta(hours=1),
            consecutive_failures=3,
        ),
        "stale": SourceHealth("stale", last_attempt=NOW, last_success=NOW - timedelta(days=3)),
    }
    report = sort_by_health(sources, health, now=NOW, stale_after=timedelta(days=2))
    assert report == {"failing": ["failing"], "stale": ["stale"], "never_crawled": ["new"]}


def test_smtp_default_connection_becomes_smtp_settings() -> None:
    plain = connection(
        host="mailpit", port=1025, extra={"disable_ssl": True, "disable_tls": "true"}
    )
    assert smtp_settings(plain) == {
        "smtp_host": "mailpit",
        "smtp_port": 1025,
        "smtp_security": "none",
    }
    starttls = connection(
        host="smtp.example.org",
        port=587,
        login="me",
        password="secret",
        extra={"disable_ssl": True, "from_email": "alerts@example.org"},
    )
    assert smtp_settings(starttls)["smtp_security"] == "starttls"
    assert smtp_settings(starttls)["mail_from"] == "alerts@example.org"
    assert smtp_settings(connection(host="smtp.example.org"))["smtp_security"] == "tls"
    assert load_settings(**smtp_settings(starttls)).smtp_password.get_secret_value() == "secret"


def test_a_connection_s_security_and_timeout_extras_reach_the_mailer() -> None:
    from pipeline.alerts.mailer import smtp_config_from_settings

    starttls = connection(
        host="smtp.example.org",
        port=587,
        login="picket",
        password="s3cret",
        extra={"disable_ssl": True, "from_email": "picket <alerts@example.org>", "timeout": 10},
    )
    config = smtp_config_from_settings(load_settings(**smtp_settings(starttls)))
    assert (config.host, config.effective_port, config.security) == (
        "smtp.example.org",
        587,
        "starttls",
    )
    assert (config.username, config.password, config.timeout_s) == ("picket", "s3cret", 10.0)
    assert "s3cret" not in repr(config)
    implicit = smtp_config_from_settings(load_settings(**smtp_settings(connection(host="mail"))))
    assert (implicit.security, implicit.effective_port, implicit.username) == ("tls", 465, None)
    plain = connection(host="relay", port=25, login="", extra={"security": "none"})
    assert smtp_config_from_settings(load_settings(**smtp_settings(plain))).security == "none"


def test_picket_search_connection_becomes_search_settings() -> None:
    conn = connection(
        conn_type="elasticsearch",
        host="search",
        port=9200,
        login="elastic",
        password="pw",
        extra={"scheme": "https", "verify_certs": "false"},
    )
    settings = load_settings(**search_settings(conn))
    assert settings.store == "elasticsearch"
    assert settings.search_url == "https://search:9200"
    assert settings.search_username == "elastic"
    assert settings.search_verify_certs is False


def test_run_interval_falls_back_to_the_trigger_moment() -> None:
    start = NOW - timedelta(minutes=15)
    assert run_interval(start, NOW, NOW + timedelta(minutes=1)) == (start, NOW)
    assert run_interval(None, None, NOW) == (NOW, NOW)


def test_backfill_range_reads_dates_and_refuses_an_empty_range() -> None:
    since, until = backfill_range({"since": "2024-01-01", "until": None}, default_until=NOW)
    assert (since, until) == (datetime(2024, 1, 1, tzinfo=UTC), NOW)
    with pytest.raises(ValueError, match="empty"):
        backfill_range({"since": "2024-02-01", "until": "2024-01-01"}, default_until=NOW)


def test_batch_files_round_trip_typed_records(tmp_path: Path) -> None:
    page = FetchedPage(
        source_id="s",
        url="https://a.example/x",
        final_url="https://a.example/x",
        status=200,
        fetched_at=NOW,
        body=b"<html>\xe2\x9c\x8a</html>",
        entry=FeedEntry(link="https://a.example/x", title="Walkout", published=NOW),
    )
    outcome = CrawlOutcome(source_id="s", status="ok", attempted_at=NOW, items_seen=1)
    path = tmp_path / "run" / "crawl-1.jsonl.gz"
    assert write_batch(path, [("page", page), ("outcome", outcome), ("counts", {"pages": 1})]) == 3
    assert list(read_batch(path)) == [
        ("page", page),
        ("outcome", outcome),
        ("counts", {"pages": 1}),
    ]
    write_batch(path, [("outcome", outcome)])  # a re-run replaces its own batch
    assert list(read_batch(path)) == [("outcome", outcome)]


@pytest.fixture
def airflow_storage(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Airflow's object-storage paths in this process, with logging left as it was."""
    monkeypatch.setenv("AIRFLOW_HOME", str(tmp_path / "airflow-home"))
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    yield
    root.handlers[:] = handlers
    root.setLevel(level)


@pytest.mark.airflow
@pytest.mark.usefixtures("airflow_storage")
def test_old_batch_folders_are_pruned(tmp_path: Path) -> None:
    settings = load_settings(batch_path=str(tmp_path / "batches"))
    old = interval_folder(
        settings, "crawl", NOW - timedelta(days=9, minutes=15), NOW - timedelta(days=9)
    )
    recent = interval_folder(settings, "crawl", NOW - timedelta(minutes=15), NOW)
    for folder in (old, recent):
        path = Path(folder.removeprefix("file://"))
        path.mkdir(parents=True)
        (path / "processed.jsonl.gz").write_text(json.dumps({}))
    assert prune_batches(settings, now=NOW, keep=timedelta(days=7)) == 1
    remaining = sorted(p.name for p in (tmp_path / "batches" / "crawl").iterdir())
    assert remaining == [recent.rsplit("/", 1)[1]]

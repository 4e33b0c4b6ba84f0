"""``PICKET_STORE=opensearch``: the command line end to end against the real node."""

from __future__ import annotations

import json
import socket

import pytest
import yaml
from click.testing import CliRunner
from engine_testing import unique_prefix

from pipeline.cli import main
from pipeline.demo.server import DemoSite

pytestmark = pytest.mark.opensearch


@pytest.fixture
def env(tmp_path, opensearch_node):
    with DemoSite() as site:
        sources = {
            "sources": [
                {"id": "demo-rss", "kind": "feed", "url": f"{site.base_url}/feeds/rss.xml"},
                {"id": "demo-atom", "kind": "feed", "url": f"{site.base_url}/feeds/atom.xml"},
            ]
        }
        (tmp_path / "sources.yaml").write_text(yaml.safe_dump(sources))
        (tmp_path / "watches.yaml").write_text("watches: []\n")
        yield {
            "PICKET_STORE": "opensearch",
            "PICKET_SEARCH_URL": opensearch_node.url,
            "PICKET_INDEX_PREFIX": unique_prefix(),
            "PICKET_OUTBOX_PATH": str(tmp_path / "outbox.db"),
            "PICKET_SOURCES_FILE": str(tmp_path / "sources.yaml"),
            "PICKET_WATCHES_FILE": str(tmp_path / "watches.yaml"),
            "PICKET_WORK_DIR": str(tmp_path / "work"),
            "PICKET_ALERTS_DB": str(tmp_path / "alerts.db"),
            "PICKET_ALERTS_OUTBOX_DIR": str(tmp_path / "mail"),
            "PICKET_ALLOW_PRIVATE_ADDRESSES": "true",
            "PICKET_DOWNLOAD_DELAY_S": "0",
            "PICKET_RETRIES": "0",
        }


def invoke(env, *args):
    result = CliRunner().invoke(main, list(args), env=env, catch_exceptions=False)
    return result.exit_code, result.output


def test_index_setup_run_search_stats_migrate(env):
    code, output = invoke(env, "index", "setup")
    assert code == 0, output
    assert "-stories-000001: created" in output
    code, output = invoke(env, "index", "setup")
    assert code == 0 and "created" not in output

    code, output = invoke(env, "run")
    assert code == 0, output
    new = int(output.strip().splitlines()[-1].split("new stories ")[1].split(" ")[0])
    assert new >= 40

    code, output = invoke(env, "search", "walkout", "--relevant", "--json", "--limit", "100")
    rows = [json.loads(line) for line in output.splitlines()]
    assert rows and all(row["relevance"]["label"] for row in rows)

    code, output = invoke(env, "stats", "--json", "--days", "36500", "--all")
    stats = json.loads(output)
    assert stats["stories"] == new
    assert sum(stats["stories_per_week"].values()) == new
    assert stats["top"]["companies"]

    code, output = invoke(env, "index", "migrate")
    assert code == 0, output
    assert "-stories-000002" in output
    code, output = invoke(env, "search", "walkout", "--relevant", "--json", "--limit", "100")
    assert [json.loads(line) for line in output.splitlines()] == rows

    code, output = invoke(env, "events", "--days", "36500", "--json")
    assert code == 0 and output.strip()

    # without --days the demo's older events show; the undated one says so
    code, output = invoke(env, "events")
    assert code == 0 and "of any date" in output and "date unknown" in output


def test_run_parks_its_stories_and_says_so_when_the_engine_is_down_at_the_start(env):
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]
    code, output = invoke({**env, "PICKET_SEARCH_URL": f"http://127.0.0.1:{port}"}, "run")
    assert code == 0, output
    assert "is unreachable" in output and f"127.0.0.1:{port}" in output
    assert "new stories 0 " in output and "writes wait in the outbox" in output

    code, output = invoke(env, "run", "--force")  # the engine is back: the outbox goes first
    assert code == 0, output
    new = int(output.strip().splitlines()[-1].split("new stories ")[1].split(" ")[0])
    assert new >= 40 and f"{new} sent from the outbox" in output

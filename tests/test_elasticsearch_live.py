"""The Elasticsearch store's own code path: the official ``elasticsearch`` client (8.x).

Against a live cluster when ``PICKET_TEST_ELASTICSEARCH_URL`` points at one (docker-compose
users; ``PICKET_TEST_ELASTICSEARCH_API_KEY`` or ``..._USERNAME``/``..._PASSWORD`` sign in),
skipped with a message otherwise. The same checks also run through the Elasticsearch client
against the test OpenSearch node behind a loopback proxy that adds the product header the
client insists on, so the client setup and error translation are exercised on every run.
"""

from __future__ import annotations

import http.client
import json
import os
import threading
from collections.abc import Iterator
from contextlib import closing, contextmanager
from dataclasses import replace
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

import pytest
from engine_testing import QUICK_RETRIES, drop_indices, unique_prefix
from synthetic_stories import make_stories

from pipeline.store import StoreError, StoryQuery
from pipeline.store.elasticsearch import ElasticsearchTransport
from pipeline.store.engine import EngineStore
from pipeline.store.engine_mappings import IndexNames
from pipeline.store.outbox import Outbox
from pipeline.store.transport import EngineHTTPError

LIVE_URL = os.environ.get("PICKET_TEST_ELASTICSEARCH_URL")


REFUSAL = {"error": {"type": "security_exception", "reason": "missing credentials"}}


@contextmanager
def proxy_to(
    target: str, *, product: str | None = "Elasticsearch", status: int | None = None
) -> Iterator[tuple[str, list[dict[str, str]]]]:
    """A loopback HTTP proxy to ``target`` that adds ``X-Elastic-Product`` to answers, or
    (with ``status``) answers every request itself; yields its URL and the request headers
    it saw."""
    parts = urlsplit(target)
    seen: list[dict[str, str]] = []

    class Handler(BaseHTTPRequestHandler):
        def _forward(self) -> None:
            seen.append({k.lower(): v for k, v in self.headers.items()})
            length = int(self.headers.get("Content-Length", 0))
            body = self.rfile.read(length) if length else None
            if status is not None:
                answer_status, data = status, json.dumps(REFUSAL if status >= 400 else {}).encode()
                content_type = "application/json"
            else:
                upstream = http.client.HTTPConnection(parts.hostname, parts.port, timeout=60)
                # the 8.x client sends Elasticsearch's versioned media types; OpenSearch
                # takes the plain ones
                content = self.headers.get("Content-Type", "application/json")
                content = content.replace("vnd.elasticsearch+", "").split(";")[0]
                headers = {"Content-Type": content}
                upstream.request(self.command, self.path, body=body, headers=headers)
                reply = upstream.getresponse()
                answer_status, data = reply.status, reply.read()
                content_type = reply.getheader("Content-Type", "application/json")
                upstream.close()
            self.send_response(answer_status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(data)))
            if product:
                self.send_header("X-Elastic-Product", product)
            self.end_headers()
            self.wfile.write(data)

        do_GET = do_POST = do_PUT = do_DELETE = do_HEAD = _forward

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", seen
    finally:
        server.shutdown()
        server.server_close()


def _store(url: str, tmp_path, **auth: str | None) -> EngineStore:
    return EngineStore(
        ElasticsearchTransport(url, **auth),
        outbox=Outbox(tmp_path / "outbox.db"),
        names=IndexNames(unique_prefix()),
        retry=QUICK_RETRIES,
    )


@pytest.fixture(
    params=[
        pytest.param("live", id="live-elasticsearch"),
        pytest.param(
            "proxied", id="opensearch-via-elasticsearch-client", marks=pytest.mark.opensearch
        ),
    ]
)
def es_store(request, tmp_path) -> Iterator[EngineStore]:
    if request.param == "live":
        if not LIVE_URL:
            pytest.skip("set PICKET_TEST_ELASTICSEARCH_URL to a live Elasticsearch to run these")
        store = _store(
            LIVE_URL,
            tmp_path,
            api_key=os.environ.get("PICKET_TEST_ELASTICSEARCH_API_KEY"),
            username=os.environ.get("PICKET_TEST_ELASTICSEARCH_USERNAME"),
            password=os.environ.get("PICKET_TEST_ELASTICSEARCH_PASSWORD"),
            verify_certs=os.environ.get("PICKET_TEST_ELASTICSEARCH_VERIFY_CERTS", "true") == "true",
        )
        store.setup()
        yield store
        drop_indices(store)
        store.close()
        return
    node = request.getfixturevalue("opensearch_node")
    with proxy_to(node.url) as (url, _):
        store = _store(url, tmp_path)
        store.setup()
        yield store
        drop_indices(store)
        store.close()


def test_setup_twice_changes_nothing(es_store):
    names = es_store.names
    before = es_store.request("GET", f"/{names.prefix}-*/_mapping")
    lines = es_store.setup()
    assert not any(line.endswith("created") for line in lines)
    assert es_store.request("GET", f"/{names.prefix}-*/_mapping") == before
    assert list(es_store.request("GET", f"/_alias/{names.stories}")) == [names.stories_index(1)]


def test_write_search_count_stats_and_percolate(es_store):
    stories = make_stories(300)
    written = es_store.upsert_stories(stories)
    assert (written.new, written.refused) == (300, 0)
    assert es_store.upsert_stories(stories).unchanged == 300
    es_store.refresh()
    assert es_store.count() == 300
    assert es_store.get_story(stories[5].id) == stories[5]
    google = StoryQuery(filters={"companies": ["google"]}, limit=300)
    assert {s.id for s in es_store.search(google)} == {
        s.id for s in stories if "Google" in s.tags.companies
    }
    es_store.register_watches({"letters": {"match_phrase": {"body": "open letter"}}})
    matched = es_store.percolate(stories[:50])
    assert {i for i, names in matched.items() if names} == {
        s.id for s in stories[:50] if "open letter" in s.text.lower()
    }
    stats = es_store.stats(None, relevant_only=False, top=3)
    assert stats.stories == 300 and len(stats.top["companies"]) == 3
    assert es_store.names.stories_index(2) in es_store.migrate()
    assert es_store.count() == 300


def test_a_refused_document_is_reported(es_store, caplog):
    (story,) = make_stories(1)
    bad = replace(story, tags=replace(story.tags, workers=10**12))
    assert es_store.upsert_stories([bad]).refused == 1
    assert bad.id in caplog.text


def test_refused_credentials_name_the_settings_to_check(tmp_path):
    with (
        proxy_to("http://127.0.0.1:9", status=401) as (url, _),
        closing(_store(url, tmp_path)) as store,
        pytest.raises(EngineHTTPError, match="PICKET_SEARCH_API_KEY"),
    ):
        store.setup()


def test_a_server_that_is_not_elasticsearch_is_named(tmp_path):
    with (
        proxy_to("http://127.0.0.1:9", product=None, status=200) as (url, _),
        closing(_store(url, tmp_path)) as store,
        pytest.raises(StoreError, match=r"not Elasticsearch.*PICKET_STORE=opensearch"),
    ):
        store.setup()


def test_an_api_key_or_basic_auth_goes_with_every_request(tmp_path):
    with proxy_to("http://127.0.0.1:9", status=401) as (url, seen):
        for auth in ({"api_key": "a2V5OnNlY3JldA=="}, {"username": "elastic", "password": "pw"}):
            with closing(_store(url, tmp_path, **auth)) as store, pytest.raises(EngineHTTPError):
                store.setup()
    assert seen[0]["authorization"] == "ApiKey a2V5OnNlY3JldA=="
    assert seen[-1]["authorization"] == "Basic ZWxhc3RpYzpwdw=="

"""Shared pytest fixtures."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from engine_testing import drop_indices, open_test_store
from httpserver import FIXTURE_SITE, LocalServer
from opensearch_node import NodeUnavailable, OpenSearchNode, start_node
from smtpserver import SmtpServer

from crawlers.crawl import CrawlResult, crawl
from pipeline.settings import load_settings
from pipeline.source_records import Source
from pipeline.store.engine import EngineStore


@pytest.fixture
def local_server() -> Iterator[LocalServer]:
    """A fresh HTTP server on 127.0.0.1 serving tests/data/site, ready for scripted routes."""
    with LocalServer(FIXTURE_SITE) as server:
        yield server


@pytest.fixture
def run_crawl(tmp_path: Path) -> Callable[..., CrawlResult]:
    """``crawl()`` with quick test settings: no delay, local addresses allowed.

    Call it as ``run_crawl(source, ..., settings={"retries": 0}, since=...)``.
    """

    def run(*sources: Source, settings: dict[str, Any] | None = None, **kwargs: Any):
        options = {"allow_private_addresses": True, "download_delay_s": 0, **(settings or {})}
        return crawl(
            sources, settings=load_settings(**options), work_dir=tmp_path / "work", **kwargs
        )

    return run


@pytest.fixture
def smtp_server() -> Iterator[SmtpServer]:
    """A real SMTP server on 127.0.0.1 (aiosmtpd) with a mailbox to read; stop()/start() it."""
    with SmtpServer() as server:
        yield server


def _opensearch_node(base_path: Path, name: str) -> OpenSearchNode:
    try:
        return start_node(base_path, name=name)
    except NodeUnavailable as exc:
        pytest.skip(f"no OpenSearch node on this machine: {exc}")


@pytest.fixture(scope="session")
def opensearch_node(tmp_path_factory: pytest.TempPathFactory) -> Iterator[OpenSearchNode]:
    """One real OpenSearch node (from Maven Central) for the session, on 127.0.0.1."""
    node = _opensearch_node(tmp_path_factory.mktemp("opensearch"), "picket-test")
    yield node
    node.stop()


@pytest.fixture
def own_opensearch_node(tmp_path_factory: pytest.TempPathFactory) -> Iterator[OpenSearchNode]:
    """A node for one test alone, which may stop and restart it."""
    node = _opensearch_node(tmp_path_factory.mktemp("opensearch-own"), "picket-own")
    yield node
    node.stop()


@pytest.fixture
def opensearch_store(opensearch_node: OpenSearchNode, tmp_path: Path) -> Iterator[EngineStore]:
    """A set-up OpenSearch store under a fresh index prefix; its indices dropped after."""
    opened = open_test_store(opensearch_node.url, tmp_path / "outbox.db")
    opened.setup()
    yield opened
    drop_indices(opened)
    opened.close()

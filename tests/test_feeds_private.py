"""Private sources: credentials in a source's URL open it, and are never shown or kept.

A feed, a sitemap and a site behind HTTP Basic authentication (and, for the feed and the
sitemap, a token in the query string) are crawled by ``picket run`` as an operator runs
it. The password and the token must reach that server and nothing else: not the log
lines, not ``picket sources``, not the database file, not the crawl's job files, and not
another host the private feed redirects to.
"""

from __future__ import annotations

import gzip
import logging
import os
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path

import pytest
import yaml
from httpserver import FIXTURE_SITE, LocalServer, NeedsToken, Redirect
from picket_env import isolated_env, settings_in
from test_hostile_secrets import picket

import crawlers.crawl
from crawlers.sources import SourceConfigError, parse_sources
from crawlers.urls import display_url
from pipeline.settings import load_settings
from pipeline.source_records import Source
from pipeline.store.sqlite import SQLiteStore
from pipeline.tasks import crawl_batch

USER = "reader"
PASSWORD = "pw-4e1d-secret"
TOKEN = "tok-93ab-secret"
SECRETS = (PASSWORD, TOKEN)


@pytest.fixture
def private_server(local_server: LocalServer) -> LocalServer:
    """The fixture site behind Basic auth, its RSS feed and news sitemap also behind a token."""
    local_server.require_basic_auth(USER, PASSWORD)
    local_server.route("/feeds/rss.xml", NeedsToken("token", TOKEN))
    local_server.route("/sitemaps/news.xml", NeedsToken("key", TOKEN))
    return local_server


def private_url(server: LocalServer, path: str) -> str:
    return server.base_url.replace("http://", f"http://{USER}:{PASSWORD}@") + path


def leaks(text: str | bytes) -> list[str]:
    data = text.encode() if isinstance(text, str) else text
    return [secret for secret in SECRETS if secret.encode() in data]


def write_sources(folder: Path, server: LocalServer, sources: list[tuple[str, str, str]]) -> None:
    """The sources file: (id, kind, path on ``server``) each, behind the server's credentials."""
    entries = [
        {"id": source_id, "kind": kind, "url": private_url(server, path)}
        for source_id, kind, path in sources
    ]
    (folder / "sources.yaml").write_text(yaml.safe_dump({"sources": entries}), "utf-8")


def files_under(folder: Path) -> Iterator[Path]:
    return (p for p in folder.rglob("*") if p.is_file() and p.name != "sources.yaml")


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        ("https://user:s3cret@feeds.example.org/rss", "https://user:***@feeds.example.org/rss"),
        (
            "https://feeds.example.org/rss?token=abc&page=2&api_key=k&sig=x",
            "https://feeds.example.org/rss?token=***&page=2&api_key=***&sig=***",
        ),
        ("https://user@example.org/?Access_Token=a", "https://user@example.org/?Access_Token=***"),
        ("https://example.org/rss?page=2", "https://example.org/rss?page=2"),
        ("not a url", "not a url"),
    ],
)
def test_display_url_masks_passwords_and_secret_query_values(url: str, shown: str) -> None:
    assert display_url(url) == shown


def test_a_wrong_source_url_is_named_without_its_password() -> None:
    document = {"sources": [{"id": "x", "kind": "feed", "urls": [f"ftp://{USER}:{PASSWORD}@h/"]}]}

    with pytest.raises(SourceConfigError) as raised:
        parse_sources(document, origin="sources.yaml")

    assert f"ftp://{USER}:***@h/" in str(raised.value)
    assert leaks(str(raised.value)) == []


@pytest.mark.slow
def test_picket_run_fetches_private_sources_and_shows_or_keeps_no_secret(
    private_server: LocalServer, tmp_path: Path
) -> None:
    sources = [
        ("private-feed", "feed", f"/feeds/rss.xml?token={TOKEN}"),
        ("private-sitemap", "sitemap", f"/sitemaps/news.xml?key={TOKEN}"),
        ("private-site", "site", "/"),
    ]
    write_sources(tmp_path, private_server, sources)
    env = {k: v for k, v in os.environ.items() if not k.startswith("PICKET_")}
    env.update(isolated_env(tmp_path), PICKET_LOG_LEVEL="DEBUG")
    (tmp_path / "watches.yaml").write_text("watches: []\n")

    outputs = [picket(tmp_path, env, *args) for args in (["run"], ["sources"], ["stats"])]

    assert [output.split("\n", 1)[0] for output in outputs] == ["exit 0"] * 3, outputs

    with closing(SQLiteStore(tmp_path / "picket.db")) as store:
        health = store.source_health()
    assert {s: health[s].last_status for s in health} == {
        "private-feed": "ok (200)",
        "private-sitemap": "ok (200)",
        "private-site": "ok (200)",
    }, outputs[0]
    fetched = {r.path for r in private_server.requests if r.headers.get("authorization")}
    assert {"/feeds/rss.xml", "/sitemaps/news.xml", "/articles/first-open-letter.html"} <= fetched
    for output in outputs:
        assert leaks(output) == [], output
    assert "private-feed" in outputs[1]
    for path in files_under(tmp_path):
        assert leaks(path.read_bytes()) == [], path


def test_an_airflow_crawl_batch_keeps_and_logs_no_secret(
    private_server: LocalServer, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    write_sources(
        tmp_path, private_server, [("private-feed", "feed", f"/feeds/rss.xml?token={TOKEN}")]
    )
    settings = settings_in(tmp_path, log_level="DEBUG")

    # Scrapy's logger too: a command run earlier in the process may have quietened it.
    with caplog.at_level(logging.DEBUG), caplog.at_level(logging.DEBUG, logger="scrapy"):
        path = Path(
            crawl_batch(["private-feed"], settings=settings, folder=str(tmp_path / "batches"))
        )

    batch = gzip.decompress(path.read_bytes())
    assert b'"status": "ok"' in batch.replace(b'":"', b'": "')
    assert b"first-open-letter" in batch
    assert leaks(batch) == []
    assert leaks(caplog.text) == [], caplog.text
    assert "Crawled (200)" in caplog.text  # Scrapy's own lines, with the URL masked


def test_a_kept_crawl_job_holds_no_secret_and_the_crawl_still_opens_the_feed(
    private_server: LocalServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A crawl whose child fails keeps its job files for a look: they must hold no secret."""
    real_child = crawlers.crawl._run_child

    def failing_child(*args: object, **kwargs: object) -> int:
        real_child(*args, **kwargs)  # type: ignore[arg-type]
        return 1

    monkeypatch.setattr(crawlers.crawl, "_run_child", failing_child)
    source = Source(
        id="private-feed",
        kind="feed",
        urls=(private_url(private_server, f"/feeds/rss.xml?token={TOKEN}"),),
    )
    settings = load_settings(allow_private_addresses=True, download_delay_s=0)

    result = crawlers.crawl.crawl([source], settings=settings, work_dir=tmp_path / "work")

    assert [o.status for o in result.outcomes] == ["ok"]
    assert [v.url for v in result.validators] == [display_url(source.urls[0])]
    kept = list(files_under(tmp_path / "work"))
    assert any(p.name.endswith(".job.json") for p in kept)
    for path in kept:
        assert leaks(path.read_bytes()) == [], path


def test_a_redirect_to_another_host_gets_no_credentials(
    private_server: LocalServer, run_crawl, tmp_path: Path
) -> None:
    with LocalServer(FIXTURE_SITE) as elsewhere:
        moved_to = elsewhere.base_url.replace("127.0.0.1", "localhost") + "/feeds/atom.xml"
        private_server.route("/moved.xml", Redirect(moved_to))
        source = Source(id="moved", kind="feed", urls=(private_url(private_server, "/moved.xml"),))

        result = run_crawl(source)

    assert [o.status for o in result.outcomes] == ["ok"]
    assert private_server.requests_for("/moved.xml")[0].headers.get("authorization")
    assert elsewhere.requests_for("/feeds/atom.xml"), "the redirect was followed"
    assert [r.path for r in elsewhere.requests if "authorization" in r.headers] == []

"""config/sources.yaml: the shipped list loads, and mistakes name their file, entry and field."""

from __future__ import annotations

from pathlib import Path

import pytest

from crawlers.sources import SourceConfigError, load_sources
from pipeline.source_records import Politeness, Source

DEFAULT_SOURCES = Path(__file__).resolve().parents[1] / "config" / "sources.yaml"


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "sources.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_default_sources_are_a_real_list():
    sources = load_sources(DEFAULT_SOURCES)
    assert len(sources) >= 30
    assert len({s.id for s in sources}) == len(sources)
    assert {s.kind for s in sources} == {"feed", "sitemap", "site"}
    assert any(not s.enabled for s in sources)
    searches = [s for s in sources if "news.google.com/rss/search" in s.urls[0]]
    assert len(searches) >= 3
    assert all(s.politeness.concurrency == 1 for s in searches)
    assert all(url.startswith("https://") for s in sources for url in s.urls)


def test_entry_becomes_a_source_record(tmp_path):
    path = write(
        tmp_path,
        """
sources:
  - id: labour-feed
    name: Labour Feed
    kind: feed
    urls: [https://news.example/a.xml, https://news.example/b.xml]
    politeness: {delay_s: 3, max_bytes: 2000000}
    max_age_days: 14
    allowed_domains: [News.Example]
  - id: quiet
    kind: site
    url: https://quiet.example/
    enabled: false
""",
    )
    labour, quiet = load_sources(path)
    assert labour == Source(
        id="labour-feed",
        kind="feed",
        urls=("https://news.example/a.xml", "https://news.example/b.xml"),
        name="Labour Feed",
        politeness=Politeness(delay_s=3.0, max_bytes=2_000_000),
        max_age_days=14,
        allowed_domains=("news.example",),
    )
    assert quiet.urls == ("https://quiet.example/",)
    assert quiet.enabled is False
    assert (quiet.max_depth, quiet.max_items) == (2, 200)


FEED = "id: a, kind: feed, url: https://x.example/f"


@pytest.mark.parametrize(
    ("entry", "field", "hint"),
    [
        (f"{{{FEED}, colour: red}}", "colour", "unknown field"),
        ("{id: a, kind: podcast, url: https://x.example/f}", "kind", "'feed', 'sitemap' or 'site'"),
        ("{id: a, kind: feed, url: ftp://x.example/f}", "url", "http"),
        ("{id: a, kind: feed}", "url/urls", "exactly one"),
        (f"{{{FEED}, urls: [https://x.example/g]}}", "url/urls", "exactly one"),
        ("{id: a, kind: feed, urls: []}", "urls", "at least one"),
        ("{id: Not A Slug, kind: feed, url: https://x.example/f}", "id", "pattern"),
        (f"{{{FEED}, politeness: {{delay_s: -1}}}}", "politeness.delay_s", "greater than"),
        (f"{{{FEED}, politeness: {{wait: 1}}}}", "politeness.wait", "unknown field"),
        (f"{{{FEED}, max_items: 0}}", "max_items", "greater than"),
        (f"{{{FEED}, allowed_domains: ['https://x.example']}}", "allowed_domains", "host"),
    ],
)
def test_wrong_entry_names_file_entry_and_field(tmp_path, entry, field, hint):
    ok = "{id: fine, kind: feed, url: https://x.example/ok}"
    path = write(tmp_path, f"sources:\n  - {ok}\n  - {entry}\n")
    with pytest.raises(SourceConfigError) as raised:
        load_sources(path)
    message = str(raised.value)
    assert f"{path}: sources[1]" in message
    assert f"field {field}:" in message
    assert hint in message
    if "Not A Slug" not in entry:
        assert "(id 'a')" in message


def test_duplicate_ids_are_rejected(tmp_path):
    path = write(
        tmp_path,
        "sources:\n"
        "  - {id: twin, kind: feed, url: https://x.example/a}\n"
        "  - {id: twin, kind: feed, url: https://x.example/b}\n",
    )
    with pytest.raises(SourceConfigError, match=r"sources\[1\] \(id 'twin'\): field id: dup"):
        load_sources(path)


def test_every_wrong_entry_is_reported_at_once(tmp_path):
    path = write(
        tmp_path,
        "sources:\n"
        "  - {id: one, kind: feed}\n"
        "  - just a string\n"
        "  - {id: three, kind: feed, url: https://x.example/c, speed: 3}\n",
    )
    with pytest.raises(SourceConfigError) as raised:
        load_sources(path)
    message = str(raised.value)
    assert "sources[0] (id 'one')" in message
    assert "sources[1]: must be a mapping of fields" in message
    assert "sources[2] (id 'three'): field speed: unknown field" in message


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("sources: {id: a}\n", "must be a list"),
        ("feeds: []\n", "one key, `sources:`"),
        ("sources: [\n", "not valid YAML"),
    ],
)
def test_wrong_file_shape_names_the_file(tmp_path, text, problem):
    path = write(tmp_path, text)
    with pytest.raises(SourceConfigError) as raised:
        load_sources(path)
    assert str(raised.value).startswith(str(path))
    assert problem in str(raised.value)


def test_missing_file_is_a_config_error(tmp_path):
    with pytest.raises(SourceConfigError, match="cannot read"):
        load_sources(tmp_path / "absent.yaml")


def test_a_key_given_twice_in_an_entry_is_an_error_naming_both_lines(tmp_path):
    path = write(
        tmp_path,
        "sources:\n  - id: first\n    kind: feed\n    id: second\n    url: https://x.example/f\n",
    )
    with pytest.raises(SourceConfigError) as raised:
        load_sources(path)
    message = str(raised.value)
    assert message.startswith(f"{path}: ")
    assert "duplicate key 'id' (first given on line 2)" in message
    assert "line 4, column 5" in message


def test_a_key_from_a_yaml_merge_may_still_be_overridden(tmp_path):
    path = write(
        tmp_path, "sources:\n  - {<<: {kind: site, id: a}, kind: feed, url: https://x.ex/}\n"
    )
    assert load_sources(path)[0].kind == "feed"


def test_a_file_that_is_not_utf8_names_the_byte_offset(tmp_path):
    path = tmp_path / "sources.yaml"
    path.write_bytes(b"sources:\n  - id: caf\xe9\n")
    with pytest.raises(SourceConfigError) as raised:
        load_sources(path)
    assert str(raised.value) == (
        f"{path}: not UTF-8 text: byte 0xe9 at offset 20 (line 2) cannot be decoded; "
        "save the file as UTF-8"
    )


def test_nesting_too_deep_to_read_is_a_config_error(tmp_path):
    path = write(tmp_path, "sources: " + "[" * 5_000 + "]" * 5_000 + "\n")
    with pytest.raises(SourceConfigError, match="nested more than 100 levels deep"):
        load_sources(path)

"""picket's indices as code: their names, settings, mappings and templates.

The story index template and the versioned story indices behind their alias, the plain
indices for events, source health and alert watches, and the bodies ``engine_setup`` sends
to create, extend and migrate them. Both engine stores use these unchanged.
Pure functions and constants: no I/O.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from pipeline.store.base import TAG_FIELDS, StoreError

MAPPING_VERSION = 1
"""Raised whenever the story mapping changes in a way that needs ``picket index migrate``."""


@dataclass(frozen=True, slots=True)
class IndexNames:
    """The names of picket's indices, aliases and templates under one prefix."""

    prefix: str = "picket"

    @property
    def stories(self) -> str:
        """The alias every story read and write goes through."""
        return f"{self.prefix}-stories"

    def stories_index(self, generation: int) -> str:
        """The versioned index behind the alias: ``picket-stories-000001``, ``-000002``..."""
        return f"{self.prefix}-stories-{generation:06d}"

    def generation(self, index: str) -> int:
        """The generation number of a versioned story index."""
        match = re.fullmatch(re.escape(self.stories) + r"-(\d{6})", index)
        if match is None:
            raise StoreError(f"{index} is not a versioned story index of {self.stories}")
        return int(match.group(1))

    @property
    def stories_pattern(self) -> str:
        return f"{self.prefix}-stories-*"

    @property
    def events(self) -> str:
        return f"{self.prefix}-events"

    @property
    def sources(self) -> str:
        return f"{self.prefix}-sources"

    @property
    def watches(self) -> str:
        """The percolator index holding the alert watches' queries."""
        return f"{self.prefix}-watches"

    @property
    def labels(self) -> str:
        """People's corrections of stories, one document per story."""
        return f"{self.prefix}-labels"

    @property
    def settings_component(self) -> str:
        return f"{self.prefix}-settings"

    @property
    def template(self) -> str:
        return f"{self.prefix}-stories"


INDEX_SETTINGS: dict[str, Any] = {
    "number_of_shards": 1,
    "auto_expand_replicas": "0-1",
    "analysis": {
        "filter": {
            "picket_shingle": {
                "type": "shingle",
                "min_shingle_size": 2,
                "max_shingle_size": 3,
                "output_unigrams": False,
            }
        },
        "analyzer": {
            "picket_shingles": {
                "type": "custom",
                "tokenizer": "standard",
                "filter": ["lowercase", "picket_shingle"],
            }
        },
    },
}
"""One shard (picket's volume is small), a replica once a second node exists."""

_KEYWORD = {"type": "keyword"}
_LONG_KEYWORD = {"type": "keyword", "ignore_above": 8191}
_STORED_ONLY = {"type": "keyword", "index": False, "doc_values": False}
_DATE = {"type": "date"}
_INTEGER = {"type": "integer"}
_ENGLISH = {"type": "text", "analyzer": "english"}
_TITLE = {
    "type": "text",
    "analyzer": "english",
    "fields": {
        "keyword": {"type": "keyword", "ignore_above": 1024},
        "shingles": {"type": "text", "analyzer": "picket_shingles"},
    },
}
_TAG_PROPERTIES = {name: _KEYWORD for name in TAG_FIELDS}

STORY_PROPERTIES: dict[str, Any] = {
    "@timestamp": _DATE,
    "id": _KEYWORD,
    "url": _LONG_KEYWORD,
    "canonical_url": _LONG_KEYWORD,
    "source_id": _KEYWORD,
    "outlet": _KEYWORD,
    "domain": _KEYWORD,
    "language": _KEYWORD,
    "title": _TITLE,
    "body": _ENGLISH,
    "description": _ENGLISH,
    "authors": _KEYWORD,
    "published": _DATE,
    "first_seen_at": _DATE,
    "fetched_at": _DATE,
    "fallback": {"type": "boolean"},
    "content_hash": _KEYWORD,
    "relevance": {
        "properties": {
            "score": {"type": "float"},
            "label": {"type": "boolean"},
            "evidence": _STORED_ONLY,
        }
    },
    **_TAG_PROPERTIES,
    "workers": _INTEGER,
    "event_id": _KEYWORD,
    "duplicate_of": _KEYWORD,
    "signature": {"type": "binary"},
}
"""A story document; ``@timestamp`` is the publication time, or first seen when undated."""

STORY_MAPPINGS: dict[str, Any] = {
    "dynamic": "strict",
    "_meta": {"picket_mapping_version": MAPPING_VERSION},
    "properties": STORY_PROPERTIES,
}

EVENT_MAPPINGS: dict[str, Any] = {
    "dynamic": "strict",
    "properties": {
        "@timestamp": _DATE,
        "id": _KEYWORD,
        "first_seen": _DATE,
        "last_seen": _DATE,
        "title": _TITLE,
        "story_ids": _KEYWORD,
        "outlets": _KEYWORD,
        **_TAG_PROPERTIES,
        "workers": _INTEGER,
        "keywords": _KEYWORD,
    },
}

SOURCE_MAPPINGS: dict[str, Any] = {
    "dynamic": "strict",
    "properties": {
        "@timestamp": _DATE,
        "id": _KEYWORD,
        "kind": _KEYWORD,
        "source_id": _KEYWORD,
        "url": _LONG_KEYWORD,
        "etag": _STORED_ONLY,
        "last_modified": _STORED_ONLY,
        "last_attempt": _DATE,
        "last_success": _DATE,
        "consecutive_failures": _INTEGER,
        "last_status": _KEYWORD,
        "last_error": {"type": "text"},
        "items_seen": _INTEGER,
        "next_due": _DATE,
        "attempted_at": _DATE,
        "status": _KEYWORD,
        "http_status": _INTEGER,
        "error": {"type": "text"},
    },
}
"""Source health, feed validators and the crawl log, told apart by ``kind``."""

WATCH_MAPPINGS: dict[str, Any] = {
    "dynamic": "strict",
    "properties": {**STORY_PROPERTIES, "watch": _KEYWORD, "query": {"type": "percolator"}},
}
"""Percolator queries beside the story fields they match against."""

LABEL_MAPPINGS: dict[str, Any] = {
    "dynamic": "strict",
    "properties": {
        "@timestamp": _DATE,
        "story_id": _KEYWORD,
        "relevant": {"type": "boolean"},
        "labelled_at": _DATE,
        "companies": _KEYWORD,
        "actions": _KEYWORD,
        "negative_kind": _KEYWORD,
    },
}
"""A person's correction of one story (``pipeline.records.Correction``)."""


def component_templates(names: IndexNames) -> dict[str, dict[str, Any]]:
    """The component templates the story index template is composed of: shared settings."""
    return {names.settings_component: {"template": {"settings": INDEX_SETTINGS}}}


def stories_index_template(names: IndexNames) -> dict[str, Any]:
    """The composable template every versioned story index is created from."""
    return {
        "index_patterns": [names.stories_pattern],
        "composed_of": [names.settings_component],
        "template": {"mappings": STORY_MAPPINGS},
        "priority": 200,
        "_meta": {"managed_by": "picket", "picket_mapping_version": MAPPING_VERSION},
    }


def create_stories_index_body(names: IndexNames) -> dict[str, Any]:
    """A new versioned story index; its settings and mappings come from the template."""
    return {"aliases": {names.stories: {"is_write_index": True}}}


def plain_index_bodies(names: IndexNames) -> dict[str, dict[str, Any]]:
    """The indices that are not versioned: events, source health, watches and labels."""
    return {
        names.events: {"settings": INDEX_SETTINGS, "mappings": EVENT_MAPPINGS},
        names.sources: {"settings": INDEX_SETTINGS, "mappings": SOURCE_MAPPINGS},
        names.watches: {"settings": INDEX_SETTINGS, "mappings": WATCH_MAPPINGS},
        names.labels: {"settings": INDEX_SETTINGS, "mappings": LABEL_MAPPINGS},
    }


def put_mapping_body(mappings: Mapping[str, Any]) -> dict[str, Any]:
    """What ``PUT <index>/_mapping`` accepts of a mapping (new fields only, never changes)."""
    return {key: value for key, value in mappings.items() if key in ("dynamic", "properties")}


def alias_swap_body(alias: str, old_index: str, new_index: str) -> dict[str, Any]:
    """Move ``alias`` from one index to another in one atomic step."""
    return {
        "actions": [
            {"remove": {"index": old_index, "alias": alias}},
            {"add": {"index": new_index, "alias": alias, "is_write_index": True}},
        ]
    }


def reindex_body(source: str, dest: str, *, only_missing: bool = False) -> dict[str, Any]:
    """Copy every story from one index to another; ``only_missing`` keeps what ``dest`` has."""
    body: dict[str, Any] = {"source": {"index": source}, "dest": {"index": dest}}
    if only_missing:
        body["dest"]["op_type"] = "create"
        body["conflicts"] = "proceed"
    return body

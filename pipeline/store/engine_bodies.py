"""Every request body picket sends to Elasticsearch or OpenSearch, built in one place.

Index template and mappings, the documents stories, events and source health become,
queries built from a ``StoryQuery``, aggregations, percolator documents and bulk actions.
Both engine stores use these unchanged; only client setup and error translation differ.
Pure functions and constants: no I/O, no clock.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from pipeline.records import (
    CrawlOutcome,
    Event,
    SourceHealth,
    Story,
    Tags,
    Validators,
    from_json,
    to_json,
)
from pipeline.store.base import TAG_FIELDS, StoreError, StoryQuery
from pipeline.store.sqlite import fts_query

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
    def settings_component(self) -> str:
        return f"{self.prefix}-settings"

    @property
    def template(self) -> str:
        return f"{self.prefix}-stories"


# --- settings and mappings -----------------------------------------------------------

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
    """The indices that are not versioned: events, source health and the watches."""
    return {
        names.events: {"settings": INDEX_SETTINGS, "mappings": EVENT_MAPPINGS},
        names.sources: {"settings": INDEX_SETTINGS, "mappings": SOURCE_MAPPINGS},
        names.watches: {"settings": INDEX_SETTINGS, "mappings": WATCH_MAPPINGS},
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


# --- documents -----------------------------------------------------------------------


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment is not None else None


def _utc_iso(moment: datetime) -> str:
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).isoformat()


def _tag_fields(tags: Tags) -> dict[str, Any]:
    fields: dict[str, Any] = {name: list(getattr(tags, name)) for name in TAG_FIELDS}
    fields["workers"] = tags.workers
    return fields


def _tags(doc: Mapping[str, Any]) -> dict[str, Any]:
    tags: dict[str, Any] = {name: doc.get(name) or [] for name in TAG_FIELDS}
    tags["workers"] = doc.get("workers")
    return tags


def story_document(story: Story, signature: bytes | None = None) -> dict[str, Any]:
    """The indexed form of a story; ``story_from_document`` gives the same story back.

    ``story.first_seen`` must be set: the store fills it in before calling this.
    """
    if story.first_seen is None:
        raise ValueError(f"story {story.id} has no first_seen")
    doc: dict[str, Any] = {
        "@timestamp": _utc_iso(story.published or story.first_seen),
        "id": story.id,
        "url": story.url,
        "canonical_url": story.canonical_url,
        "source_id": story.source_id,
        "outlet": story.outlet,
        "domain": story.domain,
        "language": story.language,
        "title": story.title,
        "body": story.text,
        "description": story.description,
        "authors": list(story.authors),
        "published": _iso(story.published),
        "first_seen_at": _iso(story.first_seen),
        "fetched_at": _iso(story.fetched_at),
        "fallback": story.fallback,
        "content_hash": story.content_hash,
        "relevance": to_json(story.relevance),
        **_tag_fields(story.tags),
        "event_id": story.event_id,
        "duplicate_of": story.duplicate_of,
    }
    if signature is not None:
        doc["signature"] = base64.b64encode(signature).decode("ascii")
    return doc


def story_from_document(doc: Mapping[str, Any]) -> Story:
    record = {
        "id": doc["id"],
        "url": doc["url"],
        "canonical_url": doc["canonical_url"],
        "source_id": doc["source_id"],
        "title": doc["title"],
        "text": doc["body"],
        "outlet": doc.get("outlet", ""),
        "domain": doc.get("domain", ""),
        "description": doc.get("description", ""),
        "authors": doc.get("authors") or [],
        "language": doc.get("language"),
        "published": doc.get("published"),
        "first_seen": doc.get("first_seen_at"),
        "fetched_at": doc.get("fetched_at"),
        "fallback": doc.get("fallback", False),
        "content_hash": doc.get("content_hash", ""),
        "relevance": doc.get("relevance") or {},
        "tags": _tags(doc),
        "event_id": doc.get("event_id"),
        "duplicate_of": doc.get("duplicate_of"),
    }
    return from_json(Story, record)


def signature_of(doc: Mapping[str, Any]) -> bytes | None:
    """The near-duplicate signature kept with a story document, if any."""
    raw = doc.get("signature")
    return base64.b64decode(raw) if raw else None


def comparable_document(doc: Mapping[str, Any]) -> dict[str, Any]:
    """A story document without what a re-crawl may change without changing the story."""
    return {k: v for k, v in doc.items() if k not in ("fetched_at", "signature")}


def event_document(event: Event) -> dict[str, Any]:
    return {
        "@timestamp": _utc_iso(event.first_seen),
        "id": event.id,
        "first_seen": _iso(event.first_seen),
        "last_seen": _iso(event.last_seen),
        "title": event.title,
        "story_ids": list(event.story_ids),
        "outlets": list(event.outlets),
        **_tag_fields(event.tags),
        "keywords": list(event.keywords),
    }


def event_from_document(doc: Mapping[str, Any]) -> Event:
    record = {
        key: doc.get(key)
        for key in ("id", "first_seen", "last_seen", "title", "story_ids", "outlets", "keywords")
    }
    record["tags"] = _tags(doc)
    return from_json(Event, {k: v for k, v in record.items() if v is not None})


def health_document(health: SourceHealth) -> dict[str, Any]:
    return {
        "@timestamp": _iso(health.last_attempt),
        "id": health_id(health.source_id),
        "kind": "health",
        **to_json(health),
    }


def health_id(source_id: str) -> str:
    return f"health:{source_id}"


def health_from_document(doc: Mapping[str, Any]) -> SourceHealth:
    return from_json(SourceHealth, doc)


def validators_document(validators: Validators) -> dict[str, Any]:
    return {"id": validators_id(validators.url), "kind": "validators", **to_json(validators)}


def validators_id(url: str) -> str:
    """A short id for a feed URL (document ids are limited to 512 bytes)."""
    return "validators:" + hashlib.sha256(url.encode("utf-8")).hexdigest()


def validators_from_document(doc: Mapping[str, Any]) -> Validators:
    return from_json(Validators, doc)


def crawl_document(outcome: CrawlOutcome) -> dict[str, Any]:
    """One line of the crawl log."""
    return {
        "@timestamp": _iso(outcome.attempted_at),
        "id": f"crawl:{outcome.source_id}:{_utc_iso(outcome.attempted_at)}",
        "kind": "crawl",
        "source_id": outcome.source_id,
        "attempted_at": _iso(outcome.attempted_at),
        "status": outcome.status,
        "http_status": outcome.http_status,
        "error": outcome.error,
        "items_seen": outcome.items_seen,
    }


def watch_document(name: str, query: Mapping[str, Any]) -> dict[str, Any]:
    """A stored alert watch: its name and the engine query stories are matched against."""
    return {"id": name, "watch": name, "query": dict(query)}


# --- bulk actions --------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class BulkAction:
    """One line pair of a ``_bulk`` request: index a whole document, or update part of one."""

    op: str  # "index" or "update"
    index: str
    doc_id: str
    source: Mapping[str, Any]
    require_alias: bool = False

    def lines(self) -> tuple[dict[str, Any], dict[str, Any]]:
        meta: dict[str, Any] = {"_index": self.index, "_id": self.doc_id}
        if self.require_alias:
            meta["require_alias"] = True
        body = {"doc": dict(self.source)} if self.op == "update" else dict(self.source)
        return {self.op: meta}, body

    def to_json(self) -> dict[str, Any]:
        return {
            "op": self.op,
            "index": self.index,
            "doc_id": self.doc_id,
            "source": dict(self.source),
            "require_alias": self.require_alias,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> BulkAction:
        return cls(
            op=data["op"],
            index=data["index"],
            doc_id=data["doc_id"],
            source=data["source"],
            require_alias=data.get("require_alias", False),
        )


def bulk_ndjson(actions: Iterable[BulkAction]) -> bytes:
    """The body of a ``_bulk`` request."""
    lines = []
    for action in actions:
        for part in action.lines():
            lines.append(json.dumps(part, ensure_ascii=False, separators=(",", ":")))
    return ("\n".join(lines) + "\n").encode("utf-8")


# --- queries -------------------------------------------------------------------------

TEXT_FIELDS: tuple[str, ...] = ("title", "body")
"""What a text search looks in: the same two columns as the SQLite store's full-text index."""

EXACT_FILTER_FIELDS: frozenset[str] = frozenset(
    {"source_id", "outlet", "language", "domain", "event_id"}
)

SORTS: dict[str, list[dict[str, str]]] = {
    "newest": [{"@timestamp": "desc"}, {"id": "asc"}],
    "first_seen": [{"first_seen_at": "desc"}, {"id": "asc"}],
    "relevance": [
        {"relevance.label": "desc"},
        {"relevance.score": "desc"},
        {"@timestamp": "desc"},
        {"id": "asc"},
    ],
}
"""The same orders as the SQLite store, ending on the id so paging is stable."""

_EXPRESSION_TOKEN = re.compile(r'"[^"]*"|\S+')


def text_query(text: str) -> dict[str, Any] | None:
    """A user's search words as an engine query, with the SQLite store's meaning.

    Words and "quoted phrases" must all occur (in the title or the body) unless joined with
    OR; NOT excludes; parentheses group; NOT binds tighter than AND, AND tighter than OR.
    The words go through the same sanitizer as the SQLite store, so any input is valid.
    """
    expression = fts_query(text)
    if not expression:
        return None
    return _ExpressionParser(_EXPRESSION_TOKEN.findall(expression)).parse()


class _ExpressionParser:
    """Recursive descent over a sanitized expression: OR of ANDs of NOTs of phrases."""

    def __init__(self, tokens: Sequence[str]) -> None:
        self._tokens = tokens
        self._at = 0

    def parse(self) -> dict[str, Any]:
        return self._any_of()

    def _peek(self) -> str | None:
        return self._tokens[self._at] if self._at < len(self._tokens) else None

    def _take(self) -> str:
        token = self._tokens[self._at]
        self._at += 1
        return token

    def _any_of(self) -> dict[str, Any]:
        parts = [self._all_of()]
        while self._peek() == "OR":
            self._take()
            parts.append(self._all_of())
        return (
            parts[0] if len(parts) == 1 else {"bool": {"should": parts, "minimum_should_match": 1}}
        )

    def _all_of(self) -> dict[str, Any]:
        parts = [self._but_not()]
        while self._peek() == "AND":
            self._take()
            parts.append(self._but_not())
        return parts[0] if len(parts) == 1 else {"bool": {"must": parts}}

    def _but_not(self) -> dict[str, Any]:
        kept = self._operand()
        excluded = []
        while self._peek() == "NOT":
            self._take()
            excluded.append(self._operand())
        return {"bool": {"must": [kept], "must_not": excluded}} if excluded else kept

    def _operand(self) -> dict[str, Any]:
        token = self._take()
        if token == "(":
            inner = self._any_of()
            if self._peek() == ")":
                self._take()
            return inner
        phrase = token.strip('"')
        return {"multi_match": {"query": phrase, "type": "phrase", "fields": list(TEXT_FIELDS)}}


def _values_filter(name: str, values: Sequence[str]) -> dict[str, Any]:
    if name in TAG_FIELDS:
        should = [{"term": {name: {"value": v, "case_insensitive": True}}} for v in values]
        return {"bool": {"should": should, "minimum_should_match": 1}}
    if name in EXACT_FILTER_FIELDS:
        return {"terms": {name: list(values)}}
    raise StoreError(f"cannot filter on unknown field {name!r}")


def story_query(query: StoryQuery) -> dict[str, Any]:
    """The query clause selecting the stories a ``StoryQuery`` asks for."""
    must: list[dict[str, Any]] = []
    filters: list[dict[str, Any]] = []
    must_not: list[dict[str, Any]] = []
    if query.text and (matched := text_query(query.text)) is not None:
        must.append(matched)
    time_range = {}
    if query.since is not None:
        time_range["gte"] = _utc_iso(query.since)
    if query.until is not None:
        time_range["lt"] = _utc_iso(query.until)
    if time_range:
        filters.append({"range": {"@timestamp": time_range}})
    if query.relevant is not None:
        filters.append({"term": {"relevance.label": query.relevant}})
    if not query.include_duplicates:
        must_not.append({"exists": {"field": "duplicate_of"}})
    for name, values in (query.filters or {}).items():
        values = [v for v in values if v]
        if values:
            filters.append(_values_filter(name, values))
    if not (must or filters or must_not):
        return {"match_all": {}}
    clauses: dict[str, Any] = {}
    for key, items in (("must", must), ("filter", filters), ("must_not", must_not)):
        if items:
            clauses[key] = items
    return {"bool": clauses}


def search_body(query: StoryQuery, *, size: int) -> dict[str, Any]:
    """A page of stories in the order a ``StoryQuery`` asks for."""
    return {
        "query": story_query(query),
        "sort": SORTS[query.sort],
        "size": size,
        "_source": {"excludes": ["signature"]},
        "track_total_hits": False,
    }


def count_body(query: StoryQuery) -> dict[str, Any]:
    return {"query": story_query(query)}


def since_query(field: str, since: datetime | None) -> dict[str, Any]:
    """Documents whose ``field`` is at or after ``since`` (all of them for ``None``)."""
    if since is None:
        return {"match_all": {}}
    return {"range": {field: {"gte": _utc_iso(since)}}}


def kind_query(kind: str) -> dict[str, Any]:
    return {"term": {"kind": kind}}


def percolate_body(documents: Sequence[Mapping[str, Any]], *, size: int) -> dict[str, Any]:
    """Find the stored watches matching any of ``documents``; hits name the slots matched."""
    return {
        "query": {"percolate": {"field": "query", "documents": list(documents)}},
        "_source": ["watch"],
        "size": size,
        "sort": [{"id": "asc"}],
    }


def stale_watches_query(keep: Iterable[str]) -> dict[str, Any]:
    """The stored watches not among ``keep``."""
    return {"query": {"bool": {"must_not": [{"terms": {"watch": sorted(keep)}}]}}}


# --- aggregations for ``picket stats`` -------------------------------------------------

STAT_FIELDS: tuple[str, ...] = ("companies", "actions", "struggles", "tags")


def story_stats_body(since: datetime | None, *, relevant_only: bool, top: int) -> dict[str, Any]:
    """Stories per week and the most frequent companies, actions, struggles and tags."""
    query = story_query(StoryQuery(since=since, relevant=True if relevant_only else None))
    aggs: dict[str, Any] = {
        "per_week": {
            "date_histogram": {
                "field": "@timestamp",
                "calendar_interval": "week",
                "min_doc_count": 1,
            }
        }
    }
    for name in STAT_FIELDS:
        aggs[name] = {"terms": {"field": name, "size": top}}
    return {"size": 0, "track_total_hits": True, "query": query, "aggs": aggs}


def event_stats_body(since: datetime | None) -> dict[str, Any]:
    """Events active since ``since``, counted by the week they began."""
    return {
        "size": 0,
        "track_total_hits": True,
        "query": since_query("last_seen", since),
        "aggs": {
            "per_week": {
                "date_histogram": {
                    "field": "first_seen",
                    "calendar_interval": "week",
                    "min_doc_count": 1,
                }
            }
        },
    }

"""The documents picket's records become in Elasticsearch or OpenSearch, and back.

Stories, events, source health, feed validators, the crawl log and alert watches as
engine documents (fitting ``engine_mappings``), and the bulk actions that write them.
Pure functions: no I/O, no clock.
"""

from __future__ import annotations

import base64
import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from pipeline.crawl_records import CrawlOutcome, KnownStory, Validators
from pipeline.recordjson import from_json, to_json
from pipeline.records import Correction, Event, Story, Tags
from pipeline.source_records import SourceHealth
from pipeline.store.base import TAG_FIELDS


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment is not None else None


def utc_iso(moment: datetime) -> str:
    """``moment`` in UTC as ISO 8601; a naive ``moment`` is taken to be UTC."""
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
        "@timestamp": utc_iso(story.published or story.first_seen),
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


KNOWN_STORY_FIELDS = (
    "id", "title", "content_hash", "first_seen_at", "event_id", "duplicate_of", "signature"
)  # fmt: skip
"""The fields of a story document a ``KnownStory`` is read from."""


def known_story_from_document(doc: Mapping[str, Any]) -> KnownStory:
    """The ``KnownStory`` of a story document read with ``KNOWN_STORY_FIELDS`` (no text)."""
    record = {
        "id": doc["id"],
        "title": doc["title"],
        "content_hash": doc.get("content_hash", ""),
        "first_seen": doc.get("first_seen_at"),
        "event_id": doc.get("event_id"),
        "duplicate_of": doc.get("duplicate_of"),
        "signature": doc.get("signature") or None,
    }
    return from_json(KnownStory, record)


def signature_of(doc: Mapping[str, Any]) -> bytes | None:
    """The near-duplicate signature kept with a story document, if any."""
    raw = doc.get("signature")
    return base64.b64decode(raw) if raw else None


def comparable_document(doc: Mapping[str, Any]) -> dict[str, Any]:
    """A story document without what a re-crawl may change without changing the story."""
    return {k: v for k, v in doc.items() if k not in ("fetched_at", "signature")}


def event_document(event: Event) -> dict[str, Any]:
    return {
        "@timestamp": utc_iso(event.first_seen),
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
        "id": f"crawl:{outcome.source_id}:{utc_iso(outcome.attempted_at)}",
        "kind": "crawl",
        "source_id": outcome.source_id,
        "attempted_at": _iso(outcome.attempted_at),
        "status": outcome.status,
        "http_status": outcome.http_status,
        "error": outcome.error,
        "items_seen": outcome.items_seen,
    }


def correction_document(correction: Correction) -> dict[str, Any]:
    """A person's correction of a story, stored under the story's id."""
    return {"@timestamp": utc_iso(correction.labelled_at), **to_json(correction)}


def correction_from_document(doc: Mapping[str, Any]) -> Correction:
    return from_json(Correction, doc)


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

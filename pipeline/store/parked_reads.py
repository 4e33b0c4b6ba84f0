"""What a run reads when the search engine cannot answer: the writes waiting in the outbox.

A run that cannot reach the engine still crawls and parks its writes. The state it needs
(source health, feed validators, the stored URLs, recent stories and events) then comes
from the writes earlier runs parked: their articles are not fetched and parked again, new
stories are deduplicated and grouped against them, and the newest parked health and
validators hold. Everything else the engine keeps is unknown to such a run: it may poll a
source that is backing off, fetch a feed without validators, or fetch again an article the
engine already has (sending that story later adds no document, its id being the same).

Pure: the store decodes the parked writes and hands them over; no I/O here.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime

from pipeline.crawl_records import KnownStory, Validators
from pipeline.records import Event, Story
from pipeline.source_records import SourceHealth
from pipeline.store.engine_documents import (
    BulkAction,
    event_from_document,
    health_from_document,
    signature_of,
    validators_from_document,
)
from pipeline.store.engine_mappings import IndexNames


@dataclass(frozen=True, slots=True)
class ParkedState:
    """The documents the parked writes will leave in the engine, as far as a run reads them."""

    stories: Mapping[str, Story]
    signatures: Mapping[str, bytes]
    events: Mapping[str, Event]
    health: Mapping[str, SourceHealth]
    validators: Mapping[str, Validators]

    def known_urls(self) -> set[str]:
        return {url for story in self.stories.values() for url in (story.url, story.canonical_url)}

    def stories_since(self, since: datetime) -> list[tuple[Story, bytes | None]]:
        """The parked stories first seen after ``since``, and any without a first sighting
        yet (the store gives them one when it sends them)."""
        return [
            (story, self.signatures.get(story.id))
            for story in self.stories.values()
            if story.first_seen is None or story.first_seen >= since
        ]

    def known_stories(self, since: datetime) -> list[KnownStory]:
        """What dedup and events need of ``stories_since``."""
        return [KnownStory.of(story, signature) for story, signature in self.stories_since(since)]

    def recent_events(self, since: datetime | None, limit: int) -> list[Event]:
        """The parked events active after ``since``, most recently active first."""
        events = [e for e in self.events.values() if since is None or e.last_seen >= since]
        events.sort(key=lambda e: e.id)
        events.sort(key=lambda e: e.last_seen, reverse=True)
        return events[:limit]


def parked_state(
    stories: Iterable[Story], actions: Iterable[BulkAction], names: IndexNames
) -> ParkedState:
    """The state the parked ``stories`` and bulk ``actions`` (oldest first) leave behind:
    a later write of a document wins, as it does when the outbox is sent."""
    signatures: dict[str, bytes] = {}
    events: dict[str, Event] = {}
    health: dict[str, SourceHealth] = {}
    validators: dict[str, Validators] = {}
    for action in actions:
        doc = action.source
        if action.index == names.stories and (signature := signature_of(doc)) is not None:
            signatures[action.doc_id] = signature
        elif action.index == names.events:
            events[action.doc_id] = event_from_document(doc)
        elif action.index == names.sources and doc.get("kind") == "health":
            source_health = health_from_document(doc)
            health[source_health.source_id] = source_health
        elif action.index == names.sources and doc.get("kind") == "validators":
            feed_validators = validators_from_document(doc)
            validators[feed_validators.url] = feed_validators
    return ParkedState(
        stories={story.id: story for story in stories},
        signatures=signatures,
        events=events,
        health=health,
        validators=validators,
    )

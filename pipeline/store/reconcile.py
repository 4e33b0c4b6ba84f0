"""Fit the writes replayed from the outbox to what the search engine holds by then.

A run that could not reach the engine from its start knew only the outbox: it may have
fetched again stories the engine holds, grouped them into events without the engine's
events and folded source health from nothing. When its parked writes are sent, what the
engine learnt with full knowledge is kept: a stored story keeps its event and original, a
parked event claims no story the engine places in another event and is merged with its
stored copy, and a parked health record continues the stored one rather than reset it.
Feed validators and the crawl log go as they are (the parked ones are the newer). A run
that lost the engine midway had read its state, so its writes mostly pass unchanged.
Writes sent straight to the engine are not fitted; only replayed ones come here.

Pure: the store reads the stored documents and sends what this returns; no I/O here.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from pipeline.health import MAX_BACKOFF
from pipeline.records import Event, Story
from pipeline.source_records import SourceHealth
from pipeline.store.engine_documents import (
    BulkAction,
    event_document,
    event_from_document,
    health_document,
    health_from_document,
)
from pipeline.store.engine_mappings import IndexNames
from pipeline.understand.events import MAX_KEYWORDS, merge_tags

Document = Mapping[str, Any]


@dataclass(frozen=True, slots=True)
class StoredIds:
    """The ids, per index, of the stored documents that fitting a batch of writes reads."""

    stories: tuple[str, ...]
    events: tuple[str, ...]
    sources: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class StoredDocuments:
    """The documents the engine holds for those ids, by document id (missing ones absent)."""

    stories: Mapping[str, Document]
    events: Mapping[str, Document]
    sources: Mapping[str, Document]


def ids_to_read(
    stories: Iterable[Story], actions: Iterable[BulkAction], names: IndexNames
) -> StoredIds:
    """The stories written or claimed by a written event, the events, the health records."""
    story_ids = [story.id for story in stories]
    event_ids: list[str] = []
    source_ids: list[str] = []
    for action in actions:
        if _writes_event(action, names):
            event_ids.append(action.doc_id)
            story_ids += action.source.get("story_ids") or ()
        elif _writes_health(action, names):
            source_ids.append(action.doc_id)
    return StoredIds(_in_order(story_ids), _in_order(event_ids), _in_order(source_ids))


def fit_story(parked: Story, stored: Document | None) -> Story:
    """A parked story keeps the event and original the engine gave its stored copy."""
    if stored is None:
        return parked
    return replace(parked, event_id=stored.get("event_id"), duplicate_of=stored.get("duplicate_of"))


def fit_action(action: BulkAction, stored: StoredDocuments, names: IndexNames) -> BulkAction | None:
    """A parked bulk action fitted to the stored documents; ``None`` if none is left to send."""
    if _writes_event(action, names):
        placed = {story_id: doc.get("event_id") for story_id, doc in stored.stories.items()}
        held = stored.events.get(action.doc_id)
        event = fit_event(
            event_from_document(action.source),
            event_from_document(held) if held is not None else None,
            placed,
        )
        return None if event is None else replace(action, source=event_document(event))
    if _writes_health(action, names) and (held := stored.sources.get(action.doc_id)):
        health = fold_health(health_from_document(held), health_from_document(action.source))
        return replace(action, source=health_document(health))
    return action


def fit_event(
    parked: Event, stored: Event | None, placed: Mapping[str, str | None]
) -> Event | None:
    """A parked event once it drops the stories the engine places elsewhere, merged with its
    stored copy; ``None`` when it claims no story any more (the stored copy, if any, stays).

    ``placed`` maps each stored story to the event the engine gives it (``None``: no event),
    which the story keeps (``fit_story``). The dropped stories' outlets, tags and times stay
    in the event, their records not being at hand.
    """
    claimed = tuple(s for s in parked.story_ids if placed.get(s, parked.id) == parked.id)
    if not claimed:
        return None
    parked = replace(parked, story_ids=claimed)
    return parked if stored is None else merge_events(stored, parked)


def merge_events(stored: Event, parked: Event) -> Event:
    """One event from its stored and parked copies: the widest span, the stored title unless
    it has none, stories, outlets, tags and keywords of both (the stored ones first)."""
    return replace(
        stored,
        first_seen=min(stored.first_seen, parked.first_seen),
        last_seen=max(stored.last_seen, parked.last_seen),
        title=stored.title or parked.title,
        story_ids=_in_order((*stored.story_ids, *parked.story_ids)),
        outlets=_in_order((*stored.outlets, *parked.outlets)),
        tags=merge_tags(stored.tags, parked.tags),
        keywords=_in_order((*stored.keywords, *parked.keywords))[:MAX_KEYWORDS],
    )


def fold_health(stored: SourceHealth, parked: SourceHealth) -> SourceHealth:
    """A source's health once its parked record meets the stored one.

    The record with the later last attempt holds. A later parked record may have been
    folded without the stored one (its run never reached the engine): then its failures
    continue the stored streak (backing off further) and its items add to the stored ones.
    The latest success holds either way.
    """
    if not _later(parked.last_attempt, stored.last_attempt):
        return stored
    if _counts_stored_streak(stored, parked):
        failures = parked.consecutive_failures
        items_seen = max(stored.items_seen, parked.items_seen)
    else:
        failures = stored.consecutive_failures + parked.consecutive_failures
        items_seen = stored.items_seen + parked.items_seen
    return replace(
        parked,
        last_success=max(
            (t for t in (stored.last_success, parked.last_success) if t is not None),
            default=None,
        ),
        consecutive_failures=failures,
        items_seen=items_seen,
        next_due=_backed_off(parked, failures),
    )


def _counts_stored_streak(stored: SourceHealth, parked: SourceHealth) -> bool:
    """Whether a later parked record already counts the stored failures: its last attempt
    succeeded, it saw a success no older than the stored one, or, neither having ever
    succeeded, its streak is longer than the stored one (a parked record folded from the
    stored one always is)."""
    if parked.consecutive_failures == 0:
        return True
    if parked.last_success is not None:
        return stored.last_success is None or parked.last_success >= stored.last_success
    return stored.last_success is None and parked.consecutive_failures > stored.consecutive_failures


def _backed_off(parked: SourceHealth, failures: int) -> datetime | None:
    """The parked next poll, its back-off doubled once per failure it did not count."""
    uncounted = failures - parked.consecutive_failures
    if uncounted <= 0 or parked.next_due is None or parked.last_attempt is None:
        return parked.next_due
    wait = parked.next_due - parked.last_attempt
    return parked.last_attempt + min(wait * 2**uncounted, MAX_BACKOFF)


def _later(moment: datetime | None, than: datetime | None) -> bool:
    return moment is not None and (than is None or moment > than)


def _writes_event(action: BulkAction, names: IndexNames) -> bool:
    return action.op == "index" and action.index == names.events


def _writes_health(action: BulkAction, names: IndexNames) -> bool:
    return (
        action.op == "index"
        and action.index == names.sources
        and action.source.get("kind") == "health"
    )


def _in_order(items: Iterable[str]) -> tuple[str, ...]:
    """``items`` without repeats, in order of first appearance."""
    return tuple(dict.fromkeys(items))

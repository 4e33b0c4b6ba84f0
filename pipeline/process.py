"""Turn a crawl's pages into understood stories and events: the middle of ``picket run``.

Each page is extracted, normalized, judged and tagged by the pure core; then checked
against the stories already stored for duplicates and joined to an event. State from the
store comes in as arguments, so this module does no I/O of its own.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime

from pipeline.dedup import DuplicateIndex, Signature, find_duplicate, signature
from pipeline.events import assign_event
from pipeline.extract import ExtractionError, extract_article
from pipeline.normalize import normalize_article
from pipeline.records import Article, Event, FetchedPage, Story
from pipeline.relevance import judge_relevance
from pipeline.tagging import tag_story

log = logging.getLogger(__name__)


def understand(article: Article, page: FetchedPage, *, now: datetime, threshold: float) -> Story:
    """The story an extracted article makes, with relevance and tags, before dedup."""
    story = normalize_article(article, page, now=now)
    return replace(
        story,
        relevance=judge_relevance(story.title, story.text, threshold=threshold),
        tags=tag_story(story.title, story.text),
    )


@dataclass
class ProcessedBatch:
    """What one batch of pages became."""

    stories: dict[str, Story] = field(default_factory=dict)
    events: dict[str, Event] = field(default_factory=dict)
    signatures: dict[str, bytes] = field(default_factory=dict)
    failed: list[tuple[str, str]] = field(default_factory=list)
    duplicates: int = 0


class StoryProcessor:
    """Judges pages one by one against what is stored and what this batch already made."""

    def __init__(
        self,
        *,
        stored: Iterable[tuple[Story, bytes | None]],
        events: Sequence[Event],
        now: datetime,
        threshold: float,
        event_window_days: int = 10,
    ) -> None:
        self.now = now
        self.threshold = threshold
        self.event_window_days = event_window_days
        self._event_of: dict[str, str | None] = {}
        pairs = []
        for story, raw in stored:
            sig = Signature.from_bytes(raw) if raw else signature(story.text)
            pairs.append((story, sig))
            self._event_of[story.id] = story.event_id
        self._index = DuplicateIndex.from_stories(pairs)
        self._events = {event.id: event for event in events}
        self.batch = ProcessedBatch()

    def add_pages(self, pages: Iterable[FetchedPage]) -> ProcessedBatch:
        for page in pages:
            self.add_page(page)
        return self.batch

    def add_page(self, page: FetchedPage) -> Story | None:
        """Process one page; a page that yields nothing is logged and counted, not raised."""
        try:
            article = extract_article(page)
            story = understand(article, page, now=self.now, threshold=self.threshold)
        except (ExtractionError, ValueError) as exc:
            log.warning("source %s: skipped %s: %s", page.source_id, page.url, exc)
            self.batch.failed.append((page.url, str(exc)))
            return None
        return self.add_story(story)

    def add_story(self, story: Story) -> Story:
        sig = signature(story.text)
        original = find_duplicate(story, self._index, sig)
        if original is not None:
            story = replace(story, duplicate_of=original)
            self.batch.duplicates += 1
        story = self._with_event(story)
        self._index.add(story, sig)
        self._event_of[story.id] = story.event_id
        self.batch.stories[story.id] = story
        self.batch.signatures[story.id] = sig.to_bytes()
        return story

    def _with_event(self, story: Story) -> Story:
        if story.duplicate_of is not None:
            event_id = self._event_of.get(story.duplicate_of)
            if event_id is None or event_id not in self._events:
                return story
            event = assign_event(
                replace(story, event_id=event_id), [self._events[event_id]], now=self.now
            )
        elif story.relevance.label:
            event = assign_event(
                story,
                list(self._events.values()),
                now=self.now,
                window_days=self.event_window_days,
            )
        else:
            return story
        self._events[event.id] = event
        self.batch.events[event.id] = event
        return replace(story, event_id=event.id)

"""Turn a crawl's pages into understood stories and events: the middle of ``picket run``.

Each page is extracted, normalized, judged and tagged by the pure core; then checked
against the stories already stored for duplicates and joined to an event. State from the
store comes in as arguments, so this module does no I/O of its own.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime

from pipeline.crawl_records import Article, FetchedPage, KnownStory
from pipeline.extract.article import ExtractionError, byline_authors, extract_article
from pipeline.labels import apply_correction, correction_of
from pipeline.records import Correction, Event, Story
from pipeline.understand.action_model import story_tags
from pipeline.understand.dedup import (
    DuplicateIndex,
    find_duplicate,
    fingerprint,
    known_fingerprint,
    signature,
)
from pipeline.understand.events import assign_event
from pipeline.understand.features import story_features
from pipeline.understand.normalize import clean_authors, normalize_article
from pipeline.understand.reading import read_story
from pipeline.understand.relevance import judge_story

log = logging.getLogger(__name__)


def understand(article: Article, page: FetchedPage, *, now: datetime, threshold: float) -> Story:
    """The story an extracted article makes, with relevance and tags, before dedup.

    A relevant story whose page declares no author gets the byline its markup names; that
    search is too slow to make for every page (see ``pipeline.extract.page_metadata``).
    """
    story = normalize_article(article, page, now=now)
    reading = read_story(story.title, story.text)
    features = story_features(story.title, story.text, reading)  # for judging and tagging
    relevance = judge_story(
        story.title, story.text, reading, threshold=threshold, features=features
    )
    if relevance.label and not story.authors and not story.fallback:
        story = replace(story, authors=clean_authors(byline_authors(page)))
    tags = story_tags(story.title, story.text, reading, relevant=relevance.label, features=features)
    return replace(story, relevance=relevance, tags=tags)


@dataclass
class ProcessedBatch:
    """What one batch of pages became."""

    stories: dict[str, Story] = field(default_factory=dict)
    events: dict[str, Event] = field(default_factory=dict)
    signatures: dict[str, bytes] = field(default_factory=dict)
    failed: list[tuple[str, str]] = field(default_factory=list)

    @property
    def duplicates(self) -> int:
        """How many of the batch's stories copy another: a page two sources reach is one."""
        return sum(story.duplicate_of is not None for story in self.stories.values())


class StoryProcessor:
    """Judges pages one by one against what is stored and what this batch already made.

    ``stored`` are the stories a new one could repeat (their signatures standing in for text),
    ``events`` the events a new story could join, and ``lookup_event`` fetches any other
    event by id (the original's event of a late duplicate, say). ``corrections`` (by story
    id) are people's labels: a story someone corrected, or a copy of one, is grouped as
    corrected.
    """

    def __init__(
        self,
        *,
        stored: Iterable[KnownStory],
        events: Sequence[Event],
        lookup_event: Callable[[str], Event | None],
        now: datetime,
        threshold: float,
        corrections: Mapping[str, Correction] | None = None,
    ) -> None:
        self.now = now
        self.threshold = threshold
        self._lookup_event = lookup_event
        self._corrections = corrections or {}
        self._event_of: dict[str, str | None] = {}
        self._index = DuplicateIndex()
        for known in stored:
            self._index.add(known_fingerprint(known))
            self._event_of[known.id] = known.event_id
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
        """Mark ``story`` as a duplicate, apply its correction if someone made one, and put
        it in an event where it belongs."""
        sig = signature(story.text)
        original = find_duplicate(story, self._index, sig)
        if original is not None:
            story = replace(story, duplicate_of=original)
        story = apply_correction(story, correction_of(story, self._corrections))
        event = assign_event(story, self._candidate_events(story), now=self.now)
        if event is not None:
            self._events[event.id] = event
            self.batch.events[event.id] = event
            story = replace(story, event_id=event.id)
        self._index.add(fingerprint(story, sig))
        self._event_of[story.id] = story.event_id
        self.batch.stories[story.id] = story
        self.batch.signatures[story.id] = sig.to_bytes()
        return story

    def _candidate_events(self, story: Story) -> list[Event]:
        for anchor in (story.id, story.duplicate_of):
            event_id = self._event_of.get(anchor) if anchor else None
            event = (
                self._lookup_event(event_id) if event_id and event_id not in self._events else None
            )
            if event is not None:
                self._events[event.id] = event
        return list(self._events.values())

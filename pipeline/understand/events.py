"""Group the stories about one collective action into an event whose id survives re-runs.

A relevant story joins an event when, within ``window_days`` of the event's span, its acting
employer is the event's, it has a kind of action the event has and it shares some of its
specific words (places, groups, issues: the event's keywords); or when it shares most of
those words and its acting employer is the event's, unknown on either side, or named by
each. A story's acting employer is the first of its companies (tagging lists the acting
workers' employers first), an event's is that of the story that started it: two employers'
letters on one issue in one week are two actions, however many companies each names. A
duplicate joins its original's event. Otherwise a story starts a new event whose id is a
hash of its own id, so processing the same stories again finds the same events.

An event's ``first_seen``/``last_seen`` span the times of its stories, a story's time being
its publication date (when picket first saw it, if the date is unknown): an old article found
today belongs with the action it reports, not with today's news. Its title is that of its
earliest story. Whoever supplies ``candidates`` should pass the stored events whose span lies
within ``window_days`` of the story's time; that includes any event the story already joined.

A story a person corrected (``pipeline.labels``) is ``regroup``ed: it leaves its event,
which is rebuilt from its other stories (or is emptied), and is assigned again by the same
rule, so it rejoins that event, joins another or starts its own.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from pipeline.records import Event, Story, Tags
from pipeline.understand.normalize import words

WINDOW_DAYS = 10
SHARED_TAGS_MIN_SIMILARITY = 0.1  # same company and action: a few specific words in common
WORDS_ONLY_MIN_SIMILARITY = 0.5  # no shared action: most specific words in common
MAX_KEYWORDS = 60
LEDE_WORDS = 60

_DIGITS = re.compile(r"\d+")
# Function words, and words every story in picket's field uses, which say nothing of which
# action a story reports.
_COMMON_WORDS = frozenset(
    {
        "about", "above", "after", "again", "against", "all", "also", "and", "any", "are",
        "around", "because", "been", "before", "being", "below", "between", "both", "but",
        "can", "could", "did", "does", "doing", "down", "during", "each", "few", "for", "from",
        "further", "had", "has", "have", "having", "her", "here", "hers", "him", "his", "how",
        "into", "its", "itself", "just", "more", "most", "nor", "not", "now", "off", "once",
        "only", "other", "our", "out", "over", "own", "same", "she", "should", "some", "such",
        "than", "that", "the", "their", "them", "then", "there", "these", "they", "this",
        "those", "through", "too", "under", "until", "very", "was", "were", "what", "when",
        "where", "which", "while", "who", "whom", "why", "will", "with", "would", "you", "your",
        "said", "says", "say", "told", "tells", "new", "one", "two", "three", "last", "next",
        "first", "week", "weeks", "month", "months", "year", "years", "day", "days", "today",
        "yesterday", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday",
        "sunday", "according", "statement", "spokesperson", "spokeswoman", "spokesman",
        "reported", "report", "reports", "news", "comment", "workers", "worker", "employees",
        "employee", "staff", "staffers", "people", "group", "groups", "company", "companies",
        "firm", "tech", "technology", "union", "unions", "unionize", "unionise", "strike",
        "strikes", "striking", "struck", "protest", "protests", "protesting", "protested",
        "walkout", "walkouts", "walk", "walked", "walking", "letter", "letters", "open",
        "petition", "petitions", "signed", "sign", "signing", "demand", "demands", "demanding",
        "call", "calls", "called", "asked", "asking", "management", "executives", "executive",
        "ceo", "les", "des", "une", "pour", "dans", "avec", "sur", "par", "que", "qui", "est",
        "ont", "der", "die", "das", "und", "den", "dem", "ein", "eine", "mit", "von", "für",
        "auf", "ist", "sind", "los", "las", "una", "para", "con", "por", "del"
    }
)  # fmt: skip


def event_id_for(story_id: str) -> str:
    """The id of the event a story starts: stable for as long as the story's id is."""
    return "evt-" + hashlib.sha256(story_id.encode("utf-8")).hexdigest()[:16]


def story_keywords(story: Story) -> tuple[str, ...]:
    """The specific words of a story's title and lede, in order of first use.

    Company names are left out (events compare companies by their tags) and so are
    function words and the vocabulary every story of collective action shares.
    """
    lede = " ".join(story.text.split()[:LEDE_WORDS])
    company_words = set(words(" ".join(story.tags.companies)))
    found = (
        w
        for w in words(f"{story.title} {story.description} {lede}")
        if len(w) > 2
        and not _DIGITS.fullmatch(w)
        and w not in _COMMON_WORDS
        and w not in company_words
    )
    return tuple(dict.fromkeys(found))


def undated_events(events: Iterable[Event], stories: Iterable[Story]) -> frozenset[str]:
    """The ids of ``events`` of which none of ``stories`` (those given) has a publication date.

    Such an event's span is only when picket first saw its stories, which for an old
    article found today is today: shown as a date, it would pass for today's news.
    """
    given = {story.id: story.published is not None for story in stories}
    return frozenset(
        event.id
        for event in events
        if any(i in given for i in event.story_ids) and not any(map(given.get, event.story_ids))
    )


def merge_tags(a: Tags, b: Tags) -> Tags:
    """Both tag sets in one: each list is ``a``'s then ``b``'s new values; the larger count."""
    stated = [n for n in (a.workers, b.workers) if n is not None]
    return Tags(
        companies=_union(a.companies, b.companies),
        actions=_union(a.actions, b.actions),
        struggles=_union(a.struggles, b.struggles),
        employment_types=_union(a.employment_types, b.employment_types),
        tags=_union(a.tags, b.tags),
        workers=max(stated) if stated else None,
    )


def assign_event(
    story: Story, candidates: Sequence[Event], *, now: datetime, window_days: int = WINDOW_DAYS
) -> Event | None:
    """The event ``story`` belongs to, updated with it; ``None`` if it forms no event.

    In order: the event already holding the story (re-running changes nothing), the event
    of the story it duplicates, the best matching candidate (most similar, then oldest),
    else a new event. A story that is not relevant and joins no event by the first two
    rules forms none. ``now`` stands in for a story without any date.
    """
    when = _story_time(story, now)
    keywords = story_keywords(story)
    for anchor in (story.id, story.duplicate_of):
        member_of = next((e for e in candidates if anchor and anchor in e.story_ids), None)
        if member_of is not None:
            return _join(member_of, story, when, keywords)
    if not story.relevance.label:
        return None
    window = timedelta(days=window_days)
    matches = [
        (similarity, event)
        for event in candidates
        if event.first_seen - window <= when <= event.last_seen + window
        and (similarity := _match(story, keywords, event)) is not None
    ]
    if not matches:
        return _started(story, when, keywords, event_id_for(story.id))
    _, best = min(matches, key=lambda m: (-m[0], m[1].first_seen, m[1].id))
    return _join(best, story, when, keywords)


@dataclass(frozen=True, slots=True)
class Regrouped:
    """Where a corrected story now belongs, and which stored events change with it."""

    story: Story
    """The story with its new ``event_id`` (None: it is in no event)."""
    events: tuple[Event, ...] = ()
    """The events to store: the one it left, rebuilt, and the one it is now in."""
    emptied: tuple[str, ...] = ()
    """The ids of events left without stories, to delete."""


def regroup(
    story: Story,
    others: Sequence[Story],
    candidates: Sequence[Event],
    *,
    lookup_event: Callable[[str], Event | None],
    now: datetime,
    copies: Sequence[Story] = (),
) -> Regrouped:
    """Group ``story``, as a correction changed it, again: it leaves its event, rebuilt from
    ``others`` (the event's other stories), and is assigned anew with ``assign_event`` among
    ``candidates``; its ``copies`` go where it goes. A new event the story starts takes the
    story's usual event id unless an event still holding other stories has it
    (``lookup_event`` finds stored events)."""
    old = next((e for e in candidates if e.id == story.event_id), None)
    if old is None and story.event_id:
        old = lookup_event(story.event_id)
    moving = {story.id, *(c.id for c in copies)}
    left = _rebuilt(old, [s for s in others if s.id not in moving], now) if old else None
    pool = [e for e in candidates if old is None or e.id != old.id]
    pool += [left] if left is not None else []
    event = assign_event(replace(story, event_id=None), pool, now=now)
    if event is not None and event.story_ids == (story.id,):
        event = replace(event, id=_free_id(story.id, pool, old, lookup_event))
    if event is not None:
        for copy in copies:
            event = _join(event, copy, _story_time(copy, now), story_keywords(copy))
    changed = tuple(e for e in (left, event) if e is not None)
    emptied = (old.id,) if old is not None and old.id not in {e.id for e in changed} else ()
    return Regrouped(replace(story, event_id=event.id if event else None), changed, emptied)


def _rebuilt(event: Event, stories: Sequence[Story], now: datetime) -> Event | None:
    """``event`` with only ``stories`` of its own, joined in their order of time."""
    kept = sorted(
        (s for s in stories if s.id in event.story_ids), key=lambda s: (_story_time(s, now), s.id)
    )
    if not kept:
        return None
    first, *rest = kept
    rebuilt = _started(first, _story_time(first, now), story_keywords(first), event.id)
    for story in rest:
        rebuilt = _join(rebuilt, story, _story_time(story, now), story_keywords(story))
    return rebuilt


def _free_id(
    story_id: str,
    pool: Sequence[Event],
    old: Event | None,
    lookup_event: Callable[[str], Event | None],
) -> str:
    """The event id a story starts, or the first of its numbered variants that no other
    event holds (the event the story left keeps its id while other stories stay in it)."""
    taken = {e.id for e in pool}

    def free(event_id: str) -> bool:
        stored = lookup_event(event_id)
        return event_id not in taken and (
            stored is None or (old is not None and stored.id == old.id)
        )

    event_id, number = event_id_for(story_id), 0
    while not free(event_id):
        number += 1
        event_id = event_id_for(f"{story_id}#{number}")
    return event_id


def _started(story: Story, when: datetime, keywords: tuple[str, ...], event_id: str) -> Event:
    """The event ``story`` starts."""
    return Event(
        id=event_id,
        first_seen=when,
        last_seen=when,
        title=story.title,
        story_ids=(story.id,),
        outlets=_outlets_of(story),
        tags=story.tags,
        keywords=keywords[:MAX_KEYWORDS],
    )


def _match(story: Story, keywords: tuple[str, ...], event: Event) -> float | None:
    """How alike story and event are, if alike enough to be one action; else ``None``."""
    similarity = _overlap(keywords, event.keywords)
    story_companies = [c.casefold() for c in story.tags.companies]
    event_companies = [c.casefold() for c in event.tags.companies]
    if story_companies and event_companies:
        same_employer = story_companies[0] == event_companies[0]
        employers_agree = same_employer or (
            story_companies[0] in event_companies and event_companies[0] in story_companies
        )
    else:  # an unknown employer agrees with any, on the words alone
        same_employer, employers_agree = False, True
    shared_action = bool(set(story.tags.actions) & set(event.tags.actions))
    if same_employer and shared_action and similarity >= SHARED_TAGS_MIN_SIMILARITY:
        return similarity
    if employers_agree and similarity >= WORDS_ONLY_MIN_SIMILARITY:
        return similarity
    return None


def _join(event: Event, story: Story, when: datetime, keywords: tuple[str, ...]) -> Event:
    earliest = when < event.first_seen or not event.title
    return replace(
        event,
        first_seen=min(event.first_seen, when),
        last_seen=max(event.last_seen, when),
        title=story.title if earliest and story.title else event.title,
        story_ids=_union(event.story_ids, (story.id,)),
        outlets=_union(event.outlets, _outlets_of(story)),
        tags=merge_tags(event.tags, story.tags),
        keywords=_union(event.keywords, keywords)[:MAX_KEYWORDS],
    )


def _story_time(story: Story, fallback: datetime) -> datetime:
    return story.published or story.first_seen or fallback


def _outlets_of(story: Story) -> tuple[str, ...]:
    outlet = story.outlet or story.domain
    return (outlet,) if outlet else ()


def _overlap(a: Iterable[str], b: Iterable[str]) -> float:
    """Shared words over the smaller set: an event's words grow, a story's do not."""
    a, b = set(a), set(b)
    return len(a & b) / min(len(a), len(b)) if a and b else 0.0


def _union(a: tuple[str, ...], b: Iterable[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys((*a, *b)))

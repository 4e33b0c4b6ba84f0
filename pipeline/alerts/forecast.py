"""What the next alert run would do with each stored story a watch matches.

``picket watches test`` lists a watch's matches among the stored stories; most of them
are never emailed: they were sent already, first seen before the watch existed, are old
news, or were dropped from their email after a correction. This tells which, from the
ledger's matches and the watch's start, with the very rule an alert run applies
(``service.is_alertable``). Pure: the caller reads the ledger and the store.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from pipeline.alerts.ledger import Match, WatchState
from pipeline.alerts.service import is_alertable, stored_before_watch
from pipeline.alerts.watches import Watch
from pipeline.records import Story
from pipeline.settings import Settings

WILL_SEND = "will send"
WAITING = "next email"
SENT = "already sent"
GROUPED = "same event told"
BEFORE_WATCH = "before watch"
TOO_OLD = "too old"
CHECKED = "checked earlier"
WATCH_OFF = "watch off"
DROPPED = "dropped"

OUTLOOK_MEANINGS: dict[str, str] = {
    WILL_SEND: "the next alert run emails it (a digest watch at its next digest time)",
    WAITING: "matched, waits for the watch's next email (digest)",
    SENT: "already emailed",
    GROUPED: "another story of the same event was emailed or is waiting",
    BEFORE_WATCH: "first seen before the watch existed; a watch only sees stories after",
    TOO_OLD: "published before the watch's age limit (include_old: true to get it)",
    CHECKED: "an earlier alert run checked it before this watch was added or changed",
    WATCH_OFF: "the watch is switched off (enabled: false); alert runs skip it",
    DROPPED: "left out of its email after a correction (`picket alerts status` says why); "
    "sent if a later correction makes the watch take it again",
}


@dataclass(frozen=True, slots=True)
class Forecast:
    """One matching story and what the next alert run does with it (an ``OUTLOOK_*``)."""

    story: Story
    outlook: str


def forecast_matches(
    watch: Watch,
    stories: Sequence[Story],
    *,
    state: WatchState | None,
    matches: Mapping[str, Match],
    seen: Collection[str],
    settings: Settings,
    now: datetime,
) -> list[Forecast]:
    """Each story with its outlook; ``state``, ``matches`` and ``seen`` are the ledger's
    (``state`` None: the next run registers the watch)."""
    forecasts = []
    for story in stories:
        match = matches.get(story.id)
        if match is not None:
            outlook = _matched_outlook(match)
        elif stored_before_watch(story, watch, state, now=now) or (
            story.id in seen and state is not None and story.first_seen < state.registered_at
        ):
            outlook = BEFORE_WATCH
        elif not is_alertable(story, watch, state, settings=settings, now=now):
            outlook = TOO_OLD
        elif story.id in seen:
            outlook = CHECKED
        elif not watch.enabled:
            outlook = WATCH_OFF
        else:
            outlook = WILL_SEND
        forecasts.append(Forecast(story, outlook))
    return forecasts


def _matched_outlook(match: Match) -> str:
    """What became of a story an alert run already matched to the watch."""
    if match.dropped:
        return DROPPED
    if match.kind == "grouped":
        return GROUPED
    return WAITING if match.batch_id is None else SENT

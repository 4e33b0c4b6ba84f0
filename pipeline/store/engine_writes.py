"""The engine store's writes: bulk requests now, or parked in the outbox until they can go.

An ``EngineWriter`` sends writes as bulk requests with deterministic ids, ``bulk_size`` at a
time. While the engine cannot be reached, or while older writes still wait, it parks them
in the ``Outbox`` behind what waits; ``flush_outbox`` sends them, oldest first, fitted to
what the engine holds by then (``reconcile``). Stories keep their first sighting, and a
story stored unchanged is not sent again.
"""

from __future__ import annotations

import itertools
import logging
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import Any, TypeVar
from urllib.parse import quote

from pipeline.labels import apply_correction, correction_of
from pipeline.recordjson import from_json, to_json
from pipeline.records import Correction, Story
from pipeline.store.bulk import BulkResult, send_bulk
from pipeline.store.engine_documents import (
    BulkAction,
    comparable_document,
    correction_from_document,
    story_document,
)
from pipeline.store.engine_mappings import IndexNames
from pipeline.store.engine_setup import Request
from pipeline.store.outbox import Outbox, ParkedWrite
from pipeline.store.parked_reads import ParkedState, parked_state
from pipeline.store.reconcile import StoredDocuments, fit_action, fit_story, ids_to_read
from pipeline.store.transport import EngineHTTPError, EngineUnavailable, RetryPolicy

log = logging.getLogger(__name__)

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Write:
    """One write to make: a story to upsert, or any other bulk action (neither: none left)."""

    story: Story | None = None
    action: BulkAction | None = None

    @classmethod
    def document(cls, index: str, doc_id: str, doc: Mapping[str, Any]) -> Write:
        """Index a whole document under ``doc_id``."""
        return cls(action=BulkAction("index", index, doc_id, doc))

    def parked(self) -> ParkedWrite:
        if self.story is not None:
            return ParkedWrite("story", to_json(self.story))
        assert self.action is not None
        return ParkedWrite("action", self.action.to_json())

    @classmethod
    def from_parked(cls, parked: ParkedWrite) -> Write:
        if parked.kind == "story":
            return cls(story=from_json(Story, parked.payload))
        return cls(action=BulkAction.from_json(parked.payload))

    def fitted(self, stored: StoredDocuments, names: IndexNames) -> Write:
        """This replayed write fitted to what the engine holds (see ``reconcile``)."""
        if self.story is not None:
            return Write(story=fit_story(self.story, stored.stories.get(self.story.id)))
        assert self.action is not None
        return Write(action=fit_action(self.action, stored, names))


@dataclass(slots=True)
class Applied:
    """What became of one batch of writes."""

    new: list[Story] = field(default_factory=list)  # the stories indexed for the first time
    updated: int = 0
    unchanged: int = 0
    refused: int = 0
    pending: list[int] = field(default_factory=list)  # positions to park again


class EngineWriter:
    """An ``EngineStore``'s writes: sent in bulk, or parked in its outbox behind what waits.

    The store knows whether the engine can still be reached (``is_reachable``) and is told
    when a write finds it cannot (``on_unreachable``); from then on writes are parked.
    """

    def __init__(
        self,
        request: Request,
        *,
        engine: str,
        names: IndexNames,
        outbox: Outbox,
        bulk_size: int,
        retry: RetryPolicy,
        sleep: Callable[[float], None],
        is_reachable: Callable[[], bool],
        on_unreachable: Callable[[EngineUnavailable], None],
    ) -> None:
        self._request = request
        self._engine = engine  # "Elasticsearch" or "OpenSearch", for messages
        self._names = names
        self._outbox = outbox
        self._bulk_size = bulk_size
        self._retry = retry
        self._sleep = sleep
        self._is_reachable = is_reachable
        self._on_unreachable = on_unreachable
        self.wrote = False  # whether anything was written, so closing makes it searchable
        self.sent_from_outbox: list[Story] = []  # stories the outbox held, now new in the index
        self._parked: ParkedState | None = None  # what waits in the outbox, once read

    def parked(self) -> ParkedState:
        """What waits in the outbox, for reads without the engine (read again after writes)."""
        if self._parked is None:
            writes = [Write.from_parked(p) for p in self._outbox.waiting()]
            stories = [w.story for w in writes if w.story is not None]
            actions = [w.action for w in writes if w.action is not None]
            self._parked = parked_state(stories, actions, self._names)
        return self._parked

    def flush_outbox(self) -> int:
        """Send the parked writes, oldest first; stop at the first that still cannot go."""
        flushed = new_stories = 0
        while parked := self._outbox.oldest(self._bulk_size):
            applied = self._apply([Write.from_parked(p) for p in parked], replayed=True)
            done = set(range(len(parked))) - set(applied.pending)
            self._outbox.remove(parked[i].seq for i in sorted(done))
            self._parked = None
            self.sent_from_outbox += applied.new
            new_stories += len(applied.new)
            flushed += len(done)
            if applied.pending:
                log.warning(
                    "the outbox keeps %s writes the engine could not take yet",
                    self._outbox.pending(),
                )
                break
        if flushed:
            log.info(
                "sent %s writes from the outbox to %s, %s of them new stories (%s stories "
                "still waiting)",
                flushed,
                self._engine,
                new_stories,
                self._outbox.pending("story"),
            )
        return flushed

    def write_all(self, writes: Iterable[Write]) -> Applied:
        """Apply ``writes``, ``bulk_size`` at a time, or park them behind what already waits."""
        total = Applied()
        for chunk in batched(writes, self._bulk_size):
            applied = self._write(chunk)
            total.new += applied.new
            total.updated += applied.updated
            total.unchanged += applied.unchanged
            total.refused += applied.refused
            total.pending.extend(applied.pending)
        return total

    def _write(self, writes: Sequence[Write]) -> Applied:
        """Apply ``writes`` now, or park them behind what already waits."""
        self._parked = None  # what waits changes
        if self._is_reachable() and not self._outbox.pending():
            try:
                applied = self._apply(writes)
            except EngineUnavailable as exc:
                self._on_unreachable(exc)
            else:
                self._outbox.park(writes[i].parked() for i in applied.pending)
                return applied
        self._outbox.park(write.parked() for write in writes)
        return Applied(pending=list(range(len(writes))))

    def _apply(self, writes: Sequence[Write], *, replayed: bool = False) -> Applied:
        """Turn writes into bulk actions and send them; stories keep their first sighting.

        ``replayed`` writes, from the outbox, are first fitted to what the engine holds.
        A story someone corrected is written as corrected.
        """
        if replayed:
            writes, current = self._fit_replayed(writes)
        stories = [w.story for w in writes if w.story is not None]
        if not replayed:
            current = self._current(self._names.stories, [s.id for s in stories])
        corrections = self._corrections(
            [*(s.id for s in stories), *(s.duplicate_of for s in stories if s.duplicate_of)]
        )
        applied = Applied()
        actions: list[BulkAction] = []
        positions: list[int] = []  # which write each action came from
        verdicts: dict[int, tuple[str, Story]] = {}
        for position, write in enumerate(writes):
            action = write.action
            if write.story is not None:
                story = apply_correction(write.story, correction_of(write.story, corrections))
                action, verdict = self._story_action(story, current)
                verdicts[position] = (verdict, story)
                if action is None:
                    applied.unchanged += 1
                    continue
            if action is None:  # a replayed event left claiming no story
                continue
            actions.append(action)
            positions.append(position)
        if not actions:
            return applied
        result = send_bulk(self._send_bulk, actions, policy=self._retry, sleep=self._sleep)
        self.wrote = True
        self._count(result, positions, verdicts, applied)
        return applied

    def _story_action(
        self, story: Story, current: dict[str, dict[str, Any]]
    ) -> tuple[BulkAction | None, str]:
        """Index a story unless it is stored unchanged; ``current`` learns the new version."""
        existing = current.get(story.id)
        if existing is not None:
            story = replace(story, first_seen=datetime.fromisoformat(existing["first_seen_at"]))
        elif story.first_seen is None:
            story = replace(story, first_seen=datetime.now(UTC))
        doc = story_document(story)
        verdict = "new"
        if existing is not None:
            if comparable_document(existing) == comparable_document(doc):
                return None, "unchanged"
            if "signature" in existing:
                doc["signature"] = existing["signature"]
            verdict = "updated"
        current[story.id] = doc
        action = BulkAction("index", self._names.stories, story.id, doc, require_alias=True)
        return action, verdict

    @staticmethod
    def _count(
        result: BulkResult,
        positions: list[int],
        verdicts: dict[int, tuple[str, Story]],
        applied: Applied,
    ) -> None:
        for i in result.succeeded:
            if positions[i] in verdicts:  # a story, "new" or "updated" (unchanged is not sent)
                verdict, story = verdicts[positions[i]]
                if verdict == "new":
                    applied.new.append(story)
                else:
                    applied.updated += 1
        applied.refused += len(result.refused)
        applied.pending.extend(positions[i] for i in result.pending)

    def _fit_replayed(
        self, writes: Sequence[Write]
    ) -> tuple[list[Write], dict[str, dict[str, Any]]]:
        """Parked writes fitted to the stored documents (``reconcile``), and the stored
        stories they write or claim."""
        ids = ids_to_read(
            [w.story for w in writes if w.story is not None],
            [w.action for w in writes if w.action is not None],
            self._names,
        )
        current = self._current(self._names.stories, ids.stories)
        stored = StoredDocuments(
            stories=current,
            events=self._current(self._names.events, ids.events),
            sources=self._current(self._names.sources, ids.sources),
        )
        return [w.fitted(stored, self._names) for w in writes], current

    def _corrections(self, story_ids: Sequence[str]) -> dict[str, Correction]:
        """The kept corrections of these stories, by story id."""
        try:
            docs = self._current(self._names.labels, story_ids)
        except EngineHTTPError as exc:
            if exc.status == 404:  # a cluster set up before picket kept labels
                return {}
            raise
        return {story_id: correction_from_document(doc) for story_id, doc in docs.items()}

    def _current(self, index: str, ids: Sequence[str]) -> dict[str, dict[str, Any]]:
        """The stored documents of ``index`` with these ids, by id (missing ones absent)."""
        if not ids:
            return {}
        response = self._request(
            "POST", f"/{quote(index)}/_mget", body={"ids": list(dict.fromkeys(ids))}
        )
        return {d["_id"]: d["_source"] for d in response["docs"] if d.get("found")}

    def _send_bulk(self, body: bytes) -> Any:
        return self._request("POST", "/_bulk", body=body)


def batched(items: Iterable[T], size: int) -> Iterator[list[T]]:
    """``items`` in lists of ``size`` (the last one maybe shorter)."""
    iterator = iter(items)
    while chunk := list(itertools.islice(iterator, size)):
        yield chunk

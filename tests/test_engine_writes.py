"""Bulk writes and their retries, and the outbox, without a search engine: the engine's
answers are scripted, so 429s and 503s happen exactly when a test wants them."""

from __future__ import annotations

import json

import pytest

from pipeline.store.bulk import send_bulk
from pipeline.store.engine_documents import BulkAction
from pipeline.store.outbox import Outbox, ParkedWrite
from pipeline.store.transport import (
    EngineHTTPError,
    EngineUnavailable,
    RetryPolicy,
    call_with_retries,
)

POLICY = RetryPolicy(attempts=4, backoff_s=0.5, max_backoff_s=1.0)


def actions(count: int) -> list[BulkAction]:
    return [BulkAction("index", "p-stories", f"s{n}", {"id": f"s{n}"}) for n in range(count)]


class ScriptedEngine:
    """Answers each bulk request item by item from a script of statuses per document id."""

    def __init__(self, script: dict[str, list[int]]) -> None:
        self.script = script
        self.requests: list[list[str]] = []

    def send(self, body: bytes) -> dict:
        lines = [json.loads(line) for line in body.decode().splitlines()]
        ids = [line["index"]["_id"] for line in lines[::2]]
        self.requests.append(ids)
        items = []
        for doc_id in ids:
            statuses = self.script.get(doc_id, [201])
            status = statuses.pop(0) if len(statuses) > 1 else statuses[0]
            outcome = {"_id": doc_id, "status": status}
            if status >= 300:
                outcome["error"] = {"type": "some_exception", "reason": f"no {doc_id}"}
            items.append({"index": outcome})
        return {"errors": any(i["index"]["status"] >= 300 for i in items), "items": items}


def test_items_answered_429_or_503_are_sent_again_alone_after_a_wait():
    engine = ScriptedEngine({"s1": [429, 201], "s3": [503, 503, 201]})
    waits: list[float] = []
    result = send_bulk(engine.send, actions(5), policy=POLICY, sleep=waits.append)
    assert sorted(result.succeeded) == [0, 1, 2, 3, 4]
    assert result.refused == [] and result.pending == []
    assert engine.requests == [["s0", "s1", "s2", "s3", "s4"], ["s1", "s3"], ["s3"]]
    assert waits == [0.5, 1.0]


def test_items_refused_for_good_are_reported_with_the_reason(caplog):
    engine = ScriptedEngine({"s2": [400]})
    result = send_bulk(engine.send, actions(3), policy=POLICY, sleep=lambda _: None)
    assert sorted(result.succeeded) == [0, 1]
    assert [(r.position, r.doc_id, r.status) for r in result.refused] == [(2, "s2", 400)]
    assert "s2: 400 some_exception: no s2" in caplog.text
    assert len(engine.requests) == 1  # a refusal is not retried


def test_items_still_busy_after_every_try_are_pending_not_lost():
    engine = ScriptedEngine({"s0": [429]})
    result = send_bulk(engine.send, actions(2), policy=POLICY, sleep=lambda _: None)
    assert result.succeeded == [1] and result.pending == [0]
    assert len(engine.requests) == POLICY.attempts


def test_requests_are_retried_on_unreachable_and_transient_statuses_only():
    answers = iter(
        [
            EngineUnavailable("refused"),
            EngineHTTPError("busy", status=503),
            {"ok": True},
        ]
    )

    def call():
        answer = next(answers)
        if isinstance(answer, Exception):
            raise answer
        return answer

    waits: list[float] = []
    assert call_with_retries(call, policy=POLICY, what="test", sleep=waits.append) == {"ok": True}
    assert waits == [0.5, 1.0]

    def refused():
        raise EngineHTTPError("bad request", status=400)

    with pytest.raises(EngineHTTPError):
        call_with_retries(refused, policy=POLICY, what="test", sleep=waits.append)

    def down():
        raise EngineUnavailable("connection refused")

    with pytest.raises(EngineUnavailable, match="after 4 tries: connection refused"):
        call_with_retries(down, policy=POLICY, what="test", sleep=lambda _: None)


def test_the_outbox_keeps_writes_in_order_across_reopening(tmp_path):
    path = tmp_path / "outbox.db"
    outbox = Outbox(path)
    outbox.park([ParkedWrite("story", {"id": "a"}), ParkedWrite("action", {"n": 1})])
    outbox.park([ParkedWrite("story", {"id": "b"})])
    outbox.close()

    reopened = Outbox(path)
    assert reopened.pending() == 3 and reopened.pending("story") == 2
    oldest = reopened.oldest(2)
    assert [(w.kind, w.payload) for w in oldest] == [("story", {"id": "a"}), ("action", {"n": 1})]
    reopened.remove(w.seq for w in oldest)
    assert [w.payload for w in reopened.oldest(10)] == [{"id": "b"}]
    reopened.close()

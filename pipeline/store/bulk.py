"""Bulk writes: send actions in one ``_bulk`` request, retry the items the engine could
not take yet (429, 5xx) with backoff, and report every item it refused with its reason.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from pipeline.store.engine_documents import BulkAction, bulk_ndjson
from pipeline.store.transport import RetryPolicy, error_details, is_transient

log = logging.getLogger(__name__)

SendBulk = Callable[[bytes], Any]
"""Posts one NDJSON body to ``_bulk`` (retrying the request itself) and returns the response."""


@dataclass(frozen=True, slots=True)
class Refusal:
    """An action the engine refused for good (a mapping error, a missing document...)."""

    position: int
    doc_id: str
    status: int
    error_type: str | None
    reason: str

    def describe(self) -> str:
        return f"{self.doc_id}: {self.status} {self.error_type or 'error'}: {self.reason}"


@dataclass(slots=True)
class BulkResult:
    """What became of each action, by its position in the list sent."""

    succeeded: list[int] = field(default_factory=list)
    refused: list[Refusal] = field(default_factory=list)
    pending: list[int] = field(default_factory=list)  # still 429/5xx after every retry


def send_bulk(
    send: SendBulk,
    actions: Sequence[BulkAction],
    *,
    policy: RetryPolicy,
    sleep: Callable[[float], None] = time.sleep,
) -> BulkResult:
    """Send ``actions``; items answered 429 or 5xx are sent again, alone, after a wait.

    Raises ``EngineUnavailable`` (from ``send``) when a request cannot be delivered; the
    caller then knows nothing of that request's items and must treat them all as unsent.
    """
    result = BulkResult()
    remaining = list(range(len(actions)))
    for attempt, wait in enumerate(policy.waits(), start=1):
        if not remaining:
            break
        if wait:
            log.info(
                "%s bulk items were not taken yet; try %s of %s in %.1fs",
                len(remaining),
                attempt,
                policy.attempts,
                wait,
            )
            sleep(wait)
        response = send(bulk_ndjson(actions[i] for i in remaining))
        retry = []
        for position, item in zip(remaining, response["items"], strict=True):
            outcome = next(iter(item.values()))
            status = outcome.get("status", 500)
            if status < 300:
                result.succeeded.append(position)
            elif is_transient(status):
                retry.append(position)
            else:
                error_type, reason = error_details(outcome)
                refusal = Refusal(position, actions[position].doc_id, status, error_type, reason)
                log.error("the search engine refused %s", refusal.describe())
                result.refused.append(refusal)
        remaining = retry
    result.pending = remaining
    if remaining:
        log.warning("%s bulk items still not taken after %s tries", len(remaining), policy.attempts)
    return result

"""The thin seam between the engine store and a search engine's Python client.

An ``EngineTransport`` sends one REST request (the bodies come from ``engine_mappings``,
``engine_documents`` and ``engine_queries``) and turns the client's exceptions into two of
picket's own: ``EngineUnavailable`` when the engine cannot be reached, ``EngineHTTPError``
when it answered with an error status. ``call_with_retries`` retries what may pass (429,
5xx, unreachable) with backoff.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any, Protocol, TypeVar
from urllib.parse import urlencode

from pipeline.store.base import StoreError

log = logging.getLogger(__name__)

T = TypeVar("T")


class EngineUnavailable(StoreError):
    """The search engine cannot be reached, or keeps answering 429/5xx."""


class EngineHTTPError(StoreError):
    """The search engine answered a request with an error status."""

    def __init__(self, message: str, *, status: int, error_type: str | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.error_type = error_type


def is_transient(status: int) -> bool:
    """Statuses worth retrying: too many requests, and server-side failures."""
    return status == 429 or status >= 500


def error_details(body: Any) -> tuple[str | None, str]:
    """The error type and reason from an engine's error body, whatever its shape."""
    if isinstance(body, Mapping):
        error = body.get("error", body)
        if isinstance(error, Mapping):
            root = (error.get("root_cause") or [error])[0]
            return error.get("type"), str(root.get("reason") or error.get("reason") or "")
        return None, str(error)
    return None, str(body or "")


def with_query(path: str, params: Mapping[str, Any] | None) -> str:
    """``path?params``: the clients are handed finished URLs, so none of them reads its own
    meaning into a parameter (opensearch-py takes ``timeout`` as its own request timeout)."""
    if not params:
        return path
    query = {k: str(v).lower() if isinstance(v, bool) else v for k, v in params.items()}
    return f"{path}?{urlencode(query)}"


def http_error(
    engine: str, url: str, request: str, status: int, body: Any, *, credentials: str
) -> EngineHTTPError:
    """The error for an error answer; refused credentials say which settings to check."""
    error_type, reason = error_details(body)
    if status in (401, 403):
        message = (
            f"{engine} at {url} refused the credentials ({status}: {reason or error_type}); "
            f"check {credentials}"
        )
    else:
        message = f"{engine} answered {request} with {status} {error_type or 'error'}: {reason}"
    return EngineHTTPError(message, status=status, error_type=error_type)


class EngineTransport(Protocol):
    """One request to the engine; JSON bodies as dicts, bulk bodies as NDJSON bytes."""

    engine: str  # "Elasticsearch" or "OpenSearch", for messages
    url: str

    def request(
        self,
        method: str,
        path: str,
        *,
        body: Mapping[str, Any] | bytes | None = None,
        params: Mapping[str, Any] | None = None,
    ) -> Any: ...

    def close(self) -> None: ...


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """How often and how patiently to retry: ``attempts`` tries, waits doubling from
    ``backoff_s`` up to ``max_backoff_s``."""

    attempts: int = 5
    backoff_s: float = 0.5
    max_backoff_s: float = 30.0

    def waits(self) -> Iterator[float]:
        """The wait before each try: none before the first."""
        wait = self.backoff_s
        yield 0.0
        for _ in range(self.attempts - 1):
            yield wait
            wait = min(wait * 2, self.max_backoff_s)


def call_with_retries(
    call: Callable[[], T],
    *,
    policy: RetryPolicy,
    what: str,
    sleep: Callable[[float], None] = time.sleep,
) -> T:
    """``call()``, retried on ``EngineUnavailable`` and transient statuses.

    After the last try a transient failure becomes ``EngineUnavailable``; any other
    error status is raised at once.
    """
    last: StoreError | None = None
    for attempt, wait in enumerate(policy.waits(), start=1):
        if wait:
            log.info(
                "%s failed (%s); try %s of %s in %.1fs", what, last, attempt, policy.attempts, wait
            )
            sleep(wait)
        try:
            return call()
        except EngineHTTPError as exc:
            if not is_transient(exc.status):
                raise
            last = exc
        except EngineUnavailable as exc:
            last = exc
    raise EngineUnavailable(f"{what} failed after {policy.attempts} tries: {last}") from last

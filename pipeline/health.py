"""Source health as data: fold each crawl outcome into a source's running record.

Failing sources back off (the poll interval doubles per consecutive failure, up to a
day) so a dead feed is not hammered every run; ``picket sources`` shows the result.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from pipeline.crawl_records import CrawlOutcome
from pipeline.source_records import SourceHealth

MAX_BACKOFF = timedelta(days=1)


def fold_outcome(
    previous: SourceHealth | None, outcome: CrawlOutcome, *, poll_interval: timedelta
) -> SourceHealth:
    """The source's health after ``outcome``, given its health before."""
    previous = previous or SourceHealth(source_id=outcome.source_id)
    failed = outcome.status == "failed"
    failures = previous.consecutive_failures + 1 if failed else 0
    wait = min(poll_interval * (2**failures), MAX_BACKOFF) if failed else poll_interval
    return SourceHealth(
        source_id=outcome.source_id,
        last_attempt=outcome.attempted_at,
        last_success=previous.last_success if failed else outcome.attempted_at,
        consecutive_failures=failures,
        last_status=outcome.status
        if outcome.http_status is None
        else f"{outcome.status} ({outcome.http_status})",
        last_error=outcome.error if failed else None,
        items_seen=previous.items_seen + outcome.items_seen,
        next_due=outcome.attempted_at + wait,
    )


def is_due(health: SourceHealth | None, now: datetime) -> bool:
    """Whether a source should be polled now: never polled, or its back-off has passed."""
    return health is None or health.next_due is None or health.next_due <= now

"""Tables the alert commands print: watches, a watch's matches and alert emails.

Cells are plain text, not markup.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from pipeline.display import table_text

if TYPE_CHECKING:  # annotations only: `picket watches list` need not load the alert service
    from pipeline.alerts.forecast import Forecast
    from pipeline.alerts.ledger import QueuedEmail
    from pipeline.alerts.watches import Watch


def watches_table(watches: Sequence[Watch]) -> str:
    """One row per watch: name, on/off, delivery, recipients, query and filters."""
    if not watches:
        return "No watches."
    return table_text(
        ("name", "on", "delivery", "recipients", "query", "filters"),
        (
            (
                watch.name,
                "yes" if watch.enabled else "no",
                watch.schedule.describe() if watch.schedule else "instant",
                ", ".join(watch.recipients) or "—",
                watch.query,
                _filters(watch),
            )
            for watch in watches
        ),
    )


def forecast_table(forecasts: Sequence[Forecast]) -> str:
    """One row per matching story: what the next run does with it, first seen, outlet, title."""
    if not forecasts:
        return "No stories found."
    return table_text(
        ("next run", "first seen", "outlet", "title"),
        (
            (
                forecast.outlook,
                f"{forecast.story.first_seen:%Y-%m-%d %H:%M}" if forecast.story.first_seen else "—",
                forecast.story.outlet or forecast.story.domain,
                forecast.story.title,
            )
            for forecast in forecasts
        ),
    )


def emails_table(emails: Sequence[QueuedEmail]) -> str:
    """One row per email: state, watch, recipient, subject, attempts, when, last error."""
    return table_text(
        ("state", "created", "sent", "watch", "to", "subject", "tries", "last error"),
        (
            (
                email.state,
                f"{email.created_at:%Y-%m-%d %H:%M}",
                f"{email.sent_at:%Y-%m-%d %H:%M}" if email.sent_at else "—",
                email.watch,
                email.recipient,
                email.subject,
                str(email.attempts),
                (email.last_error or "")[:80],
            )
            for email in emails
        ),
    )


def _filters(watch: Watch) -> str:
    found = watch.filters
    parts = [
        f"{name}: {', '.join(values)}"
        for name, values in (
            ("companies", found.companies),
            ("actions", found.actions),
            ("struggles", found.struggles),
            ("tags", found.tags),
            ("outlets", found.outlets),
        )
        if values
    ]
    if found.min_score is not None:
        parts.append(f"score ≥ {found.min_score:g}")
    parts.append("relevant only" if found.relevant_only else "all stories")
    return "; ".join(parts)

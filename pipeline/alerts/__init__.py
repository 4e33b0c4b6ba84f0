"""Email alerts: watches (saved queries) matched against new stories, sent exactly once."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from pipeline.alerts.service import AlertSummary, run_alerts

__all__ = ["AlertSummary", "run_alerts"]


def __getattr__(name: str) -> Any:
    """The service on first use, so the light modules here (schedule, query) stay light."""
    if name in __all__:
        from pipeline.alerts import service

        return getattr(service, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")

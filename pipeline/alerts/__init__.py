"""Email alerts: watches (saved queries) matched against new stories, sent exactly once."""

from __future__ import annotations

from pipeline.alerts.service import AlertSummary, run_alerts

__all__ = ["AlertSummary", "run_alerts"]

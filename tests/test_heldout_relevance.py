"""Held-out quality gate: relevance and tagging on stories the lexicons were not tuned on.

``data/heldout_relevance.jsonl`` holds short reports of real tech-worker collective actions
and hard look-alikes (management memos, activists, shareholders alone, strikes outside
tech, lone whistleblowers), written afresh for this test. ``data/heldout_ordinary.jsonl``
is a stream of ordinary tech, business and labour news that should raise next to no
alerts. The floors are the measured figures rounded down by 0.02; lowering one, or raising
the alert ceiling, is a deliberate, visible change.
"""

from __future__ import annotations

from pathlib import Path

from pipeline.evaluate import evaluate, format_report, load_dataset

DATA = Path(__file__).resolve().parent / "data"
HELDOUT_FLOORS = {"precision": 0.98, "recall": 0.96, "company": 0.98, "action": 0.93}
# At most this many alerts over the ordinary stream (300 stories; the goal is <= 10 per 1,000).
ORDINARY_ALERT_CEILING = 2


def test_heldout_figures_stay_above_their_pinned_floors():
    report = evaluate(load_dataset(DATA / "heldout_relevance.jsonl"))
    figures = {
        "precision": report.precision,
        "recall": report.recall,
        "company": report.company_hit_rate,
        "action": report.action_hit_rate,
    }
    assert all(figures[name] >= floor for name, floor in HELDOUT_FLOORS.items()), (
        figures,
        format_report(report),
    )


def test_ordinary_news_raises_almost_no_alerts():
    items = load_dataset(DATA / "heldout_ordinary.jsonl")
    report = evaluate(items)
    assert len(items) >= 300
    assert report.fp <= ORDINARY_ALERT_CEILING, format_report(report)
    assert report.fp * 1000 / len(items) <= 10

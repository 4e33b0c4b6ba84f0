"""Grouped cross-validation of the relevance model: how it does on news it never saw.

The items are split into folds with every story of one ``event`` on the same side (an
item with no event key is its own group, except that a relevant one's id less its last
part, the outlet, stands in for it: "pos-acme-walkout-2019-wired" and
"pos-acme-walkout-2019-verge" are one event). Models are trained on all folds but one
(``pipeline.understand.training.fit`` for relevance, ``fit_actions`` for the actions) and judge that
one; the counts of all folds are summed into one report, and the spread of the per-fold
figures says how much they move. Stories written for the project (``written``) join every
training fold and are never judged: the figures are the labelled items' alone.
Needs scikit-learn (the ``train`` extra).
"""

from __future__ import annotations

import statistics
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

from pipeline.understand.evaluate import (
    EvalReport,
    LabelledItem,
    format_report,
    judge_item,
    report_json,
    tally,
)
from pipeline.understand.reading import read_story
from pipeline.understand.training import (
    SEED,
    examples_of,
    fit,
    fit_actions,
    group_folds,
    written_examples,
)

_FIGURES = (
    "precision",
    "recall",
    "f1",
    "company_hit_rate",
    "employer_hit_rate",
    "action_hit_rate",
)


@dataclass(frozen=True, slots=True)
class CrossValidation:
    """The summed report of all held-out folds and each fold's own."""

    pooled: EvalReport
    folds: tuple[EvalReport, ...]
    extra_negatives: int = 0
    extra_alerts: int = 0
    """How many of the extra negatives (ordinary news pages) were judged relevant."""

    def spread(self, figure: str) -> float:
        """The standard deviation of one ``EvalReport`` figure across the folds."""
        values = [getattr(fold, figure) for fold in self.folds]
        values = [v for v in values if v is not None]
        return statistics.pstdev(values) if len(values) > 1 else 0.0


def cross_validate(
    items: Sequence[LabelledItem],
    *,
    folds: int = 5,
    threshold: float = 0.5,
    extra_negatives: Sequence[LabelledItem] = (),
    written: Sequence[LabelledItem] = (),
    seed: int = SEED,
) -> CrossValidation:
    """Train on ``folds - 1`` folds, judge the last, for every fold (see the module note)."""
    everything = [*items, *(replace(item, label=False) for item in extra_negatives)]
    readings = [read_story(item.title, item.text) for item in everything]
    examples = examples_of(everything, readings)
    extra = set(range(len(items), len(everything)))
    always = written_examples(written)
    reports, extra_alerts = [], 0
    for held_out in group_folds(examples, folds, seed):
        held = set(held_out.tolist())
        kept = [i for i in range(len(everything)) if i not in held]
        model = fit([examples[i] for i in kept] + always)
        actions = fit_actions([everything[i] for i in kept], [readings[i] for i in kept])
        judged = []
        for i in sorted(held):
            judged.append(
                judge_item(
                    everything[i], readings[i], threshold=threshold, model=model, actions=actions
                )
            )
            extra_alerts += i in extra and judged[-1][1].label
        reports.append(tally(judged, threshold))
    return CrossValidation(_pool(reports, threshold), tuple(reports), len(extra), extra_alerts)


def _pool(reports: Sequence[EvalReport], threshold: float) -> EvalReport:
    counts = (
        "tp",
        "fp",
        "fn",
        "tn",
        "company_hits",
        "company_n",
        "action_hits",
        "action_n",
        "employer_hits",
    )
    summed = {name: sum(getattr(r, name) for r in reports) for name in counts}
    misjudged = tuple(m for r in reports for m in r.misjudged)
    return EvalReport(threshold=threshold, misjudged=misjudged, **summed)


def cv_json(result: CrossValidation) -> dict[str, Any]:
    """``report_json`` of the pooled report, with the folds and the spread across them."""
    figures = report_json(result.pooled)
    figures["cv"] = {
        "folds": len(result.folds),
        **{
            f"{name.removesuffix('_hit_rate')}_std": round(result.spread(name), 4)
            for name in _FIGURES
        },
    }
    if result.extra_negatives:
        figures["extra_negatives"] = {
            "n": result.extra_negatives,
            "alerts": result.extra_alerts,
        }
    return figures


def format_cv(result: CrossValidation) -> str:
    """``format_report`` of the pooled report, with each fold's figures and their spread
    before the list of misjudged items."""
    summary, _, misjudged = format_report(result.pooled).partition("\nmisjudged:")
    lines = [f"grouped cross-validation, {len(result.folds)} folds (no event on both sides)"]
    lines.append(summary)
    for number, fold in enumerate(result.folds, start=1):
        lines.append(
            f"fold {number}  precision {fold.precision:.3f}  recall {fold.recall:.3f}  "
            f"F1 {fold.f1:.3f}  (n={fold.tp + fold.fp + fold.fn + fold.tn})"
        )
    lines.append(
        "spread (std across folds)  "
        + "  ".join(f"{name} {result.spread(name):.3f}" for name in _FIGURES)
    )
    if result.extra_negatives:
        lines.append(
            f"extra negatives: {result.extra_alerts} of {result.extra_negatives} "
            "ordinary pages judged relevant"
        )
    if misjudged:
        lines.append("misjudged:" + misjudged)
    return "\n".join(lines)

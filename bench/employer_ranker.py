"""Train the acting-employer ranker (``pipeline/employers.py``) and print how well it does.

Every relevant labelled story is read; each company it could be about becomes a candidate
with its features. A logistic regression learns, from pairs of candidates of one story,
which of the two is the acting employer (the first of the story's ``companies``); it is
measured with
cross-validation grouped by ``event`` (no event on both sides of a split), then fitted on
all of TRAIN and measured on each DEV file, which it never saw. ``--write`` stores the fitted
weights as JSON in ``pipeline/data/employer_ranker.json``. Needs scikit-learn (dev extra).

    python bench/employer_ranker.py TRAIN [--dev DEV ...] [--folds 5] [--write] [--json]

Figures: ``first`` is the share of relevant stories whose first company is the labelled
acting employer; ``any`` is ``picket eval``'s company hit rate (a labelled company among
the story's companies).
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from pipeline.employers import FEATURES, Candidate, EmployerRanker
from pipeline.evaluate import company_hit
from pipeline.reading import read_story

OUTPUT = Path(__file__).resolve().parents[1] / "pipeline" / "data" / "employer_ranker.json"


@dataclass(frozen=True, slots=True)
class Story:
    event: str
    companies: tuple[str, ...]
    candidates: tuple[Candidate, ...]


def load(path: Path) -> list[Story]:
    """The relevant stories of a labelled JSON-lines file, read and split into candidates."""
    stories = []
    for number, line in enumerate(path.read_text("utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        row = json.loads(line)
        companies = row.get("companies") or ([row["company"]] if row.get("company") else [])
        if row.get("label") != 1 or not companies:
            continue
        reading = read_story(row.get("title") or "", row.get("lede") or row.get("text") or "")
        event = row.get("event") or row.get("id") or f"{path.name}:{number}"
        stories.append(Story(event, tuple(companies), reading.candidates))
    return stories


def _pairs(stories: list[Story]) -> tuple[np.ndarray, np.ndarray]:
    """Differences between the acting employer's features and each rival's in one story,
    both ways round: the ranker learns which of two candidates is the acting employer."""
    rows: list[np.ndarray] = []
    for story in stories:
        features = np.asarray([c.features for c in story.candidates], dtype=float)
        right = [company_hit(story.companies[:1], (c.name,)) for c in story.candidates]
        for i in (i for i, hit in enumerate(right) if hit):
            for j in (j for j, hit in enumerate(right) if not hit):
                rows.append(features[i] - features[j])
    x = np.asarray(rows, dtype=float).reshape(-1, len(FEATURES))
    return np.vstack([x, -x]), np.r_[np.ones(len(x), int), np.zeros(len(x), int)]


def fit(stories: list[Story]) -> EmployerRanker:
    """A ranker fitted on ``stories``."""
    from sklearn.linear_model import LogisticRegression  # a dev extra: only for training

    x, y = _pairs(stories)
    scale = x.std(axis=0)
    scale = np.where(scale > 0, scale, 1.0)
    model = LogisticRegression(C=1.0, fit_intercept=False, max_iter=1000).fit(x / scale, y)
    return EmployerRanker(model.coef_[0], np.zeros(len(FEATURES)), scale)


def hits(ranker: EmployerRanker, stories: list[Story]) -> tuple[int, int]:
    """How many stories have the acting employer first, and a labelled company at all."""
    first = any_hit = 0
    for story in stories:
        ranked = ranker.rank(story.candidates)
        first += bool(ranked) and company_hit(story.companies[:1], ranked[:1])
        any_hit += company_hit(story.companies, ranked)
    return first, any_hit


def cross_validate(stories: list[Story], folds: int) -> dict[str, float]:
    """Out-of-fold hit rates, folds grouped by event."""
    from sklearn.model_selection import GroupKFold

    groups = [s.event for s in stories]
    first = any_hit = 0
    for train, test in GroupKFold(n_splits=folds).split(stories, groups=groups):
        ranker = fit([stories[i] for i in train])
        f, a = hits(ranker, [stories[i] for i in test])
        first, any_hit = first + f, any_hit + a
    return _rates(first, any_hit, len(stories))


def _rates(first: int, any_hit: int, n: int) -> dict[str, float]:
    return {"first": round(first / n, 4), "any": round(any_hit / n, 4), "n": n}


def to_json(ranker: EmployerRanker) -> dict[str, object]:
    return {
        "features": list(FEATURES),
        "weights": [round(float(w), 6) for w in ranker.weights],
        "mean": [round(float(m), 6) for m in ranker.mean],
        "scale": [round(float(s), 6) for s in ranker.scale],
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("train", type=Path)
    parser.add_argument("--dev", type=Path, action="append", default=[])
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--write", action="store_true", help=f"store the weights in {OUTPUT}")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    args = parser.parse_args(argv)
    stories = load(args.train)
    figures: dict[str, object] = {f"cv{args.folds}_by_event": cross_validate(stories, args.folds)}
    ranker = fit(stories)
    for dev in args.dev:
        held_out = load(dev)
        figures[f"heldout:{dev.name}"] = _rates(*hits(ranker, held_out), len(held_out))
    if args.write:
        OUTPUT.write_text(json.dumps(to_json(ranker), indent=1) + "\n", "utf-8")
    if args.json:
        print(json.dumps(figures))
    else:
        for name, rates in figures.items():
            print(f"{name:32} {rates}")
        weights = dict(zip(FEATURES, np.round(ranker.weights, 2).tolist(), strict=True))
        print("weights", weights)
    return 0


if __name__ == "__main__":
    sys.exit(main())

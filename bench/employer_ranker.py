"""Train the acting-employer ranker (``pipeline.understand.employers``) and print how well it does.

Every labelled story that names companies is read; each company it could be about becomes
a candidate with its features. A logistic regression learns, from pairs of candidates of
one story, which of the two comes first in the story's ``companies`` (a relevant story's
acting employer, a look-alike's main company); it is measured with
cross-validation grouped by ``event`` (no event on both sides of a split), then fitted on
all of TRAIN and measured on each DEV file, which it never saw. ``--write`` stores the fitted
weights as JSON in ``pipeline/data/employer_ranker.json``. Needs scikit-learn (dev extra).

    python bench/employer_ranker.py TRAIN [--dev DEV ...] [--folds 5] [--write] [--json]

Figures: ``first`` is the share of relevant stories whose first company is the labelled
acting employer; ``any`` is ``picket eval``'s company hit rate (a labelled company among
the story's companies); ``others_first`` is the share of look-alikes whose first company is
their labelled main one.
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from pipeline.understand.employers import FEATURES, Candidate, EmployerRanker
from pipeline.understand.evaluate import company_hit
from pipeline.understand.reading import read_story

OUTPUT = Path(__file__).resolve().parents[1] / "pipeline" / "data" / "employer_ranker.json"


@dataclass(frozen=True, slots=True)
class Story:
    event: str
    relevant: bool
    companies: tuple[str, ...]
    candidates: tuple[Candidate, ...]


def load(path: Path) -> list[Story]:
    """The labelled stories of a JSON-lines file that name companies, read and split into
    candidates. A relevant story's first company is its acting employer; a look-alike's
    (no workers acting) is the company it is mainly about."""
    stories = []
    for number, line in enumerate(path.read_text("utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        row = json.loads(line)
        companies = row.get("companies") or ([row["company"]] if row.get("company") else [])
        if not companies:
            continue
        reading = read_story(row.get("title") or "", row.get("lede") or row.get("text") or "")
        event = row.get("event") or row.get("id") or f"{path.name}:{number}"
        relevant = row.get("label") == 1
        stories.append(Story(event, relevant, tuple(companies), reading.candidates))
    return stories


def _pairs(stories: list[Story]) -> tuple[np.ndarray, np.ndarray]:
    """Differences between the first labelled company's features and each rival's in one
    story, both ways round: the ranker learns which of two candidates comes first."""
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
    """How many stories have their first labelled company first, and one at all."""
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
    counts = np.zeros((2, 2), dtype=int)  # [relevant or not] x [first, any]
    for train, test in GroupKFold(n_splits=folds).split(stories, groups=groups):
        ranker = fit([stories[i] for i in train])
        for relevant in (True, False):
            counts[int(relevant)] += hits(
                ranker, [stories[i] for i in test if stories[i].relevant is relevant]
            )
    return _rates(stories, *(int(c) for c in (*counts[1], *counts[0])))


def rates(ranker: EmployerRanker, stories: list[Story]) -> dict[str, float]:
    """``ranker``'s hit rates on ``stories``."""
    relevant = [s for s in stories if s.relevant]
    others = [s for s in stories if not s.relevant]
    return _rates(stories, *hits(ranker, relevant), *hits(ranker, others))


def _rates(
    stories: list[Story], first: int, any_hit: int, others_first: int, _: int
) -> dict[str, float]:
    """``first`` and ``any`` over relevant stories; ``others_first`` over the look-alikes."""
    n = sum(s.relevant for s in stories)
    others = len(stories) - n
    return {
        "first": round(first / n, 4) if n else 0.0,
        "any": round(any_hit / n, 4) if n else 0.0,
        "n": n,
        "others_first": round(others_first / others, 4) if others else 0.0,
        "others": others,
    }


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
        figures[f"heldout:{dev.name}"] = rates(ranker, held_out)
    if args.write:
        OUTPUT.write_text(json.dumps(to_json(ranker), indent=1) + "\n", "utf-8")
    if args.json:
        print(json.dumps(figures))
    else:
        for name, figure in figures.items():
            print(f"{name:32} {figure}")
        weights = dict(zip(FEATURES, np.round(ranker.weights, 2).tolist(), strict=True))
        print("weights", weights)
    return 0


if __name__ == "__main__":
    sys.exit(main())

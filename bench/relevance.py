"""How well picket judges relevance on real news it never saw, and what judging costs.

Grouped 5-fold cross-validation (``pipeline.understand.crossval``) over the labelled real stories of
``../shared/data`` (``stories_train.jsonl``, every story of one event on one side) with
the 181 article-extraction benchmark pages as extra negatives: a model trained on four
folds, and on the stories written for the project as the shipped model is, judges the
fifth. It prints precision, recall, F1, the company hit rates (a labelled
company among the story's; the labelled acting employer first) and the action hit rate
with their spread across folds, and how many of the ordinary pages were judged relevant
(out of fold). Then it times, with the shipped models, loading them, reading a story (the
rule reader) and scoring it with them (relevance and actions), per story.

    python bench/relevance.py [--data DIR] [--folds N] [--json]

Goals: precision at least 0.95 and recall at least 0.90 at the default threshold, the
acting employer first in at least 0.95 of the relevant stories, at most 3 false alerts per
1,000 ordinary stories, scoring at most 2 ms a story on top of reading. With ``--json``
the last line is ``{"precision", "recall", "f1", "f1_std", "company_hit_rate",
"employer_hit_rate", "action_hit_rate", "pages", "page_alerts", "page_alerts_per_1000",
"model_load_ms", "read_ms", "score_ms"}``.
"""

from __future__ import annotations

import argparse
import importlib
import json
import logging
import sys
import time
from collections.abc import Sequence
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO_ROOT = HERE.parent
DEFAULT_DATA = REPO_ROOT.parent / "shared" / "data"

# As in bench/pipeline.py: picket's own folder goes first on the path, not bench/.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != HERE]
sys.path.insert(0, str(REPO_ROOT))
if __name__ == "pipeline":
    del sys.modules[__name__]
    sys.modules[__name__] = importlib.import_module("pipeline")


def timings(items: Sequence) -> dict[str, float]:
    """Milliseconds to load the shipped models and token embeddings, and per story to read
    and to score (its relevance, and its actions as a relevant story's)."""
    from pipeline.understand.action_model import load_action_model, story_tags
    from pipeline.understand.embedding import default_embedder
    from pipeline.understand.features import story_features
    from pipeline.understand.model import load_model, shipped_model_folder
    from pipeline.understand.reading import read_story
    from pipeline.understand.relevance import judge_story

    started = time.perf_counter()
    model = load_model(shipped_model_folder())
    actions = load_action_model(shipped_model_folder())
    default_embedder()
    load_ms = 1000 * (time.perf_counter() - started)
    started = time.perf_counter()
    readings = [read_story(item.title, item.text) for item in items]
    read_s = time.perf_counter() - started
    tags_s = 0.0
    for item, reading in zip(items, readings, strict=True):  # the reader's tags: not counted
        begun = time.perf_counter()
        story_tags(item.title, item.text, reading, relevant=False)
        tags_s += time.perf_counter() - begun
    started = time.perf_counter()
    for item, reading in zip(items, readings, strict=True):
        features = story_features(item.title, item.text, reading)
        judge_story(item.title, item.text, reading, model=model, features=features)
        story_tags(item.title, item.text, reading, relevant=True, model=actions, features=features)
    score_s = time.perf_counter() - started - tags_s
    return {
        "model_load_ms": round(load_ms, 2),
        "read_ms": round(1000 * read_s / len(items), 3),
        "score_ms": round(1000 * score_s / len(items), 3),
    }


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help="../shared/data")
    parser.add_argument("--folds", type=int, default=5, help="cross-validation folds (5)")
    parser.add_argument("--json", action="store_true", help="end with one JSON line of figures")
    args = parser.parse_args(argv)

    stories = args.data / "stories_train.jsonl"
    pages_dir = args.data / "article-extraction-benchmark"
    missing = [str(p) for p in (stories, pages_dir / "html") if not p.exists()]
    if missing:
        sys.exit(f"labelled data missing: {', '.join(missing)} (pass --data DIR)")
    logging.basicConfig(level=logging.ERROR)
    from pipeline.understand.crossval import cross_validate
    from pipeline.understand.evaluate import load_dataset, load_pages
    from pipeline.understand.training import written_stories

    items = load_dataset(stories)
    pages = load_pages(pages_dir)
    started = time.perf_counter()
    result = cross_validate(
        items, folds=args.folds, extra_negatives=pages, written=written_stories()
    )
    cv_s = time.perf_counter() - started
    report = result.pooled
    cost = timings([*items, *pages])
    per_1000 = 1000 * result.extra_alerts / result.extra_negatives
    print(
        f"{len(items)} labelled stories and {len(pages)} ordinary pages, grouped "
        f"{args.folds}-fold cross-validation by event ({cv_s:.0f} s)"
    )
    print(
        f"precision {report.precision:.3f} (std {result.spread('precision'):.3f})  "
        f"recall {report.recall:.3f} (std {result.spread('recall'):.3f})  "
        f"F1 {report.f1:.3f} (std {result.spread('f1'):.3f})  (goals >= 0.95, >= 0.90)"
    )
    print(
        f"company hit rate {report.company_hit_rate:.3f}  "
        f"acting employer first {report.employer_hit_rate:.3f} (goal >= 0.95)  "
        f"action hit rate {report.action_hit_rate:.3f}"
    )
    print(
        f"ordinary pages judged relevant: {result.extra_alerts} of {result.extra_negatives} "
        f"({per_1000:.1f} per 1,000; goal <= 3)"
    )
    print(
        f"model load {cost['model_load_ms']:.1f} ms; per story: reading {cost['read_ms']:.2f} "
        f"ms, model scoring {cost['score_ms']:.3f} ms (goal <= 2)"
    )
    if args.json:
        figures = {
            "precision": round(report.precision, 4),
            "recall": round(report.recall, 4),
            "f1": round(report.f1, 4),
            "f1_std": round(result.spread("f1"), 4),
            "company_hit_rate": round(report.company_hit_rate or 0.0, 4),
            "employer_hit_rate": round(report.employer_hit_rate or 0.0, 4),
            "action_hit_rate": round(report.action_hit_rate or 0.0, 4),
            "pages": result.extra_negatives,
            "page_alerts": result.extra_alerts,
            "page_alerts_per_1000": round(per_1000, 1),
            **cost,
        }
        print(json.dumps(figures))
    return 0


if __name__ == "__main__":
    sys.exit(main())

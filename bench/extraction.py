"""Score picket's article extraction against trafilatura's defaults on the Zyte benchmark.

The data is the public ``article-extraction-benchmark`` (181 news and blog pages with
hand-annotated article bodies). The metric is the benchmark's own: word 4-gram shingles
matched as multisets, per-page precision and recall macro-averaged, F1 from the averages.

    python bench/extraction.py [--data DIR] [--json]
"""

from __future__ import annotations

import argparse
import gzip
import json
import re
import sys
import time
from collections import Counter
from collections.abc import Callable, Sequence
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
DEFAULT_DATA = REPO_ROOT.parent / "shared" / "data" / "article-extraction-benchmark"
SHINGLE_SIZE = 4
WORD = re.compile(r"\w+")


def tokens(text: str) -> list[str]:
    """The benchmark's tokens: runs of word characters, case kept."""
    return WORD.findall(text)


def shingles(words: Sequence[str]) -> Counter[tuple[str, ...]]:
    """Word 4-grams as a multiset; a text of 1-3 words is one shingle, an empty one none."""
    if not words:
        return Counter()
    if len(words) < SHINGLE_SIZE:
        return Counter([tuple(words)])
    return Counter(tuple(words[i : i + SHINGLE_SIZE]) for i in range(len(words) - SHINGLE_SIZE + 1))


def score(predictions: Sequence[str], truths: Sequence[str]) -> dict[str, float]:
    """Macro precision, recall, F1 and exact-token accuracy of aligned predictions and truths."""
    if len(predictions) != len(truths):
        raise ValueError("predictions and truths must be aligned, one of each per page")
    precisions: list[float] = []
    recalls: list[float] = []
    exact = 0
    for predicted, true in zip(predictions, truths, strict=True):
        predicted_words, true_words = tokens(predicted), tokens(true)
        exact += predicted_words == true_words
        predicted_shingles, true_shingles = shingles(predicted_words), shingles(true_words)
        matched = sum((predicted_shingles & true_shingles).values())
        if predicted_shingles:
            precisions.append(matched / predicted_shingles.total())
        if true_shingles:
            recalls.append(matched / true_shingles.total())
    precision = sum(precisions) / len(precisions) if precisions else 0.0
    recall = sum(recalls) / len(recalls) if recalls else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    accuracy = exact / len(truths) if truths else 0.0
    return {"precision": precision, "recall": recall, "f1": f1, "accuracy": accuracy}


def load_benchmark(data_dir: Path) -> list[tuple[str, str, str, str]]:
    """(page id, url, html, true body) for every page, in a stable order."""
    truth = json.loads((data_dir / "ground-truth.json").read_text(encoding="utf-8"))
    pages = []
    for page_id in sorted(truth):
        html = gzip.decompress((data_dir / "html" / f"{page_id}.html.gz").read_bytes())
        entry = truth[page_id]
        pages.append((page_id, entry["url"], html.decode("utf-8"), entry["articleBody"]))
    return pages


def run_extractor(
    extractor: Callable[[str, str], str], pages: Sequence[tuple[str, str, str, str]]
) -> dict[str, float]:
    """Score one extractor on every page and time it."""
    started = time.perf_counter()
    predictions = [extractor(html, url) for _, url, html, _ in pages]
    elapsed = time.perf_counter() - started
    result = score(predictions, [true for *_, true in pages])
    result["ms_per_page"] = 1000 * elapsed / len(pages)
    return result


def trafilatura_default(html: str, url: str) -> str:
    """trafilatura as most people call it: no options at all."""
    import trafilatura

    return trafilatura.extract(html) or ""


def picket_extractor(html: str, url: str) -> str:
    """Exactly the text picket stores for a page."""
    from pipeline.extract.article import extract_text

    return extract_text(html, url)


def print_table(results: dict[str, dict[str, float]]) -> None:
    names = list(results)
    print(f"{'metric':<12}" + "".join(f"{name:>13}" for name in names))
    for metric in ("precision", "recall", "f1", "accuracy", "ms_per_page"):
        row = "".join(f"{results[name][metric]:>13.3f}" for name in names)
        print(f"{metric:<12}{row}")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help="benchmark folder")
    parser.add_argument("--json", action="store_true", help="end with one JSON line of scores")
    args = parser.parse_args(argv)

    if not (args.data / "ground-truth.json").is_file() or not (args.data / "html").is_dir():
        print(
            f"benchmark data not found in {args.data} (expected ground-truth.json and html/); "
            "pass --data DIR",
            file=sys.stderr,
        )
        return 2
    sys.path.insert(0, str(REPO_ROOT))
    pages = load_benchmark(args.data)
    print(f"{len(pages)} pages from {args.data}")
    results = {
        "picket": run_extractor(picket_extractor, pages),
        "trafilatura": run_extractor(trafilatura_default, pages),
    }
    print_table(results)
    if args.json:
        keep = ("precision", "recall", "f1")
        print(json.dumps({name: {k: round(r[k], 4) for k in keep} for name, r in results.items()}))
    return 0


if __name__ == "__main__":
    sys.exit(main())

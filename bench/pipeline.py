"""How fast pages become stored stories, and what picket costs on top of extraction alone.

The 181 pages of the public ``article-extraction-benchmark`` are repeated to N documents
(10,000 by default), each copy at its own URL so every document is a distinct story (the
copies of one page are found as duplicates of each other, as syndicated copies are). They
go through the code path of ``picket run``: ``pipeline.run.understand_pages`` (extraction,
normalization, relevance, tagging, dedup and events, with ``StoryProcessor``, against the
state loaded from the store) and ``pipeline.run.store_batch`` into a fresh SQLite store,
in runs of ``--batch`` pages. Next to each run, ``trafilatura.extract(html)`` alone is
timed on the same pages, before the run and after it by turns, so both sides read the same
pages under the same load; the ratio of the two times is the cost picket adds on top of
extraction. The figure is the median of the runs' ratios, with their spread: the speed of a
shared machine drifts by a third within a minute (trafilatura alone took 16 to 26 ms a
page over the same 181 pages, run after run), and pairing each run with its own baseline
keeps that drift out.

    python bench/pipeline.py [--docs N] [--batch N] [--data DIR] [--profile] [--json]

Goals: the ratio below 1.5, peak memory below 1 GB. With ``--json`` the last line is
``{"docs_per_s", "ratio_to_extraction", "peak_mb"}``.
"""

from __future__ import annotations

import argparse
import contextlib
import cProfile
import importlib.util
import json
import logging
import pstats
import resource
import statistics
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import ModuleType

HERE = Path(__file__).resolve().parent
REPO_ROOT = HERE.parent
DEFAULT_DATA = REPO_ROOT.parent / "shared" / "data" / "article-extraction-benchmark"
RATIO_GOAL = 1.5
PEAK_MB_GOAL = 1024
START = datetime(2025, 6, 2, 8, 0, tzinfo=UTC)

# A script run from bench/ has this folder first on sys.path, where this file's name hides
# the ``pipeline`` package: the folder comes off the path, picket's own folder goes on,
# and when a sibling script's ``import pipeline`` found this file, it hands the package over.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != HERE]
sys.path.insert(0, str(REPO_ROOT))
if __name__ == "pipeline":
    del sys.modules[__name__]
    sys.modules[__name__] = importlib.import_module("pipeline")


@dataclass(frozen=True, slots=True)
class BenchPage:
    page_id: str
    url: str
    body: bytes


@dataclass
class PipelineFigures:
    """Seconds spent per step over all documents, and what came out."""

    docs: int = 0
    processing_s: float = 0.0  # the stored state each run starts from, then extraction to events
    storing_s: float = 0.0
    baseline_docs: int = 0
    baseline_s: float = 0.0  # trafilatura.extract alone on the same documents
    stories: int = 0
    duplicates: int = 0
    relevant: int = 0
    failed: int = 0
    run_ratios: list[float] = field(default_factory=list)  # each run's, to its own baseline

    @property
    def total_s(self) -> float:
        return self.processing_s + self.storing_s

    @property
    def baseline_per_doc_s(self) -> float:
        return self.baseline_s / self.baseline_docs


def load_pages(data_dir: Path) -> list[BenchPage]:
    """The benchmark's pages, read with ``bench/extraction.py``'s loader."""
    extraction = _bench_module("extraction")
    return [
        BenchPage(page_id, url, html.encode("utf-8"))
        for page_id, url, html, _ in extraction.load_benchmark(data_dir)
    ]


def _bench_module(name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(f"bench_{name}", HERE / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def documents(pages: Sequence[BenchPage], count: int, *, fetched_at: datetime) -> Iterator:
    """``count`` fetched pages cycling through ``pages``, copy k of a page on its own host."""
    from pipeline.crawl_records import FetchedPage

    for n in range(count):
        page = pages[n % len(pages)]
        url = f"https://copy{n // len(pages)}.picket-bench.org/{page.page_id}/story.html"
        yield FetchedPage(
            source_id=f"bench-{n // len(pages) % 50}",
            url=url,
            final_url=url,
            status=200,
            fetched_at=fetched_at,
            body=page.body,
            content_type="text/html; charset=utf-8",
        )


def time_trafilatura(bodies: Sequence[bytes]) -> float:
    """Seconds ``trafilatura.extract(html)``, the cheapest way to call it, takes for all
    (each body decoded beforehand, untimed, and one at a time: a run's pages decoded at
    once would take a third of a gigabyte)."""
    import trafilatura

    seconds = 0.0
    for body in bodies:
        html = body.decode("utf-8")
        started = time.perf_counter()
        trafilatura.extract(html)
        seconds += time.perf_counter() - started
    return seconds


def time_picket_extraction(pages: Sequence[BenchPage]) -> float:
    """Seconds per page of picket's extraction step alone, for the breakdown."""
    from pipeline.extract.article import ExtractionError, extract_article

    fetched = list(documents(pages, len(pages), fetched_at=START))
    started = time.perf_counter()
    for page in fetched:
        with contextlib.suppress(ExtractionError):
            extract_article(page)
    return (time.perf_counter() - started) / len(fetched)


def run_pipeline(pages: Sequence[BenchPage], count: int, *, batch: int, db: Path):
    """Every document through ``picket run``'s steps into a SQLite store, run after run."""
    from contextlib import closing

    from pipeline.run import store_batch, understand_pages
    from pipeline.settings import load_settings
    from pipeline.store.sqlite import SQLiteStore

    settings = load_settings()
    figures = PipelineFigures()
    docs = documents(pages, count, fetched_at=START)
    with closing(SQLiteStore(db)) as store:
        for run in range(0, count, batch):
            now = START + timedelta(minutes=15 * (run // batch + 1))
            chunk = [next(docs) for _ in range(min(batch, count - run))]
            bodies = [page.body for page in chunk]
            baseline_first = run // batch % 2 == 1  # neither side always meets a warmer cache
            baseline_s = time_trafilatura(bodies) if baseline_first else 0.0
            started = time.perf_counter()
            processed = understand_pages(store, chunk, now=now, settings=settings)
            done = time.perf_counter()
            store_batch(store, processed, (), settings=settings)
            run_s = time.perf_counter() - started
            if not baseline_first:
                baseline_s = time_trafilatura(bodies)
            figures.processing_s += done - started
            figures.storing_s += run_s - (done - started)
            figures.baseline_s += baseline_s
            figures.baseline_docs += len(bodies)
            figures.run_ratios.append(run_s / baseline_s)
            figures.docs += len(chunk)
            figures.failed += len(processed.failed)
            figures.duplicates += processed.duplicates
            figures.relevant += sum(s.relevance.label for s in processed.stories.values())
        figures.stories = store.count()
    return figures


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=10_000, help="documents (10000)")
    parser.add_argument("--batch", type=int, default=1_000, help="pages per run (1000)")
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help="benchmark folder")
    parser.add_argument("--profile", action="store_true", help="print where the time goes")
    parser.add_argument("--json", action="store_true", help="end with one JSON line of figures")
    args = parser.parse_args(argv)

    if not (args.data / "ground-truth.json").is_file() or not (args.data / "html").is_dir():
        print(
            f"benchmark data not found in {args.data} (expected ground-truth.json and html/); "
            "it lives in ../shared/data/article-extraction-benchmark, or pass --data DIR",
            file=sys.stderr,
        )
        return 2
    logging.basicConfig(level=logging.ERROR)
    pages = load_pages(args.data)
    time_trafilatura([page.body for page in pages[:10]])  # warm up both before timing either
    time_picket_extraction(pages[:10])
    extraction_s = time_picket_extraction(pages)

    profiler = cProfile.Profile() if args.profile else None
    with tempfile.TemporaryDirectory() as tmp:
        if profiler is not None:
            profiler.enable()
        figures = run_pipeline(pages, args.docs, batch=args.batch, db=Path(tmp) / "bench.db")
        if profiler is not None:
            profiler.disable()

    per_doc_s = figures.total_s / figures.docs
    baseline_s = figures.baseline_per_doc_s
    ratio = statistics.median(figures.run_ratios)
    memory = peak_mb()
    print(f"{len(pages)} benchmark pages, repeated to {figures.docs} documents")
    print(f"trafilatura.extract alone: {1000 * baseline_s:.1f} ms/page")
    print(f"picket extraction alone:   {1000 * extraction_s:.1f} ms/page")
    print(
        f"picket, page to stored story: {1000 * per_doc_s:.1f} ms/doc, "
        f"{figures.docs / figures.total_s:.1f} docs/s "
        f"(understanding {1000 * figures.processing_s / figures.docs:.1f}, "
        f"storing {1000 * figures.storing_s / figures.docs:.1f} ms/doc)"
    )
    print(
        f"stored {figures.stories} stories ({figures.duplicates} duplicates, "
        f"{figures.relevant} relevant), {figures.failed} pages without an article"
    )
    ratios = figures.run_ratios
    quarter, _, three_quarters = (
        statistics.quantiles(ratios, n=4, method="inclusive") if len(ratios) > 1 else [ratio] * 3
    )
    print(
        f"ratio to trafilatura alone: {ratio:.2f} (goal < {RATIO_GOAL}), median of "
        f"{len(ratios)} runs (middle half {quarter:.2f} to {three_quarters:.2f}, all "
        f"{min(ratios):.2f} to {max(ratios):.2f}); of all time summed {per_doc_s / baseline_s:.2f}"
    )
    print(f"peak memory: {memory:.0f} MB (goal < {PEAK_MB_GOAL} MB)")
    if profiler is not None:
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(30)
    if args.json:
        figures_json = {
            "docs_per_s": round(figures.docs / figures.total_s, 1),
            "ratio_to_extraction": round(ratio, 3),
            "peak_mb": round(memory, 1),
        }
        print(json.dumps(figures_json))
    return 0


if __name__ == "__main__":
    sys.exit(main())

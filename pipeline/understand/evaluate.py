"""Measuring relevance and tagging against labelled stories (what ``picket eval`` prints).

A dataset is JSON lines, one story a line: ``title``, ``lede`` (or ``text``), ``label``
(1/0 or true/false) and optionally ``company`` (or ``companies``, a list), ``actions`` (a
list) or ``action_type`` (a string), ``tags``. Blank lines are skipped. Any other line that
is not such an object stops loading with a ``DatasetError`` naming the file and line:
figures computed over silently dropped items would mislead.

Company hit rate: among relevant items with a company label, the share where a labelled
company is among the predicted ones, compared case-insensitively after alias resolution
("alphabet" meets "Google"); a label such as "Microsoft (ZeniMax)" counts either name.
Action hit rate: among relevant items with an action label, the share where one of the
labelled actions (spaces, hyphens or underscores alike) is among the predicted ones.

``cross_validate`` measures the model as it would do on news it never saw: the items are
split into folds with every story of one ``event`` on the same side (an item with no event
key is its own group; a relevant one's id less its last part, the outlet, stands in for
it), a model is trained on all folds but one and judges that one, and the counts of all
folds are summed. ``load_pages`` adds article pages (ordinary news) as extra negatives.
"""

from __future__ import annotations

import gzip
import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from pipeline.records import Relevance, Tags
from pipeline.understand.action_model import ActionModel, story_tags
from pipeline.understand.deeds import Reading
from pipeline.understand.features import story_features
from pipeline.understand.gazetteer import resolve_company
from pipeline.understand.model import LinearModel
from pipeline.understand.reading import read_story
from pipeline.understand.relevance import judge_story

_LABEL_WORDS = {"1": True, "0": False, "true": True, "false": False, "yes": True, "no": False}
_NAME_PARTS = re.compile(r"[()/,;]")
_LEADING_THE = re.compile(r"^the\s+")  # "The Ringer" and "Ringer" are one company
_PAGES_FETCHED = datetime(2025, 1, 1, tzinfo=UTC)


class DatasetError(ValueError):
    """A labelled dataset line that cannot be read; the message names file and line."""


@dataclass(frozen=True, slots=True)
class LabelledItem:
    """One labelled story."""

    title: str
    text: str
    label: bool
    companies: tuple[str, ...] = ()
    actions: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    id: str = ""
    event: str = ""
    """One key for all coverage of one action: cross-validation keeps it on one side."""


@dataclass(frozen=True, slots=True)
class Misjudged:
    """An item the relevance judgement got wrong, for the report."""

    id: str
    title: str
    label: bool
    score: float


@dataclass(frozen=True, slots=True)
class EvalReport:
    """Counts of one evaluation; the rates are derived from them."""

    threshold: float
    tp: int
    fp: int
    fn: int
    tn: int
    company_hits: int
    company_n: int
    action_hits: int
    action_n: int
    misjudged: tuple[Misjudged, ...] = ()
    employer_hits: int = 0
    """Of the ``company_n`` items, those whose first company is the labelled acting employer."""

    @property
    def precision(self) -> float:
        return _ratio(self.tp, self.tp + self.fp)

    @property
    def recall(self) -> float:
        return _ratio(self.tp, self.tp + self.fn)

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    @property
    def company_hit_rate(self) -> float | None:
        return self.company_hits / self.company_n if self.company_n else None

    @property
    def employer_hit_rate(self) -> float | None:
        """The share of relevant items whose first company is their acting employer."""
        return self.employer_hits / self.company_n if self.company_n else None

    @property
    def action_hit_rate(self) -> float | None:
        return self.action_hits / self.action_n if self.action_n else None


def _ratio(part: int, whole: int) -> float:
    return part / whole if whole else 0.0


# --- loading ---------------------------------------------------------------------------


def load_dataset(path: str | Path) -> list[LabelledItem]:
    """Read a JSON-lines dataset; raise ``DatasetError`` at the first unusable line."""
    path = Path(path)
    items = []
    with path.open(encoding="utf-8") as lines:
        for number, line in enumerate(lines, start=1):
            if not line.strip():
                continue
            where = f"{path}:{number}"
            try:
                data = json.loads(line)
            except json.JSONDecodeError as exc:
                raise DatasetError(f"{where}: not valid JSON ({exc.msg})") from exc
            items.append(parse_item(data, where))
    return items


def load_pages(folder: str | Path) -> list[LabelledItem]:
    """Article pages as negatives: ``html/*.html.gz`` of an article-extraction benchmark
    folder (ordinary news), each extracted as ``picket run`` would; ``DatasetError`` if none.
    """
    from pipeline.crawl_records import FetchedPage
    from pipeline.extract.article import ExtractionError, extract_article

    pages = sorted(Path(folder).glob("html/*.html.gz"))
    if not pages:
        raise DatasetError(f"{folder}: no html/*.html.gz article pages")
    items = []
    for path in pages:
        page_id = path.name.removesuffix(".html.gz")
        url = f"https://pages.invalid/{page_id}"
        page = FetchedPage(
            source_id="pages",
            url=url,
            final_url=url,
            status=200,
            fetched_at=_PAGES_FETCHED,
            body=gzip.decompress(path.read_bytes()),
            content_type="text/html; charset=utf-8",
        )
        try:
            article = extract_article(page)
        except ExtractionError:
            continue
        items.append(LabelledItem(title=article.title, text=article.text, label=False, id=page_id))
    return items


def parse_item(data: Any, where: str = "item") -> LabelledItem:
    """One ``LabelledItem`` from a decoded JSON object; ``where`` prefixes error messages."""
    if not isinstance(data, Mapping):
        raise DatasetError(f"{where}: expected a JSON object, got {type(data).__name__}")
    text = data.get("lede") or data.get("text") or ""
    title = data.get("title") or ""
    if not isinstance(text, str) or not isinstance(title, str):
        raise DatasetError(f"{where}: title, lede and text must be strings")
    if not (text.strip() or title.strip()):
        raise DatasetError(f"{where}: needs a title, lede or text")
    companies = _strings(data.get("companies") or data.get("company"), "company", where)
    actions = _strings(data.get("actions") or data.get("action_type"), "actions", where)
    return LabelledItem(
        title=title,
        text=text,
        label=_label(data.get("label"), where),
        companies=companies,
        actions=actions,
        tags=_strings(data.get("tags"), "tags", where),
        id=str(data.get("id") or ""),
        event=str(data.get("event") or ""),
    )


def _label(value: Any, where: str) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, int) and value in (0, 1):
        return bool(value)
    if isinstance(value, str) and value.strip().lower() in _LABEL_WORDS:
        return _LABEL_WORDS[value.strip().lower()]
    raise DatasetError(f"{where}: label must be 1 or 0 (or true/false), got {value!r}")


def _strings(value: Any, field: str, where: str) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        return tuple(p.strip() for p in value.split(",") if p.strip())
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return tuple(v.strip() for v in value if v.strip())
    raise DatasetError(f"{where}: {field} must be a string or a list of strings")


# --- scoring ---------------------------------------------------------------------------


def evaluate(items: Iterable[LabelledItem], *, threshold: float = 0.5) -> EvalReport:
    """Judge and tag every item with the shipped models and count agreements."""
    return tally((judge_item(item, threshold=threshold) for item in items), threshold)


def judge_item(
    item: LabelledItem,
    reading: Reading | None = None,
    *,
    threshold: float = 0.5,
    model: LinearModel | None = None,
    actions: ActionModel | None = None,
) -> tuple[LabelledItem, Relevance, Tags]:
    """An item's judgement, and its tags as a relevant story's (the tagging is measured on
    the items labelled relevant); the shipped models unless others are given."""
    reading = reading or read_story(item.title, item.text)
    features = story_features(item.title, item.text, reading)
    relevance = judge_story(
        item.title, item.text, reading, threshold=threshold, model=model, features=features
    )
    tags = story_tags(
        item.title, item.text, reading, relevant=True, model=actions, features=features
    )
    return item, relevance, tags


def tally(judged: Iterable[tuple[LabelledItem, Relevance, Tags]], threshold: float) -> EvalReport:
    """The agreements of each judgement and its tags with the item's labels."""
    tp = fp = fn = tn = 0
    company_hits = company_n = action_hits = action_n = employer_hits = 0
    misjudged = []
    for item, relevance, tags in judged:
        if relevance.label and item.label:
            tp += 1
        elif relevance.label:
            fp += 1
        elif item.label:
            fn += 1
        else:
            tn += 1
        if relevance.label != item.label:
            misjudged.append(Misjudged(item.id, item.title, item.label, relevance.score))
        if not item.label or not (item.companies or item.actions):
            continue
        if item.companies:
            company_n += 1
            company_hits += company_hit(item.companies, tags.companies)
            employer_hits += company_hit(item.companies[:1], tags.companies[:1])
        if item.actions:
            action_n += 1
            action_hits += action_hit(item.actions, tags.actions)
    return EvalReport(
        threshold,
        tp,
        fp,
        fn,
        tn,
        company_hits,
        company_n,
        action_hits,
        action_n,
        tuple(misjudged),
        employer_hits,
    )


def company_hit(labelled: Iterable[str], predicted: Iterable[str]) -> bool:
    """Whether a labelled company is among the predicted ones, after alias resolution."""
    wanted = {key for name in labelled for key in _company_keys(name)}
    return any(key in wanted for name in predicted for key in _company_keys(name))


def _company_keys(name: str) -> set[str]:
    parts = [name, *_NAME_PARTS.split(name)]
    keys = set()
    for part in (p.strip() for p in parts):
        if part:
            keys.add(_LEADING_THE.sub("", (resolve_company(part) or part).casefold()))
    return keys


def action_hit(labelled: Iterable[str], predicted: Iterable[str]) -> bool:
    """Whether one of the labelled actions is among the predicted ones."""
    return bool({action_key(a) for a in labelled} & {action_key(a) for a in predicted})


def action_key(action: str) -> str:
    return re.sub(r"[\s_-]+", "_", action.strip().casefold())


# --- reporting -------------------------------------------------------------------------


def report_json(report: EvalReport) -> dict[str, Any]:
    """The machine-readable summary printed by ``picket eval --json``."""
    return {
        "relevance": {
            "precision": round(report.precision, 4),
            "recall": round(report.recall, 4),
            "f1": round(report.f1, 4),
            "tp": report.tp,
            "fp": report.fp,
            "fn": report.fn,
            "tn": report.tn,
        },
        "company": {
            "hit_rate": _rounded(report.company_hit_rate),
            "first": _rounded(report.employer_hit_rate),
            "n": report.company_n,
        },
        "action": {"hit_rate": _rounded(report.action_hit_rate), "n": report.action_n},
    }


def _rounded(value: float | None) -> float | None:
    return None if value is None else round(value, 4)


def format_report(report: EvalReport) -> str:
    """The human-readable summary printed by ``picket eval``."""
    lines = [
        f"relevance  precision {report.precision:.3f}  recall {report.recall:.3f}  "
        f"F1 {report.f1:.3f}  (tp {report.tp}, fp {report.fp}, fn {report.fn}, "
        f"tn {report.tn}; threshold {report.threshold:.2f})",
        f"company    hit rate {_rate(report.company_hit_rate)}  acting employer first "
        f"{_rate(report.employer_hit_rate)}  (n={report.company_n})",
        f"action     hit rate {_rate(report.action_hit_rate)}  (n={report.action_n})",
    ]
    if report.misjudged:
        lines.append("misjudged:")
        for miss in report.misjudged:
            kind = "missed      " if miss.label else "false alarm "
            name = miss.id or miss.title or "(untitled)"
            lines.append(f"  {kind} score {miss.score:.2f}  {name}")
    return "\n".join(lines)


def _rate(value: float | None) -> str:
    return "  n/a" if value is None else f"{value:.3f}"

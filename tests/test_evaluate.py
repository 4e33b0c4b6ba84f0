"""Evaluation: loading labelled stories, counting agreement, and the dev-set quality gate."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pipeline.understand.crossval import cross_validate, format_cv
from pipeline.understand.evaluate import (
    DatasetError,
    EvalReport,
    LabelledItem,
    action_hit,
    company_hit,
    evaluate,
    format_report,
    load_dataset,
    report_json,
)

TRAIN_SET = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "stories_train.jsonl"

# Pinned floors for grouped 5-fold cross-validation on the labelled real stories (models
# trained on four folds judge the fifth, no event on both sides): measured values rounded
# down a little. Lowering one is a deliberate, visible change.
CV_FLOORS = {
    "precision": 0.90,
    "recall": 0.89,
    "company": 0.87,
    "employer": 0.82,
    "action": 0.87,
}

RELEVANT_STORY = {
    "title": "Google staff sign petition",
    "lede": "More than 2,000 Google employees signed a petition against the drone contract.",
    "label": 1,
    "company": "alphabet",
    "actions": ["open letter"],
}
ORDINARY_STORY = {
    "title": "Nvidia shares hit record",
    "text": "Nvidia reported record revenue as demand for its chips grew.",
    "label": 0,
}


def _write_lines(path: Path, lines: list[str]) -> Path:
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


# --- loading ---------------------------------------------------------------------------


def test_load_dataset_reads_items_and_skips_blank_lines(tmp_path):
    path = _write_lines(
        tmp_path / "set.jsonl",
        [json.dumps(RELEVANT_STORY), "", "   ", json.dumps(ORDINARY_STORY)],
    )
    first, second = load_dataset(path)
    assert first == LabelledItem(
        title="Google staff sign petition",
        text=RELEVANT_STORY["lede"],
        label=True,
        companies=("alphabet",),
        actions=("open letter",),
    )
    assert second.text == ORDINARY_STORY["text"]
    assert second.label is False
    assert second.companies == () and second.actions == ()


def test_load_dataset_accepts_the_optional_field_spellings(tmp_path):
    line = {
        "id": "x1",
        "text": "Workers walked out.",
        "label": "true",
        "companies": ["Amazon", "Whole Foods"],
        "action_type": "strike, protest",
        "tags": ["climate_change"],
    }
    (item,) = load_dataset(_write_lines(tmp_path / "set.jsonl", [json.dumps(line)]))
    assert item.id == "x1" and item.label is True
    assert item.companies == ("Amazon", "Whole Foods")
    assert item.actions == ("strike", "protest")
    assert item.tags == ("climate_change",)


@pytest.mark.parametrize(
    ("bad_line", "message"),
    [
        ("{not json", "not valid JSON"),
        ("[1, 2]", "expected a JSON object"),
        (json.dumps({"lede": "Text.", "label": 2}), "label must be 1 or 0"),
        (json.dumps({"lede": "Text."}), "label must be 1 or 0"),
        (json.dumps({"label": 1}), "needs a title, lede or text"),
        (json.dumps({"lede": "Text.", "label": 1, "actions": [1]}), "actions must be"),
    ],
)
def test_a_bad_line_stops_loading_with_its_line_number(tmp_path, bad_line, message):
    path = _write_lines(tmp_path / "set.jsonl", [json.dumps(ORDINARY_STORY), "", bad_line])
    with pytest.raises(DatasetError, match=message) as caught:
        load_dataset(path)
    assert f"{path}:3:" in str(caught.value)


# --- counting --------------------------------------------------------------------------


def test_evaluate_counts_agreement_and_tagging_hits():
    items = [
        LabelledItem(
            title=RELEVANT_STORY["title"],
            text=RELEVANT_STORY["lede"],
            label=True,
            companies=("alphabet",),
            actions=("open letter",),
        ),
        LabelledItem(title="", text=ORDINARY_STORY["text"], label=False),
        LabelledItem(title="", text="Hundreds of Wayfair workers walked out.", label=False),
        LabelledItem(
            title="", text="Shares of Apple rose on Monday.", label=True, companies=("Apple",)
        ),
    ]
    report = evaluate(items, threshold=0.5)
    assert (report.tp, report.fp, report.fn, report.tn) == (1, 1, 1, 1)
    assert report.precision == 0.5 and report.recall == 0.5 and report.f1 == 0.5
    assert (report.company_hits, report.company_n) == (2, 2)
    assert (report.action_hits, report.action_n) == (1, 1)
    assert [m.label for m in report.misjudged] == [False, True]


def test_company_hits_meet_after_alias_resolution_and_accept_either_name_in_brackets():
    assert company_hit(["alphabet"], ["Google"])
    assert company_hit(["Facebook"], ["Meta", "Instagram"])
    assert company_hit(["Microsoft (ZeniMax)"], ["ZeniMax Media"])
    assert company_hit(["Some Startup"], ["some startup"])
    assert company_hit(["The Ringer"], ["Ringer"])
    assert not company_hit(["Amazon"], ["Whole Foods Market"])
    assert not company_hit(["Amazon"], [])


def test_action_hits_ignore_spaces_underscores_and_case():
    assert action_hit(["open letter"], ["open_letter"])
    assert action_hit(["Union-Drive", "strike"], ["union_drive"])
    assert not action_hit(["strike"], ["protest"])


def test_rates_without_items_are_undefined_rather_than_zero():
    report = evaluate([LabelledItem(title="", text="Nothing here.", label=False)])
    assert report.company_hit_rate is None and report.action_hit_rate is None
    assert report.precision == 0.0 and report.recall == 0.0 and report.f1 == 0.0


# --- reporting -------------------------------------------------------------------------


def _report() -> EvalReport:
    return EvalReport(
        threshold=0.5, tp=8, fp=2, fn=1, tn=9, company_hits=7, company_n=8,
        action_hits=6, action_n=8, employer_hits=6,
    )  # fmt: skip


def test_report_json_has_exactly_the_documented_shape():
    assert report_json(_report()) == {
        "relevance": {
            "precision": 0.8,
            "recall": 0.8889,
            "f1": 0.8421,
            "tp": 8,
            "fp": 2,
            "fn": 1,
            "tn": 9,
        },
        "company": {"hit_rate": 0.875, "first": 0.75, "n": 8},
        "action": {"hit_rate": 0.75, "n": 8},
    }
    json.dumps(report_json(_report()))


def test_format_report_prints_the_figures_and_the_misjudged_items():
    items = [LabelledItem(title="Missed one", text="Nothing happened.", label=True, id="m1")]
    text = format_report(evaluate(items))
    assert "precision 0.000" in text and "recall 0.000" in text
    assert "company    hit rate   n/a  acting employer first   n/a  (n=0)" in text
    assert "missed" in text and "m1" in text
    summary = format_report(_report())
    assert "precision 0.800  recall 0.889  F1 0.842" in summary
    assert "(tp 8, fp 2, fn 1, tn 9; threshold 0.50)" in summary
    assert "company    hit rate 0.875  acting employer first 0.750  (n=8)" in summary


# --- the quality gate ------------------------------------------------------------------


@pytest.mark.shared
@pytest.mark.slow
def test_grouped_cross_validation_figures_stay_above_their_pinned_floors():
    if not TRAIN_SET.exists():
        pytest.skip("the labelled stories in ../shared are absent")
    result = cross_validate(load_dataset(TRAIN_SET), folds=5)
    report = result.pooled
    figures = {
        "precision": report.precision,
        "recall": report.recall,
        "company": report.company_hit_rate,
        "employer": report.employer_hit_rate,
        "action": report.action_hit_rate,
    }
    assert all(figures[name] >= floor for name, floor in CV_FLOORS.items()), format_cv(result)

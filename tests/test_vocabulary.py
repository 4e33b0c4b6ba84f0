"""Tag values read as words: every value picket can store has a label in one table."""

from __future__ import annotations

import re
from importlib import resources
from pathlib import Path

import yaml

from pipeline import tagging
from pipeline.vocabulary import ACTION_LABELS, ISSUE_LABELS, LABELS, label, labels


def vocabulary() -> dict:
    text = resources.files("pipeline").joinpath("data", "vocabulary.yaml").read_text("utf-8")
    return yaml.safe_load(text)


def test_every_issue_struggle_and_employment_type_has_a_label():
    words = vocabulary()
    for group in ("tags", "struggles", "employment_types"):
        missing = set(words[group]) - set(LABELS)
        assert not missing, f"{group} without a label: {missing}"
    assert set(words["tags"]) == set(ISSUE_LABELS)


def test_every_action_the_tagger_can_give_has_a_label():
    source = Path(tagging.__file__).read_text(encoding="utf-8")
    given = set(re.findall(r'actions\.(?:append|extend)\(\(?"(\w+)"(?:, "(\w+)")?', source))
    actions = {value for pair in given for value in pair if value}
    assert actions == set(ACTION_LABELS)


def test_labels_are_words():
    assert label("open_letter") == "open letter"
    assert label("unfair_labor_practices") == "unfair labour practices"
    assert label("ice") == "ICE" and label("ai") == "AI"
    assert label("some_new_value") == "some new value"
    assert labels(["protest", "open_letter", "protest"]) == ["protest", "open letter"]
    assert all("_" not in words for words in LABELS.values())

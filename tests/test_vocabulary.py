"""Tag values read as words: every value picket can store has a label in one table."""

from __future__ import annotations

import re
from importlib import resources
from pathlib import Path

import pytest
import yaml

from pipeline.understand import tagging
from pipeline.vocabulary import (
    ACTION_LABELS,
    ISSUE_LABELS,
    LABELS,
    VOCABULARIES,
    check_query,
    check_value,
    label,
    labels,
)


def vocabulary() -> dict:
    text = resources.files("pipeline").joinpath("data", "vocabulary.yaml").read_text("utf-8")
    return yaml.safe_load(text)


def test_every_issue_struggle_and_employment_type_has_a_label():
    words = vocabulary()
    for group in ("tags", "struggles", "employment_types"):
        assert set(words[group]) == set(VOCABULARIES[group]), group
    assert set(words["tags"]) == set(ISSUE_LABELS)
    assert all(term.meaning for terms in VOCABULARIES.values() for term in terms.values())


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


@pytest.mark.parametrize(
    ("field", "typed", "value", "hint"),
    [
        ("actions", "protest", "protest", None),
        ("actions", "Open letter", "open_letter", None),
        ("actions", "walkout", "walkout", "did you mean actions:protest?"),
        ("actions", "sit-in", "sit-in", "did you mean actions:protest?"),
        ("actions", "stirke", "stirke", "did you mean actions:strike?"),
        ("tags", "ICE", "ice", None),
        ("tags", "immigrant", "immigrant", "did you mean tags:immigration?"),
        ("struggles", "pay", "pay", "did you mean struggles:pay_and_benefits?"),
        ("companies", "amazon", "Amazon", None),
        ("companies", "AMZN", "Amazon", "companies:AMZN is Amazon"),
        ("companies", "AWS", "Amazon", "companies:AWS is Amazon"),
        ("companies", "Amazn", "Amazn", "did you mean companies:Amazon?"),
    ],
)
def test_a_value_is_checked_against_the_vocabulary(field, typed, value, hint):
    checked = check_value(field, typed)
    assert checked.value == value
    assert (checked.note is None) == (hint is None)
    assert hint is None or hint in checked.note
    assert checked.known == (value != typed or hint is None or " is " in hint)


def test_a_query_names_companies_by_their_name_and_keeps_the_rest():
    query, noted = check_query('companies:GOOGL (walkout OR actions:"sit in") title:AMZN')
    assert query == 'companies:Google (walkout OR actions:"sit in") title:AMZN'
    assert [c.note.split(";")[0] for c in noted] == [
        "companies:GOOGL is Google",
        "actions:sit in is not a value picket tags",
    ]

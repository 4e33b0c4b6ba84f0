"""The word gate in front of vocabulary patterns: it may skip a search, never change one."""

from __future__ import annotations

import re

import pytest

from pipeline.wordgate import GatedPattern, TextWords

FRAGMENTS = {
    "prefix": ["immigra\\w*", "deport\\w*"],
    "optional last letter": ["fossil fuels?", "labou?r board"],
    "whole first word": ["border (?:wall|agents?)", "H-1B"],
    "acronym": ["ICE"],
    "opens with a group": ["(?:trade|labour) unions?"],
}
TEXTS = [
    "Engineers protested the deportation flights.",
    "Immigration agents were at the border wall.",
    "A vote at the labor board, and fossil fuel money.",
    "The borderline case of an H-1B visa holder.",
    "Police and the price of ice cream.",
    "Trade unions joined the strike.",
    "Nothing here names any of it.",
    "İMMİGRATİON in Turkish capitals, and ſtrange long s.",
]


def pattern_of(fragments: list[str]) -> re.Pattern[str]:
    return re.compile(r"(?<![\w-])(?:" + "|".join(fragments) + r")(?![\w])", re.IGNORECASE)


@pytest.mark.parametrize("kind", FRAGMENTS)
@pytest.mark.parametrize("text", TEXTS)
def test_a_gated_search_finds_exactly_what_the_pattern_finds(kind: str, text: str) -> None:
    pattern = pattern_of(FRAGMENTS[kind])
    gated = GatedPattern(pattern, FRAGMENTS[kind])

    found = gated.search(text, TextWords.of(text))

    expected = pattern.search(text)
    assert (found and found.group()) == (expected and expected.group())


def test_the_gate_skips_texts_without_the_first_words() -> None:
    gated = GatedPattern(pattern_of(["border (?:wall|agents?)"]), ["border (?:wall|agents?)"])

    assert not gated.could_match(TextWords.of("The borderline case, and a wall."))
    assert gated.could_match(TextWords.of("Agents at the border."))


def test_a_fragment_opening_with_a_group_keeps_the_gate_open() -> None:
    fragments = ["immigra\\w*", "(?:trade|labour) unions?"]
    gated = GatedPattern(pattern_of(fragments), fragments)

    assert gated.could_match(TextWords.of("Nothing here names any of it."))

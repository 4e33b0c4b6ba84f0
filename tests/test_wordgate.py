"""The gates in front of costly patterns: they may skip a search, never change one."""

from __future__ import annotations

import json
import re
from collections.abc import Container
from pathlib import Path

import pytest
from fuzzing import FUZZ, TRICKY_TEXT
from hypothesis import given
from hypothesis import strategies as st

from pipeline.understand import lexicon as lexicon_module
from pipeline.understand.wordgate import (
    GatedPattern,
    GateScan,
    LiteralGate,
    Passages,
    TextWords,
    required_literals,
)

FRAGMENTS = {
    "prefix": ["immigra\\w*", "deport\\w*"],
    "optional last letter": ["fossil fuels?", "labou?r board"],
    "whole first word": ["border (?:wall|agents?)", "H-1B"],
    "acronym": ["ICE"],
    "opens with a group": ["(?:trade|labour) unions?"],
    "no string of its own": ["(?:a|an) \\w+ (?:is|was)"],
    "common first word": ["return[- ]to[- ](?:the[- ])?office", "in-office", "employee status"],
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
    "In the office, a return-to-office rule changed their employee status.",
    "They return to work in the spring; the employee said nothing of status.",
]


def pattern_of(fragments: list[str]) -> re.Pattern[str]:
    return re.compile(r"(?<![\w-])(?:" + "|".join(fragments) + r")(?![\w])", re.IGNORECASE)


def gated_on(fragments: list[str]) -> GatedPattern:
    return GatedPattern(pattern_of(fragments), fragments)


@pytest.mark.parametrize("kind", FRAGMENTS)
@pytest.mark.parametrize("text", TEXTS)
def test_a_gated_search_finds_exactly_what_the_pattern_finds(kind: str, text: str) -> None:
    gated = gated_on(FRAGMENTS[kind])

    found = gated.search(text, TextWords.of(text))

    expected = gated.pattern.search(text)
    assert (found and found.group()) == (expected and expected.group())


def test_the_gate_skips_texts_without_the_first_words() -> None:
    gated = gated_on(["border (?:wall|agents?)"])

    assert not gated.could_match(TextWords.of("The borderline case, and a wall."))
    assert gated.could_match(TextWords.of("Agents at the border wall."))


def test_the_gate_also_asks_for_the_strings_after_a_common_first_word() -> None:
    fragments = ["return[- ]to[- ](?:the[- ])?office", "in-office"]
    gated = gated_on(fragments)

    assert not gated.could_match(TextWords.of("They return to work in the spring."))
    assert gated.could_match(TextWords.of("A return to the office in May."))
    assert gated.could_match(TextWords.of("Three in-office days."))


def test_a_fragment_opening_with_a_group_is_gated_on_the_strings_it_must_contain() -> None:
    fragments = ["immigra\\w*", "(?:trade|labour) unions?"]
    gated = gated_on(fragments)

    assert not gated.could_match(TextWords.of("A reunion of trade negotiators."))
    assert gated.could_match(TextWords.of("Trade unions joined the strike."))


def test_a_fragment_without_a_word_or_string_keeps_the_gate_open() -> None:
    fragments = ["immigra\\w*", "(?:a|an) \\w+"]
    gated = gated_on(fragments)

    assert gated.could_match(TextWords.of("Nothing here names any of it."))


@pytest.mark.parametrize(
    ("pattern", "expected"),
    [
        (
            "(?:on|to|a|the) strikes?(?! (?:a|an) deal)",
            {"on strike", "to strike", "a strike", "the strike"},
        ),
        ("walk(?:ed|ing|s)? out", {"walk"}),
        ("(?<!\\w)Bolt(?= (?:drivers|riders))", {" drivers", " riders"}),
        ("(?<=Musk's )X\\b", {"musk's "}),
        ("sit[- ]ins?|die[- ]ins?", {"sit-in", "sit in", "die-in", "die in"}),  # spelled out
        ("sta(?:ken|akten)", {"staken", "staakten"}),  # not the "sta" they share
        ("\\w+-ever", {"-ever"}),
        ("\\w+ \\w+", {" "}),
        ("strikes?|\\w+", None),
    ],
)
def test_the_strings_every_match_contains(pattern: str, expected: set[str] | None) -> None:
    found = required_literals(pattern, re.IGNORECASE)

    assert (set(found) if found is not None else None) == expected


SENTENCES = [
    "Workers walked out of the Seattle office on Tuesday.",
    "The company said nothing.",
    "They plan to strike again, and a sit-in is next.",
    "\u212aELVIN-sign capitals and a WALK-OUT in shouting type.",
    "A general strike struck a deal.",
    "Bolt drivers and Bolt the app.",
    "",
]
PASSAGE_PATTERNS = [
    re.compile(r"(?<![\w-])(?:walk(?:ed|ing|s)? out|walk[- ]?outs?|sit[- ]ins?)(?![\w])", re.I),
    re.compile(r"(?<![\w-])(?:general|to) strikes?(?! (?:a|an) deal)(?![\w])", re.I),
    re.compile(r"(?<!\w)Bolt(?= (?:drivers|riders))"),
    re.compile(r"(?<![\w-])\w+ office(?![\w])", re.I),
    re.compile(r"(?<![\w-])(?:a|an) \w+(?![\w])", re.I),  # its only string is " "
]


def marked_alone(pattern: re.Pattern[str], sentences: list[str]) -> Container[int]:
    return GateScan({"only": LiteralGate([pattern])}).marked(Passages.of(sentences))["only"]


@pytest.mark.parametrize("pattern", PASSAGE_PATTERNS, ids=lambda p: p.pattern[:30])
def test_the_literal_gate_marks_every_sentence_the_pattern_matches(pattern) -> None:
    marked = marked_alone(pattern, SENTENCES)

    matching = {i for i, sentence in enumerate(SENTENCES) if pattern.search(sentence)}
    assert matching
    assert all(i in marked for i in matching)


def test_the_literal_gate_skips_sentences_without_the_strings() -> None:
    marked = marked_alone(PASSAGE_PATTERNS[0], SENTENCES)

    assert 1 not in marked and 5 not in marked
    assert {0, 2, 3} <= set(marked)


def test_a_pattern_without_strings_marks_every_sentence() -> None:
    marked = marked_alone(PASSAGE_PATTERNS[4], SENTENCES)

    assert all(i in marked for i in range(len(SENTENCES)))


OVERLAPPING = {  # strings that are prefixes of others', or start inside them
    "strike": re.compile(r"strikes?", re.I),
    "strikes": re.compile(r"strikes", re.I),
    "a strike": re.compile(r"(?:a|the) strike", re.I),
    "trike": re.compile(r"trike", re.I),
    "walkout": re.compile(r"walk[- ]?outs?", re.I),
    "walk": re.compile(r"walk(?:ed|ing|s)? out", re.I),
    "any": PASSAGE_PATTERNS[4],
}


def test_one_scan_of_many_gates_marks_what_each_gate_marks_alone() -> None:
    gates = {name: LiteralGate([pattern]) for name, pattern in OVERLAPPING.items()}

    together = GateScan(gates).marked(Passages.of(SENTENCES))

    for name, pattern in OVERLAPPING.items():
        alone = marked_alone(pattern, SENTENCES)
        assert [i in together[name] for i in range(len(SENTENCES))] == [
            i in alone for i in range(len(SENTENCES))
        ], name
        assert all(i in together[name] for i, s in enumerate(SENTENCES) if pattern.search(s))


def _vocabulary_words() -> list[str]:
    lexicon = lexicon_module.lexicon()
    gated = [*lexicon.tags.values(), *(pattern for _, pattern in lexicon.struggles.values())]
    words = {w for g in gated for w in re.findall(r"[A-Za-z0-9]+", g.pattern.pattern)}
    return sorted(words - {"w", "s", "d"})  # not the letters of \w, \s and \d


VOCABULARY_WORDS = _vocabulary_words()


@FUZZ
@given(
    st.lists(
        st.one_of(
            st.sampled_from(VOCABULARY_WORDS),
            st.sampled_from(VOCABULARY_WORDS).map(str.upper),
            st.sampled_from([" ", " ", "-", "\n", ", ", ". ", "’", "'s "]),
            TRICKY_TEXT,
        ),
        max_size=30,
    ).map("".join)
)
def test_the_lexicon_vocabularies_gated_find_what_they_find_ungated(text: str) -> None:
    lexicon = lexicon_module.lexicon()
    words = TextWords.of(text)
    for gated in [*lexicon.tags.values(), *(p for _, p in lexicon.struggles.values())]:
        found = gated.search(text, words)
        expected = gated.pattern.search(text)
        assert (found and found.group()) == (expected and expected.group()), gated.pattern


def _written_sentences() -> list[str]:
    """The sentences of the stories written for the project (tests and training)."""
    from pipeline.understand.sentences import sentences

    files = [
        *sorted((Path(__file__).parent / "data").glob("heldout_*.jsonl")),
        Path(lexicon_module.__file__).parents[1] / "data" / "written_stories.jsonl",
    ]
    rows = [json.loads(line) for file in files for line in file.read_text().splitlines()]
    return [
        sentence
        for row in rows[:2000]
        for sentence in [row["title"], *sentences(row.get("text") or row.get("lede") or "")]
    ]


def test_the_reader_s_gates_mark_every_sentence_its_patterns_match() -> None:
    from pipeline.understand.employers import _PATTERNS
    from pipeline.understand.gazetteer import default_gazetteer
    from pipeline.understand.reading import _NAME_PATTERN, _NAMED, _gate_scan

    lexicon, gazetteer = lexicon_module.lexicon(), default_gazetteer()
    texts = _written_sentences()
    marked = _gate_scan(lexicon, gazetteer).marked(Passages.of(texts))
    patterns = [
        *((kind, kind.pattern) for kind in lexicon.actions),
        *((_NAME_PATTERN + kind, pattern) for kind, pattern in _PATTERNS.items()),
        *(
            (_NAMED, named[0])
            for named in gazetteer._patterns
            if named not in gazetteer._ungated_patterns
        ),
    ]

    matched = 0
    for key, pattern in patterns:
        for index, text in enumerate(texts):
            if pattern.search(text):
                matched += 1
                assert index in marked[key], (key, text)
    assert matched > 1000  # the stories name actions and employers often

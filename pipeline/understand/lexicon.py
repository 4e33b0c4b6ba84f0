"""The word lists of ``data/cues.yaml`` and ``data/vocabulary.yaml``, compiled once.

``reading`` reads stories with them and ``tagging`` names employment
types with them. Each list is one regular expression matched at word boundaries. The
number words are here too, with ``parse_count``, which reads the head-count they spell.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from importlib import resources
from typing import Any

import yaml

from pipeline.understand.wordgate import GatedPattern, LiteralGate

_STOP_WORDS = (
    "a|an|the|and|or|but|nor|to|of|for|with|by|from|at|in|on|as|that|this|these|those|who|whom|"
    "which|said|says|say|told|tells|asked|asks|than|our|your|my|is|are|was|were|be|been|being|"
    "has|have|had|not|no|after|before|when|while|where|if|because|since|how|what|all|both|"
    "other|into|onto|among|against|between|per|via|will|would|could|can|may|might|should|must|"
    "do|does|did|it|they|them|we|he|she|you|so|such|also|only|just|even|most|any|each|every|"
    "up|out|off|over|about|more|then|there|here|why|last|next|week|month|year|day|today|"
    "yesterday|monday|tuesday|wednesday|thursday|friday|saturday|sunday"
)
STOP_WORDS = frozenset(_STOP_WORDS.split("|"))
"""Function words and days: no evidence of anything on their own."""
FOREIGN_STOP_WORDS = frozenset(
    (  # noqa: SIM905 (a word list reads best as words)
        # German
        "der die das den dem des ein eine einen einem einer und oder aber als auch auf aus "
        "bei bis für gegen im in ist mit nach nicht noch sich sie sind so um von vor war wie "
        "wird zu zum zur am an es er wir ihr ihre "
        # French
        "le la les un une des du de et ou mais au aux en dans par pour sur avec sans sont est "
        "qui que ne pas plus ce cette ces leur leurs ils elles nous se sa son ses "
        # Spanish and Portuguese
        "el los las y o pero del al en por para con sin sobre su sus que se es son una uno "
        "lo como más o os as um uma em no na nos nas do da dos das ao pelo pela não mais "
        # Italian and Dutch
        "il gli di che è e per non della dei delle nel nella het een en van op te voor met "
        "zijn niet dat ook bij naar om"
    ).split()
)
"""Function words of the other languages picket reads most, kept out of evidence too."""
NUMBER_WORDS = {
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
    "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13,
    "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18,
    "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60,
    "seventy": 70, "eighty": 80, "ninety": 90,
}  # fmt: skip
MULTIPLIERS = {"dozen": 12, "hundred": 100, "thousand": 1000, "million": 1_000_000}
_COUNT = (
    r"\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?(?:\s?[kK]\b)?|"
    r"(?:(?:" + "|".join(NUMBER_WORDS) + r")(?:[- ](?:one|two|three|four|five|six|seven|eight|"
    r"nine))?\s+)?(?:dozen|hundred|thousand)(?:\s+(?:thousand|hundred))?|"
    + "|".join(w for w in NUMBER_WORDS if w not in ("a", "an"))
)


def parse_count(quantity: str) -> int | None:
    """The number a quantity phrase states: "more than 4,000" -> 4000, "a dozen" -> 12."""
    words = quantity.lower().replace("-", " ").split()
    total, current, seen = 0, 0, False
    for word in words:
        digits = word.replace(",", "").rstrip("+")
        if re.fullmatch(r"\d+(?:\.\d+)?k?", digits):
            value = float(digits.rstrip("k")) * (1000 if digits.endswith("k") else 1)
            current, seen = current + int(value), True
        elif word in NUMBER_WORDS:
            current, seen = current + NUMBER_WORDS[word], True
        elif word in MULTIPLIERS:
            current = max(current, 1) * MULTIPLIERS[word]
            seen = True
            if MULTIPLIERS[word] >= 1000:
                total, current = total + current, 0
    return total + current if seen else None


def _alternation(fragments: Iterable[str]) -> str:
    return "(?:" + "|".join(fragments) + ")"


def _word_pattern(fragments: Iterable[str], flags: int = re.IGNORECASE) -> re.Pattern[str]:
    return re.compile(r"(?<![\w-])" + _alternation(fragments) + r"(?![\w])", flags)


def _vocabulary_pattern(fragments: Iterable[str]) -> re.Pattern[str]:
    """Case-sensitive for all-capital fragments (acronyms), case-insensitive otherwise."""
    parts = [
        frag if re.fullmatch(r"[A-Z0-9\\.?:()\-+ ]+", frag) else f"(?i:{frag})"
        for frag in fragments
    ]
    return re.compile(r"(?<![\w-])" + _alternation(parts) + r"(?![\w])")


def _gated_vocabulary(fragments: Sequence[str]) -> GatedPattern:
    """A vocabulary pattern searched in whole stories: gated on their words to go faster."""
    return GatedPattern(_vocabulary_pattern(fragments), fragments)


_UNION_HEAD = "(?:Union|Federation|Association|Alliance|Guild|Council|Confederation|Brotherhood)"
_NAME_WORD = r"[A-Z][\w'’.-]*"
_NAME_LINK = r"(?:,?\s+(?:and\s+|&\s+)?)"


def _sector_union_names(sectors: Sequence[str]) -> list[str]:
    """Fragments matching the capitalised name of a union or federation of one of
    ``sectors`` ("Education, Health and Allied Workers Union", "Federation of Teachers",
    "United Teachers")."""
    sector = _alternation(sectors)
    return [
        rf"(?-i:{sector}(?:{_NAME_LINK}{_NAME_WORD}){{0,4}}?\s+{_UNION_HEAD})",
        rf"(?-i:{_UNION_HEAD}\s+of\s+(?:{_NAME_WORD}{_NAME_LINK}){{0,3}}?{sector})",
        rf"(?-i:United\s+{sector})",
    ]


@dataclass(frozen=True, slots=True, eq=False)  # one of each, keyed by identity: hashing it is free
class ActionKind:
    name: str
    strength: float
    self_tied: bool
    pattern: re.Pattern[str]
    gate: LiteralGate  # whether a sentence could hold one of its phrases

    @classmethod
    def of(cls, name: str, spec: Mapping[str, Any]) -> ActionKind:
        """The kind ``cues.yaml`` lists as ``name``, searched sentence by sentence."""
        pattern = _word_pattern(spec["patterns"])
        strength, self_tied = float(spec["strength"]), bool(spec.get("self_tied", False))
        return cls(name, strength, self_tied, pattern, LiteralGate([pattern]))


class Lexicon:
    """Every word list of ``data/cues.yaml`` and ``data/vocabulary.yaml``, compiled once."""

    def __init__(self, cues: Mapping[str, Any], vocabulary: Mapping[str, Any]) -> None:
        quant = (
            rf"(?:(?:{_alternation(cues['approximations'])})\s+)?(?:{_COUNT})\+?|"
            rf"(?:{_alternation(cues['vague_groups'])})\s+of|"
            rf"{_alternation(cues['vague_counts'])}"
        )
        # no worker noun is a word before another ("developers formed a union")
        stop = _alternation(
            (
                _STOP_WORDS,
                *cues["object_verbs"],
                *cues["worker_nouns"],
                *cues["employer_bound_nouns"],
            )
        )
        mods = rf"(?P<mods>(?:(?!{stop}\b)[\w'’.&/+-]*[\w.&/+-]\s+){{0,4}})$"
        self.counted = re.compile(rf"(?<![\w'’.&/+-])(?P<quant>{quant})\s+{mods}", re.IGNORECASE)
        self.left = re.compile(rf"(?<![\w'’.&/+-]){mods}", re.IGNORECASE)
        self.worker = _word_pattern(cues["worker_nouns"])
        self.employer_bound = _word_pattern(
            [*cues["employer_bound_nouns"], *cues["employer_bound_unions"]]
        )
        self.union = _word_pattern(cues["union_nouns"])
        self.labour = _word_pattern(cues["labour_words"])
        self.study = _word_pattern(cues["study_words"])
        self.collective_head = re.compile(
            r"[-\s]+" + _alternation(cues["collective_heads"]) + r"\b", re.IGNORECASE
        )
        self.outsider = _word_pattern(cues["outsider_nouns"])
        self.shareholder = _word_pattern(cues["shareholder_nouns"])
        self.management = _word_pattern(cues["management_nouns"])
        # an authority within the first ten words (after "In a ruling on Tuesday,"), then
        # its acronym in brackets and up to four words ("on Friday", "has") before its act
        authority, act = _alternation(cues["authority_nouns"]), _alternation(cues["authority_acts"])
        self.authority_subject = re.compile(
            rf"^\W*(?:[\w'’.,&-]+\s+){{0,10}}?(?<![\w-])(?P<authority>{authority})"
            rf"(?:\s+\(\w+\))?(?:\s+[\w'’,-]+){{0,4}}?\s+{act}(?!\w)",
            re.IGNORECASE,
        )
        self.authority_passive = _word_pattern(cues["authority_passive"])
        # an authority just before an act tied to no one else ("the agency urged vendors")
        self.authority_before = re.compile(
            rf"(?<![\w-])(?P<authority>{authority})(?:['’]s)?\s+(?:[\w'’,-]+\s+){{0,3}}$",
            re.IGNORECASE,
        )
        # an authority as the subject of a clause right after the act ("the lawsuit the state
        # filed", "a settlement that the attorney general announced")
        self.authority_after = re.compile(
            rf"\s+(?:that\s+|which\s+)?(?:the\s+)?(?:[\w'’.-]+\s+){{0,2}}?"
            rf"(?P<authority>{authority}|state)\s+(?:had\s+|has\s+)?"
            r"(?:filed|brought|announced|reached|launched|won|negotiated|secured)\b",
            re.IGNORECASE,
        )
        # an authority named as the act's attribute ("AG settlement", "FTC lawsuit")
        self.authority_attributive = re.compile(
            rf"(?<![\w-])(?P<authority>{authority})(?:['’]s)?\s+$", re.IGNORECASE
        )
        # an authority as the agent named after an act ("a lawsuit brought by the District of
        # Columbia's attorney general")
        self.authority_agent = re.compile(
            rf"(?:[\w'’.-]+\s+){{0,5}}?(?P<authority>{authority}|state)(?!\w)", re.IGNORECASE
        )
        self.outside_occupation = _word_pattern(
            [*cues["outside_occupations"], *_sector_union_names(cues["outside_sectors"])]
        )
        # also the end of a compound: "black-cab drivers", "yellow-cab drivers", "hire-car"
        self.outside_modifier = re.compile(
            r"(?<!\w)" + _alternation(cues["outside_modifiers"]) + r"(?!\w)", re.IGNORECASE
        )
        self.unpaid = re.compile(
            r"\b" + _alternation(cues["unpaid_modifiers"]) + r"\s+$", re.IGNORECASE
        )
        self.outside_workplace = re.compile(
            r"\s+(?:at|in|of|for|from)\s+(?:(?:a|an|the|its|their|[\w-]+['’]s)\s+)?"
            rf"(?:[\w'’.-]+\s+){{0,2}}?{_alternation(cues['outside_workplaces'])}(?![\w])",
            re.IGNORECASE,
        )
        self.tech_context = _word_pattern(cues["tech_context"])
        self.tech_words = _word_pattern(cues["tech_words"])
        self.management_letter = _word_pattern(cues["management_letters"])
        self.object_verb = re.compile(
            r"\b" + _alternation(cues["object_verbs"]) + r"\s+(?:[\w'’.&-]+\s+){0,3}$",
            re.IGNORECASE,
        )
        self.object_preposition = re.compile(
            r"\b" + _alternation(cues["object_prepositions"]) + r"\s+(?:[\w'’.&-]+\s+){0,3}$",
            re.IGNORECASE,
        )
        self.negation = re.compile(
            r"(?:n't|\b" + _alternation(cues["negations"]) + r")\b(?:\s+[\w'’-]+){0,2}\s*$",
            re.IGNORECASE,
        )
        self.actions = tuple(ActionKind.of(name, spec) for name, spec in cues["actions"].items())
        # the sentences of a story worth searching for these (see pipeline.understand.wordgate)
        self.outside_occupation_gate = LiteralGate([self.outside_occupation])
        self.tech_context_gate = LiteralGate([self.tech_context])
        self.tags = {tag: _gated_vocabulary(words) for tag, words in vocabulary["tags"].items()}
        self.struggles = {
            name: (tuple(spec.get("tags") or ()), _gated_vocabulary(spec["words"]))
            for name, spec in vocabulary["struggles"].items()
        }
        self.union_won = _vocabulary_pattern(vocabulary["union_won"])
        self.employment_types = {
            name: _vocabulary_pattern(words)
            for name, words in vocabulary["employment_types"].items()
        }

    def authority_acting(self, sentence: str) -> tuple[int, int] | None:
        """Where ``sentence`` names the authority acting in it ("regulators" of "regulators
        fined Glovo", "was fined" of "Glovo was fined"), when no worker is named before and
        the authority is no one's object ("asked the regulator to dismiss")."""
        subject = self.authority_subject.match(sentence)
        passive = None if subject else self.authority_passive.search(sentence)
        found = subject.span("authority") if subject else passive.span() if passive else None
        if found is None:
            return None
        before = sentence[: found[0]]
        if any(p.search(before) for p in (self.worker, self.union, self.employer_bound)):
            return None
        if subject and self.object_verb.search(before):
            return None
        return found


def _load_yaml(name: str) -> Any:
    return yaml.safe_load(resources.files("pipeline").joinpath("data", name).read_text("utf-8"))


@functools.cache
def lexicon() -> Lexicon:
    return Lexicon(_load_yaml("cues.yaml"), _load_yaml("vocabulary.yaml"))

"""A cheap question before a costly regular expression: could any of its phrases be here?

A word list compiled into one regular expression is tried at every character of a text,
which for a whole article costs far more than looking its words up. Two gates ask first,
and each only ever skips a search that would have found nothing:

- ``GatedPattern``, for many word lists searched in one whole story: each fragment of a
  list starts with a word it cannot match without ("border" in ``border (?:wall|agents?)``,
  "immigra" in ``immigra\\w*``) and contains strings it cannot match without ("wall" or
  "agent"); when no fragment finds its word and its strings in the text, the expression is
  not run. A fragment whose first word cannot be read off (it opens with a group or an
  escape, or its word is not ASCII) is asked for its strings alone; one with neither lets
  the expression always run.
- ``LiteralGate``, for patterns searched in each sentence of a story: every match
  contains one of a few strings ("a strike" or "the strike" in ``(?:a|the) strikes?``,
  " drivers" in ``(?<!\\w)Bolt(?= drivers)``), read off the parsed pattern. ``GateScan``
  asks all the gates of a story at once: one scan of the whole story for their strings
  tells, for each, the sentences worth searching. A pattern without such strings marks
  every sentence.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Container, Iterable, Mapping, Sequence
from dataclasses import dataclass
from re import _constants as sre  # the parsed form of patterns, stable since Python 3.11
from re import _parser as sre_parser
from typing import Any, Generic, TypeVar

from pipeline.understand.wordtrie import trie_pattern

_LEADING_LITERAL = re.compile(r"[A-Za-z0-9 '’-]*")
_QUANTIFIERS = ("?", "*", "{")
_WORD = re.compile(r"\w+")
_ASCII_WORD = re.compile(r"[A-Za-z0-9]+")
# The four non-ASCII letters that Python's case-insensitive matching takes for ASCII ones.
_IGNORECASE_ASCII = {"\u0130": "i", "\u0131": "i", "\u017f": "s", "\u212a": "k"}
_IGNORECASE_NON_ASCII = re.compile("[" + "".join(_IGNORECASE_ASCII) + "]")
_MIN_LITERAL = 3  # shorter strings are in nearly every sentence: the gate would mark them all
_REPEATS = (sre.MAX_REPEAT, sre.MIN_REPEAT, sre.POSSESSIVE_REPEAT)
_EMPTY_RUN = frozenset({""})
_MAX_SPELLINGS = 16  # the most strings a run of fixed items is spelled out to

Key = TypeVar("Key")


def _folded(text: str) -> str:
    """``text`` lowered as case-insensitive matching sees it (a dotless i is an i)."""
    return _IGNORECASE_NON_ASCII.sub(lambda found: _IGNORECASE_ASCII[found.group()], text).lower()


@dataclass(frozen=True, slots=True)
class TextWords:
    """The case-folded words of one text, asked by many gates."""

    words: frozenset[str]
    ordered: tuple[str, ...]  # sorted, to find the words that start with a prefix
    folded: str  # the whole text, for fragments that are asked for strings rather than words

    @classmethod
    def of(cls, text: str) -> TextWords:
        folded = _folded(text)
        words = frozenset(_WORD.findall(folded))
        return cls(words, tuple(sorted(words)), folded)

    def starts_a_word(self, prefix: str) -> bool:
        at = bisect.bisect_left(self.ordered, prefix)
        return at < len(self.ordered) and self.ordered[at].startswith(prefix)


class GatedPattern:
    """A compiled word list that first asks a text's words whether it could match."""

    def __init__(self, pattern: re.Pattern[str], fragments: Iterable[str]) -> None:
        self.pattern = pattern
        self._fragments = tuple(_FragmentGate.of(fragment, pattern.flags) for fragment in fragments)
        self.always = any(fragment.always for fragment in self._fragments)

    def could_match(self, words: TextWords) -> bool:
        return self.always or any(fragment.could_match(words) for fragment in self._fragments)

    def search(self, text: str, words: TextWords) -> re.Match[str] | None:
        """``pattern.search(text)``, skipped when ``words`` (of ``text``) rule it out."""
        return self.pattern.search(text) if self.could_match(words) else None


@dataclass(frozen=True, slots=True)
class _FragmentGate:
    """What a text needs for one fragment of a word list to match in it: the word the
    fragment starts with (whole, or the start of a word), and one string of each set of
    ``strings`` anywhere ("office" for ``return[- ]to[- ]office``, whose first word
    "return" is in many texts that have no such phrase)."""

    word: str | None
    whole: bool
    strings: tuple[tuple[str, ...], ...]

    @classmethod
    def of(cls, fragment: str, flags: int) -> _FragmentGate:
        first = _first_word(fragment)
        word, whole = first if first is not None else (None, False)
        strings = tuple(
            tuple(sorted(options))
            for options in _required_options(sre_parser.parse(fragment, flags))
            if _selective(options) and not (word and any(s in word for s in options))
        )
        return cls(word, whole, strings)

    @property
    def always(self) -> bool:
        return self.word is None and not self.strings

    def could_match(self, words: TextWords) -> bool:
        if self.word is not None and not (
            self.word in words.words if self.whole else words.starts_a_word(self.word)
        ):
            return False
        return all(any(s in words.folded for s in options) for options in self.strings)


def _first_word(fragment: str) -> tuple[str, bool] | None:
    """The word ``fragment`` must start with, and whether it must be that whole word."""
    literal = _LEADING_LITERAL.match(fragment).group()
    if fragment[len(literal) : len(literal) + 1] in _QUANTIFIERS:
        literal = literal[:-1]  # "fuels?" need not have its "s"
    word = _ASCII_WORD.match(literal)
    if word is None or len(word.group()) < 2:
        return None
    return word.group().casefold(), len(literal) > word.end()


@dataclass(frozen=True, slots=True)
class Passages:
    """A story's sentences lowered and joined, for a ``GateScan`` to scan once."""

    text: str
    starts: tuple[int, ...]

    @classmethod
    def of(cls, texts: Sequence[str]) -> Passages:
        folded = [_folded(text) for text in texts]
        starts, at = [], 0
        for text in folded:
            starts.append(at)
            at += len(text) + 1
        return cls("\n".join(folded), tuple(starts))

    def span(self, index: int) -> tuple[int, int]:
        """Where passage ``index`` lies in ``text``."""
        end = self.starts[index + 1] - 1 if index + 1 < len(self.starts) else len(self.text)
        return self.starts[index], end


class LiteralGate:
    """The strings one of which every match of any of ``patterns`` contains: ``strings`` is
    None when a pattern has none (it could match in any sentence)."""

    def __init__(self, patterns: Iterable[re.Pattern[str]]) -> None:
        strings: set[str] | None = set()
        for pattern in patterns:
            required = _selective(required_literals(pattern.pattern, pattern.flags))
            if required is None:
                strings = None
                break
            strings |= required
        self.strings = None if strings is None else frozenset(strings)


class GateScan(Generic[Key]):
    """Literal gates asked together: one scan of a story marks, for each gate, the
    sentences that hold one of its strings.

    The scan tries every position of the story for the longest string found there; the
    strings that are prefixes of it are found there too, so a string marks its sentence for
    their gates as well as its own.
    """

    def __init__(self, gates: Mapping[Key, LiteralGate]) -> None:
        self._keys = tuple(gates)
        self._everywhere = tuple(key for key, gate in gates.items() if gate.strings is None)
        owners: dict[str, set[Key]] = {}
        for key, gate in gates.items():
            for string in gate.strings or ():
                owners.setdefault(string, set()).add(key)
        self._gates_of: dict[str, tuple[Key, ...]] = {}
        for string in owners:
            keys = {key for prefix in owners if string.startswith(prefix) for key in owners[prefix]}
            self._gates_of[string] = tuple(keys)
        self._scan = re.compile(f"(?=({trie_pattern(owners)}))") if owners else None

    def marked(self, passages: Passages) -> dict[Key, Container[int]]:
        """For each gate, the indexes of the passages that hold one of its strings."""
        found: dict[Key, set[int]] = {key: set() for key in self._keys}
        if self._scan is not None:
            starts = passages.starts
            for match in self._scan.finditer(passages.text):
                index = bisect.bisect_right(starts, match.start()) - 1
                for key in self._gates_of[match.group(1)]:
                    found[key].add(index)
        everywhere = range(len(passages.starts))
        return {**found, **dict.fromkeys(self._everywhere, everywhere)}


def required_literals(pattern: str, flags: int = 0) -> frozenset[str] | None:
    """Lowercase strings one of which every match of ``pattern`` contains; None when the
    pattern has none (a match could be any word)."""
    return _required(sre_parser.parse(pattern, flags))


def _selective(strings: frozenset[str] | None) -> frozenset[str] | None:
    """``strings`` when none is so short that nearly every text holds it."""
    return strings if strings and _selectivity(strings) >= _MIN_LITERAL else None


def _required(items: Any) -> frozenset[str] | None:
    """The most selective set of strings a match of the parsed ``items`` must contain: the one
    whose shortest string is longest, not counting spaces (" for " is in most sentences)."""
    return max(_required_options(items), key=_selectivity, default=None)


def _selectivity(strings: frozenset[str]) -> int:
    return min(len(s.strip()) for s in strings)


def _required_options(items: Any) -> list[frozenset[str]]:
    """Sets of strings a match of the parsed ``items`` contains one of each of.

    Items that each match one of a few fixed strings spell, one after another, the
    strings of their product: "sta" and ``(?:ken|akten)`` make "staken" or "staakten",
    rarer than "sta" alone.
    """
    options: list[frozenset[str]] = []
    run = _EMPTY_RUN
    for op, arg in items:
        fixed = _fixed_strings(op, arg)
        longer = _followed(run, fixed)
        if longer is not None:
            run = longer
            continue
        if run != _EMPTY_RUN:
            options.append(frozenset(map(_folded, run)))
        run = _EMPTY_RUN
        if fixed is not None:  # too many spellings after the run: it starts the next one
            run = fixed
            continue
        inner: frozenset[str] | None = None
        if op is sre.SUBPATTERN:
            inner = _required(arg[-1])
        elif op is sre.ATOMIC_GROUP:
            inner = _required(arg)
        elif op is sre.ASSERT:  # a lookahead or lookbehind that must hold
            inner = _required(arg[1])
        elif op in _REPEATS and arg[0] >= 1:
            inner = _required(arg[2])
        elif op is sre.BRANCH:
            branches = [_required(branch) for branch in arg[1]]
            if all(b is not None for b in branches):
                inner = frozenset().union(*branches)
        if inner:
            options.append(inner)
    if run != _EMPTY_RUN:
        options.append(frozenset(map(_folded, run)))
    return options


def _fixed_strings(op: Any, arg: Any) -> frozenset[str] | None:
    """The strings one parsed item matches when they are a few fixed ones: a character, a
    class of characters (``[- ]``), a group or choice of fixed strings (``(?:ken|akten)``)."""
    if op is sre.LITERAL:
        return frozenset({chr(arg)})
    if op is sre.IN:
        chars = [chr(code) for kind, code in arg if kind is sre.LITERAL]
        return frozenset(chars) if len(chars) == len(arg) <= _MAX_SPELLINGS else None
    if op is sre.SUBPATTERN:
        return _spelled(arg[-1])
    if op is sre.BRANCH:
        branches = [_spelled(branch) for branch in arg[1]]
        if any(b is None for b in branches):
            return None
        strings = frozenset().union(*branches)  # type: ignore[arg-type]
        return strings if len(strings) <= _MAX_SPELLINGS else None
    return None


def _spelled(items: Any) -> frozenset[str] | None:
    """The fixed strings the parsed ``items`` match, if they are a few."""
    strings: frozenset[str] | None = _EMPTY_RUN
    for op, arg in items:
        strings = _followed(strings, _fixed_strings(op, arg))
        if strings is None:
            return None
    return strings


def _followed(strings: frozenset[str], fixed: frozenset[str] | None) -> frozenset[str] | None:
    """Each of ``strings`` followed by each of ``fixed``, unless those are too many."""
    if fixed is None or len(strings) * len(fixed) > _MAX_SPELLINGS:
        return None
    return frozenset(a + b for a in strings for b in fixed)

"""A cheap question before a costly regular expression: could any of its phrases be here?

A word list compiled into one regular expression is tried at every character of a text,
which for a whole article costs far more than looking its words up. Each fragment of the
list starts with a word it cannot match without ("border" in ``border (?:wall|agents?)``,
"immigra" in ``immigra\\w*``); when none of those starts a word of the text, the expression
is not run. A fragment whose first word cannot be read off (it opens with a group or an
escape, or its word is not ASCII) lets the expression always run, so the answer with the
gate is the answer without it.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable
from dataclasses import dataclass

_LEADING_LITERAL = re.compile(r"[A-Za-z0-9 '’-]*")
_QUANTIFIERS = ("?", "*", "{")
_WORD = re.compile(r"\w+")
_ASCII_WORD = re.compile(r"[A-Za-z0-9]+")
# The four non-ASCII letters that Python's case-insensitive matching takes for ASCII ones.
_IGNORECASE_ASCII = str.maketrans({"\u0130": "i", "\u0131": "i", "\u017f": "s", "\u212a": "k"})


@dataclass(frozen=True, slots=True)
class TextWords:
    """The case-folded words of one text, asked by many gates."""

    words: frozenset[str]
    ordered: tuple[str, ...]  # sorted, to find the words that start with a prefix

    @classmethod
    def of(cls, text: str) -> TextWords:
        words = frozenset(_WORD.findall(text.translate(_IGNORECASE_ASCII).casefold()))
        return cls(words, tuple(sorted(words)))

    def starts_a_word(self, prefix: str) -> bool:
        at = bisect.bisect_left(self.ordered, prefix)
        return at < len(self.ordered) and self.ordered[at].startswith(prefix)


class GatedPattern:
    """A compiled word list that first asks a text's words whether it could match."""

    def __init__(self, pattern: re.Pattern[str], fragments: Iterable[str]) -> None:
        self.pattern = pattern
        whole: set[str] = set()
        prefixes: set[str] = set()
        self.always = False
        for fragment in fragments:
            first = _first_word(fragment)
            if first is None:
                self.always = True
                break
            word, is_whole = first
            (whole if is_whole else prefixes).add(word)
        self._whole = frozenset(whole)
        self._prefixes = tuple(sorted(prefixes))

    def could_match(self, words: TextWords) -> bool:
        return (
            self.always
            or not self._whole.isdisjoint(words.words)
            or any(words.starts_a_word(prefix) for prefix in self._prefixes)
        )

    def search(self, text: str, words: TextWords) -> re.Match[str] | None:
        """``pattern.search(text)``, skipped when ``words`` (of ``text``) rule it out."""
        return self.pattern.search(text) if self.could_match(words) else None


def _first_word(fragment: str) -> tuple[str, bool] | None:
    """The word ``fragment`` must start with, and whether it must be that whole word."""
    literal = _LEADING_LITERAL.match(fragment).group()
    if fragment[len(literal) : len(literal) + 1] in _QUANTIFIERS:
        literal = literal[:-1]  # "fuels?" need not have its "s"
    word = _ASCII_WORD.match(literal)
    if word is None or len(word.group()) < 2:
        return None
    return word.group().casefold(), len(literal) > word.end()

"""The rule one field of a configuration obeys, and its value read by that rule.

Settings (text from ``PICKET_*`` variables and ``.env``) and the entries of the sources
file (YAML values) are read the same way: a type (text, a whole number, a number, yes/no,
a path, or a class made from text such as a secret), None where the field is optional,
choices, a numeric range, a pattern and a length, then the field's own check. Numbers
and yes/no are also read from text ("10", "1_000", "2.0", "yes", "off"); the messages keep
the wording operators have always seen ("Input should be a valid integer, ...").
"""

from __future__ import annotations

import math
import os
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any


class OutOfRange(ValueError):
    """A number outside its field's range; the message names the first bound it breaks."""


@dataclass(frozen=True, slots=True)
class FieldRule:
    """How one field's value is read and checked."""

    kind: type
    """``str``, ``int``, ``float``, ``bool``, ``Path``, or a class made from text."""
    optional: bool = False
    """Whether None is a value (nothing set)."""
    choices: tuple[str, ...] = ()
    ge: float | None = None
    gt: float | None = None
    le: float | None = None
    pattern: str | None = None
    max_length: int | None = None
    check: Callable[[Any], Any] | None = None
    """Checks (and may normalise) a value of the right type; raises ``ValueError``."""

    @property
    def bounds(self) -> str:
        """How a numeric field is bounded, in words ("more than 0 and at most 600")."""
        words = [f"at least {self.ge}" if self.ge is not None else "",
                 f"more than {self.gt}" if self.gt is not None else "",
                 f"at most {self.le}" if self.le is not None else ""]  # fmt: skip
        return " and ".join(word for word in words if word)

    def parse(self, raw: object) -> Any:
        """``raw`` (text, or a value from YAML or code) as this field's value; raises
        ``ValueError`` (``OutOfRange`` for a number outside the range) saying what is wrong."""
        if raw is None and self.optional:
            return None
        if self.choices:
            if raw not in self.choices:
                listed = ", ".join(repr(choice) for choice in self.choices[:-1])
                raise ValueError(f"Input should be {listed} or {self.choices[-1]!r}")
            return raw
        value = _PARSERS.get(self.kind, self._made_from_text)(raw)
        if self.kind in (int, float):
            self._check_range(value)
        if isinstance(value, str):
            if self.max_length is not None and len(value) > self.max_length:
                raise ValueError(f"String should have at most {self.max_length} characters")
            if self.pattern is not None and not re.match(self.pattern, value):
                raise ValueError(f"String should match pattern '{self.pattern}'")
        return self.check(value) if self.check else value

    def _made_from_text(self, raw: object) -> Any:
        return raw if isinstance(raw, self.kind) else self.kind(_parse_text(raw))

    def _check_range(self, value: float) -> None:
        if self.kind is int and isinstance(value, float):  # an infinity read as a whole number
            raise OutOfRange("Input should be a finite number")
        if self.ge is not None and not value >= self.ge:
            raise OutOfRange(f"Input should be greater than or equal to {self.ge}")
        if self.gt is not None and not value > self.gt:
            raise OutOfRange(f"Input should be greater than {self.gt}")
        if self.le is not None and not value <= self.le:
            raise OutOfRange(f"Input should be less than or equal to {self.le}")


def _parse_int(raw: object) -> int | float:
    if isinstance(raw, int):
        return int(raw)
    if isinstance(raw, float):
        if math.isfinite(raw) and not raw.is_integer():
            raise ValueError("Input should be a valid integer, got a number with a fractional part")
        return int(raw) if math.isfinite(raw) else raw  # an infinity is out of every range
    if isinstance(raw, str):
        if _INTEGER.fullmatch(text := raw.strip()):
            return int(text.partition(".")[0])
        raise ValueError("Input should be a valid integer, unable to parse string as an integer")
    raise ValueError("Input should be a valid integer")


_INTEGER = re.compile(r"[+-]?[0-9]+(?:_[0-9]+)*(?:\.0+)?")


def _parse_float(raw: object) -> float:
    if isinstance(raw, int | float):
        try:
            return float(raw)
        except OverflowError:
            raise ValueError("Input should be a valid number") from None
    if isinstance(raw, str):
        text = raw.strip()
        try:
            if text.isascii():
                return float(text)
        except ValueError:
            pass
        raise ValueError("Input should be a valid number, unable to parse string as a number")
    raise ValueError("Input should be a valid number")


_TRUE = frozenset({"1", "on", "t", "true", "y", "yes"})
_FALSE = frozenset({"0", "off", "f", "false", "n", "no"})


def _parse_bool(raw: object) -> bool:
    if isinstance(raw, bool):
        return raw
    if isinstance(raw, str) and raw.lower() in _TRUE | _FALSE:
        return raw.lower() in _TRUE
    if isinstance(raw, int | float) and raw in (0, 1):
        return bool(raw)
    unable = ", unable to interpret input" if isinstance(raw, str) else ""
    raise ValueError(f"Input should be a valid boolean{unable}")


def _parse_text(raw: object) -> str:
    if not isinstance(raw, str):
        raise ValueError("Input should be a valid string")
    return raw


def _parse_path(raw: object) -> Path:
    if not isinstance(raw, str | os.PathLike):
        raise ValueError("Input is not a valid path for <class 'pathlib.Path'>")
    return Path(raw)


_PARSERS: dict[type, Callable[[object], Any]] = {
    str: _parse_text,
    int: _parse_int,
    float: _parse_float,
    bool: _parse_bool,
    Path: _parse_path,
}

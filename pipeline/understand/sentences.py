"""Prose split into sentences, the unit ``pipeline.understand.reading`` reads a story in."""

from __future__ import annotations

import re

_SENTENCE_BREAK = re.compile(r"(?:(?<=[.!?])|(?<=[.!?]['’\"”)\]]))\s+(?=['‘\"“(\[]?[A-Z0-9À-Ý¿¡])")
_ABBREVIATION = re.compile(
    r"(?:\b[A-Z]\.|\b(?:Mr|Mrs|Ms|Dr|Prof|Inc|Corp|Co|Ltd|St|Jr|Sr|vs|No|Gov|Sen|Rep|Gen|Lt|"
    r"Col|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec|approx|est)\.)$"
)


def sentences(text: str) -> list[str]:
    """Split prose into sentences, keeping "U.S." and "Inc." inside theirs."""
    out: list[str] = []
    for paragraph in text.splitlines():
        merged: list[str] = []
        for piece in _SENTENCE_BREAK.split(paragraph.strip()):
            if merged and _ends_in_abbreviation(merged[-1]):
                merged[-1] = f"{merged[-1]} {piece}"
            elif piece:
                merged.append(piece)
        out.extend(merged)
    return out


def _ends_in_abbreviation(text: str) -> bool:
    # the longest abbreviation ("approx.") and the character before it are at most the last 8
    return bool(_ABBREVIATION.search(text, max(0, len(text) - 8)))

"""Relevance: does a story report tech workers acting together, and on what evidence?

The definition is the Collective Action in Tech archive's (see ``pipeline.reader_score``).
The score is the shipped model's probability (``pipeline.model``), computed from what
the reader found and from the words of the headline and lead (``pipeline.features``); the
label is that probability at or above the threshold. The evidence is the reader's: who
acted, how, against which employer. Where the reader tied no act to anyone, the model's
strongest words stand in for it, so an alert always says what it rests on.
"""

from __future__ import annotations

from pipeline.deeds import Reading
from pipeline.features import TEXT_PREFIX, story_features
from pipeline.lexicon import STOP_WORDS
from pipeline.model import LinearModel, default_model
from pipeline.reader_score import score_reading
from pipeline.reading import read_story
from pipeline.records import Relevance

_MODEL_EVIDENCE = 3


def _telling(name: str) -> bool:
    """Whether a word feature says something by itself ("walked out", not "of the")."""
    words = name.removeprefix(TEXT_PREFIX).split()
    return not all(w in STOP_WORDS or w in ("0", "company") for w in words)


def judge_relevance(title: str, text: str, *, threshold: float = 0.5) -> Relevance:
    """Score a story in [0, 1], label it at ``threshold``, and say which phrases show it."""
    return judge_story(title, text, read_story(title, text), threshold=threshold)


def judge_story(
    title: str,
    text: str,
    reading: Reading,
    *,
    threshold: float = 0.5,
    model: LinearModel | None = None,
) -> Relevance:
    """``judge_relevance`` of a story already read (by ``model``, the shipped one by default)."""
    model = model or default_model()
    features = story_features(title, text, reading)
    score = round(model.probability(features), 3)
    label = score >= threshold
    _, evidence = score_reading(reading)
    if not evidence and label:
        words = (n for n in features if n.startswith(TEXT_PREFIX) and _telling(n))
        strongest = model.strongest(features, words, _MODEL_EVIDENCE)
        evidence = tuple(name.removeprefix(TEXT_PREFIX) for name in strongest)
    return Relevance(score=score, label=label, evidence=evidence)

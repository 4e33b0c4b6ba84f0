"""Relevance: does a story report tech workers acting together, and on what evidence?

The definition is the Collective Action in Tech archive's (see ``reader_score``).
The score is the shipped model's probability (``model``), computed from what
the reader found and from the words of the headline and lead (``features``); the
label is that probability at or above the threshold. A story whose reading and lead
name no tech company and no tech work (a hotel workers' strike) scores at most
``NO_TECH_CEILING``, one with no act and no word of labour (a company's record bonuses) at
most ``NO_LABOUR_CEILING``, one worker's own lawsuit or resignation at most
``ONE_PERSON_CEILING``, and one whose workers acting are all of trades outside tech (taxi
drivers against an app) at most ``OUTSIDE_TRADES_CEILING``. The evidence is the reader's:
who acted, how, against which employer. Where the reader tied no act to anyone, the
model's strongest words stand in for it, so an alert always says what it rests on.
"""

from __future__ import annotations

from collections.abc import Mapping

from pipeline.records import Relevance
from pipeline.understand.deeds import Reading
from pipeline.understand.features import (
    ANY_COMPANY,
    ANY_NUMBER,
    TEXT_PREFIX,
    lead_of,
    one_persons_case,
    only_outside_trades_act,
    reports_a_study,
    speaks_of_labour,
    speaks_of_tech,
    story_features,
    term_in_lead,
)
from pipeline.understand.lexicon import FOREIGN_STOP_WORDS, STOP_WORDS
from pipeline.understand.model import LinearModel, default_model
from pipeline.understand.reader_score import score_reading
from pipeline.understand.reading import read_story

_MODEL_EVIDENCE = 3
_FILLER = STOP_WORDS | FOREIGN_STOP_WORDS
NO_TECH_CEILING = 0.05
"""The most a story scores that says nothing of tech (``features.speaks_of_tech``): 5 of the
79 such stories in the corpus are relevant (leads that leave the employer unnamed), and
news holds far more of them than the corpus (strikes of nurses, bus drivers, hotel
workers). Grouped cross-validation, mean of three fold seeds: precision 0.953 to 0.960,
recall 0.917 to 0.916."""

NO_LABOUR_CEILING = 0.3
"""The most a story scores whose reading finds no act and whose lead names no union and has
no word of a labour conflict (``features.speaks_of_labour``): news of a company's own
decisions about its staff (record bonuses, a studio closed) otherwise borrows the odds of
the corpus's stories of tech workers, which was gathered around actions. Grouped
cross-validation, mean of three fold seeds: precision 0.970 to 0.972, recall 0.921 to 0.917;
ordinary probe stories alerted, 7 to 2 of 300."""

STUDY_CEILING = 0.3
"""The most a story scores whose news is a survey or study with no tech workers acting in it
(``features.reports_a_study``)."""

ONE_PERSON_CEILING = 0.3
"""The most one worker's own lawsuit or resignation scores (``features.one_persons_case``):
the labelling guide's individual case. The corpus's relevant lawsuits by one person are class
actions or charges on many workers' behalf, which the lead says. Grouped cross-validation,
mean of three fold seeds: precision 0.959 to 0.963, recall 0.916 alike."""

OUTSIDE_TRADES_CEILING = 0.3
"""The most a story scores whose workers acting are all of trades outside tech
(``features.only_outside_trades_act``): taxi drivers protesting a ride-hailing app otherwise
borrow the odds of the app's own drivers' protests from their words. In the corpus no story
so read alerts by grouped cross-validation (4 relevant, 31 not); in written probe sets 6
look-alikes alerted so, and no action."""


def _telling(name: str) -> bool:
    """Whether a word feature says something by itself ("walked out", not "of the" or "die
    als")."""
    words = name.removeprefix(TEXT_PREFIX).split()
    return not all(w in _FILLER or w in (ANY_NUMBER, ANY_COMPANY) for w in words)


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
    features: Mapping[str, float] | None = None,
) -> Relevance:
    """``judge_relevance`` of a story already read (by ``model``, the shipped one by default);
    ``features`` are its ``story_features``, when the caller has them."""
    model = model or default_model()
    features = features if features is not None else story_features(title, text, reading)
    score = round(model.probability(features), 3)
    if not speaks_of_tech(title, text, reading):
        score = min(score, NO_TECH_CEILING)
    if not speaks_of_labour(title, text, reading):
        score = min(score, NO_LABOUR_CEILING)
    if one_persons_case(title, text, reading):
        score = min(score, ONE_PERSON_CEILING)
    if reports_a_study(title, text, reading):
        score = min(score, STUDY_CEILING)
    if only_outside_trades_act(reading):
        score = min(score, OUTSIDE_TRADES_CEILING)
    label = score >= threshold
    _, evidence = score_reading(reading)
    if not evidence and label:
        words = (n for n in features if n.startswith(TEXT_PREFIX) and _telling(n))
        strongest = model.strongest(features, words, _MODEL_EVIDENCE)
        lead = lead_of(title, text)
        evidence = tuple(
            term_in_lead(name.removeprefix(TEXT_PREFIX), lead, reading.companies)
            for name in strongest
        )
    return Relevance(score=score, label=label, evidence=evidence)

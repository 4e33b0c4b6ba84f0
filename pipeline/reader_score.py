"""The reader's own relevance score: how surely its findings show tech workers acting together.

The definition is the Collective Action in Tech archive's: at least two workers of a
technology company act together on an issue and take it outside the group (letters and
petitions, protests, walkouts, strikes, union drives, group legal action, protest
resignations, shareholders acting with or for workers), not initiated by management.

The score is read off ``pipeline.reading.read_story``: the best action that the story ties
to a group of workers, weighted by how strong the act is, how surely it is theirs, how
surely their employer is a tech company, whether they are several, and where in the story
it is told. A second independent act corroborates; an act found only deep in the text,
with nothing in the headline or first sentences, counts for less (background, not news).
Acts of activists, customers or management earn nothing; shareholders earn a little when
they act on an ethics issue. The phrases it rests on are the evidence a reader of an alert
sees; ``pipeline.relevance`` gives the score to the learned model as one of its features.
"""

from __future__ import annotations

from pipeline.deeds import Deed, Reading

_CORROBORATION = 0.3
_OUTSIDERS_PRESENT = 0.7
_LEAD_SUPPORT = 0.1
_OFF_LEAD = 0.6
_WEAK_KINDS = frozenset({"demand", "dissent", "letter", "organizing", "resigned", "disruption"})
_MANAGEMENT_TOPICS = frozenset({"layoffs", "return_to_office"})
_ETHICS_BONUS = 0.08
_SHAREHOLDER_KINDS = frozenset({"open_letter", "letter", "demand", "proposal", "legal"})
_SHAREHOLDERS_ALONE = 0.6
_SHAREHOLDERS_WITH_WORKERS = 0.7


def score_reading(reading: Reading) -> tuple[float, tuple[str, ...]]:
    """The relevance score of a reading and the phrases it rests on."""
    worker_score, evidence = _worker_score(reading)
    shareholder_score, shareholder_evidence = _shareholder_score(reading)
    if shareholder_score > worker_score:
        return shareholder_score, shareholder_evidence
    return worker_score, evidence


def _worker_score(reading: Reading) -> tuple[float, tuple[str, ...]]:
    ranked = reading.worker_deeds()
    if not ranked:
        return 0.0, ()
    best = ranked[0]
    second = next((d for d in ranked[1:] if d.phrase != best.phrase), None)
    if second is not None and not (_is_group(best) or _is_group(second)):
        second = None  # one worker's suit and its headline are one act, not corroboration
    score = 1 - (1 - best.value) * (1 - _CORROBORATION * (second.value if second else 0.0))
    if not best.lead and not any(d.lead and d.value > _LEAD_SUPPORT for d in ranked):
        score *= _OFF_LEAD
    strong_tie = best.group is not None and best.group.trust >= 0.85
    if not strong_tie and any(
        d.actor == "outsider" and d.kind not in _WEAK_KINDS for d in reading.deeds
    ):
        score *= _OUTSIDERS_PRESENT
    if best.kind in _WEAK_KINDS:
        if _MANAGEMENT_TOPICS & set(reading.issues):
            score *= 0.85
        if "ethics" in reading.struggles:
            score += _ETHICS_BONUS
    return min(score, 1.0), _evidence(best, second)


def _is_group(deed: Deed) -> bool:
    return deed.group is not None and deed.group.plural


def _shareholder_score(reading: Reading) -> tuple[float, tuple[str, ...]]:
    acts = [
        d
        for d in reading.deeds
        if d.actor == "shareholder" and d.kind in _SHAREHOLDER_KINDS and not d.negated
    ]
    if not acts or not reading.companies or "ethics" not in reading.struggles:
        return 0.0, ()
    act = max(acts, key=lambda d: d.weight)
    with_workers = bool(reading.worker_deeds(min_value=0.3))
    base = _SHAREHOLDERS_WITH_WORKERS if with_workers else _SHAREHOLDERS_ALONE
    return base * act.weight, (act.actor_phrase, act.phrase, reading.companies[0])


def _evidence(best: Deed, second: Deed | None) -> tuple[str, ...]:
    phrases: list[str] = []
    for deed in (best, second):
        if deed is None or deed.value < 0.2:
            continue
        phrases.append(deed.actor_phrase)
        phrases.append(deed.phrase)
        employer = deed.group.employer if deed.group else None
        if employer and employer.casefold() not in deed.actor_phrase.casefold():
            phrases.append(employer)
    return tuple(dict.fromkeys(p for p in phrases if p))

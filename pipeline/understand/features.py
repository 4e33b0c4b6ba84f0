"""What the relevance model sees of a story: the reader's findings and the lead's words.

``story_features`` turns a story and its ``Reading`` into named features with values,
the same way when ``training`` fits the model and when ``model``
scores a story with it:

- ``reader:*``, ``best:*``, ``kind:*``, ``act:*``, ``trust:*``, ``issue:*``,
  ``struggle:*``: what ``reading`` found (the rule score, the strongest worker
  deed and how surely it is a group of tech workers, the kinds of acts and who took them,
  whether the employer is surely in tech, employers outside tech, the issues named, and
  ``best:single``, the strongest deed being one worker's; an act denied, "no sign of
  organized opposition", is ``act:negated``, whoever took it). The workers' unease the reader
  found (a "backlash" or "frustration" inside the company, kind ``UNEASE``) is left out:
  by the labelling rules it is no act (grouped cross-validation agreed: fewer false
  alerts, recall alike);
- ``unsure:tech_words``: the lead speaks of tech work (an app, a studio, software) where the
  strongest workers' act has an employer the reader cannot place in tech, which tells a
  delivery app's couriers from nurses (grouped cross-validation: fewer false alerts);
- ``w:*``: word unigrams and bigrams of the headline and the lead (its first
  ``LEAD_WORDS`` words, as the labelled stories give them), with the companies the
  reader found written as ``company`` and numbers as ``0``, so "Google staff walk out"
  and "Apple staff walk out" share their words. Their values are scaled to a
  length of ``TEXT_SCALE``;
- ``e:000`` to ``e:255``: the lead's meaning, its unit-length mean token embedding
  (``pipeline.understand.embedding``) times ``EMBEDDING_SCALE``, so phrasings training never saw
  still count by what they mean;
- ``lead:authority``: where the reader tied no act to tech workers, the headline or the
  first sentence tells of an authority's own act (``authority_leads``: "regulators fined",
  "the labour board ruled", "was fined");
- ``context:*`` and the per-context copies of the words, the meaning and a few reader
  findings (``tech|w:sues``, ``untech_no_workers|e:017``, ``tech|reader:gig``): what the
  story is, as far as the reader can tell (``story_context``). Where the reader tied no
  act to tech workers, the same words weigh differently in a story naming a tech company
  (a regulator suing a gig platform), in one naming none, in one telling of labour outside
  tech (a nurses' strike, a writers' guild) and in one naming no workers at all
  (customers' class action); the copies let the linear model learn those differences.

No model: a few regular expressions over the lead and one embedding of it.
"""

from __future__ import annotations

import dataclasses
import functools
import itertools
import math
import re
from collections.abc import Iterable, Sequence

from pipeline.understand.deeds import ACTING, Reading
from pipeline.understand.embedding import default_embedder
from pipeline.understand.employers import FEATURES
from pipeline.understand.lexicon import lexicon
from pipeline.understand.reader_score import score_reading
from pipeline.understand.reading import is_singular
from pipeline.understand.sentences import sentences

LEAD_WORDS = 70
"""How much of the body counts as its lead: the labelled stories give at most this much."""
TEXT_PREFIX = "w:"
TEXT_SCALE = 2.0
"""The length of the words' part of the features: twice a reader feature's range, which
grouped cross-validation preferred (the words then need less regularization to count)."""
EMBEDDING_PREFIX = "e:"
EMBEDDING_SCALE = 1.0
"""The length of the embedding's part: grouped cross-validation found half or one and a
half no better, and more costs precision."""

ANY_COMPANY = "company"
ANY_NUMBER = "0"
"""The words ``text_terms`` puts for a company the reading found and for a number."""
_TOKEN = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)?|\d+(?:[.,]\d+)*", re.UNICODE)
_WORD = re.compile(r"\S+")
_CONTEXT_SEPARATOR = "|"
ACTS = "acts"
"""The context of a story whose reader found tech workers acting: its words count as they are."""
_ACTORS = ("worker", "outsider", "shareholder", "management", "company", "person", "none")
GIG = "reader:gig"
"""The feature of a story naming a gig platform; left out where the lead names no workers
at all (a ride-hailing app's settlement with regulators): grouped cross-validation, mean
of three fold seeds, precision 0.952 to 0.954 and recall 0.919 to 0.916, and the ordinary
stories written for the tests raised 1 alert instead of 3."""
NO_WORKERS = "_no_workers"
_CONTEXT_BOUND = (GIG, "act:none")
"""Reader findings copied per context like the lead's words: a gig platform named, or an
act tied to no one, means one thing beside workers the reader missed and another beside a
regulator's fine or a platform's own decision (grouped cross-validation: fewer false
alerts and fewer misses)."""
_UNSURE_TRUST = 0.3
_OUTSIDE_TRUST = 0.1
"""Trust at or under which the reader placed the workers outside tech (a story of actors or
nurses), not merely at an employer it cannot place: no tech word in the lead (artificial
intelligence, streaming) makes them tech workers (grouped cross-validation: precision
0.9693 to 0.9698, recall 0.9212 to 0.9207)."""
_ONE_PERSONS_ACTS = frozenset({"legal", "resignation", "resigned", "letter"})
_ONE_PERSONS_WORDS = _ONE_PERSONS_ACTS | {"demand", "dissent"}
"""Acts one person takes too, beside a lawsuit, a letter or a resignation ("raised
concerns")."""
_MANY = re.compile(
    r"\bclass[- ]actions?\b|\bon behalf of\b|\bcollective\w*|\brepresentative\b|"
    r"\b(?:and|with) others\b|\b(?:a|the) group\b|\bgroup of\b|\b(?:hundreds|thousands|dozens)\b|"
    r"\bunion\w*|\borgani[sz]\w+|\bactivis[mt]|\bprotests?\b",
    re.IGNORECASE,
)
"""Words that make a lawsuit or a resignation more than one person's case ("sued over the
layoff of 250 employees", an organiser quitting over retaliation for "her activism")."""
_MANY_WORKERS = re.compile(
    r"(?<!than )(?<!younger )(?<!older )(?<!male )(?<!female )(?<!white )\b(?:colleagues|"
    r"co-?workers|fellow|employees|workers|staff(?:ers)?|engineers|developers|moderators|"
    r"contractors|drivers|couriers|riders)\b",
    re.IGNORECASE,
)
"""Workers in the plural, which make a case many people's where the headline or the first
sentence names them; later, they are mostly the company's reply ("drivers value the
flexibility") or the person's comparison ("than male colleagues")."""
_FORMER_MANAGER = re.compile(
    r"\b(?:former|ex-)\s*(?:[\w.&'’-]+\s+){0,3}?(?:manager|executive|director|vice president|VP)\b",
    re.IGNORECASE,
)
"""One former manager of a company ("Former SAP manager sues over demotion"), whom the
reader counts as management, not as workers."""
AUTHORITY_LEADS = "lead:authority"
"""The feature of a story whose lead tells of an authority's act and whose reader found
no tech workers acting: a regulator's fine or a labour board's ruling on a tech company. (A
context of its own for these, with copies of the words, lost recall in grouped
cross-validation: too few stories to weigh a copy of every word.)"""
UNEASE = "dissent"
"""The reader's kind for workers' unease with no act reported ("internal backlash")."""


def lead_of(title: str, text: str) -> str:
    """The headline and the body's first ``LEAD_WORDS`` words, as one text."""
    words = _WORD.findall(text[: LEAD_WORDS * 20])[:LEAD_WORDS]
    return f"{title.strip()}\n{' '.join(words)}"


def text_terms(lead: str, companies: Iterable[str] = ()) -> list[str]:
    """The distinct unigrams and bigrams of ``lead``, companies and numbers generalized."""
    for name in sorted(set(companies), key=len, reverse=True):
        lead = re.sub(rf"(?<!\w){re.escape(name)}(?!\w)", f" {ANY_COMPANY} ", lead, flags=re.I)
    tokens = [ANY_NUMBER if t[0].isdigit() else t for t in _TOKEN.findall(lead.casefold())]
    terms = dict.fromkeys(tokens)
    terms.update(dict.fromkeys(f"{a} {b}" for a, b in itertools.pairwise(tokens)))
    return list(terms)


def term_in_lead(term: str, lead: str, companies: Sequence[str]) -> str:
    """The words of ``lead`` that a term of ``text_terms`` stands for ("3,000 employees" for
    "0 employees", "Kakao workers" for "company workers"), else the term."""
    names = sorted((*companies, ANY_COMPANY), key=len, reverse=True)
    parts = {
        ANY_NUMBER: r"\d+(?:[.,]\d+)*",
        ANY_COMPANY: "(?:" + "|".join(re.escape(n) for n in names) + ")",
    }
    pattern = r"\W+".join(parts.get(word) or re.escape(word) for word in term.split())
    found = re.search(rf"(?<!\w){pattern}(?!\w)", lead, re.IGNORECASE)
    return " ".join(found.group().split()) if found else term


def story_features(title: str, text: str, reading: Reading) -> dict[str, float]:
    """The named features of one story (see the module docstring)."""
    reading = _acts_of(reading)
    features = reading_features(reading)
    lead = lead_of(title, text)
    terms = text_terms(lead, reading.companies)
    if terms:
        weight = TEXT_SCALE / math.sqrt(len(terms))
        features.update((TEXT_PREFIX + term, weight) for term in terms)
    features.update(embedding_features(lead))
    features.update(_wording_of_unsure_employer(reading, lead))
    context = story_context(reading, features["reader:score"], lead)
    if context.endswith(NO_WORKERS):
        features.pop(GIG, None)  # a platform's earnings or settlement: no act of its workers
    features[f"context:{context}"] = 1.0
    if context != ACTS:
        if authority_leads(lead):
            features[AUTHORITY_LEADS] = 1.0
        prefix = context + _CONTEXT_SEPARATOR
        features.update(
            [(prefix + name, value) for name, value in features.items() if _is_copied(name)]
        )
    return features


def _wording_of_unsure_employer(reading: Reading, lead: str) -> dict[str, float]:
    """``unsure:tech_words``, the tie of the strongest workers' act whose employer the
    reader cannot place in tech (trust under ``_UNSURE_TRUST``), where the lead speaks of
    tech work (an app, a studio, software): couriers of an app the gazetteer does not know,
    not nurses or autoworkers, nor actors striking over artificial intelligence."""
    ranked = reading.worker_deeds()
    if not ranked or (group := ranked[0].group) is None:
        return {}
    if not _OUTSIDE_TRUST < group.trust < _UNSURE_TRUST:
        return {}
    if lexicon().tech_words.search(_opening(lead)):
        return {"unsure:tech_words": ranked[0].tie}
    return {}


def _acts_of(reading: Reading) -> Reading:
    """``reading`` without its workers' ``UNEASE`` (outsiders' backlash stays: it tells
    of people other than the workers)."""
    kept = tuple(d for d in reading.deeds if d.kind != UNEASE or d.actor != "worker")
    return reading if len(kept) == len(reading.deeds) else dataclasses.replace(reading, deeds=kept)


def story_context(reading: Reading, score: float, lead: str) -> str:
    """What the story is as far as the reader tells: ``ACTS`` when its own score (``score``)
    shows tech workers acting; otherwise ``outside`` when it names an employer or an
    occupation outside tech, ``tech`` when it names a known tech company or speaks of tech
    work, else ``untech``, each with ``_no_workers`` when ``lead`` names no workers at all."""
    if score > ACTING:
        return ACTS
    kind = "outside" if reading.outside else "tech" if _knows_tech(reading) else "untech"
    return kind + ("" if _names_workers(lead) else NO_WORKERS)


def _knows_tech(reading: Reading) -> bool:
    """Whether the reader found a tech company (one the gazetteer knows) or tech context."""
    return reading.tech_context or any(candidate.known for candidate in reading.candidates)


def speaks_of_tech(title: str, text: str, reading: Reading) -> bool:
    """Whether a story may be one of tech workers: the reader found them acting, or the
    reading or the lead names a tech company or tech work (``tech_words`` of
    ``data/cues.yaml``). A story that does not (a hotel workers' strike, a nurses' rally) is
    no alert, whatever its words (``relevance``)."""
    if score_reading(_acts_of(reading))[0] > ACTING:
        return True
    return _knows_tech(reading) or bool(lexicon().tech_words.search(lead_of(title, text)))


def speaks_of_labour(title: str, text: str, reading: Reading) -> bool:
    """Whether a story may be one of workers acting: the reader found an act (anyone's), or
    the lead names a union or uses a word of a labour conflict or of workers' rights
    (``labour_words`` of ``data/cues.yaml``: a dispute, a court, fired, bargaining). A story
    that does neither (a company pays record bonuses, closes a studio) is no alert, whatever
    its words (``relevance``)."""
    if reading.deeds:
        return True
    lead, words = lead_of(title, text), lexicon()
    return any(p.search(lead) for p in (words.labour, words.union))


def reports_a_study(title: str, text: str, reading: Reading) -> bool:
    """Whether the story's news is a survey or study: the headline or first sentence names
    one (``study_words`` of ``data/cues.yaml``) and the reader found no workers named with
    their employer acting (workers in general are the study's subjects, even where the
    sentence names the company that ran it). The labelling guide's survey or trend piece
    ("most game developers say the industry should unionise, a survey finds")."""
    if any(d.group and d.group.stated for d in reading.worker_deeds(min_value=ACTING)):
        return False
    return bool(lexicon().study.search(_opening(lead_of(title, text))))


_NAMED_WORKERS = tuple(
    FEATURES.index(name) for name in ("workers_at", "name_workers", "listed_workers", "own_workers")
)


def only_outside_trades_act(reading: Reading) -> bool:
    """Whether every act of workers the reader found is by workers of a trade outside tech
    ("Black-cab drivers blocked streets to protest competition from Uber"), and the story
    names no known company's workers ("Uber drivers and black-cab drivers held a rally"):
    the labelling guide's outsiders protesting a tech company, or labour outside tech."""
    acting = [d for d in reading.deeds if d.actor == "worker" and d.group and not d.negated]
    if not acting or any(d.group.trust > _OUTSIDE_TRUST for d in acting):
        return False
    return not any(
        c.known and any(c.features[i] for i in _NAMED_WORKERS) for c in reading.candidates
    )


def one_persons_case(title: str, text: str, reading: Reading) -> bool:
    """Whether the story is one worker's own case: the strongest workers' act the reader
    found is one person's lawsuit, letter or resignation (or it found none, and the headline's
    workers are one person), no group of workers acts, and the lead has no word of many (a
    class action, colleagues, a union, a walkout). The labelling guide calls it an
    individual case, not collective action."""
    acting = reading.worker_deeds(min_value=ACTING) or reading.worker_deeds()
    if acting:
        if acting[0].kind not in _ONE_PERSONS_ACTS:
            return False
        if any(d.group is None or d.group.plural for d in acting):
            return False
    elif not _one_worker_heads(title):
        return False
    collective = (d for d in reading.deeds if d.lead and d.kind not in _ONE_PERSONS_WORDS)
    lead = lead_of(title, text)
    return (
        not any(collective) and not _MANY.search(lead) and not _MANY_WORKERS.search(_opening(lead))
    )


def _opening(lead: str) -> str:
    """The headline and the first sentence of ``lead``: where a story says who acts."""
    headline, _, body = lead.partition("\n")
    return " ".join([headline, *sentences(body)[:1]])


def _one_worker_heads(title: str) -> bool:
    """Whether the workers the headline names are one person ("Uber Driver Wins Appeal Over
    Deactivation", "Former X Engineer Wins Arbitration", a former manager): the news of a
    worker the reader found no act for is then that person's own case."""
    nouns = [m.group().casefold() for m in lexicon().worker.finditer(title)]
    if nouns:
        return all(is_singular(noun) for noun in nouns)
    return bool(_FORMER_MANAGER.search(title))


def authority_leads(lead: str) -> bool:
    """Whether the headline or the first sentence of ``lead`` tells of an authority's own
    act: a regulator, ministry or labour board as its subject ("regulators fined Glovo", "the
    labour board ruled"), or a company "fined" or "ordered" by one, with no workers named
    before."""
    headline, _, body = lead.partition("\n")
    return any(lexicon().authority_acting(s) for s in (headline, *sentences(body)[:1]))


def _names_workers(lead: str) -> bool:
    words = lexicon()
    return any(p.search(lead) for p in (words.worker, words.union, words.employer_bound))


def _is_copied(name: str) -> bool:
    return name.startswith((TEXT_PREFIX, EMBEDDING_PREFIX, *_CONTEXT_BOUND))


def is_text_feature(name: str) -> bool:
    """Whether ``name`` is a word feature, or a context's copy of one (training keeps only
    those seen in a few stories)."""
    return name.rpartition(_CONTEXT_SEPARATOR)[2].startswith(TEXT_PREFIX)


@functools.lru_cache(maxsize=8)
def embedding_features(lead: str) -> dict[str, float]:
    """The ``e:*`` features of a lead (kept for the few leads just seen: a story's
    relevance and its actions are judged from the same features)."""
    meaning = default_embedder().vector(lead)
    if meaning is None:
        return {}
    names = _embedding_names(len(meaning))
    return dict(zip(names, (EMBEDDING_SCALE * meaning).tolist(), strict=True))


@functools.cache
def _embedding_names(dimensions: int) -> tuple[str, ...]:
    return tuple(f"{EMBEDDING_PREFIX}{i:03d}" for i in range(dimensions))


def reading_features(reading: Reading) -> dict[str, float]:
    """The reader's findings as numbers in [0, 1]."""
    score, _ = score_reading(reading)
    found: dict[str, float] = {"bias": 1.0, "reader:score": score}
    ranked = reading.worker_deeds()
    if ranked:
        best = ranked[0]
        group = best.group
        trust = group.trust if group else 0.0
        found.update(
            {
                f"best:kind={best.kind}": trust,
                "best:value": best.value,
                "best:tie": best.tie,
                "best:trust": trust,
                "best:plural": trust * bool(group and group.plural),
                "best:single": float(bool(group and not group.plural)),
                "best:count": math.log10(group.count) / 5 if group and group.count else 0.0,
                "best:employer": trust * bool(group and group.employer),
                "best:lead": trust * best.lead,
                "best:negated": trust * best.negated,
            }
        )
        found["reader:acting"] = min(sum(d.value > ACTING for d in ranked), 5) / 5
    for deed in reading.deeds:
        lead = ":lead" if deed.lead else ""
        actor = "negated" if deed.negated else deed.actor if deed.actor in _ACTORS else "none"
        _keep_max(found, f"kind:{deed.kind}", deed.value)
        _keep_max(found, f"act:{actor}{lead}", deed.strength * deed.weight)
        if actor == "worker" and deed.group is not None:
            _keep_max(
                found, f"trust:{_trust_band(deed.group.trust)}{lead}", deed.strength * deed.tie
            )
    found.update((f"issue:{issue}", 1.0) for issue in reading.issues)
    found.update((f"struggle:{name}", 1.0) for name in reading.struggles)
    found["reader:companies"] = min(len(reading.companies), 4) / 4
    found["reader:outside"] = float(reading.outside)
    found["reader:tech_context"] = float(reading.tech_context)
    if reading.gig_companies:
        found[GIG] = 1.0
    return found


def _keep_max(found: dict[str, float], key: str, value: float) -> None:
    found[key] = max(found.get(key, 0.0), value)


def _trust_band(trust: float) -> str:
    """How sure the reader is that acting workers' employer is a tech company, in words:
    "out" where it is sure it is not one (taxi drivers, nurses, a parcel firm's couriers)."""
    if trust < 0.1:
        return "out"
    return "low" if trust < 0.3 else "mid" if trust < 0.8 else "high"

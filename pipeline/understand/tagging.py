"""Tags in the Collective Action in Tech vocabulary, from a story's reading.

Conventions worth knowing:
- ``workers`` is the largest count stated for a group that acted; shareholders and
  customers never count.
- Walkouts and sit-ins are ``protest``; a walkout is also ``strike`` when the story calls it
  one or says the workers walked off the job. Petitions are ``open_letter``. A collective
  demand reported without its form counts as ``open_letter``; internal dissent without a
  named form counts as ``protest``. A resignation in protest is ``protest`` plus
  ``resignation`` (not an archive action, kept so it can be searched).
"""

from __future__ import annotations

import re
from dataclasses import replace

from pipeline.records import Tags
from pipeline.understand.deeds import ACTING, Deed, Reading, WorkerGroup
from pipeline.understand.features import lead_of
from pipeline.understand.gazetteer import default_gazetteer
from pipeline.understand.lexicon import lexicon
from pipeline.understand.reading import read_story

_LETTER_KINDS = frozenset({"open_letter", "letter", "proposal"})
_TOLD = 0.75  # the least strength of an act reported with no sure tech workers behind it
_WALKOUT_AS_STRIKE = re.compile(
    r"\bstrik(?:e|es|ing)\b|\bwalk(?:ed|ing|s)? (?:off|out of) (?:the|their) jobs?\b|"
    r"\bwork stoppage",
    re.IGNORECASE,
)
_UNION_WON = re.compile(
    r"\b(?:won|win|wins|winning|voted|vote|votes|joined|join|certified|recogni(?:[sz]\w*|tion)|"
    r"ratif\w+|bargain\w*|contract|agreement|deal)\b",
    re.IGNORECASE,
)

_UNION_HOPED = re.compile(r"(?:ask|seek|hop|want|plan|aim)\w* to\b", re.IGNORECASE)
"""Before joining a union, a wish, no win ("asking to join the Communications Workers")."""


def tag_story(title: str, text: str) -> Tags:
    """The story's Collective Action in Tech tags (see the module docstring for conventions)."""
    return with_contractors(tags_of(read_story(title, text)), lead_of(title, text))


def with_contractors(tags: Tags, lead: str) -> Tags:
    """``tags`` with the firm that employs a company's outsourced workers before the
    company, where that company leads the tags, the gazetteer knows the firm and ``lead``
    tells of that work: the acting employer comes first (LABELLING.md), though stories of
    Google's raters or Facebook's moderators often name only the client. A story that names
    another outsourcing firm has its own employer already."""
    gazetteer = default_gazetteer()
    if not tags.companies:
        return tags
    contractors = gazetteer.contractors_of(tags.companies[0], lead)
    if not contractors or any(
        (company := gazetteer.companies.get(name)) and company.outsourcer
        for name in set(tags.companies) - set(contractors)
    ):
        return tags
    return replace(tags, companies=tuple(dict.fromkeys((*contractors, *tags.companies))))


def tags_of(reading: Reading) -> Tags:
    """``tag_story`` of a story already read."""
    acting = reading.worker_deeds(min_value=ACTING)
    groups = [d.group for d in acting if d.group is not None]
    counts = [g.count for g in groups if g.count]
    actions = _archive_actions(acting or _reported_deeds(reading))
    if any(d.actor == "shareholder" and d.kind in _LETTER_KINDS for d in reading.deeds):
        actions = tuple(dict.fromkeys((*actions, "open_letter")))
    return Tags(
        companies=reading.companies,
        actions=actions,
        struggles=reading.struggles,
        employment_types=_employment_types(groups, reading.gig_companies),
        tags=reading.issues,
        workers=max(counts) if counts else None,
    )


def _reported_deeds(reading: Reading) -> list[Deed]:
    """The acts a story's headline and lead report, by workers of no sure employer or by no
    one named: what the story is about when the reading saw no tech workers acting (the
    relevance judgement, not the tags, says whether they are tech workers)."""
    lead = [d for d in reading.deeds if d.lead and not d.negated and d.strength >= _TOLD]
    # with outsiders acting in the lead, an act of no one named is likelier theirs
    actors = ("worker",) if any(d.actor == "outsider" for d in lead) else ("worker", "none")
    told = [d for d in lead if d.actor in actors]
    return sorted(told, key=lambda d: (d.actor != "worker", -d.strength))


def _archive_actions(ranked: list[Deed]) -> tuple[str, ...]:
    kinds = {d.kind for d in ranked}
    phrases = " ".join(d.phrase for d in ranked)
    actions: list[str] = []
    for deed in ranked:
        if deed.kind == "strike":
            actions.append("strike")
        elif deed.kind == "walkout":
            actions.append("protest")
            if "strike" in kinds or _WALKOUT_AS_STRIKE.search(phrases):
                actions.append("strike")
        elif deed.kind in ("sit_in", "protest", "disruption"):
            actions.append("protest")
        elif deed.kind == "open_letter" or (deed.kind == "letter" and deed.tie >= 0.5):
            actions.append("open_letter")
        elif deed.kind in ("union", "organizing") and (deed.kind == "union" or "union" in kinds):
            actions.append("union_drive")
            if any(
                _UNION_WON.search(d.phrase) and not _UNION_HOPED.match(d.phrase)
                for d in ranked
                if d.kind == "union"
            ):
                actions.append("union_representation")
        elif deed.kind == "legal":
            actions.append("legal_action")
        elif deed.kind in ("resignation", "resigned"):
            actions.extend(("protest", "resignation"))
    if not actions:
        if kinds & {"demand", "letter"}:
            actions.append("open_letter")
        elif kinds & {"dissent", "organizing"}:
            actions.append("protest")
    return tuple(dict.fromkeys(actions))


def _employment_types(groups: list[WorkerGroup], gig_companies: frozenset[str]) -> tuple[str, ...]:
    lex = lexicon()
    found: list[str] = []
    for group in groups:
        words = group.words
        is_gig = bool(lex.employment_types["gig"].search(words)) and (
            group.employer in gig_companies or bool(re.search(r"\bgig\b", words, re.I))
        )
        kinds = ["gig"] if is_gig else []
        kinds += [
            name
            for name in ("contract", "blue_collar", "white_collar")
            if lex.employment_types[name].search(words) and not (is_gig and name == "blue_collar")
        ]
        found.extend(kinds)
    if not found and any(g.employer for g in groups):
        found.append("white_collar")
    order = ("white_collar", "blue_collar", "contract", "gig")
    return tuple(t for t in order if t in found)

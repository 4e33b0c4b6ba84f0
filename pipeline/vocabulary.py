"""The tag values of the Collective Action in Tech vocabulary: the words each reads as, what
it means, and the known value nearest to a wrong one.

Tags are stored as identifiers (``open_letter``, ``unfair_labor_practices``); emails and
listings show their labels instead, ``picket tags`` lists each with its meaning, and
``picket search`` and ``picket watches add`` answer a value picket never tags with "did
you mean". One table per field for every place that shows or checks a tag, so a value reads
the same everywhere. Actions are the archive's (``pipeline.understand.tagging`` chooses them);
struggles, employment types and issues are the keys of ``data/vocabulary.yaml``. Companies
are the gazetteer's names, reached from an alias or a ticker too.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from pipeline.query import rewrite_keywords


@dataclass(frozen=True, slots=True)
class Term:
    """One tag value as people read it: a label in words and a one-line meaning."""

    label: str
    meaning: str


ACTIONS: dict[str, Term] = {
    "strike": Term(
        "strike", "workers stop work: a strike, a work stoppage, a walkout called a strike"
    ),
    "protest": Term(
        "protest", "a walkout, sit-in, rally or disruption, or a resignation in protest"
    ),
    "open_letter": Term("open letter", "an open letter, a petition or a collective demand"),
    "union_drive": Term("union drive", "workers organizing a union or filing for one"),
    "union_representation": Term(
        "union representation", "a union won, recognized, or bargaining its contract"
    ),
    "legal_action": Term(
        "legal action", "a lawsuit, class action or labor board charge by workers"
    ),
    "resignation": Term(
        "resignation", "workers resigning in protest (not an archive action; kept for searches)"
    ),
}

ACTION_WORDS: dict[str, str] = {
    "walkout": "protest",
    "walk_out": "protest",
    "sit_in": "protest",
    "rally": "protest",
    "disruption": "protest",
    "dissent": "protest",
    "stoppage": "strike",
    "work_stoppage": "strike",
    "petition": "open_letter",
    "letter": "open_letter",
    "demand": "open_letter",
    "union": "union_drive",
    "unionize": "union_drive",
    "unionise": "union_drive",
    "organizing": "union_drive",
    "lawsuit": "legal_action",
    "legal": "legal_action",
    "class_action": "legal_action",
    "resign": "resignation",
    "resigned": "resignation",
    "quit": "resignation",
}
"""What people call an action -> the action picket tags it as (``pipeline.understand.tagging``)."""

STRUGGLES: dict[str, Term] = {
    "ethics": Term(
        "ethics", "what the work is used for: military, ICE, surveillance, climate, censorship"
    ),
    "pay_and_benefits": Term("pay and benefits", "wages, bonuses, health care, leave, severance"),
    "working_conditions": Term(
        "working conditions", "safety, hours, quotas, workload, return to office"
    ),
    "discrimination": Term("discrimination", "sexism, racism, harassment, pay gaps, bias"),
    "unfair_labor_practices": Term(
        "unfair labour practices", "retaliation, union busting, forced arbitration, misclassifying"
    ),
    "job_security": Term("job security", "layoffs, firings, contracts ending"),
}

EMPLOYMENT_TYPES: dict[str, Term] = {
    "gig": Term("gig workers", "app-based couriers, drivers and shoppers"),
    "contract": Term("contract workers", "contractors, vendors, temps, content moderators, raters"),
    "blue_collar": Term(
        "blue-collar workers",
        "warehouse, factory, retail, data center, cafeteria and security staff",
    ),
    "white_collar": Term(
        "white-collar workers", "engineers, designers, researchers and office staff"
    ),
}

ISSUES: dict[str, Term] = {
    "ice": Term("ICE", "work for Immigration and Customs Enforcement"),
    "immigration": Term(
        "immigration", "border enforcement, detention, deportation, visas, travel bans"
    ),
    "military_contracts": Term(
        "military contracts", "work for the military: Pentagon contracts, drones, weapons"
    ),
    "law_enforcement": Term("law enforcement", "work for police, sheriffs or the FBI"),
    "surveillance": Term(
        "surveillance", "facial recognition, spying, tracking and monitoring software"
    ),
    "ai": Term("AI", "artificial intelligence, machine learning, algorithms"),
    "climate_change": Term("climate change", "climate, carbon, fossil fuel clients"),
    "israel_palestine": Term(
        "Israel and Palestine", "Israel, Palestine and Gaza (Project Nimbus, ...)"
    ),
    "sexual_harassment": Term("sexual harassment", "sexual harassment and misconduct, #MeToo"),
    "retaliation": Term("retaliation", "workers fired or punished for organizing or speaking out"),
    "coronavirus": Term("coronavirus", "the pandemic: safety, masks, hazard pay"),
    "content_moderation": Term(
        "content moderation", "what a platform hosts: hate speech, misinformation"
    ),
    "racial_justice": Term("racial justice", "racism, racial equity, Black Lives Matter, DEI"),
    "lgbtq": Term("LGBTQ+", "LGBTQ and trans workers and users"),
    "return_to_office": Term("return to office", "office mandates and remote work"),
    "layoffs": Term("layoffs", "layoffs and job cuts"),
    "censorship": Term("censorship", "censorship and human rights (Dragonfly, ...)"),
    "forced_arbitration": Term("forced arbitration", "forced arbitration clauses"),
    "worker_classification": Term(
        "worker classification", "contractors who should be employees (Prop 22, AB5)"
    ),
}

VOCABULARIES: dict[str, Mapping[str, Term]] = {
    "actions": ACTIONS,
    "struggles": STRUGGLES,
    "employment_types": EMPLOYMENT_TYPES,
    "tags": ISSUES,
}
"""Tag field -> its values."""

ACTION_LABELS: dict[str, str] = {value: term.label for value, term in ACTIONS.items()}
ISSUE_LABELS: dict[str, str] = {value: term.label for value, term in ISSUES.items()}
LABELS: dict[str, str] = {
    value: term.label for terms in VOCABULARIES.values() for value, term in terms.items()
}


def label(value: str) -> str:
    """The words for a tag value; an unknown value reads with spaces for underscores."""
    return LABELS.get(value) or LABELS.get(value.lower()) or value.replace("_", " ")


def labels(values: Iterable[str]) -> list[str]:
    """The words for each value, in order, each once."""
    return list(dict.fromkeys(label(value) for value in values))


@dataclass(frozen=True, slots=True)
class Checked:
    """A value of a tag field as picket tags it, and what to tell the person who typed it."""

    value: str
    note: str | None = None  # None: the value is picket's own
    known: bool = True  # False: no story is tagged with it
    nearest: str | None = None  # for an unknown value, the known one it is most like


def check_value(field: str, value: str) -> Checked:
    """``value`` as picket tags ``field``, or the original with a "did you mean" note.

    A company alias or ticker becomes the company's name, with a note saying so; an action's
    everyday name (walkout) is suggested as the action it is tagged as (protest).
    """
    if field == "companies":
        return _check_company(value)
    known = VOCABULARIES.get(field)
    if known is None:
        return Checked(value)
    key = re.sub(r"[\s-]+", "_", value.strip().lower())
    if key in known:
        return Checked(key)
    nearest = (ACTION_WORDS.get(key) if field == "actions" else None) or nearest_value(
        key, {name: name for name in known}
    )
    hint = f"; did you mean {field}:{nearest}?" if nearest else ""
    note = f"{field}:{value} is not a value picket tags{hint} (see `picket tags`)"
    return Checked(value, note, known=False, nearest=nearest)


def check_values(field: str, values: Sequence[str]) -> tuple[tuple[str, ...], list[Checked]]:
    """``check_value`` of each value: the values as picket tags them, and those with a note."""
    checked = [check_value(field, value) for value in values]
    return tuple(c.value for c in checked), [c for c in checked if c.note]


def check_terms(
    query: str, filters: Mapping[str, Sequence[str]]
) -> tuple[str, dict[str, tuple[str, ...]], list[Checked]]:
    """``check_query`` and ``check_values`` of each filter together: what a search or a
    watch asks for, as picket tags it, and the values with a note."""
    query, noted = check_query(query) if query.strip() else (query, [])
    checked = {}
    for field, values in filters.items():
        checked[field], field_noted = check_values(field, values)
        noted += field_noted
    return query, checked, noted


def check_query(query: str) -> tuple[str, list[Checked]]:
    """``query`` (one that parses) with ``check_value`` applied to each ``field:value`` of a
    tag field, and the values with a note."""
    noted: list[Checked] = []

    def rewrite(field: str, value: str) -> str:
        checked = check_value(field, value)
        if checked.note:
            noted.append(checked)
        return checked.value

    return rewrite_keywords(query, rewrite), noted


def _check_company(value: str) -> Checked:
    from pipeline.understand.gazetteer import default_gazetteer

    gazetteer = default_gazetteer()
    name = gazetteer.resolve(value)
    if name is not None:
        same = name.casefold() == value.strip().casefold()
        return Checked(name, None if same else f"companies:{value} is {_quoted(name)}")
    nearest = nearest_value(value, {n.casefold(): n for n in gazetteer.companies})
    hint = f"; did you mean companies:{_quoted(nearest)}?" if nearest else ""
    note = f"companies:{value} is not a company picket knows{hint}"
    return Checked(value, note, known=False, nearest=nearest)


def nearest_value(key: str, candidates: Mapping[str, str]) -> str | None:
    """The candidate whose key starts with ``key``, or else is nearest to it."""
    import difflib  # only for a "did you mean"

    key = key.casefold()
    starting = sorted(c for c in candidates if c.startswith(key))
    found = starting or difflib.get_close_matches(key, list(candidates), n=1, cutoff=0.6)
    return candidates[found[0]] if found else None


def _quoted(value: str | None) -> str | None:
    return f'"{value}"' if value and " " in value else value

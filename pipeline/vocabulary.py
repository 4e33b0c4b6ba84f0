"""Short human labels for the tag values of the Collective Action in Tech vocabulary.

Tags are stored as identifiers (``open_letter``, ``unfair_labor_practices``); emails and
listings show these labels instead. One table for every place that shows a tag to a
reader, so a value reads the same everywhere. Pure: no I/O.
"""

from __future__ import annotations

from collections.abc import Iterable

ACTION_LABELS: dict[str, str] = {
    "strike": "strike",
    "protest": "protest",
    "open_letter": "open letter",
    "union_drive": "union drive",
    "union_representation": "union representation",
    "legal_action": "legal action",
    "resignation": "resignation",
}
STRUGGLE_LABELS: dict[str, str] = {
    "ethics": "ethics",
    "pay_and_benefits": "pay and benefits",
    "working_conditions": "working conditions",
    "discrimination": "discrimination",
    "unfair_labor_practices": "unfair labour practices",
    "job_security": "job security",
}
ISSUE_LABELS: dict[str, str] = {
    "ice": "ICE",
    "immigration": "immigration",
    "military_contracts": "military contracts",
    "law_enforcement": "law enforcement",
    "surveillance": "surveillance",
    "ai": "AI",
    "climate_change": "climate change",
    "israel_palestine": "Israel and Palestine",
    "sexual_harassment": "sexual harassment",
    "retaliation": "retaliation",
    "coronavirus": "coronavirus",
    "content_moderation": "content moderation",
    "racial_justice": "racial justice",
    "lgbtq": "LGBTQ+",
    "return_to_office": "return to office",
    "layoffs": "layoffs",
    "censorship": "censorship",
    "forced_arbitration": "forced arbitration",
    "worker_classification": "worker classification",
}
EMPLOYMENT_LABELS: dict[str, str] = {
    "gig": "gig workers",
    "contract": "contract workers",
    "blue_collar": "blue-collar workers",
    "white_collar": "white-collar workers",
}
LABELS: dict[str, str] = {
    **ACTION_LABELS,
    **STRUGGLE_LABELS,
    **ISSUE_LABELS,
    **EMPLOYMENT_LABELS,
}


def label(value: str) -> str:
    """The words for a tag value; an unknown value reads with spaces for underscores."""
    return LABELS.get(value) or LABELS.get(value.lower()) or value.replace("_", " ")


def labels(values: Iterable[str]) -> list[str]:
    """The words for each value, in order, each once."""
    return list(dict.fromkeys(label(value) for value in values))

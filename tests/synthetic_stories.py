"""Made-up stories in bulk, for comparing stores and measuring indexing, or one at a time.

Deterministic for a seed. The words avoid English stop words except in sentences that
start with "The", so text searches mean the same to SQLite's porter tokenizer and the
engines' English analyzer except where a test says otherwise. Times are whole seconds in
2023 and 2024; one story in ten has no publication date.
"""

from __future__ import annotations

import random
from dataclasses import replace
from datetime import UTC, datetime, timedelta

from pipeline.records import Relevance, Story, Tags

COMPANIES = (
    "Google",
    "Amazon",
    "Microsoft",
    "Apple",
    "Meta",
    "Salesforce",
    "GitHub",
    "Uber",
    "Netflix",
    "Activision Blizzard",
)
ACTIONS = ("open_letter", "strike", "protest", "union_drive", "legal_action", "resignation")
STRUGGLES = ("ethics", "pay_and_benefits", "working_conditions", "discrimination", "job_security")
TAGS = ("ice", "immigration", "military_contracts", "law_enforcement", "ai", "layoffs")
EMPLOYMENT = ("white_collar", "blue_collar", "contract", "gig")
OUTLETS = (
    ("Wire Desk", "wiredesk.example"),
    ("Labor Ledger", "laborledger.example"),
    ("Tech Courier", "techcourier.example"),
    ("Daily Circuit", "dailycircuit.example"),
)
LANGUAGES = ("en", "en", "en", "de", "fr")
_WORD_LIST = (
    "workers engineers employees organizers contractors drivers moderators researchers "
    "signed petition letter walkout strike union vote contract warehouse management demands "
    "cloud drone software policy protest picket rally bargaining wages benefits retaliation "
    "fired layoffs office return mandate pentagon military police immigration agency border "
    "climate emissions pledge shareholders proposal lawsuit arbitration harassment equity "
    "pay raise schedule safety heat quota surveillance facial recognition artificial "
    "intelligence model chatbot data center campus headquarters executives leadership "
)
WORDS = tuple(_WORD_LIST.split())
START = datetime(2023, 1, 1, tzinfo=UTC)
SPAN_S = int(timedelta(days=730).total_seconds())


def _sentence(rng: random.Random) -> str:
    words = rng.sample(WORDS, rng.randint(6, 10))
    if rng.random() < 0.15:
        words[rng.randrange(len(words))] = "open letter"
    if rng.random() < 0.3:
        return "The " + " ".join(words) + "."
    return words[0].capitalize() + " " + " ".join(words[1:]) + "."


def make_story(i: int, rng: random.Random) -> Story:
    """The ``i``-th made-up story."""
    outlet, domain = rng.choice(OUTLETS)
    company = rng.choice(COMPANIES)
    published = START + timedelta(seconds=rng.randrange(SPAN_S))
    first_seen = published + timedelta(seconds=rng.randrange(3600, 3 * 86400))
    score = round(rng.random(), 2)
    label = score >= 0.5
    companies = tuple(dict.fromkeys((company, *rng.sample(COMPANIES, rng.randint(0, 2)))))
    duplicate_of = f"story-{rng.randrange(i):05d}" if i and rng.random() < 0.05 else None
    return Story(
        id=f"story-{i:05d}",
        url=f"https://{domain}/news/{i}",
        canonical_url=f"https://{domain}/news/{i}",
        source_id=f"{domain.split('.')[0]}-feed",
        title=f"{company} {rng.choice(WORDS)} {rng.choice(WORDS)} {rng.choice(WORDS)}",
        text=" ".join(_sentence(rng) for _ in range(rng.randint(3, 7))),
        outlet=outlet,
        domain=domain,
        description="",
        authors=(f"Reporter {rng.randint(1, 40)}",),
        language=rng.choice(LANGUAGES),
        published=None if rng.random() < 0.1 else published,
        first_seen=first_seen,
        fetched_at=first_seen,
        content_hash=f"{i:032x}",
        relevance=Relevance(score=score, label=label, evidence=("made up",)),
        tags=Tags(
            companies=companies,
            actions=tuple(rng.sample(ACTIONS, rng.randint(0, 2))) if label else (),
            struggles=tuple(rng.sample(STRUGGLES, rng.randint(0, 2))),
            employment_types=(rng.choice(EMPLOYMENT),),
            tags=tuple(rng.sample(TAGS, rng.randint(0, 2))),
            workers=rng.choice((None, None, 12, 150, 1400, 20000)),
        ),
        event_id=f"event-{rng.randrange(400):03d}" if label and rng.random() < 0.6 else None,
        duplicate_of=duplicate_of,
    )


def make_stories(count: int, *, seed: int = 7) -> list[Story]:
    rng = random.Random(seed)
    return [make_story(i, rng) for i in range(count)]


def one_story(sid: str, published: datetime | None, **fields: object) -> Story:
    """A relevant story at news.example published then (``None``: undated), first seen on
    2026-03-01 unless ``fields`` say otherwise."""
    story = Story(
        id=sid,
        url=f"https://news.example/{sid}",
        canonical_url=f"https://news.example/{sid}",
        source_id="example",
        title=f"Story {sid}",
        text="",
        published=published,
        first_seen=datetime(2026, 3, 1, 9, 0, tzinfo=UTC),
        relevance=Relevance(0.9, True),
    )
    return replace(story, **fields)  # type: ignore[arg-type]

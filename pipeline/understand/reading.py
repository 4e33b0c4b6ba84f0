"""Reading a story: who acted, how, and for which employer.

``read_story`` finds worker groups ("more than 1,400 Salesforce employees"), the actions of
the text (signed a letter, walked out, voted to unionize) and ties each action to the
people who took it: workers, outsiders (activists, customers), shareholders or management.
``pipeline.understand.tagging`` turns that reading into the archive's vocabulary and
``pipeline.understand.relevance`` scores it. Pure: a story is read once and both take that reading.

Conventions worth knowing:
- A group's ``count`` is the number stated for it: "a dozen" is 12, "almost a thousand"
  is 1000, "hundreds of" or "thousands of" give no number.
- ``companies`` lists the acting workers' employers first, then every other technology
  company the story names.
"""

from __future__ import annotations

import functools
import re
from collections import Counter
from collections.abc import Container, Iterable
from dataclasses import dataclass, replace

from pipeline.understand.deeds import ACTING, Deed, Reading, WorkerGroup
from pipeline.understand.employers import (
    APP_AFTER_NAME,
    NAME_GATES,
    ON_APP,
    OUTSOURCED_WORKERS,
    TECH_STAFF,
    WORKPLACE_GATE,
    WORKPLACE_OF,
    Candidate,
    EmployerRanker,
    ToldSentence,
    candidates,
    default_ranker,
    described_companies,
    owner_spans,
    unknown_company_at,
)
from pipeline.understand.gazetteer import Gazetteer, Mention, default_gazetteer
from pipeline.understand.lexicon import ActionKind, Lexicon, lexicon, parse_count
from pipeline.understand.sentences import sentences
from pipeline.understand.wordgate import GateScan, LiteralGate, Passages, TextWords
from pipeline.understand.wordtrie import trie_pattern

_MAX_CHARS = 6_000
_MAX_SEGMENTS = 20
"""How much of a story is read: the headline and about the first 450 words. A story is
judged by what it reports as its news, in its headline and first sentences (the labelling
guide), so what comes after is background; reading it too cost a third of the pipeline's
time on top of extraction (``bench/pipeline.py``). Twenty sentences instead of thirty read
the extraction benchmark's pages in 2.7 ms instead of 3.6, and judged each of them and of
the demo site's stories the same."""
_LEAD_SENTENCES = 3
_BACKGROUND = 0.6
_PRODUCT_TRUST = 0.85
"""The trust of workers named with a product (as with a company the sentence suggests)."""
_PAST = re.compile(
    r"\b(?:in (?:19|20)\d\d|years? ago|last year|in the past|previously|back in|"
    r"has long|have long|in recent years|over the years|a (?:decade|year) ago)\b",
    re.IGNORECASE,
)
_RECALLED = re.compile(rf"{_PAST.pattern}|\b(?:earlier|previous|prior)\b", re.IGNORECASE)
_QUOTES = re.compile('["“”«»]')
_PRONOUN_SUBJECT = re.compile(
    r"^\W*(?:they|the (?:workers|employees|staffers|group|organi[sz]ers|signatories|"
    r"petitioners|protesters|strikers)|organi[sz]ers|many of them|some of them)\b",
    re.IGNORECASE,
)
_DEFINITE_ACT = re.compile(
    r"\b(?:the|their|this|that) (?:open )?(?:letter|petition|walkout|strike|protest|sit-in|"
    r"union drive|campaign|demonstration|action)\b",
    re.IGNORECASE,
)
_THEIR_DEMANDS = re.compile(r"\b(?:their|the|these) demands\b", re.IGNORECASE)
_ANOTHER = re.compile(r"\banother\b|\b(?:a|one) second\b|\bboth\b", re.IGNORECASE)


_RIGHT_LINK = re.compile(
    r"\s*,?\s*(?:(?:and|or|&)\s+(?:[\w-]+\s+){0,2}?)?"
    r"(?:(?:who|that)\s+\w+(?:\s+\w+){0,2}?\s+(?:at|for|in|through)\s+|"
    r"working\s+(?:at|for|in|on)\s+|"
    r"(?:employed|contracted|hired|engaged)\s+(?:at|by)\s+|"
    r"(?:at|of|for|from|with|inside|within|in|across|"
    r"di|de|del|della|dei|da|do|bei|von|chez)\s+)"
    r"(?:(?:the|an?|its|their)\s+)?(?:[\w'’.&-]+\s+){0,4}?",
    re.IGNORECASE,
)
_WORKPLACE_LINK = re.compile(
    r"\s+(?:at|from|in)\s+(?:the|an?|its)\s+(?:[\w'’-]+\s+){0,3}?"
    rf"{WORKPLACE_OF}(?:the\s+)?(?:[\w'’.&-]+\s+){{0,3}}?",
    re.IGNORECASE,
)
"""Between workers and the company whose workplace they are at, named after it ("pickers at
the Lodz fulfilment centre of the online retailer", "staff at the flagship Budapest store of
the device maker", "agents at a Manila call centre run by")."""
_ADDRESSED_TO = re.compile(r"\bto\s+(?:(?:the|its|their)\s+)?$", re.IGNORECASE)
"""Before management an act is addressed to ("an open letter to the board")."""
_EMPLOYED_LINK = re.compile(
    r"\s*,?\s*(?:(?:who\s+)?(?:work|works|worked|working|drive|drives|driving|employed|"
    r"attached|registered|contracted)\s+)?(?:(?:for|at|on|by|with|to)\s+"
    r"(?:(?:the|an?|its|their)\s+)?|(?:for|at|with)\s+(?:(?:the|an?|its|their)\s+)?"
    r"(?:[\w'’-]+\s+){0,2}?(?:app|platform|company|firm|start-?up|maker|manufacturer|"
    r"assembler|supplier|operator)\s+)",
    re.IGNORECASE,
)
"""Between workers of a trade outside tech and the platform they work for ("cab drivers
working for Ola", "taxi drivers on Uber", "motorcycle taxi drivers for the ride-hailing app
GoLaju", "migrant workers at chip assembler X"): stricter than ``_RIGHT_LINK``."""
_ON_LINK = re.compile(
    r"\s+on\s+(?:the\s+)?(?:(?:[\w'’.&-]+\s+){0,3}?(?:app|platform)\s+)?", re.IGNORECASE
)
"""Workers "on" a gig platform work for it ("drivers on Uber", "drivers on the Jakarta
ride-hailing app Ojekku")."""
_VENUE = re.compile(r"\b(?:on|via|through|using|in an? \w+ on)\s+$", re.IGNORECASE)
_PLACE_TAIL = re.compile(r"\s+(?:at|in|of|from|inside)\s+(?:[\w'’-]+\s+){0,2}[\w'’-]+")
_TAIL = re.compile(r"(?:['’]s)?(?:\s+[\w-]+){0,3}")
_GENERIC_SINGULAR = re.compile(r"\b(?:every|each|any|no|the average|a typical)\s+$", re.I)
_AGENT_AFTER = re.compile(
    r"(?:(?:\s+[\w'’-]+){0,3}?\s+(?P<marker>by|from|among|involving|including)|\s+of)\s+",
    re.IGNORECASE,
)
_PASSIVE_BY = re.compile(
    r"[^;:.()]{0,100}?\s(?:was|were|been|being)\s+(?:[\w-]+ly\s+)?[\w-]+(?:ed|en|t)\b"
    r"[^;:()]{0,50}?\sby\s+",
    re.IGNORECASE,
)
"""After an act told as the subject of a passive verb, up to the agent that comes later
("a petition against the new log-in rule was signed by 1,300 employees")."""
_COMPANY_AGENT_END = re.compile(
    r"\s*(?:[,.;:]|$)|\s+(?:and|or|&|seeking|to|that|which|over|against|challenging|"
    r"alleging|claiming|accusing|in|on|at)\b"
)
"""After a company named as an act's agent: the company itself ("a lawsuit by DoorDash,
Uber and Grubhub seeking"), not its workers named by it ("protests by Rappi distributors")."""
_POSSESSIVE = re.compile(r"\b(?:its|their)\s+(?:[\w-]+\s+){0,2}$", re.IGNORECASE)
_DELIVERY = re.compile(r"\bdeliver(?:y|ies|ing)\b|\bfood\b|\bgrocer", re.IGNORECASE)
_CLAUSE_BREAK = re.compile(r"^\w+ing\b|[;:()]|,\s|\b(?:who|which|that|and|or)\s+\w+(?:ed|s)\b")
"""Between "by" and an actor after it: the end of the agent's phrase, or a means, not an
agent ("by tolerating racial discrimination of its Black workers")."""
_INFINITIVE = re.compile(r"\s+(?:[\w'’-]+\s+)?(?:to|from)\b", re.IGNORECASE)
_HYPOTHETICAL = re.compile(
    r"\b(?:would|could|might|if|whether|unless|feels? about|think about|attitudes? towards?"
    r"|interest in|open to)\b",
    re.IGNORECASE,
)
_UNKNOWN_ACRONYM = re.compile(
    r"(?<![\w.])(?!(?:US|UK|EU|QA|AI|IT|HR|HQ|LGBTQ|BIPOC|DEI|TV|PR|UX|ML|R&D)\b)"
    # unions of tech, platform and warehouse workers: "300 GMB union members"
    r"(?!(?:GMB|CWA|TWU|RWDSU|IWGB|ADCU|UFCW|OPEIU|CGT|CCOO|UGT|CFDT|FNV|STJV|KITU|NITES|"
    r"AIITEU|UNITE)\b)"
    r"[A-Z]{2,6}\s+$"
)
_CAPPED_TRUST = {
    **dict.fromkeys(
        ("researcher", "scientist", "engineer", "programmer", "coder", "designer", "tester"), 0.45
    ),
    **dict.fromkeys(
        ("driver", "courier", "technician", "mechanic", "moderator", "contractor"), 0.6
    ),
}


_ANY_EMPLOYER_HEADS = frozenset({"researcher", "scientist"})
"""Heads of people who may work anywhere, a university included: named with no employer and
addressing the companies their sentence names ("AI researchers call on Amazon to stop"),
they are outsiders writing to those companies, as "academics" and "experts" are."""
_ADDRESSED = re.compile(
    r"\b(?:call(?:s|ed|ing)?\s+on|urg(?:e|es|ed|ing)|ask(?:s|ed|ing)?|press(?:es|ed|ing)?|"
    r"implor(?:e|es|ed|ing)|appeal(?:s|ed|ing)?\s+to|letter\s+to|(?:writ(?:e|es|ing)|wrote)\s+to)"
    r"\s+(?:(?!(?:at|for|with|by|from|of|in|on)\b)[\w'’.-]+[\s,]+){0,5}$",
    re.IGNORECASE,
)
"""Before a company a sentence addresses rather than names as anyone's employer ("urging
Amazon", "calling on AI labs including OpenAI")."""

_OTHERS_TIE = 0.65
"""How surely an act tied to no one belongs to the outsiders or the suing company of a story of
no workers."""
_OUTSIDE_STORY = (None, 0.05)
"""The employer and trust a story about employers outside tech lends its worker groups."""


_TECH_JOBS = frozenset(
    {
        "developer",
        "dev",
        "coder",
        "programmer",
        "tester",
        "moderator",
        "rater",
        "annotator",
        "labeller",
        "labeler",
    }
)
"""Workers whose company, named right after them, is a tech company though unknown
("developers at Vellichor", "annotators at Sablewire")."""
_DOING_TECH_WORK = re.compile(
    r"\b(?:who|which|that)\s+(?:\w+\s+)?(?:moderat|review|screen|label|annotat|rat|test|writ|build|"
    r"develop|cod)\w*\s+"
    r"(?:[\w-]+\s+){0,2}?(?:content|posts|videos|images|data|AI|games?|software|apps?|code|"
    r"chatbots?|search results|ads|models?)\b",
    re.IGNORECASE,
)
"""Workers the sentence says do the work of ``_TECH_JOBS`` ("contractors at Ferrostack, who
moderate content for social media clients")."""
_PLATFORM_JOBS = frozenset(("rider", "courier", "shopper", "driver"))
_PLATFORM_WORK = re.compile(
    r"\b(?:apps?|platforms?|per[- ](?:order|trip|delivery|ride|task|kilomet(?:re|er)|km|mile)|"
    r"orders|deliveries|rides|"
    r"trips|gigs?|deactivat\w+|algorithm\w*)\b",
    re.IGNORECASE,
)
"""Words of work a platform hands out, beside couriers or drivers at a company unknown
("riders for Jolly Dash switched off their apps"): a platform's gig workers."""
_PLATFORM_TRUST = 0.7
_AT_LINK = re.compile(r"\s+(?:at|for|with)\s+(?:the\s+)?")
"""Between such workers and the company they work at, named right after ("developers at
Vellichor")."""
_FOR_LINK = re.compile(r"\s+(?:at|for)\s+(?:the\s+)?")
"""Between couriers and the platform they work for; not "with", which names their own
groups too ("couriers with Los Deliveristas Unidos")."""
_ON_AN_APP = re.compile(rf"{ON_APP}(?=[A-Z][\w&-]*(?:\s+[A-Z][\w&-]*){{0,2}}\s+{APP_AFTER_NAME})")
"""Between workers and the app or platform named right after, that hands them their work
("drivers on the Kwenda ride-hailing app", "cleaners booked through the HomeHive app")."""
_UNION_NAME_END = re.compile(r"['’]?\s+(?-i:Union|United|Guild)\b")
"""After the workers' noun of a union's name ("Transport Workers Union")."""
_JOINING = re.compile(r"\bjoin(?:ed|s|ing)?\s+(?:an?|the)\s+$", re.IGNORECASE)
"""Before the name of a union or its event others joined: its name, not the ones acting."""
_AT_WORK = re.compile(r"\s+(?:who\s+)?(?:works?|worked|working|employed|contracted|hired)\b")
"""After couriers or shoppers who are the sentence's company's workers, not its customers
("boda boda riders working through the app")."""
_OFFICE_JOBS = frozenset(("worker", "employee", "staff", "staffer"))
_OFFICE_WORK = re.compile(
    r"\b(?:(?:company|firm|startup|its|their)['’]?s?\s+(?:(?-i:[A-Z])[\w-]*\s+)?(?:offices?|campus)|"
    r"remote[- ]work\w*|work(?:ing)?[- ]from[- ]home|return[- ]to[- ](?:the[- ])?office|"
    r"office (?:mandate|return)|hybrid work\w*|back[- ]office)\b",
    re.IGNORECASE,
)
"""Offices or desk work in the sentence of workers at a company the gazetteer does not know,
nor the story describes ("walked out of the company's Wroclaw office"): more likely a
software firm's staff than a factory's, not surely."""
_OFFICE_TRUST = 0.5
_WAREHOUSE_JOBS = frozenset(("picker", "packer", "worker", "associate", "employee", "staff"))
_FULFILMENT = re.compile(r"\bfulfil{1,2}ment (?:cent(?:re|er)|hub|warehouse)s?\b", re.IGNORECASE)
"""An online retailer's warehouse: its pickers and packers work for an e-commerce firm,
as Amazon's do ("pickers at a Cartly fulfilment centre")."""
_FULFILMENT_LINK = re.compile(
    r"\s+(?:at|for)\s+(?:an?\s+)?"
    r"(?=[A-Z][\w&-]*(?:\s+[A-Z][\w&-]*){0,2}(?:['’]s)?\s+fulfil{1,2}ment\b)"
)
"""Between such workers and the retailer whose fulfilment centre is named right after;
not "at the Shakopee fulfillment center", a place."""
_UNPLACED_TRUST = 0.85
"""How surely developers, raters or annotators at a company the gazetteer does not know,
nor the story describes, are a tech company's."""
_BACK_REFERENCE = re.compile(r"\b(?:the|these|those)\s+$", re.IGNORECASE)
"""Before workers told of before ("the researchers"): the story's, as they were."""


def _addressed(seg: _Segment, actor: _Actor) -> bool:
    """Whether ``actor`` is management an act is addressed to ("an open letter to the
    board")."""
    return actor.kind == "management" and bool(_ADDRESSED_TO.search(seg.clean, 0, actor.start))


def _on_the_app(clean: str, end: int, name: int) -> bool:
    """Whether the workers ending at ``end`` work on the app whose name starts at ``name``
    ("drivers using the Bolt app in Lagos")."""
    link = _ON_AN_APP.match(clean, end)
    return link is not None and link.end() == name


def _works_anywhere(phrase: str) -> bool:
    """Whether a worker noun (or a phrase ending in one) names people of
    ``_ANY_EMPLOYER_HEADS``."""
    return phrase.rpartition(" ")[2].lower().rstrip("s") in _ANY_EMPLOYER_HEADS


def _unplaced(
    clean: str, head: str, end: int, *, bound: bool
) -> tuple[float, re.Pattern[str]] | None:
    """How surely the workers ``head`` (ending at ``end``) names at a company the gazetteer
    does not know, nor the story describes, are a tech company's, and what links them to its
    name; None where neither their trade nor, for a platform's couriers and drivers, the
    sentence says so."""
    if _ON_AN_APP.match(clean, end):
        return _PLATFORM_TRUST, _ON_AN_APP
    job = head.split()[-1].removesuffix("s")
    if job in _TECH_JOBS or _DOING_TECH_WORK.search(clean):
        return (_UNPLACED_TRUST if bound else _trust_cap(head)), _AT_LINK  # no surer unnamed
    if (job in _PLATFORM_JOBS or head.startswith("delivery ")) and _PLATFORM_WORK.search(clean):
        return _PLATFORM_TRUST, _FOR_LINK
    if job in _OFFICE_JOBS and _OFFICE_WORK.search(clean):
        return _OFFICE_TRUST, _FOR_LINK
    if job in _WAREHOUSE_JOBS and _FULFILMENT.search(clean):
        return _PLATFORM_TRUST, _FULFILMENT_LINK
    return None


def _trust_cap(head: str) -> float:
    """How far a sentence or story may vouch for the employer of people named by ``head``.

    "Employees" and "workers" in a story about Google are Google's; "researchers" or
    "engineers" there may work anywhere (an open letter of AI researchers is not a
    protest at their own employer).
    """
    return _CAPPED_TRUST.get(head.rstrip("s"), 1.0)


_GRANTED = re.compile(r"recogni[sz]|agreement|contract|ratif", re.IGNORECASE)
"""A union's recognition or its contract, whoever the sentence says granted or signed it."""
_WORKERS_ACT = r"(?:walk-?outs?|strikes?|sit-ins?|work stoppages?)"
"""Acts only workers take: another's name or possessive before one is their employer's."""
_FIRST = r"(?:(?:first|first-ever|biggest|largest|latest|new|UK|US|\w+-(?:day|hour|week))\s+)"
"""Words between a company's possessive and its workers' act ("Amazon's first UK strike")."""
_ATTRIBUTIVE_NOUN = re.compile(
    rf"{_FIRST}{{0,2}}(?:{_WORKERS_ACT}|union\w*)\b",
    re.IGNORECASE,
)
_ATTRIBUTIVE_LINK = re.compile(
    rf"(?:['’]s?)?\s+{_FIRST}{{0,2}}(?:(?:employee|worker|staff|workers['’])\s+)?"
)
_OWN_COMPANY = re.compile(
    rf"['’]s\s+{_FIRST}{{0,2}}(?={_WORKERS_ACT}\b)",
    re.IGNORECASE,
)
"""After "the company" the story is about, before a walkout or strike ("the company's
first-ever strike"): its workers' act, not the company's doing."""
_PERSON_OWNS = re.compile(
    r"\b(?P<person>[A-Z][a-z]+(?:\s+[A-Z][a-z]+)?)['’]s\s+(?:\w+\s+)?(?:reasons?|decision|choice|plans?)"
    r"\s+(?:for|to)\s+$"
)
_COMPANY_SUBJECT = re.compile(
    r"['’]s?\s+(?:[\w-]+\s+)?|,\s+|"
    r"(?:\s+and\s+[A-Z][\w.-]*)?\s+(?:(?:has|have|had|is|are|was|were|will|agreed to|"
    r"reportedly|also|quietly|on \w+|(?:said|says|added|stated)(?:\s+that)?\s+(?:it|they))\s+)*"
    r"(?!(?:headquarters|HQ|offices?|campus|stores?|warehouses?|facilit(?:y|ies)|buildings?)\s)"
    r"(?:\w+\s+)?(?:(?:an?|the|its|their|own|new)\s+){0,3}",
)
"""What may stand between a company and its own act: "Lyft has agreed to settle", "Lyft and
Uber sued", "Epic has filed its own petition", "Uber said it condemned", "Epic Games'
antitrust lawsuit", the end of a list ("Delivery companies, including DoorDash, Uber, sue");
not a place of the company ("drivers circle Uber headquarters demanding")."""
_PREPOSITION_OBJECT = re.compile(
    r"\b(?:for|to|with|from|via|through|on behalf of)\s+(?:(?:the|an?)\s+)?(?:[a-z][\w-]*\s+){0,2}$"
)
"""Words before a company that make it the object of a preposition ("for the platform")."""
_COMPANY_NOUN_SUBJECT = re.compile(
    r"(?<!\bat )(?<!\bof )(?<!\bfor )(?<!\bwith )(?<!\bfrom )(?<!\bby )(?<!\bin )(?<!\bto )"
    r"(?<!\bon )(?<!\bthrough )(?<!\bvia )"
    r"\b(?P<noun>(?:the|its|their|several|multiple|many|some|other|rival|major|two|three|four|"
    r"five)\s+(?:[\w-]+\s+){0,3}?(?:firms?|compan(?:y|ies)|startups?|employers?|giants?|"
    r"outsourcers?|platforms?|apps|services))\s+"
    r"(?:(?:has|have|had|is|was|will|also|quietly|reportedly|now|jointly)\s+)*"
    r"(?:(?:filed|brought|launched|lodged|settled)\s+(?:an?|the|their|its)\s+)?$",
    re.IGNORECASE,
)
"""A company named by a noun as the act's subject ("as the Indian IT firm pushes staff back
to its campuses", "several food-delivery services filed a lawsuit"); not the workers' place
("employees at the firm pushed")."""
_FORMER = re.compile(r"\b(?:former|ex)[\s-]+$", re.IGNORECASE)
"""Before a company's name, a person's past job ("a former Amazon recruiter sues"): the
company is no subject."""
_WHO = re.compile(r"\s*,?\s*(?:who|that|which)\b", re.IGNORECASE)
_COMPANY_ACTS = frozenset({"legal", "demand", "letter", "open_letter", "proposal", "resigned"})
"""Acts a company takes in its own name when it is their subject ("IBM opposed", "Tesla
sued", "Microsoft published a letter", "Uber and Lyft threatened to leave the city");
strikes and walkouts are its workers'."""
_SOURCE_BEFORE = re.compile(
    r"\b(?:report(?:ed|s|ing)?(?: by)?|according to|told|citing|cited by|via|"
    r"(?:an? )?(?:interview|statement) (?:with|to))\s+(?:the\s+)?$",
    re.IGNORECASE,
)
_SOURCE_AFTER = re.compile(r"\s*(?:first\s+)?(?:reported|reports|reporting)\b", re.IGNORECASE)
_LISTED = re.compile(r"\s*(?:,\s*(?:and\s+|&\s+)?|\s+(?:and|&)\s+)")
"""Between two companies of one list ("Google and Amazon", "Uber, Lyft")."""
_JOINED = re.compile(r"\s*,?\s+(?:and|&|along with|with)\s+(?:their|local)\s+")
"""Between workers and the outsiders acting with them ("drivers and their supporters"); not
peers named beside them ("AI researchers and tech leaders signed")."""
_NOT_AUTHORITY = re.compile(
    r"\b(?:union|company|corporate|labou?r|workers['’]?|staff)\s+$", re.IGNORECASE
)
"""Before "officials" or a "commission": the union's or the company's own, no authority."""
_SHARED_AUTHORITY = re.compile(r"officials|commission", re.IGNORECASE)
"""Authorities that unions and companies have too ("union officials"), unlike a "labour
prosecutor" or a "labour inspector"."""
_OPENER = re.compile(r"\W*(?:[\w'’-]+\W+){0,2}")
_PLURAL_HEADS = ("staff", "workforce", "rank and file", "rank-and-file", "microsofties", "guild")


def _is_owner(clean: str, mention: Mention) -> bool:
    """Whether the sentence names ``mention`` as the owner of another company ("the
    Ford-owned start-up", "owned by Ford"), not as an employer its workers act against."""
    return any(start <= mention.start < end for start, end in owner_spans(clean))


def _is_source(clean: str, mention: Mention) -> bool:
    """Whether the sentence credits ``mention`` as the source of its news ("reported the
    New York Times", "according to IATSE", "the Washington Post reports"): a newspaper or
    a union named so is no employer outside tech in the story."""
    return bool(
        _SOURCE_BEFORE.search(clean, max(0, mention.start - 40), mention.start)
        or _SOURCE_AFTER.match(clean, mention.end)
    )


def _named_trust(employer: Mention) -> float:
    """How surely workers named with ``employer`` are a tech company's own: a product's
    ("Dragon Age QA workers") may be a contractor's."""
    return 0.0 if not employer.tech else _PRODUCT_TRUST if employer.product else 1.0


_GERMAN_PLURALS = ("mitarbeiter", "besch", "fahrer", "zusteller", "angestellte", "belegschaft")


def is_singular(head: str) -> bool:
    """Whether a worker noun names one person ("employee", not "staff" or "the union")."""
    german = head.rpartition("-")[2]  # "Fahrer", "Mitarbeiter": one or many alike
    if head in _PLURAL_HEADS or head.endswith("union") or german.startswith(_GERMAN_PLURALS):
        return False
    return not head.endswith(("s", "ten", "team"))


@dataclass(frozen=True, slots=True)
class _Actor:
    start: int
    end: int
    kind: str
    phrase: str
    group: WorkerGroup | None = None
    employer_known: bool = True


_Cue = tuple[ActionKind, int, int]  # an action's kind and where the sentence names it


@dataclass(slots=True)
class _Segment:
    text: str
    clean: str
    weight: float
    lead: bool
    mentions: list[Mention]
    employers: list[Mention]
    """Tech companies named as more than the venue of a post ("said on Twitter")."""
    cues: list[_Cue]
    outside: bool
    tech_context: bool
    name_patterns: frozenset[str]
    """The employer name patterns worth trying on this sentence."""
    actors: list[_Actor] | None = None
    """Who is named as acting: found when an action first needs them (most sentences have none)."""


@dataclass(frozen=True, slots=True)
class _Gates:
    """The sentences of one story (by index) that each costly pattern could match."""

    actions: dict[int, list[ActionKind]]  # the action kinds each sentence could name
    outside: Container[int]
    tech_context: Container[int]
    named: Container[int]  # by the gazetteer's context patterns
    name_patterns: dict[int, frozenset[str]]  # the employer name patterns each could match


_OUTSIDE, _TECH_CONTEXT, _NAMED = "outside occupations", "tech context", "named in context"
_WORKPLACE = "tech workplace"
_NAME_PATTERN = "employer name: "  # the gate of an employer name pattern: this and its kind


@functools.cache
def _gate_scan(lex: Lexicon, gaz: Gazetteer) -> GateScan[ActionKind | str]:
    gates: dict[ActionKind | str, LiteralGate] = {kind: kind.gate for kind in lex.actions}
    gates[_OUTSIDE] = lex.outside_occupation_gate
    gates[_TECH_CONTEXT] = lex.tech_context_gate
    gates[_NAMED] = gaz.pattern_gate
    gates[_WORKPLACE] = WORKPLACE_GATE
    gates.update({_NAME_PATTERN + kind: gate for kind, gate in NAME_GATES.items()})
    return GateScan(gates)


# --- reading -------------------------------------------------------------------------------


def _position_weight(index: int, sentence: str) -> float:
    if index < _LEAD_SENTENCES:
        return 1.0
    weight = 0.9 if index < 6 else 0.75 if index < 12 else 0.55
    return weight * (_BACKGROUND if _PAST.search(sentence) else 1.0)


class _Reader:
    """Reads one story; holds the lexicon and gazetteer for the duration of one call."""

    def __init__(self, lexicon: Lexicon, gazetteer: Gazetteer, ranker: EmployerRanker) -> None:
        self.lex = lexicon
        self.gaz = gazetteer
        self.ranker = ranker
        self.fallback: tuple[str | None, float] = (None, 0.0)  # the story's likely employer
        self.lead: list[_Segment] = []  # the story's first two sentences (with its headline)

    def read(self, title: str, text: str) -> Reading:
        segments = self._segments(title, text)
        story_tech = Counter(m.name for seg in segments for m in seg.employers if not m.product)
        if title.strip() and segments:
            story_tech.update(m.name for m in segments[0].employers if not m.product)
        story_outside = any(seg.outside for seg in segments)
        story_tech_context = any(seg.tech_context for seg in segments)
        self.fallback = self._story_fallback(story_tech, story_outside, story_tech_context)
        self.lead = segments[:2]
        by_segment: list[list[Deed]] = []
        deeds: list[Deed] = []
        for i in range(len(segments)):
            by_segment.append(self._deeds(segments, i, deeds))
            deeds.extend(by_segment[-1])
        if any(d.actor == "none" for d in deeds) and not any(
            _may_be_tech_workers(a) for seg in segments for a in self._actors(seg)
        ):
            by_segment = [_others_all(told, deeds) for told in by_segment]
            deeds = [deed for told in by_segment for deed in told]
        full = "\n".join(seg.text for seg in segments)
        words = TextWords.of(full)
        issues = _reported_issues(segments, by_segment)
        found = self._candidates(segments, bool(title.strip()), by_segment)
        companies = self.ranker.rank(found)
        gig = frozenset(n for n in companies if (c := self.gaz.companies.get(n)) and c.gig)
        return Reading(
            companies=companies,
            candidates=tuple(found),
            deeds=tuple(deeds),
            issues=issues,
            struggles=self._struggles(full, words, issues),
            gig_companies=gig,
            outside=story_outside,
            tech_context=story_tech_context,
        )

    # segments and their actors

    def _segments(self, title: str, text: str) -> list[_Segment]:
        parts: list[tuple[str, float, bool]] = []
        if title.strip():
            parts.append((" ".join(title.split()), 1.0, True))
        body = sentences(text[:_MAX_CHARS])[: _MAX_SEGMENTS - len(parts)]
        parts.extend((s, _position_weight(i, s), i < _LEAD_SENTENCES) for i, s in enumerate(body))
        cleans = [_QUOTES.sub(" ", part) for part, _, _ in parts]
        marked = _gate_scan(self.lex, self.gaz).marked(Passages.of(cleans))
        actions: dict[int, list[ActionKind]] = {}
        for kind in self.lex.actions:
            for index in marked[kind]:
                actions.setdefault(index, []).append(kind)
        name_patterns: dict[int, set[str]] = {}
        for kind in NAME_GATES:
            for index in marked[_NAME_PATTERN + kind]:
                name_patterns.setdefault(index, set()).add(kind)
        gates = _Gates(
            actions,
            marked[_OUTSIDE],
            marked[_TECH_CONTEXT],
            marked[_NAMED],
            {index: frozenset(kinds) for index, kinds in name_patterns.items()},
        )
        mentions = [self.gaz.mentions(c, patterns=i in gates.named) for i, c in enumerate(cleans)]
        described = described_companies(cleans, mentions, self.gaz, marked[_WORKPLACE])
        for names, tech in ((described.tech, True), (described.outside, False)):
            if pattern := _names_pattern(names):
                mentions = [
                    _with_described(c, m, pattern, tech=tech)
                    for c, m in zip(cleans, mentions, strict=True)
                ]
        return [
            self._segment(i, text, clean, weight, lead, gates, found)
            for i, ((text, weight, lead), clean, found) in enumerate(
                zip(parts, cleans, mentions, strict=True)
            )
        ]

    def _segment(
        self,
        index: int,
        text: str,
        clean: str,
        weight: float,
        lead: bool,
        gates: _Gates,
        mentions: list[Mention],
    ) -> _Segment:
        cues = self._cues(clean, gates.actions.get(index, ()))
        outside = any(
            not m.tech and not _is_owner(clean, m) and not _is_source(clean, m) for m in mentions
        ) or (index in gates.outside and bool(self.lex.outside_occupation.search(clean)))
        return _Segment(
            text=text,
            clean=clean,
            weight=weight,
            lead=lead,
            mentions=mentions,
            employers=[m for m in mentions if m.tech and not self._venue(clean, m)],
            cues=cues,
            outside=outside,
            tech_context=index in gates.tech_context and bool(self.lex.tech_context.search(clean)),
            name_patterns=gates.name_patterns.get(index, frozenset()),
        )

    def _employer_link(
        self, clean: str, end: int, mention: Mention, *, outside: bool = False
    ) -> bool:
        """Whether the words between workers ending at ``end`` and ``mention`` make it their
        employer ("staff at", "pickers at the Lodz fulfilment centre of", "drivers on",
        "drivers using the Bolt app"); workers of a trade outside tech need a stricter link
        (taxi drivers "working for Ola" do; "taxi drivers in Seoul rally against Kakao" not)."""
        link = clean[end : mention.start]
        if outside:
            right = _EMPLOYED_LINK.fullmatch(link)
        else:
            right = _RIGHT_LINK.fullmatch(link) or _WORKPLACE_LINK.fullmatch(link)
        return bool(
            right
            or (_ON_LINK.fullmatch(link) and not self._venue(clean, mention))
            or _on_the_app(clean, end, mention.start)
        )

    def _venue(self, clean: str, mention: Mention) -> bool:
        """Whether ``mention`` is only where something was said ("said on Twitter"); a gig
        platform is where its workers work ("drivers on Uber"), as is a platform the story
        describes ("crowdworkers on Clickwise, an online data-annotation platform")."""
        if mention.described or not _VENUE.search(clean, max(0, mention.start - 20), mention.start):
            return False
        company = self.gaz.companies.get(mention.name)
        return not (company and company.gig)

    def _cues(self, clean: str, kinds: Iterable[ActionKind]) -> list[_Cue]:
        """The actions of ``kinds`` the sentence names, except a management letter's words;
        words of one kind following each other name one act ("class action settlements")."""
        cues = [(kind, m.start(), m.end()) for kind in kinds for m in kind.pattern.finditer(clean)]
        if cues and (letters := list(self.lex.management_letter.finditer(clean))):
            spans = [(m.start(), m.end()) for m in letters]
            cues = [c for c in cues if not any(c[1] < e and s < c[2] for s, e in spans)]
        return [
            cue
            for cue in cues
            if not any(
                other[0] is cue[0] and other[2] <= cue[1] and not clean[other[2] : cue[1]].strip()
                for other in cues
            )
        ]

    def _actors(self, seg: _Segment) -> list[_Actor]:
        """The segment's worker groups, outsiders, shareholders and management, in order."""
        if seg.actors is None:
            groups = [
                self._settle_employer(a, seg)
                for a in self._worker_groups(seg.text, seg.clean, seg.mentions)
            ]
            taken = [(a.start, a.end) for a in groups]
            others = [
                _Actor(m.start(), m.end(), kind, seg.text[m.start() : m.end()])
                for kind, pattern in (
                    ("outsider", self.lex.outsider),
                    ("shareholder", self.lex.shareholder),
                    ("management", self.lex.management),
                )
                for m in pattern.finditer(seg.clean)
                if not any(s <= m.start() < e or m.start() <= s < m.end() for s, e in taken)
            ]
            seg.actors = sorted(groups + others, key=lambda a: a.start)
        return seg.actors

    def _worker_groups(self, text: str, clean: str, mentions: list[Mention]) -> list[_Actor]:
        found: list[_Actor] = []
        for pattern, bound in (
            (self.lex.worker, False),
            (self.lex.union, False),
            (self.lex.employer_bound, True),
        ):
            for noun in pattern.finditer(clean):
                if any(a.start <= noun.start() < a.end for a in found):
                    continue
                actor = self._worker_group(text, clean, noun, mentions, bound)
                if actor is not None:
                    found.append(actor)
        return found

    def _worker_group(
        self, text: str, clean: str, noun: re.Match[str], mentions: list[Mention], bound: bool
    ) -> _Actor | None:
        if _GENERIC_SINGULAR.search(clean, max(0, noun.start() - 20), noun.start()):
            return None
        if self.lex.unpaid.search(clean, max(0, noun.start() - 20), noun.start()):
            return None  # "volunteer moderators": nobody's staff
        window = max(0, noun.start() - 90)
        counted = self.lex.counted.search(clean, window, noun.start())
        left = counted or self.lex.left.search(clean, window, noun.start())
        start = left.start() if left else noun.start()
        quant = counted.group("quant") if counted else ""
        mods = clean[start : noun.start()]
        tail_end = noun.end()
        employer: Mention | None = None
        for m in mentions:
            if m.described and m.start < noun.start() and noun.end() <= m.end:
                return None  # the last word of an unknown company's name ("Serrano Dev")
            if start <= m.start < noun.end() or m.start <= noun.start() < m.end:
                employer = m
        outside = self.lex.outside_modifier.search(mods) and not self.lex.tech_words.search(mods)
        if employer is None:
            for m in mentions:
                if (
                    noun.end() <= m.start <= noun.end() + 70
                    and self._employer_link(clean, noun.end(), m, outside=bool(outside))
                    and not _is_owner(clean, m)
                ):
                    employer = m
                    tail = _TAIL.match(clean, m.end)
                    tail_end = tail.end() if tail else m.end
                    break
        if employer is None and (
            outside
            or _UNKNOWN_ACRONYM.search(mods)
            or self.lex.outside_workplace.match(clean, noun.end())
        ):
            employer = Mention("", start, noun.start(), tech=False)
        head = noun.group().lower()
        if employer is None and _works_anywhere(head):
            tech = [m for m in mentions if m.tech]
            if tech and all(_ADDRESSED.search(clean, max(0, m.start - 60), m.start) for m in tech):
                return _Actor(
                    start, noun.end(), "outsider", " ".join(text[start : noun.end()].split())
                )
        if bound and employer is None and not self.lex.object_verb.search(clean, window, start):
            employer = _possessor(clean, noun, mentions)  # "its riders", not "giving its riders"
        if _UNION_NAME_END.match(clean, noun.end()) and _JOINING.search(clean, window, start):
            return None  # "riders joined a Transport Workers Union rally": not its members
        unplaced = None if employer else _unplaced(clean, head, noun.end(), bound=bound)
        if unplaced:
            employer = self._unplaced_employer(clean, noun.end(), unplaced[1])
            if (
                employer is None
                and not is_singular(head)  # "the game developer" is a company
                and (unplaced[1] is _AT_LINK or _AT_WORK.match(clean, noun.end()))
            ):
                employer = self._sole_employer(clean, mentions)
        if bound and (employer is None or not employer.tech):
            return None
        count = parse_count(quant) if quant else None
        plural = (count or 0) >= 2 or bool(quant and count is None) or not is_singular(head)
        if not plural and self.lex.collective_head.match(clean, noun.end()):
            plural = True
        if not plural and _ANOTHER.search(clean):
            plural, count = True, count or 2
        tail = _PLACE_TAIL.match(clean, tail_end)
        words = clean[start : tail.end() if tail else tail_end]
        group = WorkerGroup(
            phrase=" ".join(text[start : noun.end()].split()),
            count=count if (count or 0) >= 2 else None,
            plural=plural,
            employer=employer.name if employer and employer.tech else None,
            trust=_named_trust(employer) if employer else _trust_cap(head),
            words=words,
            stated=bool(employer and employer.tech),
        )
        if unplaced and employer:
            group = replace(group, trust=unplaced[0])
        tech_staff = TECH_STAFF.search(clean, start, noun.end())  # "tech workers at the Times"
        if employer and not employer.tech and employer.name and tech_staff:
            group = replace(group, employer=employer.name, trust=_PRODUCT_TRUST, stated=True)
        return _Actor(
            start, noun.end(), "worker", group.phrase, group, employer_known=employer is not None
        )

    def _unplaced_employer(self, clean: str, end: int, linking: re.Pattern[str]) -> Mention | None:
        """The company the gazetteer does not know that "developers at" name: a company whose
        developers act is taken for a software or game maker."""
        link = linking.match(clean, end)
        found = link and unknown_company_at(clean, link.end(), self.gaz, app=linking is _ON_AN_APP)
        return Mention(found[0], link.end(), found[1], described=True) if found else None

    def _sole_employer(self, clean: str, mentions: list[Mention]) -> Mention | None:
        """The one tech company a sentence names, whose developers, annotators or couriers
        (at work) its bare noun names ("Zentrik, a Warsaw software house: in 2023,
        developers set up a union"); None where it names another company too."""
        named = [m for m in mentions if not m.product and not self._venue(clean, m)]
        if named and all(m.tech and m.name == named[0].name for m in named):
            return named[0]
        return None

    def _story_fallback(
        self, story_tech: Counter[str], story_outside: bool, tech_context: bool
    ) -> tuple[str | None, float]:
        primary = story_tech.most_common(1)[0][0] if story_tech else None
        if primary:
            return primary, 0.35 if story_outside else 0.7
        if story_outside:
            return _OUTSIDE_STORY
        return None, 0.6 if tech_context else 0.15

    def _named_outside_in_lead(self, phrase: str, seg: _Segment) -> bool:
        """Whether the headline or first sentence before ``seg`` told of workers of a trade
        outside tech by the noun ``phrase`` ends in ("Seoul taxi drivers rally against
        carpooling app"): the same people where a later sentence says just "drivers"."""
        head = phrase.split()[-1].lower()
        for lead in self.lead:
            if lead is seg:
                return False
            if head not in lead.clean.lower() or not self.lex.outside_modifier.search(lead.clean):
                continue  # the cheap test first: most leads name no such workers
            if any(
                a.group
                and a.group.employer is None
                and a.phrase.split()[-1].lower() == head
                and self.lex.outside_modifier.search(a.phrase)
                and not self.lex.tech_words.search(a.phrase)
                for a in self._actors(lead)
            ):
                return True
        return False

    def _settle_employer(self, actor: _Actor, seg: _Segment) -> _Actor:
        """Give a worker group of no stated employer the one its sentence or story suggests."""
        if actor.group is None or actor.employer_known:
            return actor
        tech = [m.name for m in seg.employers if not m.product]
        if not seg.outside and self._named_outside_in_lead(actor.group.phrase, seg):
            employer, trust = _OUTSIDE_STORY
        elif tech and not seg.outside:
            employer, trust = tech[0], 0.85
        elif tech:
            employer, trust = tech[0], 0.4
        elif (seg.outside or self.fallback == _OUTSIDE_STORY) and TECH_STAFF.search(seg.clean):
            employer, trust = None, _PRODUCT_TRUST  # "The Times Tech Guild" of a newspaper
        elif seg.outside:
            employer, trust = None, 0.05
        elif _works_anywhere(actor.phrase) and not _BACK_REFERENCE.search(
            seg.clean, max(0, actor.start - 10), actor.start
        ):
            employer, trust = None, 0.15  # "Scientists sign open letter": anyone's, no company's
        elif seg.tech_context:
            employer, trust = self.fallback[0], max(self.fallback[1], 0.7)
        else:
            employer, trust = self.fallback
        group = WorkerGroup(
            actor.group.phrase,
            actor.group.count,
            actor.group.plural,
            employer,
            min(trust, actor.group.trust),
            actor.group.words,
        )
        return _Actor(actor.start, actor.end, actor.kind, actor.phrase, group, employer_known=True)

    # ties between actions and actors

    def _deeds(self, segments: list[_Segment], index: int, told: list[Deed]) -> list[Deed]:
        """The deeds of segment ``index``; ``told`` are those of the segments before it."""
        seg = segments[index]
        deeds = []
        for kind, start, end in seg.cues:
            earlier = _referred_to(
                seg.clean, kind, start, told, _DEFINITE
            ) or self._owning_authority(seg, start)
            actor, tie = earlier or self._actor_of(segments, index, kind, start, end)
            if actor is None and (authority := self._authority(seg, start, end)):
                actor, tie = authority, 1.0
            if (
                actor is None
                and kind.name == "legal"
                and (plaintiffs := self._outside_class(seg, end))
            ):
                actor, tie = plaintiffs, 1.0
            if actor is None and (
                described := _referred_to(seg.clean, kind, start, told, _DESCRIBED_DEFINITE)
            ):
                actor, tie = described
            if actor and kind.name == "union" and _GRANTED.search(seg.clean, start, end):
                actor = self._union_granted(seg, actor)
            negated = bool(self.lex.negation.search(seg.clean, max(0, start - 40), start))
            deeds.append(
                Deed(
                    kind=kind.name,
                    phrase=seg.text[start:end],
                    strength=kind.strength,
                    actor=actor.kind if actor else "none",
                    actor_phrase=actor.phrase if actor else "",
                    group=actor.group if actor else None,
                    tie=tie,
                    weight=seg.weight,
                    lead=seg.lead,
                    negated=negated,
                )
            )
        return deeds

    def _actor_of(
        self, segments: list[_Segment], index: int, kind: ActionKind, start: int, end: int
    ) -> tuple[_Actor | None, float]:
        seg = segments[index]
        if person := _PERSON_OWNS.search(seg.clean, max(0, start - 40), start):
            begin, end = person.span("person")  # "Tim Bray's reasons for quitting"
            return _Actor(begin, end, "person", seg.text[begin:end]), 1.0
        if kind.self_tied:
            return self._implicit_group(seg, start, end), 1.0
        within = next(
            (
                a
                for a in self._actors(seg)
                if a.kind == "worker"
                and (start <= a.start < end or start < a.end <= end)
                and not self.lex.union.search(a.phrase)  # "joining a union"
            ),
            None,
        )
        if within is not None and not (start < within.start and self._object_of_verb(seg, within)):
            return within, 1.0  # "striking drivers", "a driver strike"; not "pushes staff to"
        if against := _against_company(seg, start):
            return against, 1.0
        agent = _AGENT_AFTER.match(seg.clean, end)
        if agent:
            by = (agent.group("marker") or "").lower() == "by"
            following = next((a for a in self._actors(seg) if a.start >= agent.end()), None)
            if following is not None and following.kind != "management":
                gap = seg.clean[agent.end() : following.start]
                if len(gap) <= 12 or (by and len(gap) <= 60 and not _CLAUSE_BREAK.search(gap)):
                    return following, 1.0  # "brought by more than 8,000 Australian taxi drivers"
            if by and (
                authority := _authority_of(
                    seg, self.lex.authority_agent.match(seg.clean, agent.end())
                )
            ):
                return authority, 1.0
            if by and (
                company := next(
                    (
                        m
                        for m in seg.mentions
                        if agent.end() <= m.start <= agent.end() + 4
                        and _COMPANY_AGENT_END.match(seg.clean, m.end)
                    ),
                    None,
                )
            ):  # "a lawsuit by DoorDash, Uber and Grubhub": the companies' own
                return _Actor(
                    company.start, company.end, "company", seg.text[company.start : company.end]
                ), 1.0
        if passive := self._passive_agent(seg, start):
            return passive, 1.0
        if kind.name in _COMPANY_ACTS and (company := self._company_subject(seg, start)):
            return company, 1.0
        owner = self._attributive_owner(seg, start)
        if owner is not None:
            return owner, 1.0
        actors = self._actors(seg)
        for i, a in reversed(list(enumerate(actors))):
            if a.end > start:
                continue
            if a.kind == "outsider" and (joined := self._joined_workers(seg, actors, i)):
                a = joined  # "delivery workers and their advocates gathered": the workers lead
            if a.kind == "management" and self.lex.object_preposition.search(
                seg.clean, max(0, a.start - 40), a.start
            ):
                continue
            own = a.kind == "management" and _OWN_COMPANY.match(seg.clean, a.end)
            if own and own.end() >= start:
                return self._implicit_group(seg, a.start, a.end), 1.0  # "the company's strike"
            if a.kind != "worker":
                return a, 1.0
            tie = 1.0 if start - a.end <= 120 else 0.8
            if self._object_of_verb(seg, a):
                boss = None if _WHO.match(seg.clean, a.end) else self._telling_manager(seg, a)
                if boss:
                    return boss, 1.0  # "the chief executive told staff in a letter"
                tie = 0.3 if _INFINITIVE.match(seg.clean, a.end, start + 1) else 0.5
            if _HYPOTHETICAL.search(seg.clean, max(0, a.start - 15, start - 45), start):
                tie *= 0.6
            return a, tie
        following = next(
            (a for a in self._actors(seg) if a.start >= end and not _addressed(seg, a)),
            None,
        )  # "In an open letter to the board, 47 of its 60 staff warned": the staff
        opener = _OPENER.fullmatch(seg.clean, 0, start) and not any(
            m.start < start for m in seg.mentions
        )
        if following is not None and opener and not self._object_of_verb(seg, following):
            return following, 0.8 if following.kind == "worker" else 1.0
        if _PRONOUN_SUBJECT.match(seg.clean) and (
            outsiders := self._outsiders_told(segments, index)
        ):
            return outsiders, 0.75  # "A passenger advocacy group said ... The group called on"
        earlier = (
            (a, j)
            for j in range(index - 1, -1, -1)
            for a in reversed(self._actors(segments[j]))
            if a.kind == "worker"
        )
        nearest, j = next(earlier, (None, index))
        if nearest is None:
            return None, 0.0
        if _PRONOUN_SUBJECT.match(seg.clean) and index - j <= 2:
            return nearest, 0.75
        if _DEFINITE_ACT.search(seg.clean):
            return nearest, 0.65
        return None, 0.0

    def _passive_agent(self, seg: _Segment, start: int) -> _Actor | None:
        """The workers a passive verb names as the agent of the act at ``start``, where no
        one is named before it ("A go-slow was carried out in 2024 by pickers"); a company or
        managers after "by" are a later clause's agent ("after pay was cut by managers")."""
        actors = self._actors(seg)
        if any(a.start < start for a in actors):
            return None
        passive = _PASSIVE_BY.match(seg.clean, start)
        if passive is None:
            return None
        following = next((a for a in actors if a.start >= passive.end()), None)
        if following and following.kind == "worker" and following.start - passive.end() <= 12:
            return following
        return None

    def _outsiders_told(self, segments: list[_Segment], index: int) -> _Actor | None:
        """The outsiders "they" or "the group" of segment ``index`` refer back to: the
        subject of the sentence before, when it is outsiders, not workers."""
        if index == 0:
            return None
        subject = next(
            (a for a in self._actors(segments[index - 1]) if a.kind in ("worker", "outsider")),
            None,
        )
        return subject if subject is not None and subject.kind == "outsider" else None

    def _joined_workers(self, seg: _Segment, actors: list[_Actor], i: int) -> _Actor | None:
        """The worker group that outsiders ``actors[i]`` are joined to ("workers and their
        advocates", "drivers and local activists")."""
        if i == 0 or actors[i - 1].kind != "worker":
            return None
        workers = actors[i - 1]
        return workers if _JOINED.fullmatch(seg.clean, workers.end, actors[i].start) else None

    def _telling_manager(self, seg: _Segment, told: _Actor) -> _Actor | None:
        """The manager who is the subject of the verb whose object is the worker group
        ``told`` ("Zuckerberg, the chief executive, told staff"): the nearest actor before
        the group, if it is management."""
        before = [a for a in self._actors(seg) if a.end <= told.start]
        return before[-1] if before and before[-1].kind == "management" else None

    def _authority(self, seg: _Segment, start: int, end: int) -> _Actor | None:
        """The authority acting in the sentence ("the ministry ordered the platform to accept
        collective bargaining", "Glovo was fined over its contracts") or named just before
        the act ("the cybersecurity agency urged vendors", "la norma exige") or just after
        it ("the lawsuit the state filed"): an act there tied to no one else is told of as
        the authority's doing, not as unknown people's."""
        found = self.lex.authority_acting(seg.clean)
        if found is None or found[0] > start:
            before = self.lex.authority_before.search(seg.clean, max(0, start - 60), start)
            after = self.lex.authority_after.match(seg.clean, end)
            return _authority_of(seg, before) or _authority_of(seg, after)
        return _Actor(*found, "outsider", seg.text[found[0] : found[1]])

    def _outside_class(self, seg: _Segment, end: int) -> _Actor | None:
        """The outsiders a lawsuit told of by no one is brought for, named after it in a
        sentence that names no workers ("a class action alleging Siri recorded users"): a
        suit of users, customers or parents, not of staff."""
        actors = self._actors(seg)
        if any(a.kind == "worker" for a in actors):
            return None
        return next((a for a in actors if a.start >= end and a.kind == "outsider"), None)

    def _owning_authority(self, seg: _Segment, start: int) -> tuple[_Actor, float] | None:
        """The authority named as the act's attribute ("an AG settlement", "the FTC
        lawsuit"): its act, whoever else the sentence names."""
        near = self.lex.authority_attributive.search(seg.clean, max(0, start - 50), start)
        actor = _authority_of(seg, near)
        return (actor, 1.0) if actor else None

    def _object_of_verb(self, seg: _Segment, actor: _Actor) -> bool:
        """Whether ``actor`` is the object of a verb ("misclassifying drivers", "told staff")."""
        return bool(self.lex.object_verb.search(seg.clean, max(0, actor.start - 40), actor.start))

    def _company_subject(self, seg: _Segment, start: int) -> _Actor | None:
        """The company that is the subject of the act at ``start`` ("Lyft settles the
        lawsuit", "Tesla has sued two engineers", "IBM opposed"): its own act, not its
        workers'."""
        for m in reversed(seg.mentions):
            if (
                m.end <= start
                and _COMPANY_SUBJECT.fullmatch(seg.clean, m.end, start)
                and not _FORMER.search(seg.clean, max(0, m.start - 8), m.start)
                and not self._names_workers_employer(seg, m, start)
                and not self._told_after_workers(seg, m)
            ):
                return _Actor(m.start, m.end, "company", seg.text[m.start : m.end])
        if noun := _COMPANY_NOUN_SUBJECT.search(seg.clean, max(0, start - 60), start):
            begin, end = noun.span("noun")
            return _Actor(begin, end, "company", seg.text[begin:end])
        return None

    def _told_after_workers(self, seg: _Segment, mention: Mention) -> bool:
        """Whether ``mention`` is told in words following a worker group, not as the subject
        of the act after it: at the end of an aside set off by commas ("reviewers at Lumo
        Outsourcing, working on a contract for the app Streamly, signed") or as the object
        of a preposition ("moderators employed by Brightdesk to review videos for the
        platform Clipso lodged"); the workers act, not the company."""
        clean = seg.clean
        if clean.startswith(",", mention.end):
            before = clean.rfind(",", 0, mention.start)
        elif _PREPOSITION_OBJECT.search(clean, max(0, mention.start - 40), mention.start):
            before = mention.start
        else:
            return False
        return before >= 0 and any(
            a.kind == "worker" and a.end <= before for a in self._actors(seg)
        )

    def _names_workers_employer(self, seg: _Segment, mention: Mention, act: int) -> bool:
        """Whether ``mention`` names the employer of a worker group told before the act at
        ``act`` ("former employees of SpaceX sued the company", "Tesla employees sued": the
        employees sue, not the company), or is listed after one that does ("employees of
        Google and Amazon have urged")."""
        before = [m for m in seg.mentions if m.end <= mention.start]
        if before and _LISTED.fullmatch(seg.clean, before[-1].end, mention.start):
            return self._names_workers_employer(seg, before[-1], act)
        return any(
            a.kind == "worker"
            and (
                a.start <= mention.start < a.end <= act
                or (a.end <= mention.start and self._employer_link(seg.clean, a.end, mention))
            )
            for a in self._actors(seg)
        )

    def _union_granted(self, seg: _Segment, actor: _Actor) -> _Actor:
        """The workers whose union a company or its management recognises or signs a
        contract with ("management at Ridgeline Studios voluntarily recognised a union",
        "Microsoft reached a tentative first contract"): the news is their union's win, not
        the company's own act; anyone else stays the actor."""
        if actor.kind == "management":
            return self._implicit_group(seg, actor.start, actor.end)
        if actor.kind == "company":
            named = next((m for m in seg.mentions if m.start == actor.start and m.tech), None)
            if named:
                return self._implicit_group(seg, actor.start, actor.end, employer=named.name)
        return actor

    def _attributive_owner(self, seg: _Segment, start: int) -> _Actor | None:
        """The workers behind "Google walkout" or "Amazon's strike": the company's own."""
        if not _ATTRIBUTIVE_NOUN.match(seg.clean, start):
            return None
        for m in seg.mentions:
            if m.tech and _ATTRIBUTIVE_LINK.fullmatch(seg.clean, m.end, start):
                return self._implicit_group(seg, m.start, start, employer=m.name)
        return None

    def _implicit_group(
        self, seg: _Segment, start: int, end: int, employer: str | None = None
    ) -> _Actor:
        tech = [employer] if employer else [m.name for m in seg.employers]
        phrase = seg.text[start:end].rstrip()
        return _Actor(
            start,
            end,
            "worker",
            phrase,
            WorkerGroup(
                phrase=phrase,
                count=None,
                plural=True,
                employer=tech[0] if tech else None,
                trust=0.85 if tech and not seg.outside else 0.5,
                words=seg.clean[start:end],
                stated=employer is not None,
            ),
        )

    # vocabulary

    def _struggles(self, full: str, words: TextWords, issues: tuple[str, ...]) -> tuple[str, ...]:
        found = []
        for name, (tags, pattern) in self.lex.struggles.items():
            if any(t in issues for t in tags) or pattern.search(full, words):
                found.append(name)
        return tuple(found)

    def _candidates(
        self, segments: list[_Segment], headline: bool, by_segment: list[list[Deed]]
    ) -> list[Candidate]:
        acting: dict[str, float] = {}
        stated: set[str] = set()
        deeds = [deed for seg_deeds in by_segment for deed in seg_deeds]
        # with no act surely tech workers', the employers of the likeliest ones
        acts = [d for d in deeds if d.value > ACTING] or [
            d for d in deeds if d.actor == "worker" and not d.negated
        ]
        for deed in sorted(acts, key=lambda d: -d.value):
            if deed.group and deed.group.employer:
                acting.setdefault(deed.group.employer, deed.value)
                if deed.group.trust >= 1.0 and not OUTSOURCED_WORKERS.search(deed.group.phrase):
                    stated.add(deed.group.employer)
        # a company known only from the story's description is a candidate where its
        # workers act, else the ranker weighs the gazetteer's names alone
        told = [
            ToldSentence(
                seg.clean,
                headline and i == 0,
                any(d.actor == "worker" and not d.negated for d in seg_deeds),
                tuple(m for m in seg.mentions if not m.described or m.name in acting),
                frozenset(m.name for m in seg.employers if not m.described or m.name in acting),
                seg.name_patterns,
            )
            for i, (seg, seg_deeds) in enumerate(zip(segments, by_segment, strict=True))
        ]
        return candidates(told, acting, frozenset(stated), self.gaz)


def _names_pattern(names: Iterable[str]) -> re.Pattern[str] | None:
    """Any of ``names`` as whole words, the longest first; None for no names."""
    names = list(names)
    return re.compile(rf"(?<!\w)(?:{trie_pattern(names)})(?!\w)") if names else None


def _with_described(
    clean: str, mentions: list[Mention], names: re.Pattern[str], *, tech: bool
) -> list[Mention]:
    """``mentions`` and the sentence's names of ``names`` outside them, in text order."""
    found = [
        Mention(m.group(), m.start(), m.end(), tech=tech, described=True)
        for m in names.finditer(clean)
        if not any(n.start < m.end() and m.start() < n.end for n in mentions)
    ]
    return sorted(mentions + found, key=lambda m: m.start) if found else mentions


def _reported_issues(segments: list[_Segment], told: list[list[Deed]]) -> tuple[str, ...]:
    """The issues of the sentences that report this story's action: the headline, the lead
    and the other sentences telling of an act by tech workers, unless they recall an
    earlier campaign ("follows an earlier protest over ..."), which lends the story none."""
    reporting = [
        seg.text
        for seg, seg_deeds in zip(segments, told, strict=True)
        if seg.lead or (_continues_the_act(seg, seg_deeds) and not _RECALLED.search(seg.text))
    ]
    return issue_tags("\n".join(reporting)) if reporting else ()


def _continues_the_act(seg: _Segment, deeds: list[Deed]) -> bool:
    """Whether a sentence after the lead tells more of the workers' act: its own deed by
    workers, or "the letter", "their demands", "organisers" referring back to it."""
    return (
        any(d.actor == "worker" and not d.negated for d in deeds)
        or bool(_DEFINITE_ACT.search(seg.clean) or _THEIR_DEMANDS.search(seg.clean))
        or bool(_PRONOUN_SUBJECT.match(seg.clean))
    )


_ANTI = re.compile(r"\banti-$", re.IGNORECASE)
_NAME_TO_ACT = re.compile(r"\s*(?:\w+\s+)?")


def _against_company(seg: _Segment, start: int) -> _Actor | None:
    """The people behind "anti-Uber protests" or "anti-Amazon rallies": outsiders acting
    against the company, not its workers."""
    for m in seg.mentions:
        if m.end > start or not _NAME_TO_ACT.fullmatch(seg.clean, m.end, start):
            continue
        if anti := _ANTI.search(seg.clean, max(0, m.start - len("anti-")), m.start):
            return _Actor(anti.start(), m.end, "outsider", seg.text[anti.start() : m.end])
    return None


_DEFINITE = re.compile(r"\b(?:the|this|that|its)\s+(?:open\s+)?$", re.IGNORECASE)
_DESCRIBED_DEFINITE = re.compile(
    r"\b(?:the|this|that|its|their)\s+(?:[\w-]+\s+){1,3}$", re.IGNORECASE
)
"""Before an act no one else is tied to: a described reference back to one told before ("the
fifth-largest class action settlement", "the two-day strike")."""


def _possessor(clean: str, noun: re.Match[str], mentions: list[Mention]) -> Mention | None:
    """The tech company a sentence names before "its developers", "its riders" (of a
    delivery app: a ride-hailing app's riders are its passengers): theirs."""
    if not _POSSESSIVE.search(clean, max(0, noun.start() - 30), noun.start()):
        return None
    if noun.group().lower().startswith("rider") and not _DELIVERY.search(clean):
        return None
    before = [m for m in mentions if m.end <= noun.start() and m.tech and not m.product]
    return before[-1] if before else None


def _may_be_tech_workers(actor: _Actor) -> bool:
    """Whether ``actor`` is workers the reader did not place outside tech (not the "federal
    workforce" a protest is about), more than one ("Palworld developer Pocketpair" is a
    studio)."""
    return (
        actor.kind == "worker"
        and actor.group is not None
        and actor.group.trust > 0.0
        and actor.group.plural
    )


def _others_all(told: list[Deed], deeds: list[Deed]) -> list[Deed]:
    """``told``, of a story whose ``deeds`` name no workers but those placed outside tech:
    where outsiders act, the acts tied to no one are theirs too ("protesters gathered outside
    the showrooms ... Organizers urged people to sell their cars"); where a company sues, the
    suits tied to no one are its own ("Nintendo sues ... The suit seeks damages"), not
    unknown staff's."""
    outsider = next((d for d in deeds if d.actor == "outsider"), None)
    suer = next((d for d in deeds if d.actor == "company" and d.kind == "legal"), None)
    return [
        replace(d, actor="outsider", actor_phrase=outsider.actor_phrase, tie=_OTHERS_TIE)
        if outsider and d.actor == "none"
        else replace(d, actor="company", actor_phrase=suer.actor_phrase, tie=_OTHERS_TIE)
        if suer and d.actor == "none" and d.kind == "legal"
        else d
        for d in told
    ]


def _authority_of(seg: _Segment, found: re.Match[str] | None) -> _Actor | None:
    """The authority ``found`` names (its ``authority`` group) as the outsider acting, unless
    it is the union's or the company's own ("union officials")."""
    if found is None or (
        _SHARED_AUTHORITY.match(found.group("authority"))
        and _NOT_AUTHORITY.search(seg.clean, 0, found.start("authority"))
    ):
        return None
    begin, end = found.span("authority")
    return _Actor(begin, end, "outsider", seg.text[begin:end])


def _referred_to(
    clean: str, kind: ActionKind, start: int, told: list[Deed], definite: re.Pattern[str]
) -> tuple[_Actor, float] | None:
    """Who took the act that "the letter" at ``start`` refers back to: the last one of its
    kind told before with someone behind it (the chief executive's letter, not workers')."""
    if not definite.search(clean, max(0, start - 40), start):
        return None
    for deed in reversed(told):
        if deed.kind == kind.name and deed.actor != "none":
            actor = _Actor(start, start, deed.actor, deed.actor_phrase, deed.group)
            return actor, deed.tie
    return None


def read_story(title: str, text: str) -> Reading:
    """The reading of one story, for ``judge_story`` and ``tags_of`` to share."""
    return _Reader(lexicon(), default_gazetteer(), default_ranker()).read(title, text)


def issue_tags(text: str, words: TextWords | None = None) -> tuple[str, ...]:
    """The issues at stake that ``text`` names, in the archive's tag vocabulary.

    ``words`` are ``text``'s, when the caller has them already."""
    words = words or TextWords.of(text)
    return tuple(tag for tag, pattern in lexicon().tags.items() if pattern.search(text, words))

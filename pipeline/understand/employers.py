"""The acting employer: every company a story could name as the workers' employer, ranked.

Candidates come from the gazetteer and from name patterns around worker nouns, so employers
it does not list count too ("workers at Vodeo Games", "the Neople union", "Glitch
employees", "indie studio Tender Claws"). Each candidate is described by a few features
(where it is named, by which pattern, whether the gazetteer knows it, whether the gazetteer
or the story makes it another candidate's owner or subsidiary, whether the reading tied an
action to its workers) and scored by a linear ranker whose weights live in
``data/employer_ranker.json``; ``bench/employer_ranker.py`` trains them on labelled stories
with cross-validation grouped by event and prints the figures.
"""

from __future__ import annotations

import functools
import json
import math
import re
from collections.abc import Container, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from importlib import resources
from typing import Any, NamedTuple

import numpy as np

from pipeline.understand.gazetteer import Gazetteer, Mention
from pipeline.understand.wordgate import LiteralGate

_UPPER = "A-ZÀ-ÖØ-Þ"  # capitals of English and the other Latin-script languages ("Ödeal")
_CAP = (
    rf"(?:[{_UPPER}][\w&+]*(?:(?:[.-]|['’](?!s\b))[\w&+]+)*\.?|[a-z][{_UPPER}][\w&+]*|"
    rf"[0-9]+[{_UPPER}][\w&+]*)"
)
_NOT_NAME_WORD = (
    r"(?!(?:Workers?|Employees?|Staff|Union|United|Guild|Labou?r|Alliance|Local|Moderators?|"
    r"Drivers?|Riders?|Couriers?|Developers?|Engineers?|Contractors?)\b)"
)
_NAME_WORDS = (  # never glued to a word or a ticker's dot ("005930.KS")
    rf"(?<![\w.]){_NOT_NAME_WORD}{_CAP}(?:[ ](?:(?:of|&|de|del|du|la)[ ])?{_NOT_NAME_WORD}{_CAP})"
)
_NAME = _NAME_WORDS + "{0,3}"
_FEWEST_NAME = _NAME_WORDS + "{0,3}?"  # as few words as what follows lets it
_TECH_WORD = r"(?:Tech(?:nology)?\s+)"  # of a union or workers' name, not the employer's
_OUTSOURCED = (
    r"(?:sub)?contractors?|moderators?|raters?|annotators?|labell?ers|contract workers|vendors?|"
    r"temps"
)
OUTSOURCED_WORKERS = re.compile(rf"\b(?:{_OUTSOURCED})\b", re.IGNORECASE)
"""Workers a client company is often named with ("Google contractors") though another
company employs them."""
_WORKERS = (
    r"(?i:employees?|workers?|staff(?:ers)?|engineers?|developers?|devs|"
    r"drivers?(?!['’]s? licen)|riders?|couriers?|testers?|writers?|artists?|"
    r"beauticians?|pickers?|packers|assemblers|sorters|programmers?|coders?|designers?|"
    r"associates?|shoppers?|cleaners|linguists|translators|interns|"
    r"(?:AI|chatbot|model|data) trainers|"
    r"(?:machine|production|line|assembly|factory|cleanroom|fab) operators|"
    r"(?:support|(?:call|contact)[- ]cent(?:re|er)|customer service|helpline|BPO|"
    r"(?:night[- ])?shift) agents|technicians?|researchers|"
    r"(?:labou?r |trade |workers['’]? )?unions?|guild|union members|organi[sz]ers)"
)
_UNION_SUFFIX = (
    r"(?:Workers?|Employees?|Labou?r|Staff|Developers?|Game Workers?)?\s*"
    r"(?:Union|United|Guild|Alliance)"
)
_LOWER = r"(?:[a-z][\w'’-]*\s+)"
_BASED = rf"(?:{_CAP}\s+)*{_CAP}-based\s+"
_SECTOR_TECH = r"(?:fin|ed|insur|prop|legal-?|reg|ad|health|agri|HR-?)tech"
"""One word for a tech company of a trade ("a Nairobi fintech", "a legal-tech startup")."""
_COMPANY_NOUN = (
    r"(?:start-?up|company|studio|developer|publisher|platform|app|firm|provider|maker|"
    r"operator|service|giant|unicorn|subsidiary|vendor|outsourcer|outsourcing firm|"
    r"contractor|agency|retailer|marketplace|lab|chain|business|portal|site|network|bank|"
    rf"e-?tailer|chipmaker|{_SECTOR_TECH})"
)

_WORKPLACE = (
    r"(?i:store|shop|office|plant|warehouse|factory|hub|depot|facility|site|campus|"
    r"(?:fulfil{1,2}ment|distribution|call|contact|data|sorting)\s+cent(?:re|er))s?"
)
"""A place where a company's staff work ("store", "fulfilment centre")."""
WORKPLACE_OF = rf"{_WORKPLACE}\s+(?i:of|(?:run|operated|owned)\s+by)\s+"
"""A workplace and the words before the company it is of ("fulfilment centre of", "call
centre run by")."""
# what may stand between "workers at" and the name: "Los Angeles-based indie studio",
# "Beast Breaker developer", "the Korean web portal", "its subsidiary,", "the Hanoi plant of"
_DESCRIBED = (
    rf"(?:{_BASED})?{_LOWER}{{0,4}}?(?:{_NAME}\s+{_LOWER}?{_COMPANY_NOUN}\s+|{_COMPANY_NOUN},\s+|"
    rf"(?:{_NAME}\s+)?{_LOWER}{{0,2}}?{WORKPLACE_OF}(?:the\s+)?{_LOWER}{{0,3}}?)?"
)

APP_AFTER_NAME = (
    r"(?:(?!line|station|train|rail\w*|metro|subway|tube|bus|oil|gas|drilling)[\w-]+\s+){0,2}?"
    r"(?:app|platform)\b"
)
"""What follows the name of an app that hands out work ("Kwenda ride-hailing app"), not
of a station ("the Elizabeth line platform")."""
ON_APP = (
    r"\s+(?:(?:(?i:booked|hired|working|engaged|contracted)\s+)?(?:on|through|via)|using)\s+"
    r"(?:the\s+)?"
)
"""Between workers and the app named right after that hands them their work ("drivers on
the", "cleaners booked through the", "drivers using the")."""

_PATTERNS: dict[str, re.Pattern[str]] = {
    # "workers at Glitch", "employees of software startup Glitch", "working for Sama"
    "workers_at": re.compile(
        rf"\b(?:(?:{_WORKERS}|(?i:{_OUTSOURCED})|working|employed)\s+(?:at|of|for|with|by)|"
        r"(?i:worked\s+(?:at|for)|(?:who|they|we)\s+works?\s+(?:at|for)|working\s+on|"
        r"(?:contracted|hired|employed|engaged)\s+through))\s+"
        r"(?:the\s+)?"
        rf"{_DESCRIBED}(?P<name>{_NAME})|"
        # "drivers on the Kwenda ride-hailing app", "cleaners booked through the HomeHive app"
        rf"\b{_WORKERS}{ON_APP}(?P<named>{_NAME})(?=\s+{APP_AFTER_NAME})"
    ),
    # "Glitch employees", "NCSOFT's labor union", "Google Fiber customer service workers"
    "name_workers": re.compile(
        rf"(?P<name>{_FEWEST_NAME})(?:['’]s?)?\s+{_TECH_WORD}?{_LOWER}{{0,2}}?{_WORKERS}\b"
        r"(?!\s+[A-Z])"
    ),
    # "Bolt has told reporters that some of its drivers", "Acme will pay its own workers"
    "own_workers": re.compile(
        rf"(?P<name>{_NAME})\s+(?:has|had|is|was|will|would|said|says|told|asked)\s+"
        rf"(?:[\w'’%-]+\s+){{0,8}}?its\s+(?:own\s+)?{_LOWER}{{0,2}}?{_WORKERS}\b"
    ),
    # "Uber" of "Uber and Lyft drivers", "Ola, Uber drivers": every name of the list but the
    # last, which "name_workers" finds
    "listed_workers": re.compile(
        rf"(?P<name>{_NAME})(?=(?:,\s+|\s+(?:and|&|or)\s+)(?:{_NAME}(?:,\s+(?:and\s+)?|"
        rf"\s+(?:and|&|or)\s+))*{_NAME}(?:['’]s?)?\s+{_LOWER}{{0,2}}?(?=[a-z]){_WORKERS}\b"
        r"(?!\s+[A-Z]))"
    ),
    # "Google contractors", "Facebook's content moderators": the client, seldom the employer
    "client": re.compile(
        rf"(?P<name>{_NAME})(?:['’]s?)?\s+(?:(?:content|contract|outsourced|AI|[a-z]+-language)\s+)?"
        rf"(?i:{_OUTSOURCED})\b"
    ),
    # "a Google contractor called Appen", "their employer, Sama", "staffing agency BDS"
    "vendor": re.compile(
        r"(?i:(?:sub)?contractors?|outsourc\w+ (?:firm|company|provider|partner)s?|vendors?|"
        r"staffing (?:agency|firm|company)|contract(?:ing)? (?:company|firm)|employers?|"
        rf"employed by|work(?:s|ed|ing)? for)\s*,?\s+(?:(?:called|named|the)\s+)?(?P<name>{_NAME})"
    ),
    # "a wildcat strike at Gorillas", "a sit-in outside the office of Sama", "Grab's offices"
    "action_at": re.compile(
        r"(?i:strikes?|walk-?outs?|protest(?:s|ing|ed)?|sit-ins?|rall(?:y|ies|ied)|picket\w*|"
        r"offices?|headquarters|campus|warehouses?|unioni[sz]\w*|rebellion|revolt|formed|"
        r"created|founded|established|launched)\s+"
        rf"(?:at|against|of|outside|in front of)\s+(?:the\s+)?{_DESCRIBED}(?P<name>{_NAME})|"
        rf"(?P<named>{_NAME})(?=(?:['’]s)?\s+(?:headquarters|offices?)\b)"
    ),
    # "the Medium Workers Union", "Bandcamp United", "Vodeo Workers United", "The Times Tech
    # Guild" (of the newspaper's tech workers)
    "union_name": re.compile(rf"(?P<name>{_FEWEST_NAME})\s+{_TECH_WORD}?{_UNION_SUFFIX}\b"),
    # "location data startup Mapbox", "Glitch, the software company"
    "company_noun": re.compile(
        rf"\b{_COMPANY_NOUN}\s+(?P<name>{_NAME})|"
        rf"(?P<named>{_NAME}),\s+(?:an?|the|{_CAP}['’]s)\s+{_LOWER}{{0,5}}?{_COMPANY_NOUN}\b"
    ),
}

_TECH_KIND = (
    r"(?:[a-z]+-)?"  # "payroll-software maker", "cloud-hosting firm"
    r"(?:(?:video[ -]?)?games?|software|tech(?:nology)?|AI|data|ride-?hailing|e-?commerce|"
    rf"{_SECTOR_TECH}|cloud|internet|cybersecurity|chip(?:[- ](?:equipment|making|testing))?|"
    r"IT(?: services| outsourcing)?|"
    r"semiconductors?|analytics|messaging|streaming|SaaS|web|apps?|"
    r"outsourcing|data[- ]label(?:l)?ing|(?:data[- ])?annotation|(?:AI[- ])?training[- ]data|"
    r"robotics|drones?|(?:warehouse\s+)?automation|q(?:uick)?-?commerce|mapping|hosting|"
    r"payments?|social[- ]media|online|devices?|electronics|hardware|smartphones?|phones?|"
    r"laptops?|headphones?|routers?|circuit[- ]boards?|displays?|telecoms?|"
    r"telecommunications|broadband|networks?)"
)
_TECH_GOODS = (
    r"(?:smartphones|phones|handsets|tablets|laptops|computers|chips|semiconductors|wafers|"
    r"circuit boards|routers|displays|servers|consoles|electronics|headphones|games|apps|"
    r"software|(?:phone|electronic|computer) (?:components|parts))"
)
"""What a tech company makes, supplies or works on ("a maker of routers", "X, which checks
games for ...")."""
_TECH_FIRM = (
    rf"(?P<firm>{_TECH_KIND}(?:,?\s+and\s+{_TECH_KIND})?\s+(?:company|firm|maker|giant|"
    r"publisher|developer|start-?up|platform|app|lab|service|outsourcer|contractor|provider|"
    r"vendor|exporter|house|consultancy|agency|supplier|retailer|marketplace|shop|store|"
    r"grocer|factory|operator|installer|assembler|brand|host|"
    r"group(?<!online group)(?<!media group)|"  # not a forum of people
    r"(?:contract\s+)?manufacturer)|"
    r"(?:contract\s+)?(?:manufacturer|maker|assembler|supplier)\s+of\s+(?:[\w-]+\s+){0,2}?"
    rf"{_TECH_GOODS}|"
    r"(?:plant|factory|facility|workshop)\s+(?:producing|making|assembling|building)\s+"
    rf"(?:[\w-]+\s+){{0,2}}?{_TECH_GOODS}|"
    r"(?:(?:food|grocery|meal)[\s-])?delivery\s+(?:app|platform|start-?up)|"
    r"online\s+[a-z]+\s+(?:retailer|store|shop|marketplace|grocer)|"
    r"gaming\s+(?:studio|developer|publisher|start-?up|app|platform)|"
    rf"(?:indie\s+|game\s+)?studio|start-?up|app|platform|marketplace|e-?tailer|"
    rf"{_SECTOR_TECH}|chipmaker)"
)
"""Words calling a company a tech company; not a parcel "delivery company" nor a casinos'
"gaming company"."""
_OUTSIDE_FIRM = (
    r"(?P<firm>(?:parcel|postal|logistics|courier|freight|trucking|haulage|taxi|cab)\s+"
    r"(?:delivery\s+)?(?:company|firm|operator|service|group|giant|business|carrier)|"
    r"(?:film|movie|television|TV|animation|visual[- ]effects|VFX)\s+(?:studio|company)|"
    r"(?:casino|betting|gambling)\s+(?:company|firm|operator|giant|group))"
)
"""Words calling a company one outside tech, whose drivers or crews the words beside them
could otherwise pass for a platform's or a studio's ("Parcelwise, a parcel delivery
company")."""
_FIRM_NOUN = re.compile(
    r"(?:co(?:mpany|ntractor|nsultancy)|firm|maker|giant|p(?:ublisher|latform|rovider)|"
    r"developer|s(?:t(?:art(?:up|-up)|udio)|ervice|upplier)|app|lab|outsourcer|operator|group|"
    r"manufacturer|"
    r"business|carrier|vendor|exporter|house|agency|tech|retailer|marketplace|shop|store|"
    r"grocer|e-?tailer|brand|host|assembler)"
    rf"\s+(?={_CAP})"
)
"""The last word of a description before a name (of ``_TECH_FIRM`` or ``_OUTSIDE_FIRM``),
found first: the cheaper search, factored by hand, as one alternation of
``_COMPANY_NOUN``'s words costs a benchmark page 0.15 ms more."""
_NOT_DESCRIBING = r"(?!(?:of|to|for|with|by|from|in|at|on|and|or|than|like)\b)"
"""Between "a" and a describing noun, no preposition ("a French studio", not "a rival of
the delivery app Deliveroo")."""


class _Description(NamedTuple):
    before: re.Pattern[str]  # "the indie studio Lantern Forge"
    after: re.Pattern[str]  # "Eugen Systems, a French video game studio"


def _description(firm: str) -> _Description:
    return _Description(
        re.compile(rf"\b{firm}\s+$"),
        re.compile(rf",\s+(?:an?|the)\s+(?:{_NOT_DESCRIBING}[\w-]+\s+){{0,3}}?{firm}\b"),
    )


_TECH_DESCRIPTION = _description(_TECH_FIRM)
_SERVES_TECH = re.compile(
    r"(?:\s+in\s+[A-Z][\w-]+(?:\s+[A-Z][\w-]+)?)?,\s+"
    r"(?=(?:an?|the|which|that|who|working|handling|answering)\s)"
    r"(?:(?:an?|the)\s+(?:[\w'’-]+\s+){0,3}?(?:supplier|contractor|subcontractor|vendor|"
    r"outsourcer|BPO|(?:call|contact)[- ]cent(?:re|er))\s+)?"
    r"(?:(?:which|that|who)\s+(?:[\w'’-]+\s+){1,5}?|"
    r"(?:working|handling|answering)\s+(?:[\w'’-]+\s+){0,4}?)?"
    r"(?<=\s)(?:for|to)\s+(?:[\w'’-]+\s+){0,4}?"
    rf"(?:{_TECH_KIND}[\s-]+(?:compan(?:y|ies)|firms?|platforms?|operators?|brands?|giants?|"
    r"publishers?|makers?|apps?|clients?|developers?|services?)|chipmakers?|platforms?|apps?|"
    r"(?:e-?commerce\s+)?marketplaces?)\b|"
    r",\s+(?:which|that)\s+(?:checks|tests|develops|builds|localises|localizes|moderates|"
    rf"labels|annotates|assembles|supplies)\s+(?:[\w'’-]+\s+){{0,2}}?{_TECH_GOODS}\b"
)
"""Words after a name telling that the company works for tech companies or makes their goods
("Medina Connect, which handles customer calls for a French telecom operator", "Kyushu Wafer
Works, a supplier to chipmakers", "X, a Recife call centre that handles queries for an
e-commerce marketplace", "X in Manila, who answer queries for a ride-hailing app", "X in
Hyderabad, working on a contract for a video app", "QA Siam, which checks games for ..."):
its workers are vendors' staff, as tech workers."""
_OUTSIDE_DESCRIPTION = _description(_OUTSIDE_FIRM)
_HEADER = re.compile(rf"(?P<name>{_NAME}),\s+{_CAP}(?:\s+{_CAP})?\s*:\s")
"""A sentence headed by a company and its place, as listings of actions head their entries
("Tanga Moto, Kampala: in 2022, riders working through the app held a rally")."""
_OWNS_STAFF = re.compile(
    rf"(?P<name>{_NAME})['’]s\s+(?:[\d,]+\s+)?(?:{_WORKERS}|chief executive|CEO|founders?|"
    r"management|board|offices?|headquarters)\b"
)
"""A name whose staff, chief or office a sentence tells of ("47 of Verisent's 60 staff",
"Tallyforge's chief executive")."""
_NAMED_TECH_WORKPLACE = re.compile(
    rf"\b(?:an?|the)\s+(?P<name>{_NAME})\s+{_TECH_KIND}\s+{_WORKPLACE}\b"
)
"""A tech workplace named by its company's name ("a ParcelPath e-commerce fulfilment
centre")."""
_OF_NAME = re.compile(r"\b(?:of|(?:run|operated|owned)\s+by)\s+(?:the\s+)?(?=[A-Z])")
_TECH_WORKPLACE_OF = re.compile(rf"\b{_TECH_KIND}\s+{WORKPLACE_OF}(?:the\s+)?$")
"""A tech workplace "of" or "run by" a company ("an e-commerce warehouse run by Bazarly"),
looked for only before an "of" or "by" and a capital (``_OF_NAME``): the cheaper search, as
one pattern starting with ``_TECH_KIND`` costs a benchmark page 0.2 ms more."""
WORKPLACE_GATE = LiteralGate([_NAMED_TECH_WORKPLACE, _TECH_WORKPLACE_OF])
"""Which sentences could name a tech workplace by its company (see ``wordgate``)."""
_TECH_BACK_REFERENCE = re.compile(rf"\b(?:the|its)\s+(?:[\w-]+\s+){{0,3}}?{_TECH_FIRM}\b")
"""Words a story refers back to a tech company by ("the app", "the cloud hosting company")."""
_TECH_SUFFIX = re.compile(  # "Quarrylight Games", "Pinecone Studios", "Aubrac Labs"
    r"[ ](?:Games|Interactive|Software|Technologies|Infotech|Infosystems|Robotics|Labs|"
    r"Analytics|Systems|Microsystems|"
    r"Semiconductors?|Electronics|Devices|Circuits|Computing|Networks|Cloud|Telecoms?|Telekom|"
    r"Commerce|Broadband|Mobile|(?P<firm>Studios?))\b"
)
"""The last word of a tech company's name (not "AI": "Contract AI raters" names no firm)."""
_GENERIC_BEFORE = re.compile(r"Game|Video|Indie|Mobile|Independent")
"""The one word before a studio word in a title-case headline ("Game Studio Blizzard"): a
description, no name."""
_GAMES = re.compile(r"\b(?:video ?games?|games?|gaming|devs?|developers?)\b", re.IGNORECASE)
"""A story of games or their developers, where a bare "studio" is a game studio (not a film
studio)."""
_NAME_AT = re.compile(_NAME)
_NAME_ENDING = re.compile(rf"{_NAME}$")
_CAMPAIGN = r"(?:campaign|initiative|movement|petition|coalition|project)"


_NOT_COMPANY = re.compile(  # institutions, whose developers are no software maker's
    r"\b(?:University|College|School|Institute|Hospital|Council|Ministry|Department|Agency|"
    r"Bank|Museum|Foundation|Government|City|County|State|Industry|Chamber)\b"
)


_OUTSIDE_NAME = re.compile(  # "Jadeport Logistics", "Harbour Foods": no software maker
    r"\b(?:Logistics|Freight|Shipping|Transport|Couriers?|Taxis?|Cabs|Motors?|Airlines?|"
    r"Airways|Bank|Insurance|Hotels?|Hospitality|Restaurants?|Foods?|Farms?|Dairy|Bakery|"
    r"Brewery|Steel|Energy|Mining|Construction|Pharma\w*|Health(?:care)?|Medical|Clinic|"
    r"Textiles|Apparel|Manufacturing|Chemicals|Supermarkets?|Retail|Railways?)$"
)
_NOUN_AFTER = re.compile(rf"\s+{_COMPANY_NOUN}\b")
"""After a word describing a company ("a Leamington studio"): the word is no name."""


def unknown_company_at(
    text: str, start: int, gazetteer: Gazetteer, *, app: bool = False
) -> tuple[str, int] | None:
    """The name of a company the gazetteer does not know that ``text`` names at ``start``,
    and where the name ends; None for no name, a place, a known name, an institution
    ("University of Toronto") or a word describing a company ("Leamington studio"), unless
    ``app`` says the name is an app's ("the Taskora platform")."""
    m = _NAME_AT.match(text, start)
    if (
        not m
        or _NOT_COMPANY.search(m.group())
        or _OUTSIDE_NAME.search(m.group())
        or (not app and _NOUN_AFTER.match(text, m.end()))
    ):
        return None
    name = _unknown_name(m.group(), start, (), gazetteer)
    return (name, m.end()) if name else None


def _unknown_name(
    surface: str, start: int, mentions: Sequence[Mention], gazetteer: Gazetteer
) -> str | None:
    """The company name ``surface`` stands for (see ``_resolve``) when the gazetteer knows
    no company by it."""
    resolved = _resolve(surface, start, mentions, gazetteer)
    return resolved[0] if resolved and not resolved[1] else None


class DescribedCompanies(NamedTuple):
    """Companies the gazetteer does not know that a story says are tech companies, or
    companies outside tech."""

    tech: frozenset[str]
    outside: frozenset[str]


def described_companies(
    told: Sequence[str],
    mentions: Sequence[Sequence[Mention]],
    gazetteer: Gazetteer,
    workplaces: Container[int] | None = None,
) -> DescribedCompanies:
    """The names the sentences ``told`` (with the gazetteer's ``mentions`` of each) call
    tech companies, or companies outside tech, that the gazetteer does not know: their
    workers are a tech company's, as a known one's are ("developers at Eugen Systems"), or
    not ("drivers for Parcelwise, a parcel delivery company"). The describing words are in
    lower case, as prose has them (not "the App Store"); a studio is a tech company only in
    a story of games or developers. A name described both ways is neither. ``workplaces``
    are the sentences (by index) that ``WORKPLACE_GATE`` lets name a tech workplace, all of
    them when None."""
    story = "\n".join(told)
    games = functools.cache(lambda: bool(_GAMES.search(story)))
    found: dict[bool, set[str]] = {True: set(), False: set()}
    for index, (text, known) in enumerate(zip(told, mentions, strict=True)):
        spans = _described_spans(text, workplaces is None or index in workplaces)
        for start, end, tech, studio in spans:
            if studio and not games():
                continue
            if name := _unknown_name(text[start:end], start, known, gazetteer):
                found[tech].add(name)
    if not any(mentions) and _TECH_BACK_REFERENCE.search(story):
        found[True] |= _referred_back(told, gazetteer)
    both = found[True] & found[False]
    tech, outside = (
        frozenset(n for n in found[kind] - both if not _campaign_named(n, story))
        for kind in (True, False)
    )
    return DescribedCompanies(tech, outside)


def _referred_back(told: Sequence[str], gazetteer: Gazetteer) -> set[str]:
    """The one name a story that names no known company and refers back to a tech firm ("the
    Sydney software firm", "the app") can mean: the company heading a sentence with its place,
    or else the one whose staff, chief or office it tells of ("Tallyforge's chief
    executive"); none where it could mean two."""
    for pattern in (_HEADER, _OWNS_STAFF):
        names = {
            name
            for text in told
            for m in pattern.finditer(text)
            if (pattern is not _HEADER or m.start() == 0)
            and (name := _unknown_name(m.group("name"), m.start("name"), (), gazetteer))
        }
        if names:
            return names if len(names) == 1 else set()
    return set()


_DESCRIPTIONS = ((_OUTSIDE_DESCRIPTION, False), (_TECH_DESCRIPTION, True))  # "film studio" first


def _described_spans(text: str, workplaces: bool) -> Iterator[tuple[int, int, bool, bool]]:
    """Where ``text`` names a company next to words describing it: the name's span, whether
    the words make it a tech company, and whether they are a bare "studio"; its tech
    workplaces too where ``workplaces`` says it could name one."""
    for noun in _FIRM_NOUN.finditer(text):
        for description, tech in _DESCRIPTIONS:
            firm = description.before.search(text, max(0, noun.start() - 40), noun.end())
            if firm:
                if m := _NAME_AT.match(text, noun.end()):
                    yield m.start(), m.end(), tech, _bare_studio(firm)
                break
    for description, tech in _DESCRIPTIONS:
        for firm in description.after.finditer(text):
            if m := _NAME_ENDING.search(text, max(0, firm.start() - 80), firm.start()):
                yield m.start(), m.end(), tech, _bare_studio(firm)
    if workplaces:
        for place in _NAMED_TECH_WORKPLACE.finditer(text):
            yield place.start("name"), place.end("name"), True, False
        for of in _OF_NAME.finditer(text):
            if _TECH_WORKPLACE_OF.search(text, max(0, of.start() - 80), of.end()) and (
                m := _NAME_AT.match(text, of.end())
            ):
                yield m.start(), m.end(), True, False
    for clause in _SERVES_TECH.finditer(text):
        if m := _NAME_ENDING.search(text, max(0, clause.start() - 80), clause.start()):
            yield m.start(), m.end(), True, False
    for word in _TECH_SUFFIX.finditer(text):
        m = _NAME_ENDING.search(text, max(0, word.start() - 80), word.end())
        if (
            m
            and m.start() < word.start()
            and not _GENERIC_BEFORE.fullmatch(text, m.start(), word.start())
        ):
            yield m.start(), m.end(), True, _bare_studio(word)


def _bare_studio(firm: re.Match[str]) -> bool:
    return (firm.group("firm") or "").lower().startswith("studio")


def _campaign_named(name: str, text: str) -> bool:
    """Whether ``text`` calls ``name`` a campaign ("the Stop Killing Games petition", "the
    campaign, known as Stop Killing Games"), which names no company."""
    name = re.escape(name)
    return bool(re.search(rf"{name}\W*\s+{_CAMPAIGN}|{_CAMPAIGN}\b[^.]{{0,20}}?\b{name}", text))


# "Zomato-owned Blinkit", "the Google-backed start-up", "Bandcamp, owned by Epic", "Larkspur,
# whose owner is Nexon", "owned by the Ford", "its parent company, Spotify", "a subsidiary of
# Hitachi", "Meta's subsidiary Instagram", "Activision studio Raven Software", "World of
# Warcraft support studio Proletariat": who owns (or backs) whom, as the story says
_OWNERSHIP = re.compile(
    rf"(?P<parent>{_NAME})[-‐–]\s?(?i:owned|backed|funded)\b"
    rf"(?:\s+{_LOWER}{{0,4}}?(?P<child>{_NAME}))?|"
    rf"(?P<owned>{_NAME}),?\s+(?:which is\s+|now\s+|(?:an?|the)\s+{_LOWER}{{0,4}}?)?"
    rf"(?i:(?:owned|acquired|bought) by|whose (?:parent(?: company)?|owner) is)\s+"
    rf"(?P<owner>{_NAME})|"
    rf"(?i:parent(?: company)?(?:,| is)?|subsidiary of|(?:owned|acquired|bought|backed) by)\s+"
    rf"(?:the\s+)?(?P<named>{_NAME})|"
    rf"(?:(?P<holder>{_NAME})['’]s?|\b(?i:its|their))\s+subsidiary,?\s+(?P<held>{_NAME})|"
    rf"(?P<house>{_NAME})['’]?s?\s+{_LOWER}{{0,2}}?studio,?\s+(?P<studio>{_NAME})"
)
_OWNER_GROUPS = ("parent", "owner", "named", "holder", "house")
_OWNED_GROUPS = ("child", "owned", "held", "studio")
_EMPLOYED_BY = re.compile(r"\bemployed by\b|\bstaffing\b", re.IGNORECASE)
_OWNERSHIP_WORDS = re.compile(r"owned|backed|funded|parent|subsidiary|acquired|bought|studio", re.I)

NAME_GATES = {kind: LiteralGate([pattern]) for kind, pattern in _PATTERNS.items()}
"""For each name pattern, which sentences it could match (see ``pipeline.understand.wordgate``)."""
_WORKER_PATTERNS = frozenset(
    {"workers_at", "name_workers", "listed_workers", "own_workers", "union_name"}
)
# patterns whose name may just be a sentence's capitalised first word ("Warehouse staff")
_OPENING_RISKY = frozenset(
    {"name_workers", "listed_workers", "own_workers", "client", "union_name", "action_at"}
)
_OFFICE_OF = re.compile(rf"(?:['’]s|\b(?:its|their))\s+(?:{_CAP}\s+)*$")
"""Before the name of a place whose office is a company's ("the company's Los Angeles")."""
_OPENING = re.compile(r"[\W_]+")  # what may come before a sentence's first word
_POSSESSIVE = re.compile(r"['’]s?\s")
"""A name's possessive: "Quillfeather's moderators" opening a sentence names a company."""
_LEGAL_TAIL = re.compile(
    r"(?:\s+(?:Inc|Ltd|LLC|Corp|Co|SA|S\.A|AG|GmbH|PLC|plc|Limited|NV|BV|Holdings|Group)\.?)+$"
)
"""The legal form ending a name the gazetteer does not know: not part of its name."""
_NAME_TAIL = re.compile(
    r"\s+(?:Inc|Ltd|LLC|Corp|Co|SA|S\.A|AG|GmbH|PLC|plc|Limited|Holdings|Group|NV|BV|SE|QA|Game)"
    r"\.?$"
)
"""A company form, holding word or team ending a name ("Bolt SA", "Grab Holdings Ltd.",
"Raven QA")."""
_STUDIO_WORDS = ("Games", "Studios", "Software", "Entertainment", "Interactive", "Technologies")
"""Words a gazetteer name may end with that stories leave out ("Telltale", "Raven")."""
_FIRM_WORDS = frozenset(
    (
        *_STUDIO_WORDS,
        "Services",
        "Solutions",
        "Systems",
        "Group",
        "Staffing",
        "Labs",
        "Digital",
        "Transportation",
        "Tech",
    )
)
"""Last words of a company's full name ("Flagship Facility Services")."""
TECH_STAFF = re.compile(
    r"\b(?:(?i:tech(?:nology)?|software)|IT)\s+"
    r"(?i:workers|employees|staff(?:ers)?|personnel|guild|union)\b"
)
"""The tech workers of an employer outside tech ("tech workers at the New York Times", "the
outlet's tech staff", "The Times Tech Guild"): tech workers all the same (LABELLING.md)."""
_DESCRIBING = re.compile(
    r"-(?:based|backed|owned|funded|founded|run|led|language|speaking)$", re.IGNORECASE
)
_INITIALS = re.compile(r"^(?:[A-Z]\.)+(?=[A-Z][a-z])")
"""Abbreviated words before a place or people's name ("S.Korean", "N.Irish")."""
_UNION_OF = re.compile(
    r"\b(?:Union|Federation|Association|Alliance|Brotherhood|Confederation|Council)\s+of\s+$"
)
"""What names a union by its members' line of work ("Alliance of Theatrical Stage
Employees"): the name after it is no employer."""
_TRADES_UNION = re.compile(rf"\s+(?:and|&)\s+{_CAP}\s+(?:{_CAP}\s+)?(?:Workers|Employees)\b")
_LAST_TRADE = (re.compile(rf"{_CAP}\s+(?:and|&)\s+$"), re.compile(r"\s+(?:Workers|Employees)\b"))
"""What stands around the trades of a union named by its members' trades ("Office and
Professional Employees International Union", "United Food and Commercial Workers"): a name
there is no employer."""
_TITLE_CASE_SHARE = 0.6  # a headline with more capitalised words than this is in title case


@dataclass(frozen=True, slots=True)
class ToldSentence:
    """One sentence of a story, as the ranker needs it."""

    text: str
    headline: bool
    acts: bool
    """Whether the sentence tells of workers acting (a strike, a letter, a union ...)."""
    mentions: tuple[Mention, ...]
    """The gazetteer's employers in ``text``, tech or not."""
    employers: frozenset[str]
    """The tech companies named as more than the venue of a post ("said on Twitter")."""
    patterns: frozenset[str]
    """The name patterns worth trying on ``text``: those whose ``NAME_GATES`` mark it."""


@dataclass(frozen=True, slots=True)
class Candidate:
    """A company a story names, and what the ranker knows about it."""

    name: str
    known: bool
    features: tuple[float, ...]


FEATURES = (
    "known",
    "acting_own",
    "acting_client",
    "acting_value",
    "stated_acting",
    "headline",
    "first_sentence",
    "position",
    "mentions",
    "in_action_sentence",
    "workers_acting",
    "earliest",
    "workers_at",
    "name_workers",
    "listed_workers",
    "own_workers",
    "union_name",
    "company_noun",
    "client",
    "vendor",
    "action_at",
    "parent_of_other",
    "child_of_other",
    "called_owner",
    "called_owned",
    "outsourcer",
)


@dataclass(slots=True)
class _Seen:
    name: str
    known: bool
    first: float
    headline: bool = False
    first_sentence: bool = False
    starts: set[int] = field(default_factory=set)
    in_action: bool = False
    workers_acting: bool = False
    mid_sentence: bool = False
    """Named somewhere other than a sentence's first word (which is capitalised anyway)."""
    patterns: frozenset[str] = frozenset()
    full_name: str | None = None
    """A longer form the story names it by too ("Flagship Facility Services" of "Flagship")."""


def candidates(
    told: Sequence[ToldSentence],
    acting: Mapping[str, float],
    stated: frozenset[str],
    gazetteer: Gazetteer,
) -> list[Candidate]:
    """Every employer ``told`` names, tech companies of the gazetteer and pattern finds.

    ``acting`` maps the employers of the workers the reading saw acting to the value of
    their strongest deed, strongest first; ``stated`` are those named with the workers
    ("Amazon employees", "workers at Apple") rather than guessed from the story."""
    seen: dict[str, _Seen] = {}
    # as good as stated: named in a list whose last name is stated ("Uber and Lyft drivers"),
    # or as the workers' vendor ("employed by staffing agency X", "their employer, X")
    named_employers: set[str] = set()
    clients: set[str] = set()  # named with workers another company is said to employ
    total = sum(len(s.text) + 1 for s in told) or 1
    body = "\n".join(s.text for s in told if not s.headline)
    offset = 0
    body_index = 0
    finds = [
        [
            _Find(m.name, True, m.start, None, False, m.product)
            for m in sentence.mentions
            if m.name in sentence.employers
        ]
        + _pattern_finds(sentence, body, gazetteer)
        for sentence in told
    ]
    if any(not f.product for found in finds for f in found):
        # a product ("World of Warcraft", "Dragon Age") stands in for its maker only in a
        # story that names no employer: QA contractors work on others' games too
        finds = [[f for f in found if not f.product] for found in finds]
    for sentence, found in zip(told, finds, strict=True):
        if any(f.kind == "name_workers" and f.name in stated for f in found):
            named_employers.update(f.name for f in found if f.kind == "listed_workers")
        vendors = {f.name for f in found if f.kind == "vendor"}
        named_employers |= vendors
        if vendors and _EMPLOYED_BY.search(sentence.text):
            # "Google Fiber workers, employed by staffing agency BDS": not Google's own
            clients |= {f.name for f in found} - vendors
        first_sentence = sentence.headline or body_index == 0
        for find in found:
            name = find.name
            entry = seen.setdefault(name, _Seen(name, find.known, (offset + find.start) / total))
            entry.headline |= sentence.headline
            entry.first_sentence |= first_sentence
            entry.starts.add(offset + find.start)
            entry.in_action |= sentence.acts
            entry.workers_acting |= sentence.acts and find.kind in _WORKER_PATTERNS
            entry.mid_sentence |= find.known or " " in name or not find.opens
            if find.kind:
                entry.patterns |= {find.kind}
        offset += len(sentence.text) + 1
        body_index += not sentence.headline
    for name in [n for n, e in seen.items() if not e.mid_sentence]:
        if not _named_mid_sentence(name, told):
            del seen[name]
    _merge_shortened(seen)
    stated = (stated | named_employers) - (clients - named_employers)
    owners, owned = (
        frozenset(n for n in seen if any(_same_name(n, o) for o in names))
        for names in _ownership(told, gazetteer)
    )
    if stated & owners:
        # "staff at Nexon-owned Larkspur": the workers are the owned company's
        stated = (stated - owners) | owned
    elif not stated:
        # "workers at World of Warcraft support studio Proletariat": no employer is named
        # with the workers but the owned company they are said to work at
        stated = frozenset(name for name in owned if seen[name].workers_acting)
    outsourced = any(OUTSOURCED_WORKERS.search(s.text) for s in told)
    return [
        _candidate(entry, seen, acting, stated, gazetteer, (owners, owned), outsourced=outsourced)
        for entry in seen.values()
    ]


def owner_spans(text: str) -> tuple[tuple[int, int], ...]:
    """Where ``text`` names a company as the owner or backer of another ("the Ford-owned
    start-up Spin"): its workers are the owned company's, not the owner's."""
    return tuple(
        match.span(group)
        for match in _ownership_matches(text)
        for group in _OWNER_GROUPS
        if match.group(group)
    )


def _ownership_matches(text: str) -> Iterator[re.Match[str]]:
    """Each place ``text`` tells who owns whom (``_OWNERSHIP``)."""
    if _OWNERSHIP_WORDS.search(text):
        yield from _OWNERSHIP.finditer(text)


def _ownership(
    told: Sequence[ToldSentence], gazetteer: Gazetteer
) -> tuple[frozenset[str], frozenset[str]]:
    """The names a story calls the owner or parent of another company, and the names it
    calls owned by one (as written: "Bandcamp Form" of a title-case "Epic-Owned Bandcamp
    Form Union")."""
    owners: set[str] = set()
    owned: set[str] = set()
    for sentence in told:
        for match in _ownership_matches(sentence.text):
            if match.group("house") and not _known_house(match, sentence, gazetteer):
                continue  # "Indie studio Vodeo", "French studio Eugen": no owner named
            for group, names in (
                *((g, owners) for g in _OWNER_GROUPS),
                *((g, owned) for g in _OWNED_GROUPS),
            ):
                if surface := match.group(group):
                    resolved = _resolve(surface, match.start(group), sentence.mentions, gazetteer)
                    if resolved:
                        names.add(resolved[0])
    return frozenset(owners - owned), frozenset(owned - owners)


def _known_house(match: re.Match[str], sentence: ToldSentence, gazetteer: Gazetteer) -> bool:
    """Whether the name before "studio" in ``match`` is a company the gazetteer knows."""
    resolved = _resolve(match.group("house"), match.start("house"), sentence.mentions, gazetteer)
    return bool(resolved and resolved[1])


class _Find(NamedTuple):
    name: str
    known: bool
    start: int
    kind: str | None  # the pattern that found it; None for the gazetteer
    opens: bool  # a lone capitalised word opening its sentence: maybe no name at all
    product: bool = False  # named by one of its products


def _pattern_finds(sentence: ToldSentence, body: str, gazetteer: Gazetteer) -> list[_Find]:
    """The names the patterns find in ``sentence``; in a title-case headline only those
    the body names too (as far as it does: "Ember" of "Workers At Ember Win ...")."""
    if not sentence.patterns:
        return []
    title_case = _title_case(sentence)
    found = []
    for kind in sorted(sentence.patterns):  # a set: the same order in every process
        for match in _PATTERNS[kind].finditer(sentence.text):
            group = "named" if match.groupdict().get("named") else "name"
            start, surface = match.start(group), match.group(group)
            if title_case and not (
                surface := _named_in(surface, body) or _known(surface, gazetteer)
            ):
                continue
            tech_staff = kind in _WORKER_PATTERNS and bool(
                TECH_STAFF.search(sentence.text, max(0, match.start() - 16), match.end())
            )
            if _UNION_OF.search(sentence.text, max(0, start - 40), start) or _in_trades_union(
                sentence.text, start, start + len(surface)
            ):
                continue
            if (
                kind == "action_at"
                and group == "named"
                and _OFFICE_OF.search(sentence.text, max(0, start - 40), start)
            ):
                continue  # the place of the company's office ("the firm's Wroclaw office")
            resolved = _resolve(surface, start, sentence.mentions, gazetteer, tech_staff)
            if resolved is None and (
                after := _after_place(sentence.text, start, surface, gazetteer)
            ):
                start, surface = after
                resolved = _resolve(surface, start, sentence.mentions, gazetteer, tech_staff)
            if resolved is None:
                continue
            name, known = resolved
            opens = (
                kind in _OPENING_RISKY
                and name == surface
                and not title_case
                and not _OPENING.sub("", sentence.text[:start])
                and not _POSSESSIVE.match(sentence.text, start + len(surface))
            )
            end = start + len(surface)
            product = any(m.product for m in sentence.mentions if m.start < end and start < m.end)
            found.append(_Find(name, known, start, kind, opens, product))
    return found


def _after_place(
    text: str, start: int, surface: str, gazetteer: Gazetteer
) -> tuple[int, str] | None:
    """Where the name after a place's possessive starts, and the name ("drivers for Brazil's
    VaiJá"): the company the place's name only stands before."""
    possessive = _POSSESSIVE.match(text, start + len(surface))
    if not possessive or surface not in gazetteer.places:
        return None
    name = _NAME_AT.match(text, possessive.end())
    return (name.start(), name.group()) if name else None


def _in_trades_union(text: str, start: int, end: int) -> bool:
    """Whether the name at ``start:end`` is one of the trades naming a union."""
    before, after = _LAST_TRADE
    return bool(
        _TRADES_UNION.match(text, end)
        or (before.search(text, max(0, start - 40), start) and after.match(text, end))
    )


def _named_mid_sentence(name: str, told: Sequence[ToldSentence]) -> bool:
    """Whether a name found only as some sentence's first word is written elsewhere after
    other words too ("Bandcamp United ... and Bandcamp"), so its capital is its own."""
    pattern = re.compile(rf"(?<![\w&]){re.escape(name)}(?![\w&])")
    return any(
        _OPENING.sub("", sentence.text[: match.start()])
        for sentence in told
        if not _title_case(sentence)
        for match in pattern.finditer(sentence.text)
    )


def _known(surface: str, gazetteer: Gazetteer) -> str:
    """``surface`` if the gazetteer knows it by that name (a title-case headline's
    "Gorillas" the body never names), else ""."""
    return surface if gazetteer.resolve(surface) else ""


def _named_in(surface: str, body: str) -> str:
    """The longest run of ``surface``'s first words that ``body`` names, or ""."""
    words = surface.split()
    for end in range(len(words), 0, -1):
        shorter = " ".join(words[:end])
        if re.search(rf"(?<![\w&]){re.escape(shorter)}(?![\w&])", body):
            return shorter
    return ""


def _title_case(sentence: ToldSentence) -> bool:
    """Whether a headline capitalises most words, so capitals say nothing about names."""
    if not sentence.headline:
        return False
    words = re.findall(r"[^\W\d_][\w'’-]*", sentence.text)
    capitalised = sum(w[0].isupper() for w in words)
    return len(words) > 3 and capitalised > _TITLE_CASE_SHARE * len(words)


def _merge_shortened(seen: dict[str, _Seen]) -> None:
    """Fold names the gazetteer does not know into an earlier one that starts or ends
    with them, or that they start with ("Vodeo" into "Vodeo Games", "Tender Claws Human"
    into "Tender Claws")."""
    unknown = sorted((e for e in seen.values() if not e.known), key=lambda e: e.first)
    for later_index, later in enumerate(unknown):
        for earlier in unknown[:later_index]:
            if earlier.name in seen and _same_name(earlier.name, later.name):
                earlier.starts |= later.starts
                earlier.patterns |= later.patterns
                earlier.headline |= later.headline
                earlier.first_sentence |= later.first_sentence
                earlier.in_action |= later.in_action
                earlier.workers_acting |= later.workers_acting
                if _fuller_form(later.name, earlier.name):
                    earlier.full_name = later.name
                del seen[later.name]
                break


def _fuller_form(long: str, short: str) -> bool:
    """Whether ``long`` is ``short`` with the words that make it a company's full name
    ("Flagship Facility Services", "New York Times" of "Times"), not a misread longer
    phrase ("Tender Claws Human")."""
    words, short_words = long.split(), short.split()
    if len(words) <= len(short_words):
        return False
    if words[-len(short_words) :] == short_words:
        return True
    return words[: len(short_words)] == short_words and words[-1] in _FIRM_WORDS


def _same_name(a: str, b: str) -> bool:
    short, long = sorted((a.split(), b.split()), key=len)
    return long[: len(short)] == short or long[-len(short) :] == short


def _resolve(
    surface: str,
    start: int,
    mentions: Sequence[Mention],
    gazetteer: Gazetteer,
    tech_staff: bool = False,
) -> tuple[str, bool] | None:
    """The candidate a pattern's name stands for: a gazetteer company inside it, a known
    alias, or the name itself; None for places (``not_employers``, ``places``), unions,
    agencies and employers outside tech, unless ``tech_staff`` (the newspaper of "New York
    Times tech workers")."""
    end = start + len(surface)
    inside = [m for m in mentions if m.start < end and start < m.end]
    if inside:
        return (inside[0].name, inside[0].tech) if inside[0].tech or tech_staff else None
    words = surface.split()
    not_employers = gazetteer.not_employers
    described = [i for i, word in enumerate(words) if _DESCRIBING.search(word)]
    words = words[described[-1] + 1 :] if described else words  # "San Francisco-based X"
    while words and _INITIALS.sub("", words[0]).rstrip(".").casefold() in not_employers:
        words = words[1:]
    if (
        not words
        or " ".join(words).casefold() in not_employers
        or " ".join(words) in gazetteer.places
    ):
        return None
    name = written = " ".join(words).rstrip(".")
    while (
        not (canonical := _known_as(name, gazetteer)) and (bare := _NAME_TAIL.sub("", name)) != name
    ):
        name = bare
    if canonical:
        return canonical, True
    name = _LEGAL_TAIL.sub("", written)  # "Carpathia QA" as written, "Glitch Inc." as Glitch
    if _NOT_COMPANY.search(name):
        return None  # an institution or a trade ("BPO Industry Employees Network")
    return (name, False) if len(name) > 1 else None


def _known_as(name: str, gazetteer: Gazetteer) -> str | None:
    """The gazetteer's name for ``name``, or for ``name`` and a studio word ("Raven
    Software" for "Raven"); None if it knows neither."""
    return gazetteer.resolve(name) or next(
        (c for word in _STUDIO_WORDS if (c := gazetteer.resolve(f"{name} {word}"))), None
    )


def _candidate(
    entry: _Seen,
    seen: Mapping[str, _Seen],
    acting: Mapping[str, float],
    stated: frozenset[str],
    gazetteer: Gazetteer,
    ownership: tuple[frozenset[str], frozenset[str]],
    *,
    outsourced: bool,
) -> Candidate:
    """``entry``'s features; ``ownership`` is the story's owners and owned, ``outsourced``
    whether it tells of contractors, moderators or raters."""
    owners, owned = ownership
    company = gazetteer.companies.get(entry.name)
    parents = {c.parent for n in seen if (c := gazetteer.companies.get(n)) and c.parent}
    values = {
        "known": float(entry.known),
        "acting_own": float(entry.name in acting and "client" not in entry.patterns),
        "acting_client": float(entry.name in acting and "client" in entry.patterns),
        "acting_value": acting.get(entry.name, 0.0),
        "stated_acting": float(entry.name in stated),
        "headline": float(entry.headline),
        "first_sentence": float(entry.first_sentence),
        "position": entry.first,
        "mentions": math.log1p(len(entry.starts)),
        "in_action_sentence": float(entry.in_action),
        "workers_acting": float(entry.workers_acting),
        "earliest": float(entry.first == min(e.first for e in seen.values())),
        **{kind: float(kind in entry.patterns) for kind in _PATTERNS},
        "parent_of_other": float(entry.name in parents),
        "child_of_other": float(bool(company and company.parent and company.parent in seen)),
        "called_owner": float(entry.name in owners),
        "called_owned": float(entry.name in owned),
        "outsourcer": float(outsourced and company is not None and company.outsourcer),
    }
    return Candidate(entry.full_name or entry.name, entry.known, tuple(values[f] for f in FEATURES))


@dataclass(frozen=True, slots=True)
class EmployerRanker:
    """A linear scorer over candidate features, trained offline on pairs of candidates of
    one story: the higher of two scores is the likelier acting employer."""

    weights: np.ndarray
    mean: np.ndarray
    scale: np.ndarray

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> EmployerRanker:
        if tuple(data["features"]) != FEATURES:
            raise ValueError(f"employer ranker features {data['features']} are not {FEATURES}")
        return cls(*(np.asarray(data[key], dtype=float) for key in ("weights", "mean", "scale")))

    def scores(self, found: Sequence[Candidate]) -> np.ndarray:
        """How likely each candidate is the acting employer, compared with the others."""
        if not found:
            return np.zeros(0)
        x = (np.asarray([c.features for c in found], dtype=float) - self.mean) / self.scale
        return x @ self.weights

    def rank(self, found: Sequence[Candidate]) -> tuple[str, ...]:
        """The story's companies, the acting employer first, then the other candidates the
        gazetteer knows; names it does not know come only first.

        In a story of contractors, moderators or raters, a known outsourcing firm leads (the
        workers' direct employer, before the client whose product they work on, as the
        labelling guide has it). Else an employer named with the workers the reading saw
        acting ("Amazon employees signed ...") leads; among several such, or where there is
        none, the scores decide."""
        scores = self.scores(found)
        stated = FEATURES.index("stated_acting")
        vendor = FEATURES.index("outsourcer")
        order = sorted(
            range(len(found)),
            key=lambda i: (-found[i].features[vendor], -found[i].features[stated], -scores[i]),
        )
        return tuple(found[i].name for n, i in enumerate(order) if n == 0 or found[i].known)


@functools.cache
def default_ranker() -> EmployerRanker:
    """The ranker shipped with picket, loaded once per process."""
    text = resources.files("pipeline").joinpath("data/employer_ranker.json").read_text("utf-8")
    return EmployerRanker.from_json(json.loads(text))

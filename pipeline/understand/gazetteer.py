"""The gazetteer: which technology companies a text names, under their canonical names.

Company names are everyday words surprisingly often (Apple, Meta, Square, X), so names
match case-sensitively as written in ``data/companies.yaml``, each entry can veto a match
by the word right before or after it, and the riskiest names only count through aliases
or context patterns. The same file lists big employers outside tech, so that a strike at
"Sony Pictures" is not read as one at Sony: the longest name at a position wins.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pipeline.datacache import parsed

if TYPE_CHECKING:
    from pipeline.understand.wordgate import LiteralGate


_WORD_BEFORE = re.compile(r"([\w'’&.-]+)\W*$")
_WORD_AFTER = re.compile(r"^[\s-]*([\w'’&-]+)")
_ACRONYM_BEFORE = re.compile(r"[A-Z]{2,}-$")
"""Before an acronym, another one it is hyphened to: one name ("the CGT-HPE union" of hotel
cleaners is no Hewlett Packard Enterprise)."""


@dataclass(frozen=True, slots=True)
class Contract:
    """Firms reported to employ a company's outsourced workers of one kind, and the
    patterns that must all be found in a story's lead for its workers to be theirs."""

    employers: tuple[str, ...]
    when: tuple[re.Pattern[str], ...]

    def applies(self, lead: str) -> bool:
        return all(pattern.search(lead) for pattern in self.when)


@dataclass(frozen=True, slots=True)
class Company:
    """One technology employer of the gazetteer."""

    name: str
    aliases: tuple[str, ...] = ()
    products: tuple[str, ...] = ()
    """Games and other products stories name for the people who make them."""
    parent: str | None = None
    gig: bool = False
    outsourcer: bool = False
    contractors: tuple[Contract, ...] = ()
    """Who employs its outsourced workers (its cafeteria staff, raters, moderators), most
    specific first."""


@dataclass(frozen=True, slots=True)
class Mention:
    """Where a text names an employer; ``tech`` is False for employers outside tech, and
    ``product`` True where the text names one of its products ("World of Warcraft
    developers"), which contractors may work on too."""

    name: str
    start: int
    end: int
    tech: bool = True
    product: bool = False
    described: bool = False
    """Not in the gazetteer: a name the story itself calls a tech company ("the French
    studio Eugen Systems") or one outside tech ("a parcel delivery company")."""


@dataclass(frozen=True, slots=True)
class _Guard:
    not_before: frozenset[str] = frozenset()
    not_after: frozenset[str] = frozenset()
    """Casefolded words that veto a match right after / right before the name."""


class Gazetteer:
    """Canonical names, aliases and a compiled matcher, built once from the YAML data.

    The matcher is compiled when a text is first read: resolving a name (a search's
    ``companies:AMZN``) needs only the names.
    """

    def __init__(
        self, data: Mapping[str, Any], places: Callable[[], Iterable[str]] = tuple
    ) -> None:
        self._places = places
        self.companies: dict[str, Company] = {}
        self._lookup: dict[str, str] = {}
        self._surface: dict[str, tuple[str, bool]] = {}
        self._products: set[str] = set()
        self._guards: dict[str, _Guard] = {}
        patterns: list[tuple[str, str]] = []
        for entry in data.get("companies") or ():
            company = Company(
                name=entry["name"],
                aliases=tuple(entry.get("aliases") or ()),
                products=tuple(entry.get("products") or ()),
                parent=entry.get("parent"),
                gig=bool(entry.get("gig", False)),
                outsourcer=bool(entry.get("outsourcer", False)),
                contractors=tuple(
                    _contract(entry["name"], rule) for rule in entry.get("contractors") or ()
                ),
            )
            if company.name in self.companies:
                raise ValueError(f"company listed twice in the gazetteer: {company.name}")
            self.companies[company.name] = company
            guard = _Guard(
                frozenset(w.casefold() for w in entry.get("not_before") or ()),
                frozenset(w.casefold() for w in entry.get("not_after") or ()),
            )
            names = list(company.aliases)
            if entry.get("bare", True):
                names.append(company.name)
            for surface in (*names, *company.products):
                self._surface[surface] = (company.name, True)
                self._guards[surface] = guard
            self._products.update(company.products)
            for surface in (
                company.name,
                *company.aliases,
                *company.products,
                *(entry.get("tickers") or ()),
            ):
                self._lookup.setdefault(surface.casefold(), company.name)
            patterns.extend((p, company.name) for p in entry.get("patterns") or ())
        for surface in data.get("outside_tech") or ():
            for spelling in dict.fromkeys((surface, surface.replace("'", "’"))):
                self._surface.setdefault(spelling, (surface, False))
        self.not_employers = frozenset(w.casefold() for w in data.get("not_employers") or ())
        """Capitalised words and names that are no employer ("Berlin", "Black", "NLRB")."""
        self._pattern_sources = tuple(patterns)

    @functools.cached_property
    def places(self) -> frozenset[str]:
        """Names of places, never a company's ("Chengdu" of "a Chengdu delivery app"): read
        when a story is, not when a search resolves a name."""
        return frozenset(self._places())

    @functools.cached_property
    def _patterns(self) -> tuple[tuple[re.Pattern[str], str], ...]:
        return tuple((re.compile(pattern), name) for pattern, name in self._pattern_sources)

    @functools.cached_property
    def _ungated_patterns(self) -> tuple[tuple[re.Pattern[str], str], ...]:
        """The context patterns no string of which every match holds ("BT" is too short to
        look for): searched in every sentence, so that the gate can skip the others."""
        return tuple(p for p in self._patterns if _gate([p]).strings is None)

    @functools.cached_property
    def pattern_gate(self) -> LiteralGate:
        """Which sentences the other context patterns ("Bolt drivers") could match."""
        return _gate(p for p in self._patterns if p not in self._ungated_patterns)

    @functools.cached_property
    def _matcher(self) -> re.Pattern[str]:
        from pipeline.understand.wordtrie import trie_pattern

        return re.compile(r"(?<![\w&.])(?:" + trie_pattern(self._surface) + r")(?![\w&])")

    def resolve(self, name: str) -> str | None:
        """The canonical name for ``name``, one of its aliases or tickers, ignoring case."""
        return self._lookup.get(" ".join(name.split()).casefold())

    def contractors_of(self, name: str, lead: str) -> tuple[str, ...]:
        """The firms that employ the workers of company ``name`` a story's ``lead`` tells of,
        when they are the company's outsourced workers (Google's search raters: Appen); the
        owner's rules count for its brands (Instagram's moderators are Meta's)."""
        seen: set[str] = set()
        company = self.companies.get(name)
        while company is not None and company.name not in seen:
            seen.add(company.name)
            for contract in company.contractors:
                if contract.applies(lead):
                    return contract.employers
            company = self.companies.get(company.parent) if company.parent else None
        return ()

    def brands_of(self, name: str) -> tuple[str, ...]:
        """Canonical names of the companies ``name`` owns, directly or through one of them
        (Microsoft: LinkedIn, ZeniMax Media, Arkane Studios, ...); empty for a name picket does
        not know."""
        owner = self.resolve(name)
        return self._brands.get(owner, ()) if owner else ()

    @functools.cached_property
    def _brands(self) -> dict[str, tuple[str, ...]]:
        children: dict[str, list[str]] = {}
        for company in self.companies.values():
            if company.parent:
                children.setdefault(company.parent, []).append(company.name)
        brands: dict[str, tuple[str, ...]] = {}
        for owner in children:
            found: dict[str, None] = {}
            todo = list(children[owner])
            while todo:
                name = todo.pop(0)
                if name != owner and name not in found:
                    found[name] = None
                    todo.extend(children.get(name, ()))
            brands[owner] = tuple(found)
        return brands

    def mentions(self, text: str, *, patterns: bool = True) -> list[Mention]:
        """Every employer named in ``text``, tech or not, in text order; ``patterns=False``
        skips the context patterns the ``pattern_gate`` decides on (for sentences it did not
        mark)."""
        found: list[Mention] = []
        for match in self._matcher.finditer(text):
            surface = match.group()
            name, tech = self._surface[surface]
            if tech and self._vetoed(text, match.start(), match.end(), self._guards[surface]):
                continue
            if surface.isupper() and _ACRONYM_BEFORE.search(
                text, max(0, match.start() - 12), match.start()
            ):
                continue
            found.append(Mention(name, match.start(), match.end(), tech, surface in self._products))
        for pattern, name in self._patterns if patterns else self._ungated_patterns:
            for match in pattern.finditer(text):
                if not any(m.start <= match.start() < m.end for m in found):
                    found.append(Mention(name, match.start(), match.end()))
        found.sort(key=lambda m: m.start)
        return found

    def find(self, text: str) -> tuple[str, ...]:
        """Canonical names of the technology companies ``text`` names, first mention first."""
        return tuple(dict.fromkeys(m.name for m in self.mentions(text) if m.tech))

    @staticmethod
    def _vetoed(text: str, start: int, end: int, guard: _Guard) -> bool:
        if guard.not_before:
            after = _WORD_AFTER.match(text[end : end + 40])
            if after and after.group(1).casefold() in guard.not_before:
                return True
        if guard.not_after:
            before = _WORD_BEFORE.search(text[max(0, start - 40) : start])
            if before and before.group(1).casefold() in guard.not_after:
                return True
        return False


def _contract(company: str, rule: Any) -> Contract:
    """One ``contractors`` rule of ``company``; ``ValueError`` naming it if it is malformed."""
    employers = rule.get("employers") if isinstance(rule, Mapping) else None
    when = rule.get("when") if isinstance(rule, Mapping) else None
    if not (isinstance(employers, list) and employers and isinstance(when, list) and when):
        raise ValueError(f"gazetteer: a contractors rule of {company} needs employers and when")
    try:
        return Contract(tuple(map(str, employers)), tuple(re.compile(str(w)) for w in when))
    except re.error as exc:
        raise ValueError(f"gazetteer: a contractors rule of {company}: {exc}") from exc


def _gate(patterns: Iterable[tuple[re.Pattern[str], str]]) -> LiteralGate:
    from pipeline.understand.wordgate import LiteralGate

    return LiteralGate(pattern for pattern, _ in patterns)


@functools.cache
def default_gazetteer() -> Gazetteer:
    """The gazetteer shipped with picket, loaded once per process (parsed once per change
    of the file: see ``pipeline.datacache``)."""
    data = Path(__file__).parents[1] / "data"
    places = functools.partial(_place_names, data / "places.txt")
    return Gazetteer(parsed(data / "companies.yaml", _yaml), places)


def _place_names(path: Path) -> list[str]:
    """The names ``path`` lists one to a line, after its ``#`` comment lines."""
    lines = path.read_text("utf-8").splitlines()
    return [line for line in lines if line and not line.startswith("#")]


def _yaml(text: str) -> Any:
    """The data of YAML ``text``; PyYAML loads only when a file must be parsed."""
    import yaml

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml's is ten times faster
    return yaml.load(text, Loader=loader)


def resolve_company(name: str) -> str | None:
    """Canonical name for a company name or alias, case-insensitively; None if unknown."""
    return default_gazetteer().resolve(name)


def with_brands(names: Iterable[str]) -> tuple[str, ...]:
    """``names``, the canonical name of each alias or ticker, and the brands each owns
    (``Gazetteer.brands_of``): what a search or a watch on a company matches, so that one on
    AMZN finds Amazon and one on Delivery Hero a strike at Foodpanda."""
    gazetteer = default_gazetteer()
    found: dict[str, str] = {}  # one of each, ignoring case, as tags are compared
    for name in names:
        for value in (name, gazetteer.resolve(name), *gazetteer.brands_of(name)):
            if value:
                found.setdefault(value.casefold(), value)
    return tuple(found.values())


def find_companies(text: str) -> tuple[str, ...]:
    """Canonical names of the technology companies named in ``text``, in order of mention."""
    return default_gazetteer().find(text)


def company_mentions(text: str) -> list[Mention]:
    """Where ``text`` names employers, tech or not, with their canonical names."""
    return default_gazetteer().mentions(text)

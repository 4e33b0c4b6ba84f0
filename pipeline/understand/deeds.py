"""What reading a story finds: worker groups, the deeds of its text and who did them.

``reading`` makes a ``Reading``; ``relevance`` judges it and
``tagging`` turns it into the archive's vocabulary.
"""

from __future__ import annotations

from dataclasses import dataclass

from pipeline.understand.employers import Candidate

ACTING = 0.2
"""The value above which a deed counts as a group of tech workers acting."""
_SINGLE_WORKER = 0.55  # one employee acting is weaker evidence of collective action
_NEGATED = 0.35  # "did not sign", "has no plans to strike"


@dataclass(frozen=True, slots=True)
class WorkerGroup:
    """People of one employer named together: "more than 1,400 Salesforce employees"."""

    phrase: str
    count: int | None
    plural: bool
    employer: str | None
    trust: float
    """How sure the reading is that the employer is a tech company (0 = outside tech)."""
    words: str
    """The phrase and its "at <company>" tail, for telling employment types apart."""
    stated: bool = False
    """Whether the employer is named with the workers ("Google employees", "workers at
    Google"), not suggested by their sentence or story."""


@dataclass(frozen=True, slots=True)
class Deed:
    """One action of the text and who took it."""

    kind: str
    phrase: str
    strength: float
    actor: str
    """worker, outsider, shareholder, management, company (a named company suing or
    settling itself), person (one named person's own act: "Tim Bray's reasons for
    quitting"), or none."""
    actor_phrase: str
    group: WorkerGroup | None
    tie: float
    weight: float
    """Where in the story: 1.0 in the headline and first sentences, less further down,
    and less again for background told in the past ("In 2018, employees ...")."""
    lead: bool
    """Told in the headline or the first three sentences."""
    negated: bool

    @property
    def value(self) -> float:
        """How much this act shows collective action by a group of tech workers (0..1)."""
        group = self.group
        if group is None or self.actor != "worker":
            return 0.0
        value = self.strength * self.tie * group.trust * self.weight
        if not group.plural:
            value *= _SINGLE_WORKER
        if self.negated:
            value *= _NEGATED
        return value


@dataclass(frozen=True, slots=True)
class Reading:
    """Everything ``read_story`` found, for tagging and for the relevance score."""

    companies: tuple[str, ...]
    """The acting workers' employer first (see ``employers``), then the others."""
    candidates: tuple[Candidate, ...]
    """Every employer the story could be about, with the features that ranked them."""
    deeds: tuple[Deed, ...]
    issues: tuple[str, ...]
    struggles: tuple[str, ...]
    gig_companies: frozenset[str]
    outside: bool = False
    """The story names an employer or occupation outside tech (a hospital, teachers)."""
    tech_context: bool = False
    """The story speaks of tech work (software, engineers, apps) without naming a company."""

    def worker_deeds(self, min_value: float = 0.0) -> list[Deed]:
        """Deeds of worker groups of a (probably) tech employer, strongest first."""
        deeds = [d for d in self.deeds if d.value > min_value]
        return sorted(deeds, key=lambda d: d.value, reverse=True)

"""The archive's action kinds of a relevant story, as a learned one-vs-rest linear model.

Each action (open letter, protest, strike, union drive, union representation, legal
action) has its own logistic regression over the relevance features plus the actions the
reader's tags name (``action_features``); a story gets every action whose probability is
at least one half, or the likeliest one when none is, and a union drive told as won (an
election won, a union recognised) both union actions. Shipped beside the relevance model
in ``pipeline/data/model/`` as ``actions.npz`` (a weight matrix, one row an action) and
``actions.json``; scored with numpy alone. ``pipeline.understand.training.fit_actions`` makes it.
Stories judged not relevant keep the reader's tags.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np

from pipeline.records import Tags
from pipeline.understand.deeds import Reading
from pipeline.understand.features import lead_of, story_features
from pipeline.understand.lexicon import lexicon
from pipeline.understand.model import read_arrays, shipped_model_folder, write_arrays
from pipeline.understand.tagging import tags_of, with_contractors

FORMAT = "picket-actions-linear/1"
WEIGHTS_FILE = "actions.npz"
META_FILE = "actions.json"
ACTIONS = (
    "open_letter",
    "protest",
    "strike",
    "union_drive",
    "union_representation",
    "legal_action",
)
"""The archive's actions the model learns (resignation stays the reader's alone)."""
READER_PREFIX = "tag:"
_UNION_ACTIONS = frozenset({"union_drive", "union_representation"})
"""A won election is both (``union_won`` of ``data/vocabulary.yaml``)."""


def action_features(
    title: str,
    text: str,
    reading: Reading,
    reader_actions: Iterable[str],
    features: Mapping[str, float] | None = None,
) -> dict[str, float]:
    """The relevance features (``features``, when the caller has them) and the actions the
    reader's tags name."""
    features = dict(features) if features is not None else story_features(title, text, reading)
    features.update((READER_PREFIX + action, 1.0) for action in reader_actions)
    return features


@dataclass(frozen=True)
class ActionModel:
    """One row of weights and an intercept per action, over named features."""

    names: tuple[str, ...]
    actions: tuple[str, ...]
    weights: np.ndarray
    intercepts: np.ndarray

    @functools.cached_property
    def index(self) -> dict[str, int]:
        return {name: i for i, name in enumerate(self.names)}

    def probabilities(self, features: Mapping[str, float]) -> dict[str, float]:
        """Each action's probability for a story's features."""
        known = [(self.index[n], v) for n, v in features.items() if n in self.index]
        columns = [i for i, _ in known]
        values = np.array([v for _, v in known], dtype=np.float64)
        sums = self.intercepts + (self.weights[:, columns] @ values if known else 0.0)
        return {a: 1 / (1 + math.exp(-float(s))) for a, s in zip(self.actions, sums, strict=True)}

    def actions_of(self, features: Mapping[str, float]) -> tuple[str, ...]:
        """The actions at least as likely as not, or the likeliest one."""
        chances = self.probabilities(features)
        chosen = tuple(a for a in self.actions if chances[a] >= 0.5)
        return chosen or (max(chances, key=chances.__getitem__),)

    def save(self, folder: Path) -> None:
        """Write ``actions.npz`` and ``actions.json`` into ``folder``."""
        meta: dict[str, Any] = {
            "format": FORMAT,
            "actions": list(self.actions),
            "features": list(self.names),
        }
        write_arrays(
            folder / WEIGHTS_FILE,
            folder / META_FILE,
            meta,
            weights=self.weights,
            intercepts=self.intercepts,
        )


def load_action_model(folder: Path) -> ActionModel:
    """The action model saved in ``folder``; ``ModelError`` when it cannot be read."""
    meta, (weights, intercepts) = read_arrays(
        folder / WEIGHTS_FILE, folder / META_FILE, FORMAT, "weights", "intercepts"
    )
    return ActionModel(tuple(meta["features"]), tuple(meta["actions"]), weights, intercepts)


@functools.cache
def default_action_model() -> ActionModel:
    """The action model shipped with picket, loaded once per process."""
    return load_action_model(shipped_model_folder())


def story_tags(
    title: str,
    text: str,
    reading: Reading,
    *,
    relevant: bool,
    model: ActionModel | None = None,
    features: Mapping[str, float] | None = None,
) -> Tags:
    """The reader's tags with known contractors first; a relevant story's actions are the
    model's (``model``, the shipped one by default), then those of the reader's it does not
    learn (resignation). ``features`` are the story's ``story_features``, when the caller
    has them from judging it."""
    lead = lead_of(title, text)
    tags = with_contractors(tags_of(reading), lead)
    if not relevant:
        return tags
    model = model or default_action_model()
    chosen = model.actions_of(action_features(title, text, reading, tags.actions, features))
    if _UNION_ACTIONS & set(chosen) and lexicon().union_won.search(lead):
        chosen = (*chosen, *(a for a in ACTIONS if a in _UNION_ACTIONS and a not in chosen))
    rest = tuple(a for a in tags.actions if a not in ACTIONS)
    return replace(tags, actions=(*chosen, *rest))

"""The learned relevance model: a calibrated linear model over ``pipeline.features``.

A model is two files in one folder: ``relevance.npz`` holds the weights (numpy arrays,
loaded without pickle) and ``relevance.json`` the feature names, the calibration and how
it was trained. Scoring is a sum of the weights of a story's features, then Platt's
sigmoid, so the score is a probability: ``PICKET_RELEVANCE_THRESHOLD`` of 0.5 means
"more likely relevant than not" on stories like the labelled ones. numpy is all it needs;
``pipeline.training`` makes a model (with scikit-learn) and ``picket model train``
writes the one shipped in ``pipeline/data/model/``.
"""

from __future__ import annotations

import functools
import json
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np

FORMAT = "picket-relevance-linear/1"
WEIGHTS_FILE = "relevance.npz"
META_FILE = "relevance.json"


class ModelError(ValueError):
    """A model folder that cannot be read; the message names the file and the problem."""


@dataclass(frozen=True)
class LinearModel:
    """Weights of named features, an intercept, and Platt's calibration of their sum."""

    names: tuple[str, ...]
    weights: np.ndarray
    intercept: float
    platt_slope: float
    platt_offset: float
    info: Mapping[str, Any]
    """How the model was made: corpus, sizes, settings, cross-validated figures."""

    @functools.cached_property
    def index(self) -> dict[str, int]:
        return {name: i for i, name in enumerate(self.names)}

    def decision(self, features: Mapping[str, float]) -> float:
        """The linear score of a story's features (unknown features count nothing)."""
        index, weights = self.index, self.weights
        total = self.intercept
        for name, value in features.items():
            i = index.get(name)
            if i is not None:
                total += float(weights[i]) * value
        return total

    def probability(self, features: Mapping[str, float]) -> float:
        """How likely the story is relevant, calibrated on held-out labelled stories."""
        return _sigmoid(self.platt_slope * self.decision(features) + self.platt_offset)

    def strongest(
        self, features: Mapping[str, float], names: Iterable[str], count: int
    ) -> list[str]:
        """The ``count`` features among ``names`` that raise the score most."""
        index, weights = self.index, self.weights
        pushes = [
            (float(weights[index[name]]) * features[name], name)
            for name in names
            if name in index and name in features
        ]
        pushes.sort(reverse=True)
        return [name for push, name in pushes[:count] if push > 0]

    def save(self, folder: Path) -> None:
        """Write ``relevance.npz`` and ``relevance.json`` into ``folder``."""
        folder.mkdir(parents=True, exist_ok=True)
        with (folder / WEIGHTS_FILE).open("wb") as out:
            np.savez_compressed(out, weights=self.weights.astype(np.float32))
        meta = {
            "format": FORMAT,
            "intercept": self.intercept,
            "platt": {"slope": self.platt_slope, "offset": self.platt_offset},
            "info": dict(self.info),
            "features": list(self.names),
        }
        text = json.dumps(meta, ensure_ascii=False, indent=1, sort_keys=False)
        (folder / META_FILE).write_text(text + "\n", encoding="utf-8")


def _sigmoid(value: float) -> float:
    if value >= 0:
        return 1 / (1 + math.exp(-value))
    odds = math.exp(value)
    return odds / (1 + odds)


def load_model(folder: Path) -> LinearModel:
    """The model saved in ``folder``; ``ModelError`` when its files are missing or wrong."""
    try:
        meta = json.loads((folder / META_FILE).read_text(encoding="utf-8"))
        with np.load(folder / WEIGHTS_FILE, allow_pickle=False) as arrays:
            weights = np.asarray(arrays["weights"], dtype=np.float64)
    except (OSError, ValueError, KeyError) as exc:
        raise ModelError(f"{folder}: cannot read the relevance model ({exc})") from exc
    if not isinstance(meta, dict) or meta.get("format") != FORMAT:
        raise ModelError(f"{folder / META_FILE}: not a {FORMAT} model")
    names = tuple(meta["features"])
    if weights.shape != (len(names),):
        raise ModelError(
            f"{folder / WEIGHTS_FILE}: {weights.shape[0]} weights for {len(names)} features"
        )
    return LinearModel(
        names=names,
        weights=weights,
        intercept=float(meta["intercept"]),
        platt_slope=float(meta["platt"]["slope"]),
        platt_offset=float(meta["platt"]["offset"]),
        info=meta.get("info", {}),
    )


def shipped_model_folder() -> Path:
    """Where the package keeps its trained model."""
    return Path(str(resources.files("pipeline").joinpath("data", "model")))


@functools.cache
def default_model() -> LinearModel:
    """The model shipped with picket, loaded once per process."""
    return load_model(shipped_model_folder())

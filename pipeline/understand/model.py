"""The learned relevance model: a calibrated linear model over ``pipeline.understand.features``.

A model is two files in one folder: ``relevance.npz`` holds the weights (numpy arrays,
loaded without pickle) and ``relevance.json`` the feature names, the calibration and how
it was trained. Scoring is a sum of the weights of a story's features, then Platt's
sigmoid, so the score is a probability: ``PICKET_RELEVANCE_THRESHOLD`` of 0.5 means
"more likely relevant than not" on stories like the labelled ones. numpy is all it needs;
``pipeline.understand.training`` makes a model (with scikit-learn) and ``picket model train``
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
    def weight_of(self) -> dict[str, float]:
        """Each feature's weight as a Python float: scoring a story looks up hundreds."""
        return dict(zip(self.names, self.weights.tolist(), strict=True))

    def decision(self, features: Mapping[str, float]) -> float:
        """The linear score of a story's features (unknown features count nothing)."""
        weight_of = self.weight_of
        return sum(
            (weight_of[name] * value for name, value in features.items() if name in weight_of),
            self.intercept,
        )

    def probability(self, features: Mapping[str, float]) -> float:
        """How likely the story is relevant, calibrated on held-out labelled stories."""
        return _sigmoid(self.platt_slope * self.decision(features) + self.platt_offset)

    def strongest(
        self, features: Mapping[str, float], names: Iterable[str], count: int
    ) -> list[str]:
        """The ``count`` features among ``names`` that raise the score most."""
        weight_of = self.weight_of
        pushes = [
            (weight_of[name] * features[name], name)
            for name in names
            if name in weight_of and name in features
        ]
        pushes.sort(reverse=True)
        return [name for push, name in pushes[:count] if push > 0]

    def save(self, folder: Path) -> None:
        """Write ``relevance.npz`` and ``relevance.json`` into ``folder``."""
        meta = {
            "format": FORMAT,
            "intercept": self.intercept,
            "platt": {"slope": self.platt_slope, "offset": self.platt_offset},
            "info": dict(self.info),
            "features": list(self.names),
        }
        write_arrays(folder / WEIGHTS_FILE, folder / META_FILE, meta, weights=self.weights)


def _sigmoid(value: float) -> float:
    if value >= 0:
        return 1 / (1 + math.exp(-value))
    odds = math.exp(value)
    return odds / (1 + odds)


def write_arrays(npz: Path, meta_file: Path, meta: Mapping[str, Any], **arrays: Any) -> None:
    """Save a model: its arrays as float32 in ``npz``, the rest as JSON in ``meta_file``."""
    npz.parent.mkdir(parents=True, exist_ok=True)
    with npz.open("wb") as out:
        np.savez_compressed(out, **{k: np.asarray(v, dtype=np.float32) for k, v in arrays.items()})
    text = json.dumps(dict(meta), ensure_ascii=False, indent=1)
    meta_file.write_text(text + "\n", encoding="utf-8")


def read_arrays(
    npz: Path, meta_file: Path, form: str, *names: str
) -> tuple[dict[str, Any], list[np.ndarray]]:
    """Load what ``write_arrays`` saved (JSON of format ``form``), without running code."""
    try:
        meta = json.loads(meta_file.read_text(encoding="utf-8"))
        with np.load(npz, allow_pickle=False) as arrays:
            found = [np.asarray(arrays[name], dtype=np.float64) for name in names]
    except (OSError, ValueError, KeyError) as exc:
        raise ModelError(f"{npz.parent}: cannot read the model ({exc})") from exc
    if not isinstance(meta, dict) or meta.get("format") != form:
        raise ModelError(f"{meta_file}: not a {form} model")
    features = meta.get("features")
    if not isinstance(features, list) or found[0].shape[-1] != len(features):
        raise ModelError(f"{npz}: its weights do not match the features of {meta_file.name}")
    return meta, found


def load_model(folder: Path) -> LinearModel:
    """The model saved in ``folder``; ``ModelError`` when its files are missing or wrong."""
    meta, (weights,) = read_arrays(folder / WEIGHTS_FILE, folder / META_FILE, FORMAT, "weights")
    names = tuple(meta["features"])
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

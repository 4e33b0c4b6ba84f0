"""What a story's lead means, as numbers: the mean of WordLlama's static token embeddings.

The relevance model's words (``features``) only count phrasings seen in training;
the embedding lets "engineers down tools" lean on what "employees walk out" taught it. It
is WordLlama's ``l2_supercat`` 256-dimensional token table (shipped in the ``wordllama``
wheel, read here straight from its files: no download, no network), averaged over the
lead's tokens and scaled to unit length. Loaded once per process; embedding a lead is a
tokenization and a mean, a fraction of a millisecond.
"""

from __future__ import annotations

import functools
import importlib.util
from dataclasses import dataclass
from pathlib import Path

import numpy as np

PACKAGE = "wordllama"
TOKENIZER_FILE = Path("tokenizers", "l2_supercat_tokenizer_config.json")
WEIGHTS_FILE = Path("weights", "l2_supercat_256.safetensors")
TABLE_KEY = "embedding.weight"


class EmbeddingError(RuntimeError):
    """The token table cannot be read; the message names the file."""


@dataclass(frozen=True)
class LeadEmbedder:
    """A tokenizer and its table of token vectors (one row a token)."""

    tokenizer: object
    """A ``tokenizers.Tokenizer``."""
    table: np.ndarray

    def vector(self, text: str) -> np.ndarray | None:
        """The unit-length mean vector of ``text``'s tokens, or None when it has none."""
        ids = self.tokenizer.encode(text, add_special_tokens=False).ids  # type: ignore[attr-defined]
        if not ids:
            return None
        mean = self.table[np.clip(ids, 0, len(self.table) - 1)].mean(axis=0)
        length = float(np.linalg.norm(mean))
        return mean / length if length > 0 else None


def load_embedder(folder: Path) -> LeadEmbedder:
    """The tokenizer and token table kept in ``folder`` (the ``wordllama`` package's)."""
    from safetensors.numpy import load_file
    from tokenizers import Tokenizer

    missing = [
        str(folder / f) for f in (TOKENIZER_FILE, WEIGHTS_FILE) if not (folder / f).is_file()
    ]
    if missing:
        raise EmbeddingError(f"token embeddings missing: {', '.join(missing)}")
    tokenizer = Tokenizer.from_file(str(folder / TOKENIZER_FILE))
    tokenizer.no_truncation()
    tables = load_file(str(folder / WEIGHTS_FILE))
    if TABLE_KEY not in tables:
        raise EmbeddingError(f"{folder / WEIGHTS_FILE}: no {TABLE_KEY} table")
    table = tables[TABLE_KEY]
    return LeadEmbedder(tokenizer, np.ascontiguousarray(table, dtype=np.float32))


@functools.cache
def default_embedder() -> LeadEmbedder:
    """The embedder of the installed ``wordllama`` package, loaded once per process."""
    spec = importlib.util.find_spec(PACKAGE)  # its folder, without importing its modules
    if spec is None or not spec.submodule_search_locations:
        raise EmbeddingError(f"the {PACKAGE} package is not installed")
    return load_embedder(Path(next(iter(spec.submodule_search_locations))))

"""The lead's meaning as the relevance model sees it: WordLlama's static token embeddings."""

from __future__ import annotations

import numpy as np
import pytest

from pipeline.understand.embedding import (
    TOKENIZER_FILE,
    EmbeddingError,
    default_embedder,
    load_embedder,
)
from pipeline.understand.features import EMBEDDING_PREFIX, EMBEDDING_SCALE, story_features
from pipeline.understand.reading import read_story


def test_leads_that_say_the_same_thing_lie_closer_than_unrelated_news():
    embedder = default_embedder()
    walkout = embedder.vector("Hundreds of Google employees walked out over the contract")
    strike = embedder.vector("Amazon workers staged a strike over pay")
    earnings = embedder.vector("Nvidia shares rose after record quarterly revenue")
    assert walkout is not None and strike is not None and earnings is not None
    assert np.linalg.norm(walkout) == pytest.approx(1.0, abs=1e-5)
    assert walkout @ strike > walkout @ earnings + 0.2


def test_a_story_s_features_carry_its_lead_embedding():
    title, text = "Google staff walk out", "Thousands of employees left their desks on Thursday."
    features = story_features(title, text, read_story(title, text))
    meaning = [v for name, v in features.items() if name.startswith(EMBEDDING_PREFIX)]
    assert len(meaning) == default_embedder().table.shape[1]
    assert sum(v * v for v in meaning) == pytest.approx(EMBEDDING_SCALE**2, abs=1e-4)


def test_an_empty_lead_has_no_embedding():
    assert default_embedder().vector("") is None


def test_a_folder_without_the_token_files_is_named_in_the_error(tmp_path):
    with pytest.raises(EmbeddingError, match=str(TOKENIZER_FILE)):
        load_embedder(tmp_path)

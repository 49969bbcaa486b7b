"""Recovery of planted segments per segmentation method, over 3 seeds (issue 16): the adjusted Rand index
against the planted segments >= 0.9, and every planted position among its persona's top positions.

k-means for Likert items, the latent class model for Likert, mixed and all-categorical items. k-modes,
k-prototypes and the diagonal Gaussian mixture do not reach 0.9 on these surveys (docs/surveys.md, "Measured",
with the true profiles' own figure next to each); they stay available by name."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.metrics import adjusted_rand_score

from personas.surveys.build import SurveyOptions, generate_survey
from personas.surveys.data import SurveySpec, load_survey
from personas.surveys.segment import choose_segmentation, features
from personas.surveys.synthetic import planted_survey

pytestmark = pytest.mark.slow

CASES = [("kmeans", 0), ("lca", 0), ("lca", 4), ("lca", 12)]  # (method, categorical items of the 12)


def _recover(method: str | None, categorical: int, seed: int, k: int | None = 3):
    s = planted_survey(n=1200, seed=seed, categorical=categorical)
    data = load_survey(SurveySpec(s.frame, s.items, s.demographics, s.codebook, "weight", roles={"age": "age"}))
    pset = generate_survey(data, SurveyOptions("planted", 1, method=method or "auto", k=k, seed=seed))
    seg = choose_segmentation(data, features(data), pset.params["method"], pset.quality["k"], seed)
    return s, pset, seg.labels


@pytest.mark.parametrize("seed", [0, 1, 2])
@pytest.mark.parametrize("method,categorical", CASES)
def test_planted_segments_recovered_per_method(method, categorical, seed):
    s, pset, labels = _recover(method, categorical, seed)
    assert pset.params["method"] == method
    assert adjusted_rand_score(s.labels, labels) >= 0.9
    for segment, positions in s.planted.items():
        persona = next(p for p in pset.personas if p.behaviour == np.bincount(labels[s.labels == segment]).argmax())
        top = persona.survey.items[: len(positions)]
        assert {(i.item, i.most_over.code) for i in top} == set(positions)


@pytest.mark.parametrize("categorical", [4, 12])
def test_auto_uses_the_latent_class_model_for_categorical_items_and_finds_k(categorical):
    s, pset, labels = _recover(None, categorical, seed=0, k=None)
    assert pset.params["method"] == "lca" and pset.quality["k"] == 3
    assert pset.quality["rule"].startswith("lowest BIC")
    assert adjusted_rand_score(s.labels, labels) >= 0.9

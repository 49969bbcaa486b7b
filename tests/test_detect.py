"""Persona detection: planted individuals, the ambiguous case, unknown content, the CLI and its bad input."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from conftest import HASH_EMBEDDINGS, open_test_store, snapshot
from cli.main import main
from personas.demo import make_demo
from personas.detect import DetectionRule, PersonaProjector, detect
from personas.nmf import match_rows


@pytest.fixture(scope="module")
def demo_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A data home holding the demo set (k = 10), generated once for the module; tests only read it."""
    home = tmp_path_factory.mktemp("detect") / "home"
    with pytest.MonkeyPatch.context() as mp:  # module scope runs before the autouse hashing-embedding fixture
        mp.setenv("PERSONAS_EMBEDDING_MODEL", HASH_EMBEDDINGS)
        assert main(["--home", str(home), "generate", "--demo", "--no-progress"]) == 0
    return home


@pytest.fixture(scope="module")
def planted(demo_home: Path):
    """(store, the set, demo, behaviour of the set matched to each planted behaviour)."""
    store = open_test_store(demo_home)
    pset = store.load(with_model=True)
    demo = make_demo()
    ids = demo.content["video_id"].to_numpy(dtype=str)
    pos = pd.Index(ids).get_indexer(pset.model.content_ids)
    match, cos = match_rows(demo.planted_H[:, pos], pset.model.H / pset.model.column_scale[None, :])
    assert cos.min() > 0.9
    return store, pset, demo, match


def _sample(rng, demo, j: int, n: int, who: str) -> pd.DataFrame:
    ids = demo.content["video_id"].to_numpy(dtype=str)
    return pd.DataFrame({"user": who, "video_id": ids[rng.choice(len(ids), size=n, p=demo.planted_H[j])], "n": 1})


def test_planted_individuals_are_detected_as_their_persona(planted):
    store, pset, demo, match = planted
    rng = np.random.default_rng(1)
    frame = pd.concat([_sample(rng, demo, j, 20, f"u{j}-{r}") for j in range(10) for r in range(5)])
    found = detect(store, frame, "video_id", "n", "user")
    behaviour = {p.id: p.behaviour for p in pset.personas}
    right = [behaviour[d.personas[0].persona_id] == match[int(d.id[1:].split("-")[0])] for d in found]
    assert np.mean(right) >= 0.9
    for d in found:
        aff = [a.affinity for a in d.personas]
        assert abs(sum(aff) - 1) < 1e-9 and aff == sorted(aff, reverse=True)
        assert d.content and d.content[0].attributed > 0  # the content that drove the match
    assert np.mean([d.ambiguous for d in found]) <= 0.2


def test_even_mix_of_two_behaviours_is_ambiguous(planted):
    store, pset, demo, match = planted
    rng = np.random.default_rng(2)
    # The popular videos of behaviours 0 and 1, ten of each: an evenly mixed viewer.
    ids = demo.content["video_id"].to_numpy(dtype=str)
    a, b = (ids[np.argsort(-demo.planted_H[j])[:10]] for j in (0, 1))
    frame = pd.DataFrame({"user": "mixed", "video_id": np.concatenate([a, b]), "n": 1})
    (d,) = detect(store, frame, "video_id", "n", "user")
    assert d.ambiguous and "ambiguous" in d.why
    behaviour = {p.id: p.behaviour for p in pset.personas}
    assert {behaviour[x.persona_id] for x in d.personas[:2]} == {match[0], match[1]}
    assert d.top is None  # downstream code gets no persona to condition on
    # ... and a single behaviour is not
    (pure,) = detect(store, _sample(rng, demo, 0, 30, "pure"), "video_id", "n", "user")
    assert not pure.ambiguous and pure.top is not None


def test_unknown_content_is_ignored_and_counted(planted):
    store, pset, demo, _ = planted
    known = list(demo.content["video_id"][:6])
    frame = pd.DataFrame({
        "user": ["a"] * 8 + ["b", "b"],
        "video_id": known + ["zz1", "zz2", "zz9", "zz9"],
        "n": [1] * 8 + [2, 3],
    })
    a, b = detect(store, frame, "video_id", "n", "user")
    assert (a.known_items, a.unknown_items, a.unknown_interactions) == (6, 2, 2)
    assert "2 content ids not in" in a.why
    assert b.personas == [] and b.ambiguous and b.unknown_items == 1 and b.unknown_interactions == 5
    assert "none of its 1 content ids" in b.why


def test_rule_flags_too_little_signal():
    rule = DetectionRule()
    assert rule.judge(np.array([1.0, 0.0]), 2)[0]
    assert rule.judge(np.array([0.6, 0.4]), 10)[0]
    assert not rule.judge(np.array([0.9, 0.1]), 10)[0]


def test_projector_recovers_mixture_weights():
    H = np.array([[1.0, 1.0, 0.0, 0.0], [0.0, 0.0, 1.0, 1.0]])
    proj = PersonaProjector().fit(H, np.ones(4), ["a", "b", "c", "d"])
    W, fit = proj.transform(np.array([[3.0, 3.0, 1.0, 1.0]]))
    assert np.allclose(W[0] / W[0].sum(), [0.75, 0.25]) and fit[0] == pytest.approx(1.0)


def test_cli_detect_json_and_nothing_stored(demo_home, tmp_path, capsys):
    demo = make_demo()
    rng = np.random.default_rng(3)
    frame = pd.concat([_sample(rng, demo, 2, 20, "x1"), _sample(rng, demo, 5, 20, "x2")])
    path = tmp_path / "people.csv"
    frame.to_csv(path, index=False)
    before = snapshot(demo_home)
    capsys.readouterr()
    code = main(["--home", str(demo_home), "detect", "--interactions", str(path), "--content-col", "video_id",
                 "--count-col", "n", "--id-col", "user", "--set", "demo@v1", "--json"])
    out = capsys.readouterr().out
    assert code == 0
    rows = json.loads(out)
    assert [r["id"] for r in rows] == ["x1", "x2"]
    for r in rows:
        assert set(r) >= {"id", "personas", "ambiguous", "why", "unknown_content"}
        assert abs(sum(p["affinity"] for p in r["personas"]) - 1) < 1e-5
        assert r["personas"][0]["persona_id"].startswith("demo-v1-")
    assert snapshot(demo_home) == before  # nothing about the individuals was written


def _refused(home: Path, capsys, args: list[str], *phrases: str) -> str:
    before = snapshot(home)
    capsys.readouterr()
    code = main(["--home", str(home), *args])
    err = capsys.readouterr().err
    lines = err.strip().splitlines()
    assert code == 2 and len(lines) == 1, err
    for phrase in phrases:
        assert phrase in lines[0], lines[0]
    assert snapshot(home) == before
    return lines[0]


@pytest.mark.parametrize("text, phrase", [
    ("user,video_id,n\n", "no data rows"),
    ("", "Empty CSV file"),
    ("user,video_id,n\nu1,v0001,abc\n", "must be numeric but holds 'abc'"),
    ("user,video_id,n\nu1,v0001,\nu1,v0002,3\n", "'n' has 1 empty values"),
    ("user,video_id,n\nu1,v0001,-2\n", "negative"),
])
def test_detect_bad_files(demo_home, tmp_path, capsys, text, phrase):
    path = tmp_path / "bad.csv"
    path.write_text(text, encoding="utf-8")
    _refused(demo_home, capsys, ["detect", "--interactions", str(path), "--content-col", "video_id",
                                 "--count-col", "n", "--id-col", "user"], phrase)


def test_detect_missing_column_and_unknown_set(demo_home, tmp_path, capsys):
    path = tmp_path / "p.csv"
    pd.DataFrame({"user": ["a"], "video_id": ["v0001"], "n": [1]}).to_csv(path, index=False)
    _refused(demo_home, capsys, ["detect", "--interactions", str(path), "--content-col", "video"], "'video' not found")
    _refused(demo_home, capsys, ["detect", "--interactions", str(path), "--content-col", "video_id",
                                 "--set", "nope"], "no persona set named 'nope'")
    _refused(demo_home, capsys, ["detect", "--interactions", str(path), "--content-col", "video_id",
                                 "--set", "demo@x"], "NAME@vN")

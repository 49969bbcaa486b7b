"""Prediction of interest in new content and persona-conditioned ranking: the math, the functions on a real
store in a temporary folder, the commands, their bad input."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from conftest import demo_set_home, open_test_store, snapshot
from cli.main import main
from personas.demo import make_demo
from personas.errors import InputError
from personas.predict import InterestPredictor, Taste, predict_interest
from personas.rank import blend_order, rank


@pytest.fixture(scope="module")
def demo_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A data home holding the demo set (k = 10), generated once for the module; tests only read it."""
    return demo_set_home(tmp_path_factory, "predict")


@pytest.fixture(scope="module")
def pset(demo_home: Path):
    return open_test_store(demo_home).load(with_model=True)


def run(home: Path, capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    capsys.readouterr()
    code = main(["--home", str(home), *args])
    out = capsys.readouterr()
    return code, out.out, out.err


def travel_persona(pset) -> str:
    return max(pset.personas, key=lambda p: next((t.share for t in p.stats.topics if t.topic == "Travel"), 0)).id


# ---------------------------------------------------------------------------- the math


def test_predictor_scores_topics_by_lift_and_titles_relative_to_other_personas() -> None:
    tastes = [Taste("a", "A", {"travel": 3.0, "cars": 0.5}, {"travel": 0.6, "cars": 0.1}, ["x", "y"], [0.7, 0.3]),
              Taste("b", "B", {"cars": 2.0}, {"cars": 0.5}, ["z"], [1.0])]
    vectors = [np.array([[1.0, 0.0], [0.0, 1.0]]), np.array([[0.0, 1.0]])]
    model = InterestPredictor(topic_weight=1.0, similarity_weight=2.0).fit(tastes, vectors)
    topic = model.topic_part([["Travel"], ["cars"], ["unknown"]])
    assert topic[0, 0] == pytest.approx(np.log(3.0)) and topic[0, 1] == pytest.approx(0.0)  # b's floor: min(2, 1)
    assert topic[1, 0] == pytest.approx(np.log(0.5)) and topic[1, 1] == pytest.approx(np.log(2.0))
    assert np.all(topic[2] == 0)  # a topic no persona knows moves nobody
    sim = model.similarity_part(np.array([[1.0, 0.0]]))
    assert sim[0].sum() == pytest.approx(0.0) and sim[0, 0] > sim[0, 1]  # relative to the mean over personas
    score = model.score(np.array([[1.0, 0.0]]), [["travel"]])
    assert score[0, 0] == pytest.approx(np.log(3.0) + 2.0 * sim[0, 0])
    assert model.known_topics(["Travel", " cars ", "food", "travel"]) == (["travel", "cars"], ["food"])


def test_blend_order_keeps_the_baseline_for_unknown_items_and_ties() -> None:
    order, prank = blend_order(np.array([0.1, np.nan, 0.9, 0.5]), blend=1.0)
    assert order.tolist()[0] == 2 and prank.tolist() == [2, -1, 0, 1]
    assert blend_order(np.array([0.1, 0.9]), blend=0.0)[0].tolist() == [0, 1]  # blend 0: the baseline
    with pytest.raises(InputError, match="between 0 and 1"):
        blend_order(np.array([1.0]), blend=2)


# ---------------------------------------------------------------------------- prediction on the real set


def test_topics_pick_the_travel_persona_with_reasons(pset) -> None:
    found = predict_interest(pset, "Budget travel in Japan", ["Travel", "Nonsense"])
    assert found[0].persona_id == travel_persona(pset)
    assert sum(p.interest for p in found) == pytest.approx(1.0)
    assert [p.score for p in found] == sorted((p.score for p in found), reverse=True)
    top = found[0]
    assert top.topics[0].topic == "travel" and top.topics[0].lift > 1 and "travel is" in top.why
    assert "nonsense unknown to the set" in top.why and top.similar == []  # no embedding given: topics only


def test_title_similarity_alone_finds_the_persona_with_the_real_model(pset) -> None:
    from retrieval.embeddings import LocalEmbeddings

    embed = LocalEmbeddings().embed_documents
    found = predict_interest(pset, "Backpacking through Vietnam on a shoestring budget", (), embed)
    assert found[0].persona_id == travel_persona(pset)
    assert found[0].similarity_part > 0 and found[0].similar and "nearest:" in found[0].why
    assert all(p.topic_part == 0 for p in found)


def test_prediction_needs_a_title_and_some_evidence(pset) -> None:
    with pytest.raises(InputError, match="title"):
        predict_interest(pset, "  ", ["Travel"])
    with pytest.raises(InputError, match="no topic given"):
        predict_interest(pset, "Something", ["Nonsense"])


def test_predict_command_text_and_json(demo_home: Path, pset, capsys) -> None:
    before = snapshot(demo_home)
    code, out, _ = run(demo_home, capsys, "predict", "--title", "Budget travel in Japan", "--topics", "Travel,Food")
    assert code == 0 and "predicted interest by persona of demo@v1" in out and len(out.splitlines()) == 11
    code, out, _ = run(demo_home, capsys, "predict", "--title", "Budget travel in Japan", "--topics", "Travel",
                       "--set", "demo@v1", "--json")
    report = json.loads(out)
    assert code == 0 and report["set"] == "demo@v1" and report["topics"] == ["Travel"]
    assert report["personas"][0]["persona_id"] == travel_persona(pset)
    assert {"interest", "relative", "why", "topics", "similar"} <= set(report["personas"][0])
    assert snapshot(demo_home).keys() == before.keys()


@pytest.mark.parametrize("args, message", [
    (["--title", ""], "title"),
    (["--title", "x", "--set", "nope"], "no persona set named 'nope'"),
    (["--title", "x", "--set", "demo@vx"], "expected NAME or NAME@vN"),
])
def test_predict_bad_input_is_one_line_and_exit_2(demo_home: Path, capsys, args, message) -> None:
    code, out, err = run(demo_home, capsys, "predict", *args)
    assert code == 2 and out == "" and message in err and len(err.strip().splitlines()) == 1


# ---------------------------------------------------------------------------- ranking


def person_rows(j: int, n: int, seed: int = 0) -> pd.DataFrame:
    demo = make_demo()
    ids = demo.content["video_id"].to_numpy(dtype=str)
    rng = np.random.default_rng(seed)
    return pd.DataFrame({"video_id": ids[rng.choice(len(ids), size=n, p=demo.planted_H[j])]})


def test_rank_moves_the_persona_s_items_up(demo_home: Path, pset, tmp_path: Path, capsys) -> None:
    store = open_test_store(demo_home)
    demo = make_demo()
    person = person_rows(3, 25)
    cands = demo.content[["video_id", "title"]].iloc[:40]
    found = rank(store, person, cands, "video_id")
    assert found.conditioned and found.detection.top is not None
    assert sorted(i.content_id for i in found.items) == sorted(cands["video_id"])
    assert [i.rank for i in found.items] == list(range(1, 41))
    assert any(i.moved > 0 for i in found.items) and all(i.why for i in found.items)
    assert found.items[0].title in set(cands["title"])
    # the persona's own items gain on average
    behaviour = next(p.behaviour for p in pset.personas if p.id == found.detection.top.persona_id)
    col = {c: i for i, c in enumerate(pset.model.content_ids)}
    strength = {c: pset.model.H[behaviour, col[c]] / pset.model.column_scale[col[c]] for c in cands["video_id"]}
    strong = sorted(strength, key=strength.get)[-5:]
    assert np.mean([i.moved for i in found.items if i.content_id in strong]) > 0

    person.to_csv(tmp_path / "person.csv", index=False)
    cands.to_csv(tmp_path / "items.csv", index=False)
    before = snapshot(demo_home)
    code, out, _ = run(demo_home, capsys, "rank", "--interactions", str(tmp_path / "person.csv"),
                       "--candidates", str(tmp_path / "items.csv"), "--content-col", "video_id", "--json")
    data = json.loads(out)
    assert code == 0 and data["conditioned"] and data["persona"]["persona_id"] == found.detection.top.persona_id
    assert [i["content_id"] for i in data["items"]] == [i.content_id for i in found.items]
    code, out, _ = run(demo_home, capsys, "rank", "--interactions", str(tmp_path / "person.csv"),
                       "--candidates", str(tmp_path / "items.csv"), "--content-col", "video_id")
    assert code == 0 and out.startswith("ordered for ") and "ranks it" in out
    assert snapshot(demo_home).keys() == before.keys()  # nothing about the person is stored


def test_an_ambiguous_person_keeps_the_baseline_and_says_so(demo_home: Path) -> None:
    store = open_test_store(demo_home)
    mixed = pd.concat([person_rows(0, 10, 1), person_rows(5, 10, 2)])
    cands = make_demo().content[["video_id"]].iloc[:15]
    found = rank(store, mixed, cands, "video_id")
    assert not found.conditioned and "baseline order kept" in found.why and "ambiguous" in found.why
    assert [i.content_id for i in found.items] == cands["video_id"].tolist()
    assert all(i.moved == 0 and i.persona_rank is None for i in found.items)


@pytest.mark.parametrize("candidates, message", [
    ("video_id\nnope1\nnope2\n", "none of the 2 candidates"),
    ("video_id\n", "no data rows"),
    ("video_id,title\n,A\nv0001,B\n", "1 empty ids"),
    ("title\nA\n", "column 'video_id' not found"),
    ("video_id\nv0001\nv0001\n", "appears more than once"),
])
def test_rank_bad_candidates(demo_home: Path, tmp_path: Path, capsys, candidates: str, message: str) -> None:
    person_rows(3, 10).to_csv(tmp_path / "person.csv", index=False)
    (tmp_path / "items.csv").write_text(candidates)
    before = snapshot(demo_home)
    code, out, err = run(demo_home, capsys, "rank", "--interactions", str(tmp_path / "person.csv"),
                         "--candidates", str(tmp_path / "items.csv"), "--content-col", "video_id")
    assert code == 2 and out == "" and message in err and len(err.strip().splitlines()) == 1
    assert snapshot(demo_home) == before


def test_rank_takes_one_person(demo_home: Path, tmp_path: Path, capsys) -> None:
    people = pd.concat([person_rows(3, 5).assign(user="a"), person_rows(4, 5).assign(user="b")])
    people.to_csv(tmp_path / "people.csv", index=False)
    (tmp_path / "items.csv").write_text("video_id\nv0001\n")
    code, _, err = run(demo_home, capsys, "rank", "--interactions", str(tmp_path / "people.csv"), "--candidates",
                       str(tmp_path / "items.csv"), "--content-col", "video_id", "--id-col", "user")
    assert code == 2 and "hold 2 people" in err
    code, _, err = run(demo_home, capsys, "rank", "--interactions", str(tmp_path / "people.csv"), "--candidates",
                       str(tmp_path / "items.csv"), "--content-col", "video_id", "--blend", "3")
    assert code == 2 and "blend must be between 0 and 1" in err


def test_interest_of_one_persona_for_the_chat(pset) -> None:
    from personas.predict import interest_of, mentioned_topics

    assert mentioned_topics(pset, "would you watch a new video about travel and personal finance?") == [
        "Personal Finance", "Travel"]
    traveller = travel_persona(pset)
    mine = interest_of(pset, traveller, "a new video about Travel in Japan")
    assert mine.persona_id == traveller and mine.relative > 1 and "travel is" in mine.why
    other = next(p.id for p in pset.personas if p.id != traveller)
    assert interest_of(pset, other, "a new video about Travel in Japan").relative < mine.relative
    with pytest.raises(InputError, match="no persona with id"):
        interest_of(pset, "nope", "a video about travel")


def test_rank_without_a_content_column_takes_the_one_both_files_share(demo_home: Path, tmp_path: Path,
                                                                       capsys) -> None:
    person_rows(3, 10).to_csv(tmp_path / "person.csv", index=False)
    (tmp_path / "items.csv").write_text("video_id\nv0001\nv0002\nv0003\n")
    args = ["rank", "--interactions", str(tmp_path / "person.csv"), "--candidates", str(tmp_path / "items.csv")]
    code, out, _ = run(demo_home, capsys, *args, "--json")
    assert code == 0 and sorted(i["content_id"] for i in json.loads(out)["items"]) == ["v0001", "v0002", "v0003"]
    (tmp_path / "items.csv").write_text("title\nA\n")
    code, out, err = run(demo_home, capsys, *args)
    assert code == 2 and out == "" and len(err.strip().splitlines()) == 1
    assert "no column is in both files" in err and "the candidates have title" in err

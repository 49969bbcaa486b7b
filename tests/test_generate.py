"""Persona generation end to end: planted behaviours recovered, deterministic exports, MovieLens."""

from __future__ import annotations

import json

import numpy as np

from personas.data import load
from personas.datasets import demo_spec
from personas.demo import make_demo
from personas.nmf import PersonaNMF, match_rows
from conftest import open_test_store

from conftest import export_json


def test_planted_behaviours_are_recovered(cli, home):
    assert cli("generate", "--demo", "--no-progress").code == 0
    pset = open_test_store(home).load(with_model=True)
    demo = make_demo(7)
    order = {cid: i for i, cid in enumerate(demo.content["video_id"])}
    cols = [order[c] for c in pset.model.content_ids]
    planted = demo.planted_H[:, cols]
    H = pset.model.H / pset.model.column_scale[None, :]  # back to the unscaled content space
    match, cos = match_rows(planted, H)
    assert (match >= 0).all()
    assert cos.min() >= 0.9, f"planted behaviour matches: {np.round(cos, 3)}"
    # and the persona of each recovered behaviour stands on the planted core group
    persona_of = {p.behaviour: p for p in pset.personas}
    hits = sum(persona_of[int(match[b])].group == planted_group
               for b, planted_group in enumerate(demo.planted_groups))
    assert hits >= 9, f"{hits}/10 planted core groups recovered"


def test_same_seed_gives_byte_identical_exports(tmp_path, capsys):
    from cli.main import main

    outputs = []
    for run in ("a", "b"):
        home = tmp_path / run
        assert main(["--home", str(home), "generate", "--demo", "--seed", "3", "--no-progress"]) == 0
        files = []
        for kind in ("json", "csv", "md"):
            out = tmp_path / f"{run}.{kind}"
            assert main(["--home", str(home), "export", "--format", kind, "--out", str(out)]) == 0
            files.append(out.read_bytes())
        outputs.append(files)
    capsys.readouterr()
    assert outputs[0] == outputs[1]
    personas = json.loads(outputs[0][0])
    assert len({p["name"] for p in personas}) == len(personas), "names are unique within a set"
    assert len({p["avatar"] for p in personas}) == len(personas)


def test_export_has_the_documented_fields(cli, home, capsys):
    assert cli("generate", "--demo", "--no-progress").code == 0
    personas = export_json(home, capsys)
    required = {"id", "name", "age", "gender", "country", "group", "group_interactions", "audience_share",
                "top_content", "topics", "quotes", "avatar", "description", "stats"}
    for p in personas:
        assert required <= set(p)
        assert p["avatar"].startswith("data:image/svg+xml;base64,")
        assert p["gender"] in ("female", "male")
        assert p["country"] and len(p["country"]) > 2, "countries as people write them, not codes"
        assert set(p["top_content"][0]) == {"content_id", "title", "count", "weight"}
        assert p["name"].split()[0] in p["description"]
    shares = [p["audience_share"] for p in personas]
    assert shares == sorted(shares, reverse=True), "biggest audience first"


def test_stability_is_reported_and_k_auto_finds_the_planted_k(cli, home, capsys):
    result = cli("generate", "--demo", "-k", "auto", "--no-progress")
    assert result.code == 0, result.err
    pset = open_test_store(home).load()
    report = pset.quality["k_auto"]
    assert report and len(report["candidates"]) >= 5
    assert all(0 <= c["stability"] <= 1.0 + 1e-9 for c in report["candidates"])
    errors = [c["relative_error"] for c in report["candidates"]]
    assert errors[0] > errors[-1], "reconstruction error falls with k"
    assert pset.quality["k"] == len(make_demo(7).planted_labels)
    assert "stability" in result.out


def test_personas_with_one_user_are_not_chosen_on_movielens_shares():
    """The measured pitfall: on per-group shares the top loading group is often a one-user group."""
    from personas.datasets import movielens_spec
    from personas.impact import eligible_groups, impactful_groups

    data = load(movielens_spec())
    model = PersonaNMF(10, scaling="share", random_state=0).fit(data.matrix)
    naive = model.W_.argmax(axis=0)
    assert (data.group_users[naive] == 1).sum() >= 3, "the pitfall exists in the data"
    elig = eligible_groups(data.group_totals, data.group_users, 10, 0.005, 5)
    chosen = impactful_groups(model.W_, model.H_, elig.mask, "specialisation").groups
    assert (data.group_users[chosen] >= 5).all()
    assert len(set(chosen.tolist())) == 10


def test_set_versions_list_show_delete(cli, home, capsys):
    assert cli("generate", "--demo", "--no-progress", "-k", "4").code == 0
    assert cli("generate", "--demo", "--no-progress", "-k", "5").code == 0
    store = open_test_store(home)
    assert store.active_ref() == ("demo", 2)
    listing = cli("list", "--sets")
    rows = [line.split() for line in listing.out.splitlines() if line.startswith("demo ")]
    assert [(r[0], r[1], r[2]) for r in rows] == [("demo", "1", "4"), ("demo", "2", "5")]
    assert rows[1][-1] == "active" and rows[0][-1] != "active"
    personas = cli("list")
    assert personas.out.count("demo-v2-") == 5
    shown = cli("show", "demo-v1-02")
    assert shown.code == 0 and "demo-v1-02" in shown.out
    shown_json = json.loads(cli("show", "demo-v2-01", "--json").out)
    assert shown_json["id"] == "demo-v2-01"
    old = cli("export", "--format", "json", "--set", "demo", "--version", "1")
    assert len(json.loads(old.out)) == 4
    # a new process (a new store object) sees the same personas
    again = open_test_store(home).load()
    assert [p.to_export() for p in again.personas] == json.loads(cli("export", "--format", "json").out)
    deleted = cli("delete-set", "demo")
    assert deleted.code == 0 and "2 versions" in deleted.out
    assert not (home / "sets" / "demo").exists()
    assert store.active_ref() is None
    assert cli("list").code == 2


def test_event_level_csv_and_parquet_give_the_same_personas(tmp_path):
    """Event rows + users table, read from CSV and from Parquet, aggregate to the same matrix."""
    import pandas as pd

    from personas.data import InputSpec

    rng = np.random.default_rng(1)
    users = pd.DataFrame({"uid": np.arange(300), "age": rng.integers(14, 70, 300),
                          "sex": rng.choice(["F", "M"], 300)})
    events = pd.DataFrame({"uid": rng.integers(0, 300, 5000), "item": rng.integers(0, 80, 5000).astype(str),
                           "n": rng.integers(1, 4, 5000)})
    specs = []
    for kind in ("csv", "parquet"):
        u, e = tmp_path / f"users.{kind}", tmp_path / f"events.{kind}"
        getattr(users, f"to_{kind}")(u, index=False)
        getattr(events, f"to_{kind}")(e, index=False)
        specs.append(InputSpec(interactions=e, users=u, user_col="uid", group_by=("age", "sex"),
                               content_col="item", count_col="n", bins={"age": (18, 25, 35, 45, 55)}))
    a, b = load(specs[0]), load(specs[1])
    assert a.groups.equals(b.groups)
    assert (a.matrix != b.matrix).nnz == 0
    assert a.matrix.sum() == events["n"].sum()
    assert a.group_users.sum() == events["uid"].nunique()
    assert set(a.groups["age"]) <= {"<18", "18-24", "25-34", "35-44", "45-54", "55+"}


def test_demo_spec_loads_as_aggregated_rows():
    data = load(demo_spec())
    demo = make_demo(7)
    assert data.matrix.sum() == demo.interactions["views"].sum()
    assert data.matrix.shape[0] == len(demo.interactions.groupby(["age", "gender", "country"]))

"""Every statistic in the export is recomputed here from the raw input with plain pandas."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pycountry
import pytest
from better_profanity import profanity

from personas.datasets import MOVIELENS_BINS, movielens_frames
from personas.demo import make_demo
from conftest import open_test_store

from conftest import export_json


def _check(persona: dict, rows: pd.DataFrame, everything: pd.DataFrame, content: pd.DataFrame, count: str,
           topics_col: str, sep: str, extras: dict[str, str]) -> None:
    """rows: the persona group's raw rows; everything: all raw rows (same columns)."""
    total = everything[count].sum()
    g_total = rows[count].sum()
    assert persona["group_interactions"] == g_total
    assert persona["audience_share"] == pytest.approx(g_total / total, rel=1e-12)

    per_content = rows.groupby("content_id")[count].sum()
    titles = content.set_index("content_id")["title"]
    assert persona["top_content"], "a persona lists its top content"
    for item in persona["top_content"]:
        assert item["count"] == per_content[item["content_id"]]
        assert item["title"] == titles[item["content_id"]]

    topic_of = content.set_index("content_id")[topics_col].fillna("").map(
        lambda s: [t.strip() for t in str(s).split(sep) if t.strip()])
    def topic_counts(frame: pd.DataFrame) -> pd.Series:
        exploded = frame.assign(topic=frame["content_id"].map(topic_of)).explode("topic").dropna(subset=["topic"])
        return exploded.groupby("topic")[count].sum()
    mine, all_ = topic_counts(rows), topic_counts(everything)
    listed = [t["topic"] for t in persona["topics"]]
    assert listed == sorted(listed, key=lambda t: (-mine[t], t)), "topics are listed by share"
    assert set(listed) <= set(mine.index)
    for t in persona["topics"]:
        share = mine[t["topic"]] / g_total
        assert persona["stats"]["topic_counts"][t["topic"]] == mine[t["topic"]]
        assert t["share"] == pytest.approx(share, rel=1e-12)
        assert persona["stats"]["topic_lift"][t["topic"]] == pytest.approx(share / (all_[t["topic"]] / total), rel=1e-9)

    rates = {r["column"]: r for r in persona["stats"]["rates"]}
    assert set(rates) == set(extras)
    for column in extras:
        assert rates[column]["total"] == pytest.approx(rows[column].sum(), rel=1e-12)
        assert rates[column]["per_primary"] == pytest.approx(rows[column].sum() / g_total, rel=1e-12)


def _group_rows(frame: pd.DataFrame, group: dict[str, str]) -> pd.DataFrame:
    mask = np.ones(len(frame), dtype=bool)
    for col, value in group.items():
        mask &= frame[col].astype(str).to_numpy() == value
    return frame[mask]


def test_demo_export_recomputed_from_raw_input(cli, home, capsys):
    assert cli("generate", "--demo", "--no-progress").code == 0
    personas = export_json(home, capsys)
    demo = make_demo(7)
    inter = demo.interactions.rename(columns={"video_id": "content_id"})
    content = demo.content.rename(columns={"video_id": "content_id"})
    months = content.set_index("content_id")["published"].str[:7]
    pset = open_test_store(home).load(with_model=True)
    W, H = pset.model.W, pset.model.H
    group_index = {tuple(v): i for i, v in enumerate(pset.model.group_values.tolist())}
    assert len(personas) == 10
    for p in personas:
        rows = _group_rows(inter, p["group"])
        _check(p, rows, inter, content, "views", "topics", "|", {"likes": "likes", "watch_minutes": "watch_minutes"})
        # trend: the group's views per month of the video's publication date
        trend = rows.groupby(rows["content_id"].map(months))["views"].sum()
        assert [(t["period"], t["count"]) for t in p["stats"]["trend"]] == list(trend.items())
        # demographics as people write them, and a concrete age inside the bracket
        assert p["gender"] == p["group"]["gender"]
        country = pycountry.countries.get(alpha_2=p["group"]["country"])
        assert p["country"] in (getattr(country, "common_name", None), country.name)
        lo, hi = p["group"]["age"].replace("+", "-200").split("-")[:2]
        assert int(lo) <= p["age"] <= int(hi)
        # quotes: real comments on the persona's top content, by its own group, none offensive
        top_ids = {c["content_id"] for c in p["top_content"]}
        comments = _group_rows(demo.comments.rename(columns={"video_id": "content_id"}), p["group"])
        for q in p["quotes"]:
            match = comments[(comments["text"] == q["text"]) & (comments["content_id"] == q["content_id"])]
            assert len(match) >= 1 and q["content_id"] in top_ids
            assert not profanity.contains_profanity(q["text"])
        # behaviour statistics from the stored factorisation
        g, j = group_index[tuple(p["group"][c] for c in pset.model.group_columns)], p["stats"]["behaviour"]
        assert p["stats"]["own_weight"] == pytest.approx(W[g, j] / W[:, j].sum(), rel=1e-9)
        mass = W[g] * H.sum(axis=1)
        assert p["stats"]["behaviour_share"] == pytest.approx(mass[j] / mass.sum(), rel=1e-9)
        for shared in p["stats"]["shared_with"]:
            gi = group_index[tuple(shared["group"][c] for c in pset.model.group_columns)]
            assert shared["weight"] == pytest.approx(W[gi, j] / W[:, j].sum(), rel=1e-9)
    assert sum(len(p["quotes"]) for p in personas) >= 10, "the demo's comments give most personas quotes"


@pytest.mark.movielens
def test_movielens_export_recomputed_from_raw_files(cli, home, capsys):
    result = cli("generate", "--dataset", "movielens-100k", "--no-progress")
    assert result.code == 0, result.err
    personas = export_json(home, capsys)
    frames = movielens_frames()  # read straight from recbole's files
    users = frames["users"]
    edges = list(MOVIELENS_BINS)
    labels = ["<18", "18-24", "25-34", "35-44", "45-49", "50-55", "56+"]
    users["age_bracket"] = pd.cut(users["age"], [-np.inf, *edges, np.inf], right=False, labels=labels).astype(str)
    inter = frames["interactions"].merge(users, on="user_id", validate="many_to_one")
    inter = inter.rename(columns={"item_id": "content_id"}).assign(n=1)
    inter["age_raw"], inter["age"] = inter["age"], inter["age_bracket"]
    content = frames["content"].rename(columns={"item_id": "content_id"})
    assert len(personas) == 10
    assert len({tuple(p["group"].values()) for p in personas}) == 10, "personas stand on distinct groups"
    for p in personas:
        rows = _group_rows(inter, p["group"])
        _check(p, rows, inter, content, "n", "class", " ", {"rating": "rating"})
        assert p["stats"]["group_users"] == rows["user_id"].nunique()
        assert p["stats"]["group_users"] >= 5, "a persona stands for a segment, not one person"
        assert p["gender"] == {"F": "female", "M": "male"}[p["group"]["gender"]]
        assert p["country"] is None and p["quotes"] == []
        assert p["age"] == int(np.clip(round(rows.drop_duplicates("user_id")["age_raw"].median()),
                                       rows["age_raw"].min(), rows["age_raw"].max()))
        months = pd.to_datetime(rows["timestamp"], unit="s").dt.strftime("%Y-%m")
        trend = rows.groupby(months)["n"].sum()
        assert [(t["period"], t["count"]) for t in p["stats"]["trend"]] == list(trend.items())

"""Tests of the synthetic demo channel: determinism, schema, realism and recoverability of the planted truth.

Measured with scikit-learn 1.9 (NMF init="nndsvda", random_state=0, max_iter=500, n_behaviours=10), cosine
between each planted behaviour and its matched fitted one:

* sqrt-scaled V: seed 7 min 0.979 (mean 0.992), seed 1 min 0.984 (0.993), seed 2 min 0.986 (0.994);
  over seeds 0-9 the minimum is 0.967.
* raw V: NMF lands in a poor local optimum on about half the seeds (7, 1, 2, 5 and 9 of 0-9): it merges the two
  behaviours whose core groups share age and gender (Beauty lovers, Music and comedy fans: female 18-24) and
  splits a big one (Gamers, or Money-minded savers on seed 1), so one behaviour falls to 0.11-0.22 (seed 7:
  min 0.110, mean 0.896) and the other merged one to 0.77-0.89; the other 8 stay >= 0.93. On seeds 0, 3, 4, 6
  and 8 raw min is >= 0.974. (With the earlier random topic tags raw failed on seeds 8 and 9 only; the failure
  rate moves by chance between 15% and 40% of seeds with small changes to the generator.) So raw is asserted
  to recover at least 8 of 10 on every seed; sqrt, the app's default, all 10.
* specialisation: the planted core group wins for 10 of 10 behaviours on seeds 7, 1 and 2 with sqrt scaling
  (8-9 of 10 raw).
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest
from scipy.optimize import linear_sum_assignment
from sklearn.decomposition import NMF

from personas.demo import AGES, COUNTRY_WEIGHTS, GENDERS, PAIRS, PARTNERS, TOPICS, DemoData, make_demo, write_demo

GROUP = ["age", "gender", "country"]
OFFENSIVE = re.compile(r"\b(?:damn|crap|stupid|shit)\b", re.IGNORECASE)
# Words that show a title is about a topic, besides the topic's own fillers ("Lasagna", "Japan", ...).
MENTIONS = {
    "Cooking": r"dinner|meal|eat|cook|lunch|snack|recipe",
    "Parenting": r"kid|toddler|famil|parent|mom\b|baby|child|preschool",
    "Education": r"teach|learn|school|homework|read|stud|explained|lesson|classroom|textbook",
    "Personal Finance": r"budget|\$|cost|sav|cheap|credit|points|money|invest|insurance",
    "Travel": r"travel|trip|holiday|abroad|flight|nomad", "Gaming": r"gam",
    "Tech Reviews": r"review|test|\bpc\b|laptop|handheld|controller|monitor|smartphone|gadget|benchmark|teardown",
    "Science": r"scien|physics|telescope|weather|periodic|earthquake|bacteria|air quality",
    "Sports": r"footballer|runner|cyclist|tennis|athlete|marathon|\bpro\b",
    "Fitness": r"train|fit|workout|gym|conditioning|exercise|injury|yoga|hiit|marathon|swimmer|runner|athlete|"
               r"hydration",
    "Beauty": r"skin|makeup|beauty|hair|face", "DIY": r"diy|buil|restor|tool|repair|home-made",
    "Cars": r"\bcar\b|carport|truck|tyre|\bvan\b|roof box", "Comedy": r"funn|parody|honest|types of|sketch",
    "Music": r"song|musical|singer|\bdjs?\b|karaoke",
}


@pytest.fixture(scope="module")
def demo() -> DemoData:
    return make_demo(7)


def group_matrix(data: DemoData) -> tuple[pd.MultiIndex, np.ndarray]:
    """Groups x videos view matrix (videos in content order)."""
    table = data.interactions.pivot_table(index=GROUP, columns="video_id", values="views", aggfunc="sum",
                                          fill_value=0)
    table = table.reindex(columns=data.content["video_id"], fill_value=0)
    return table.index, table.to_numpy(dtype=np.float64)


def fit(V: np.ndarray, k: int, scaled: bool) -> tuple[np.ndarray, np.ndarray]:
    """NMF of V (optionally each column divided by sqrt of its total); H mapped back to the unscaled space."""
    scale = 1.0 / np.sqrt(np.maximum(V.sum(axis=0), 1.0)) if scaled else np.ones(V.shape[1])
    model = NMF(n_components=k, init="nndsvda", random_state=0, max_iter=500)
    W = model.fit_transform(V * scale)
    return W, model.components_ / scale


def match(H: np.ndarray, planted: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For each planted behaviour j: the index of its matched fitted component and their cosine."""
    Hn = H / H.sum(axis=1, keepdims=True)
    unit = lambda M: M / np.linalg.norm(M, axis=1, keepdims=True)  # noqa: E731
    cos = unit(Hn) @ unit(planted).T  # fitted x planted
    rows, cols = linear_sum_assignment(-cos)
    fitted = np.empty(len(cols), dtype=int)
    fitted[cols] = rows
    return fitted, cos[fitted, np.arange(len(cols))]


def test_deterministic_for_a_seed(demo: DemoData) -> None:
    again = make_demo(7)
    for name in ("interactions", "content", "comments"):
        pd.testing.assert_frame_equal(getattr(demo, name), getattr(again, name))
    np.testing.assert_array_equal(demo.planted_H, again.planted_H)
    assert demo.planted_groups == again.planted_groups and demo.note == again.note
    other = make_demo(8)
    assert not demo.interactions["views"].equals(other.interactions["views"])
    assert not demo.content["title"].equals(other.content["title"])
    assert not np.array_equal(demo.planted_H, other.planted_H)


def test_schema_and_dtypes(demo: DemoData) -> None:
    it, content, comments = demo.interactions, demo.content, demo.comments
    assert list(it.columns) == [*GROUP, "video_id", "views", "likes", "watch_minutes"]
    assert list(content.columns) == ["video_id", "title", "topics", "published"]
    assert list(comments.columns) == ["video_id", "text", *GROUP]
    string_columns = {"interactions": [*GROUP, "video_id"], "content": list(content.columns),
                      "comments": list(comments.columns)}
    for name, cols in string_columns.items():
        frame = getattr(demo, name)
        for col in cols:
            assert pd.api.types.is_string_dtype(frame[col]), col
            assert frame[col].notna().all(), col
    assert it["views"].dtype == np.int64 and it["likes"].dtype == np.int64
    assert (it["views"] > 0).all() and (it["likes"] >= 0).all() and (it["likes"] <= it["views"]).all()
    assert it["watch_minutes"].dtype == np.float64 and (it["watch_minutes"] > 0).all()
    np.testing.assert_allclose(it["watch_minutes"], it["watch_minutes"].round(1))
    assert not it.duplicated([*GROUP, "video_id"]).any()
    assert set(it["video_id"]) <= set(content["video_id"])
    assert set(comments["video_id"]) <= set(content["video_id"])
    assert set(it["age"]) == set(AGES) and set(it["gender"]) == set(GENDERS)
    assert set(it["country"]) == set(COUNTRY_WEIGHTS)


def test_content(demo: DemoData) -> None:
    content = demo.content
    assert len(content) == 400
    assert content["video_id"].tolist() == [f"v{i:04d}" for i in range(1, 401)]
    assert content["title"].is_unique
    topics = content["topics"].str.split("|")
    assert topics.map(len).between(1, 2).all() and topics.map(lambda t: len(set(t)) == len(t)).all()
    assert 0.6 <= (topics.map(len) == 1).mean() <= 0.8  # most videos have one topic
    assert set(topics.explode()) == set(TOPICS) and set(topics.str[0]) == set(TOPICS)
    assert {tuple(t) for t in topics if len(t) == 2} == set(PAIRS)  # every natural pair occurs, no other
    dates = pd.to_datetime(content["published"], format="%Y-%m-%d")
    assert dates.min() >= pd.Timestamp("2024-01-01") and dates.max() <= pd.Timestamp("2025-12-31")
    assert dates.dt.year.nunique() == 2 and dates.is_monotonic_increasing


def test_topics_fit_the_titles() -> None:
    """A video's topics are its primary topic and at most one natural partner, and its title mentions each
    (checked on several seeds, so it holds for the templates, not one draw)."""
    for (primary, secondary), templates in PAIRS.items():
        assert (secondary, primary) in PAIRS and secondary in PARTNERS[primary]
        for text, fillers in templates:
            assert ("{x}" in text) == (fillers != ("",)), text
            assert set(fillers) <= set(TOPICS[primary].fillers) or fillers == ("",), text  # comments quote them
    assert all(PARTNERS[t] for t in TOPICS)
    for seed in (7, 1, 2):
        content = make_demo(seed).content
        for title, names in zip(content["title"], content["topics"].str.split("|")):
            base = re.sub(r" \(Part \d+\)$", "", title).lower().replace(" an ", " a ")  # "an Electric SUV"
            templates = PAIRS[names[0], names[1]] if len(names) == 2 else [(t, TOPICS[names[0]].fillers)
                                                                           for t in TOPICS[names[0]].titles]
            assert base in {t.format(x=f).lower().replace(" an ", " a ") for t, fs in templates for f in fs}, \
                (title, names)
            assert not re.search(r"\ba [aeio]", title.lower()), title
            for name in names:
                words = "|".join([re.escape(f.lower()) for f in TOPICS[name].fillers] + [MENTIONS[name]])
                assert re.search(words, base), (title, name)
            assert not title[0].islower(), title  # "A Soulslike ...", not "a Soulslike ..."


def test_planted_truth(demo: DemoData) -> None:
    H = demo.planted_H
    assert H.shape == (10, 400) and H.dtype == np.float64
    assert (H >= 0).all()
    np.testing.assert_allclose(H.sum(axis=1), 1.0)
    assert len(demo.planted_labels) == len(demo.planted_groups) == 10
    assert len({tuple(sorted(g.items())) for g in demo.planted_groups}) == 10
    for group in demo.planted_groups:
        assert set(group) == set(GROUP)
        assert group["age"] in AGES and group["gender"] in GENDERS and group["country"] in COUNTRY_WEIGHTS
    # each behaviour concentrates on a few topics: its 2 best topics hold most of its mass
    topics = demo.content["topics"].str.split("|")
    has_topic = {t: topics.map(lambda ts, t=t: t in ts).to_numpy() for t in TOPICS}
    for row in H:
        per_topic = sorted(row[mask].sum() for mask in has_topic.values())
        assert sum(per_topic[-2:]) > 0.75, per_topic[-3:]


def test_realistic_totals(demo: DemoData) -> None:
    it = demo.interactions
    total = it["views"].sum()
    assert 2_000_000 <= total <= 10_000_000
    by_group = it.groupby(GROUP)["views"].sum()
    assert len(by_group) == len(AGES) * len(GENDERS) * len(COUNTRY_WEIGHTS) == 280
    assert by_group.max() / by_group.min() > 100  # group sizes differ by orders of magnitude
    for group in demo.planted_groups:
        assert by_group[(group["age"], group["gender"], group["country"])] >= 0.005 * total
    assert 0.02 <= it["likes"].sum() / total <= 0.08
    assert 3 <= it["watch_minutes"].sum() / total <= 25
    per_video = it.groupby("video_id")["views"].sum()
    assert per_video.max() / per_video.median() > 5  # a few hits


def test_comments(demo: DemoData) -> None:
    comments = demo.comments
    assert 300 <= len(comments) <= 2500
    per_video = comments.groupby("video_id").size().reindex(demo.content["video_id"], fill_value=0)
    assert per_video.between(2, 8).mean() > 0.75
    offensive = comments["text"].str.contains(OFFENSIVE).mean()
    assert 0.01 <= offensive <= 0.04
    assert not comments["text"].str.contains(r"\{|\}").any()  # every template slot was filled
    # commenters come from groups that viewed the video
    viewed = set(map(tuple, demo.interactions[["video_id", *GROUP]].to_numpy()))
    assert all(tuple(row) in viewed for row in comments[["video_id", *GROUP]].to_numpy())


@pytest.mark.parametrize("seed", [7, 1, 2])
def test_planted_behaviours_are_recoverable(seed: int) -> None:
    data = make_demo(seed)
    index, V = group_matrix(data)
    k = len(data.planted_labels)
    share = V.sum(axis=1) / V.sum()
    eligible = share >= 0.005
    for scaled in (True, False):
        W, H = fit(V, k, scaled)
        fitted, cos = match(H, data.planted_H)
        if scaled:
            assert cos.min() >= 0.9, np.round(cos, 3)
        else:  # raw may merge two behaviours (see the module docstring); the rest are still recovered
            assert (cos >= 0.9).sum() >= k - 2, np.round(cos, 3)
        mass = W * H.sum(axis=1)  # views each group gives each behaviour
        specialisation = mass / mass.sum(axis=1, keepdims=True)
        hits = 0
        for j, group in enumerate(data.planted_groups):
            score = np.where(eligible, specialisation[:, fitted[j]], -1.0)
            hits += index[int(score.argmax())] == (group["age"], group["gender"], group["country"])
        if scaled:
            assert hits >= k - 1, hits


def test_other_sizes_and_bad_arguments() -> None:
    small = make_demo(3, n_videos=120, n_behaviours=5)
    assert small.planted_H.shape == (5, 120) and len(small.content) == 120
    np.testing.assert_allclose(small.planted_H.sum(axis=1), 1.0)
    with pytest.raises(ValueError):
        make_demo(n_behaviours=0)
    with pytest.raises(ValueError):
        make_demo(n_behaviours=99)
    with pytest.raises(ValueError):
        make_demo(n_videos=5)


def test_write_demo(demo: DemoData, tmp_path) -> None:
    paths = write_demo(demo, tmp_path / "demo")
    assert set(paths) == {"interactions", "content", "comments", "readme"}
    assert [p.name for p in paths.values()] == ["interactions.csv", "content.csv", "comments.csv", "README.txt"]
    back = pd.read_csv(paths["interactions"], encoding="utf-8", dtype={"age": str})
    assert len(back) == len(demo.interactions) and back["views"].sum() == demo.interactions["views"].sum()
    assert pd.read_csv(paths["content"])["title"].tolist() == demo.content["title"].tolist()
    assert pd.read_csv(paths["comments"])["text"].tolist() == demo.comments["text"].tolist()
    readme = paths["readme"].read_text(encoding="utf-8")
    assert "SYNTHETIC" in readme and readme.strip() == demo.note

"""Dynamic personas: windowed generation, recency weighting, warm-started updates, drift, and their bad input."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from conftest import HASH_EMBEDDINGS, generate_args, open_test_store, snapshot
from cli.main import main
from personas.data import load
from personas.demo_drift import drift_spec, make_drift_demo, write_drift_demo
from personas.drift import STAY_COSINE, compare_sets
from personas.pipeline import GenerateOptions, generate
from personas.windows import WindowPlan, load_window, window_specs
from usecases.settings import Settings

DEMO = make_drift_demo()


def _run(home: Path, capsys, *args: str) -> tuple[int, str, str]:
    capsys.readouterr()
    code = main(["--home", str(home), *args])
    out = capsys.readouterr()
    return code, out.out, out.err


def _gen(paths: dict[str, Path], *extra: str) -> list[str]:
    return ["generate", "--interactions", str(paths["interactions"]), "--content", str(paths["content"]),
            "--group-by", "age,gender,country", "--content-col", "video_id", "--count-col", "views",
            "--event-date-col", "date", "-k", str(DEMO.k), "--name", "dd", "--no-progress", *extra]


@pytest.fixture(scope="module")
def drift_files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    return write_drift_demo(DEMO, tmp_path_factory.mktemp("drift") / "data")


@pytest.fixture(scope="module")
def monthly_home(tmp_path_factory, drift_files) -> Path:
    """One persona set per month of the planted-drift demo, generated once for the module."""
    home = tmp_path_factory.mktemp("monthly") / "home"
    with pytest.MonkeyPatch.context() as mp:  # module scope runs before the autouse hashing-embedding fixture
        mp.setenv("PERSONAS_EMBEDDING_MODEL", HASH_EMBEDDINGS)
        assert main(["--home", str(home), *_gen(drift_files, "--window", "month")]) == 0
    return home


def test_windowed_generation_makes_one_set_per_month(monthly_home):
    sets = open_test_store(monthly_home).list_sets()
    assert [s["name"] for s in sets] == [f"dd-{m}" for m in DEMO.months]
    assert sets[0]["params"]["window"]["start"] == "2025-01-01" and sets[0]["params"]["window"]["end"] == "2025-01-31"
    assert sets[-1]["active"]


def test_each_window_keeps_its_change_rate_from_the_previous_window(monthly_home):
    """APG's month-to-month change rate, stored in each window's quality; the Dashboard compares the same sets."""
    from personas.drift import compare_sets
    from usecases.history import drift_from_previous

    store = open_test_store(monthly_home)
    months = [f"dd-{m}" for m in DEMO.months]
    assert store.load(months[0]).quality["change_from_previous"] is None
    for before, after in zip(months, months[1:]):
        got = store.load(after).quality["change_from_previous"]
        expected = compare_sets(store.load(before, with_model=True), store.load(after, with_model=True))
        assert got["previous"] == f"{before}@v1"
        assert got["change_rate"] == pytest.approx(expected.change_rate)
        assert got["behaviour_change_rate"] == pytest.approx(expected.behaviour_change_rate)
        assert drift_from_previous(store, after, 1).before == f"{before}@v1"  # the previous window
    assert drift_from_previous(store, months[0], 1) is None
    from personas.report_html import report_html  # the report and the Dashboard show it

    assert f"Change rate from {months[-2]}@v1" in report_html(store.load(months[-1]))


def test_drift_finds_exactly_the_planted_change(monthly_home, capsys):
    code, out, err = _run(monthly_home, capsys, "drift", f"dd-{DEMO.months[0]}", f"dd-{DEMO.months[-1]}@v1", "--json")
    assert code == 0, err
    report = json.loads(out)
    assert len(report["disappeared"]) == 1 and len(report["appeared"]) == 1
    assert report["disappeared"][0]["group"] == DEMO.fading_group
    assert report["appeared"][0]["group"] == DEMO.emerging_group
    assert "Gaming" in report["disappeared"][0]["top_topics"]
    assert {"DIY", "Cars"} & set(report["appeared"][0]["top_topics"])
    assert len(report["matched"]) == DEMO.k - 1 and all(m["unchanged"] for m in report["matched"])
    assert report["change_rate"] == pytest.approx(1 / DEMO.k)
    # and the text form says the same
    code, out, _ = _run(monthly_home, capsys, "drift", f"dd-{DEMO.months[0]}", f"dd-{DEMO.months[-1]}")
    assert code == 0 and out.count("  disappeared: ") == 1 and out.count("  appeared: ") == 1


def test_drift_text_names_both_personas_of_a_pair_on_another_group(monthly_home, capsys):
    """A weak match on another group must not read as the same persona: the text names both and says so."""
    before, after = f"dd-{DEMO.months[2]}", f"dd-{DEMO.months[3]}"
    report = json.loads(_run(monthly_home, capsys, "drift", before, after, "--json")[1])
    moved = [m for m in report["matched"] if not m["same_group"]]
    assert moved  # the fading behaviour's persona is matched to a persona of another group in the last month
    out = _run(monthly_home, capsys, "drift", before, after)[1]
    for m in moved:
        line = next(ln for ln in out.splitlines() if f"{m['before']} -> {m['after']}" in ln)
        assert f"{m['name_before']} -> {m['name_after']}: changed, on another group" in line


def test_drift_between_different_group_columns_is_explained(monthly_home, tmp_path, capsys):
    frame = DEMO.interactions[DEMO.interactions["date"] < "2025-02"]
    path = tmp_path / "jan.csv"
    frame.to_csv(path, index=False)
    args = ["generate", "--interactions", str(path), "--group-by", "age,gender", "--content-col", "video_id",
            "--count-col", "views", "-k", "3", "--name", "coarse", "--no-progress"]
    assert _run(monthly_home, capsys, *args)[0] == 0
    before = snapshot(monthly_home)
    code, out, err = _run(monthly_home, capsys, "drift", "coarse", f"dd-{DEMO.months[0]}")
    assert code == 2 and len(err.strip().splitlines()) == 1
    assert "groups its audience by age, gender but" in err and "age, gender, country" in err and "--group-by" in err
    assert snapshot(monthly_home) == before


def _unscaled_H(pset, content_ids) -> np.ndarray:
    """The set's behaviours (rows of H, column scaling undone) on the given content ids, each row unit length."""
    m = pset.model
    pos = pd.Index(m.content_ids).get_indexer(content_ids)
    H = (m.H / m.column_scale[None, :])[:, pos]
    return H / np.linalg.norm(H, axis=1, keepdims=True)


def test_update_keeps_persona_identities(drift_files, home, capsys):
    assert _run(home, capsys, *_gen(drift_files, "--until", "2025-01-31"))[0] == 0
    code, out, err = _run(home, capsys, "update", "--set", "dd", "--interactions", str(drift_files["interactions"]),
                          "--content", str(drift_files["content"]), "--content-col", "video_id", "--count-col",
                          "views", "--event-date-col", "date", "--since", "2025-02-01", "--until", "2025-02-28",
                          "--no-progress")
    assert code == 0, err
    store = open_test_store(home)
    v1, v2 = store.load("dd", 1, with_model=True), store.load("dd", 2, with_model=True)
    assert v2.params["updated_from"] == "dd@v1"
    by_group_v1 = {tuple(p.group.values()): p for p in v1.personas}
    kept = [p for p in v2.personas if tuple(p.group.values()) in by_group_v1]
    assert len(kept) >= DEMO.k - 1  # February still holds every January behaviour (the fading one at 2/3)
    for p in kept:  # the same persona number for the same behaviour: dd-v1-03 continues as dd-v2-03
        assert p.id.rsplit("-", 1)[1] == by_group_v1[tuple(p.group.values())].id.rsplit("-", 1)[1], (p.id, p.group)
    assert "continues dd-v1-" in out
    assert store.active_ref() == ("dd", 2)
    # The warm start itself keeps the behaviours in place, before any re-matching by carry_identities:
    # behaviour j of the update is behaviour j of before (same NMF row, same group, nearly the same content).
    shared = np.intersect1d(v1.model.content_ids, v2.model.content_ids)
    H1, H2 = _unscaled_H(v1, shared), _unscaled_H(v2, shared)
    same_row = np.sum(H1 * H2, axis=1)  # cosine of row j before and after, no matching
    for p in kept:
        before = by_group_v1[tuple(p.group.values())]
        assert p.behaviour == before.behaviour, (p.id, p.behaviour, before.behaviour)
        assert same_row[p.behaviour] >= 0.9, (p.id, same_row)
    # A cold start on the same February data finds the behaviours in another order (rows >= 2 move), so the
    # rows above staying put is the warm start at work, not luck.
    (w,) = window_specs(drift_spec(DEMO), "date", WindowPlan(since="2025-02-01", until="2025-02-28"))
    cold = generate(load(w.spec), Settings(embedding_model=HASH_EMBEDDINGS).generation, GenerateOptions("cold", 1, DEMO.k, 7))
    cold_row = np.sum(H1 * _unscaled_H(cold, shared), axis=1)
    assert (cold_row < 0.9).sum() >= 2, cold_row


def test_update_gives_a_persona_on_another_group_a_new_number(drift_files, home, capsys):
    """March -> April: the fading behaviour's best match is a weak one on another group; it is a new persona."""
    march = ("--since", f"{DEMO.months[2]}-01", "--until", f"{DEMO.months[2]}-31")
    assert _run(home, capsys, *_gen(drift_files, *march))[0] == 0
    code, out, err = _run(home, capsys, "update", "--set", "dd", "--interactions", str(drift_files["interactions"]),
                          "--content", str(drift_files["content"]), "--content-col", "video_id", "--count-col",
                          "views", "--event-date-col", "date", "--since", f"{DEMO.months[3]}-01", "--no-progress")
    assert code == 0, err
    store = open_test_store(home)
    v1, v2 = store.load("dd", 1, with_model=True), store.load("dd", 2, with_model=True)
    # the pairs drift matches across the two versions on another group with a weak behaviour match
    weak = [m for m in compare_sets(v1, v2).matched if not m.same_group and m.cosine < STAY_COSINE]
    assert weak  # the fading behaviour's persona is matched, weakly, to a persona of another group
    for m in weak:
        assert m.after.rsplit("-", 1)[1] != m.before.rsplit("-", 1)[1], m  # a new number, not the old one
        assert f"  {m.after}  new" in out


def test_update_folds_new_files_into_the_earlier_ones(drift_files, home, tmp_path, capsys):
    """Several --interactions files are read as one table: the new version stands for January and February."""
    frame = DEMO.interactions
    jan, feb = tmp_path / "jan.csv", tmp_path / "feb.csv"
    frame[frame["date"] < "2025-02"].to_csv(jan, index=False)
    frame[(frame["date"] >= "2025-02") & (frame["date"] < "2025-03")].to_csv(feb, index=False)
    args = ["--content", str(drift_files["content"]), "--group-by", "age,gender,country", "--content-col", "video_id",
            "--count-col", "views", "--no-progress"]
    assert _run(home, capsys, "generate", "--interactions", str(jan), *args, "-k", str(DEMO.k), "--name", "dd")[0] == 0
    code, out, err = _run(home, capsys, "update", "--set", "dd", "--interactions", str(jan), str(feb), *args[:-1],
                          "--no-progress")
    assert code == 0, err
    v2 = open_test_store(home).load("dd", 2)
    both = frame[frame["date"] < "2025-03"]
    for p in v2.personas:  # every persona's views are January's plus February's, exactly
        mask = np.logical_and.reduce([both[c].astype(str) == v for c, v in p.group.items()])
        assert p.stats.group_interactions == both.loc[mask, "views"].sum(), p.id
    assert "jan.csv, feb.csv" in v2.source
    bad = tmp_path / "other.csv"
    frame.head(20).drop(columns=["date"]).to_csv(bad, index=False)
    _assert_refused(home, capsys, ["update", "--set", "dd", "--interactions", str(jan), str(bad), *args[:-1]],
                    "other.csv has columns")


def test_half_life_weights_the_behaviours_not_the_numbers():
    """--half-life changes what NMF finds, never the numbers a persona states: those are the data's counts."""
    settings = Settings(embedding_model=HASH_EMBEDDINGS)

    def personas(half_life: str | None):
        (w,) = window_specs(drift_spec(DEMO), "date", WindowPlan(half_life=half_life))
        data, weighted = load_window(w)
        assert (weighted is None) == (half_life is None)
        pset = generate(data, settings.generation, GenerateOptions("hl", 1, DEMO.k, 0, nmf_matrix=weighted))
        m = pset.model  # the fitted counts per group, back in the count space NMF saw
        fitted = ((m.W @ m.H) / m.row_scale[:, None] / m.column_scale[None, :]).sum(axis=1)
        fitted_share = dict(zip(map(tuple, m.group_values), fitted / fitted.sum()))
        return {tuple(p.group.values()): p for p in pset.personas}, fitted_share

    (plain, plain_fit), (recent, recent_fit) = personas(None), personas("14d")
    fading, emerging = tuple(DEMO.fading_group.values()), tuple(DEMO.emerging_group.values())
    # The behaviours move the expected way: over the whole range both stand; weighted to recent months the
    # fading one is gone, and the emerging group holds more of what the factorisation explains.
    assert fading in plain and emerging in plain
    assert fading not in recent and emerging in recent
    assert recent_fit[emerging] > 1.3 * plain_fit[emerging] and recent_fit[fading] < plain_fit[fading]
    # The numbers are the data's own, not decayed: group totals, shares, top content counts, topics, trend.
    raw = DEMO.interactions.groupby(["age", "gender", "country"])["views"].sum()
    per_video = DEMO.interactions.groupby(["age", "gender", "country", "video_id"])["views"].sum()
    for group, p in recent.items():
        assert p.count_name == "views"
        assert p.stats.group_interactions == pytest.approx(raw[group])
        assert p.stats.audience_share == pytest.approx(raw[group] / raw.sum())
        for c in p.stats.top_content:
            assert c.count == pytest.approx(per_video[(*group, c.content_id)])
        assert sum(t.count for t in p.stats.trend) == pytest.approx(raw[group])
        if group in plain:  # the same group states the same numbers with or without a half-life
            assert p.stats.group_interactions == plain[group].stats.group_interactions
            assert [(t.topic, t.count) for t in p.stats.topics] == [
                (t.topic, t.count) for t in plain[group].stats.topics]


def test_half_life_keeps_every_count_column_raw():
    """Extra counts (likes) and event rows without a count column are not decayed either."""
    frame = DEMO.interactions.assign(likes=DEMO.interactions["views"] // 10)
    spec = replace(drift_spec(DEMO), interactions=frame, extra_count_cols=("likes",))
    (w,) = window_specs(spec, "date", WindowPlan(half_life="7d"))
    data, weighted = load_window(w)
    raw = frame.groupby(["age", "gender", "country"])[["views", "likes"]].sum()
    keys = list(map(tuple, data.groups.to_numpy(dtype=str)))
    assert data.group_totals == pytest.approx(raw.loc[keys, "views"].to_numpy())
    assert data.extra_totals["likes"] == pytest.approx(raw.loc[keys, "likes"].to_numpy())
    assert weighted.shape == data.matrix.shape and weighted.sum() < 0.9 * data.matrix.sum()
    # event rows that count once each: the raw matrix counts rows, the weighted one their weights
    (w,) = window_specs(replace(spec, count_col=None, extra_count_cols=()), "date", WindowPlan(half_life="7d"))
    data, weighted = load_window(w)
    assert data.matrix.sum() == len(frame) and data.count_name == "interactions"
    assert 0 < weighted.sum() < len(frame)


def _assert_refused(home: Path, capsys, args: list[str], *phrases: str) -> str:
    before = snapshot(home)
    code, out, err = _run(home, capsys, *args)
    lines = err.strip().splitlines()
    assert code == 2 and len(lines) == 1, err
    for phrase in phrases:
        assert phrase in lines[0], lines[0]
    assert "Traceback" not in err
    assert snapshot(home) == before, "a failed run changed the data home"
    return lines[0]


def test_date_column_that_does_not_parse_names_the_values(drift_files, home, capsys, tmp_path):
    frame = pd.read_csv(drift_files["interactions"], dtype=str)
    frame.loc[3, "date"] = "last tuesday"
    frame.loc[9, "date"] = "2025-13-45"
    bad = tmp_path / "bad.csv"
    frame.to_csv(bad, index=False)
    paths = {**drift_files, "interactions": bad}
    _assert_refused(home, capsys, _gen(paths, "--window", "month"), "'date'", "'last tuesday'", "'2025-13-45'",
                    "not dates")


def test_windows_with_too_little_data_are_named(drift_files, home, capsys, tmp_path):
    frame = pd.read_csv(drift_files["interactions"], dtype=str)
    month = frame["date"].str[:7]
    # February: 5 rows (fewer than k groups); April: 100 rows, enough to fit k but under 20 rows per persona
    frame = pd.concat([frame[month == "2025-01"], frame[month == "2025-02"].head(5), frame[month == "2025-04"].head(100)])
    thin = tmp_path / "thin.csv"
    frame.to_csv(thin, index=False)
    line = _assert_refused(home, capsys, _gen({**drift_files, "interactions": thin}, "--window", "month"),
                           "2025-02 (5 rows", "2025-03 (no interactions)", "2025-04 (100 rows, fewer than 20 per persona",
                           f"too little data for {DEMO.k} personas")
    assert "2025-01" not in line


def test_window_options_need_event_dates(drift_files, home, capsys, audience_files):
    _assert_refused(home, capsys, generate_args(audience_files, "--window", "month"), "--event-date-col")
    _assert_refused(home, capsys, ["generate", "--demo", "--half-life", "30d", "--no-progress"], "demo-data --drift")
    _assert_refused(home, capsys, _gen(drift_files, "--window", "soon"), "--window 'soon'")
    _assert_refused(home, capsys, _gen(drift_files, "--since", "2026-01-01"), "no interactions between 2026-01-01")


def test_update_bad_input(drift_files, home, capsys):
    assert _run(home, capsys, *_gen(drift_files, "--until", "2025-01-31"))[0] == 0
    base = ["update", "--set", "dd", "--interactions", str(drift_files["interactions"]), "--content-col", "video_id",
            "--count-col", "views"]
    _assert_refused(home, capsys, [*base, "--group-by", "age,gender"], "differs from dd@v1's groups")
    _assert_refused(home, capsys, [*base, "--half-life", "30d"], "--event-date-col")
    _assert_refused(home, capsys, ["update", "--set", "nope", *base[3:]], "no persona set named 'nope'")


def test_a_failed_save_leaves_no_window_behind(drift_files, home, capsys, monkeypatch):
    """Windows are saved one by one: when the third save fails, the two saved before it are deleted again and the
    active set stays what it was, both for new names and for new versions of existing ones."""
    from retrieval.store import ChromaSetStore

    assert _run(home, capsys, *_gen(drift_files, "--until", "2025-01-31"))[0] == 0  # dd@v1, active
    store = open_test_store(home)
    before_sets, before_active = [(s["name"], s["version"]) for s in store.list_sets()], store.active_ref()
    models_before = sorted(p.relative_to(home) for p in (home / "models").rglob("*.npz"))
    real_save, calls = ChromaSetStore.save, []

    def failing_save(self, pset, *args, **kwargs):
        calls.append(pset.ref)
        if len(calls) == 3:
            raise OSError("disk full")
        return real_save(self, pset, *args, **kwargs)

    monkeypatch.setattr(ChromaSetStore, "save", failing_save)
    with pytest.raises(OSError, match="disk full"):
        main(["--home", str(home), *_gen(drift_files, "--window", "month")])
    assert len(calls) == 3
    store = open_test_store(home)
    assert [(s["name"], s["version"]) for s in store.list_sets()] == before_sets
    assert store.active_ref() == before_active == ("dd", 1)
    assert sorted(p.relative_to(home) for p in (home / "models").rglob("*.npz")) == models_before
    assert not store._profiles.get(where={"profile_set": "dd-2025-01@v1"})["ids"]

    # Existing names: the failed run's new versions go, the earlier versions and the active set stay.
    monkeypatch.setattr(ChromaSetStore, "save", real_save)
    assert _run(home, capsys, *_gen(drift_files, "--window", "month"))[0] == 0
    store = open_test_store(home)
    before_sets, before_active = [(s["name"], s["version"]) for s in store.list_sets()], store.active_ref()
    calls.clear()
    monkeypatch.setattr(ChromaSetStore, "save", failing_save)
    with pytest.raises(OSError, match="disk full"):
        main(["--home", str(home), *_gen(drift_files, "--window", "month")])
    store = open_test_store(home)
    assert calls[0] == "dd-2025-01@v2"
    assert [(s["name"], s["version"]) for s in store.list_sets()] == before_sets
    assert store.active_ref() == before_active == (f"dd-{DEMO.months[-1]}", 1)
    assert store.load("dd-2025-01", 1).personas  # the earlier version is whole
    assert not store._profiles.get(where={"profile_set": "dd-2025-01@v2"})["ids"]


def test_date_col_of_the_interactions_works_as_in_the_issue(drift_files, home, capsys):
    """`--date-col COL --window month` (the issue's command): COL is a column of the interactions, so it is used as
    their date column, with one note; the content file's own date column is still found."""
    args = ["--date-col" if a == "--event-date-col" else a for a in _gen(drift_files, "--window", "month")]
    code, _, err = _run(home, capsys, *args)
    assert code == 0, err
    note = "note: using --date-col 'date' as the interactions' date column (--event-date-col date)"
    assert err.strip().splitlines() == [note]
    store = open_test_store(home)
    sets = store.list_sets()
    assert [s["name"] for s in sets] == [f"dd-{m}" for m in DEMO.months]
    assert sets[0]["params"]["window"]["date_col"] == "date"
    persona = store.load(f"dd-{DEMO.months[0]}").personas[0]
    assert [t.period for t in persona.stats.trend] == [DEMO.months[0]]  # the interactions' months


def test_date_col_that_is_not_in_the_interactions_asks_for_event_date_col(drift_files, home, capsys):
    args = _gen(drift_files, "--window", "month")
    i = args.index("--event-date-col")
    args[i:i + 2] = ["--date-col", "published"]  # the content file's column, not the interactions'
    _assert_refused(home, capsys, args, "--date-col 'published'", "no column 'published'", "pass --event-date-col")


def test_list_export_and_search_take_a_versioned_set_ref(monthly_home, capsys):
    ref = f"dd-{DEMO.months[0]}@v1"
    code, out, err = _run(monthly_home, capsys, "list", "--set", ref)
    assert code == 0, err
    assert f"dd-{DEMO.months[0]}-v1-01" in out and f"dd-{DEMO.months[-1]}-v1" not in out
    code, out, err = _run(monthly_home, capsys, "export", "--set", ref)
    assert code == 0 and all(p["id"].startswith(f"dd-{DEMO.months[0]}-v1-") for p in json.loads(out))
    code, out, err = _run(monthly_home, capsys, "search", "gamers", "--set", ref, "--json")
    assert code == 0 and json.loads(out)[0]["persona_id"].startswith(f"dd-{DEMO.months[0]}-v1-")
    code, out, err = _run(monthly_home, capsys, "list", "--set", f"dd-{DEMO.months[0]}@v9")
    assert code == 2 and "no persona set" in err

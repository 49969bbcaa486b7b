"""Dynamic personas: windowed generation, recency weighting, warm-started updates, drift, and their bad input."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from conftest import generate_args, open_test_store, snapshot
from personas.cli import main
from personas.data import load
from personas.demo_drift import drift_spec, make_drift_demo, write_drift_demo
from personas.pipeline import GenerateOptions, generate
from personas.settings import Settings
from personas.windows import WindowPlan, window_specs

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
        mp.setenv("PERSONAS_EMBEDDING_MODEL", "hash")
        assert main(["--home", str(home), *_gen(drift_files, "--window", "month")]) == 0
    return home


def test_windowed_generation_makes_one_set_per_month(monthly_home):
    sets = open_test_store(monthly_home).list_sets()
    assert [s["name"] for s in sets] == [f"dd-{m}" for m in DEMO.months]
    assert sets[0]["params"]["window"]["start"] == "2025-01-01" and sets[0]["params"]["window"]["end"] == "2025-01-31"
    assert sets[-1]["active"]


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
    by_group_v1 = {tuple(p.group.values()): p.id.rsplit("-", 1)[1] for p in v1.personas}
    kept = [p for p in v2.personas if tuple(p.group.values()) in by_group_v1]
    assert len(kept) >= DEMO.k - 1  # February still holds every January behaviour (the fading one at 2/3)
    for p in kept:  # the same persona number for the same behaviour: dd-v1-03 continues as dd-v2-03
        assert p.id.rsplit("-", 1)[1] == by_group_v1[tuple(p.group.values())], (p.id, p.group)
    assert "continues dd-v1-" in out
    assert store.active_ref() == ("dd", 2)


def test_half_life_weights_recent_behaviour_up():
    settings = Settings(embedding_model="hash")

    def personas(half_life: str | None):
        (w,) = window_specs(drift_spec(DEMO), "date", WindowPlan(half_life=half_life))
        pset = generate(load(w.spec), settings, GenerateOptions("hl", 1, DEMO.k, 0))
        return {tuple(p.group.values()): p.stats.audience_share for p in pset.personas}

    plain, recent = personas(None), personas("14d")
    fading, emerging = tuple(DEMO.fading_group.values()), tuple(DEMO.emerging_group.values())
    assert fading in plain and emerging in plain  # over the whole range both behaviours stand
    assert fading not in recent  # weighted to recent months, the fading behaviour is gone
    assert recent[emerging] > plain[emerging]  # and the emerging one weighs more


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
    feb = frame["date"].str.startswith("2025-02")
    frame = pd.concat([frame[~feb], frame[feb].head(5)])
    frame = frame[~frame["date"].str.startswith("2025-03")]
    thin = tmp_path / "thin.csv"
    frame.to_csv(thin, index=False)
    line = _assert_refused(home, capsys, _gen({**drift_files, "interactions": thin}, "--window", "month"),
                           "2025-02 (5 rows", "2025-03 (no interactions)", f"too little data for {DEMO.k} personas")
    assert "2025-01" not in line and "2025-04" not in line


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

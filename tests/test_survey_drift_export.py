"""Two survey waves through drift, and survey sets through the exports: matched on positions, with the
positions that moved shown; every export format writes without error."""

from __future__ import annotations

import json

from conftest import open_test_store
from survey_fixtures import survey_set

from personas.drift import compare_sets
from personas.survey_drift import top_positions


def test_drift_between_two_survey_waves_matches_segments_and_shows_their_positions():
    a, b = survey_set("wave", 1, seed=0), survey_set("wave", 2, seed=1)
    r = compare_sets(a, b)
    assert len(r.matched) == 3 and not r.appeared and not r.disappeared
    for m in r.matched:  # the same planted segment in both waves
        assert m.before.split("-")[-1] == m.after.split("-")[-1] and m.cosine > 0.95
        p = next(p for p in a.personas if p.id == m.before)
        assert m.topics_before == top_positions(p) and m.topics_before[0].startswith(p.survey.items[0].statement)
    assert json.dumps(r.to_json())


def test_the_cli_drifts_and_exports_survey_sets(home, cli):
    store = open_test_store(home)
    store.save(survey_set("wave", 1, seed=0))
    store.save(survey_set("wave", 2, seed=1))
    out = cli("drift", "wave@v1", "wave@v2")
    assert out.code == 0 and "Welfare: too much" in out.out, out.err
    for fmt_ in ("json", "csv", "md"):
        r = cli("export", "--set", "wave", "--format", fmt_)
        assert r.code == 0 and "Maya Green" in r.out, (fmt_, r.err)
    r = cli("export", "--set", "wave", "--format", "xlsx", "--out", str(home / "w.xlsx"))
    assert r.code == 0 and (home / "w.xlsx").exists(), r.err

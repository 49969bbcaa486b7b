"""Team-defined personas: learn from planted assignments on the demo, detect --taxonomy, overrides, bad input."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from conftest import demo_set_home, snapshot
from cli.main import main
from personas.demo import make_demo

TEAM = {0: "gamer", 1: "gamer", 2: "maker", 3: "maker", 4: "family", 5: "family", 6: "traveller", 7: "traveller",
        8: "stylist", 9: "stylist"}  # planted behaviour -> the team's persona


@pytest.fixture(scope="module")
def demo_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return demo_set_home(tmp_path_factory, "taxonomy")


def customers(n_per: int, items: int, seed: int, prefix: str = "c") -> tuple[pd.DataFrame, pd.DataFrame]:
    """(interactions: customer, video_id; assignments: customer, persona) sampled from the planted behaviours."""
    demo = make_demo()
    ids = demo.content["video_id"].to_numpy(dtype=str)
    rng = np.random.default_rng(seed)
    rows, labels = [], []
    for j, label in TEAM.items():
        for r in range(n_per):
            who = f"{prefix}{j}-{r}"
            rows += [(who, v) for v in ids[rng.choice(len(ids), size=items, p=demo.planted_H[j])]]
            labels.append((who, label))
    return pd.DataFrame(rows, columns=["customer", "video_id"]), pd.DataFrame(labels, columns=["customer", "persona"])


def run(home: Path, capsys, *args: str) -> tuple[int, str, str]:
    capsys.readouterr()
    code = main(["--home", str(home), *args])
    out = capsys.readouterr()
    return code, out.out, out.err


def test_learn_detect_and_override(demo_home: Path, tmp_path: Path, capsys) -> None:
    inter, labels = customers(12, 15, 0)
    inter.to_csv(tmp_path / "purchases.csv", index=False)
    labels.to_csv(tmp_path / "labels.csv", index=False)
    learn = ["taxonomy", "learn", "--assignments", str(tmp_path / "labels.csv"), "--interactions",
             str(tmp_path / "purchases.csv"), "--content-col", "video_id", "--id-col", "customer"]
    code, out, _ = run(demo_home, capsys, *learn, "--json")
    report = json.loads(out)
    ev = report["evaluation"]
    assert code == 0 and report["customers"] == 120 and report["set"] == "demo@v1"
    assert ev["accuracy"] >= 0.8 and ev["accuracy"] > ev["majority_accuracy"] + 0.5
    assert ev["macro_f1"] > ev["majority_macro_f1"] and sorted(ev["labels"]) == sorted(set(TEAM.values()))
    assert sum(map(sum, ev["confusion"])) == 120
    code, out, _ = run(demo_home, capsys, *learn)
    assert code == 0 and "confusion (rows: assigned" in out and "macro F1" in out

    new, truth = customers(3, 15, 1, prefix="n")
    new.to_csv(tmp_path / "new.csv", index=False)
    code, out, _ = run(demo_home, capsys, "detect", "--taxonomy", "team", "--interactions", str(tmp_path / "new.csv"),
                       "--content-col", "video_id", "--id-col", "customer", "--json")
    found = json.loads(out)
    expected = dict(zip(truth["customer"], truth["persona"]))
    right = [d["personas"][0]["persona"] == expected[d["id"]] for d in found]
    assert code == 0 and len(found) == 30 and np.mean(right) >= 0.8
    assert all(abs(sum(p["probability"] for p in d["personas"]) - 1) < 1e-4 and d["why"] for d in found)

    code, out, _ = run(demo_home, capsys, "taxonomy", "override", "c0-0", "stylist")
    assert code == 0 and "1 override" in out
    code, out, _ = run(demo_home, capsys, *learn, "--json")
    assert code == 0 and json.loads(out)["overrides"] == 1  # the correction is training now


@pytest.mark.parametrize("labels, message", [
    ("customer,persona\nc0-0,gamer\nc0-1,gamer\n", "only one persona"),
    ("customer,persona\nc0-0,gamer\nc0-1,gamer\nghost,maker\nghost2,maker\n", "no interactions"),
    ("customer,persona\n", "no data rows"),
    ("customer,persona\nc0-0,gamer\nc0-0,maker\n", "two personas"),
])
def test_learn_bad_input(demo_home: Path, tmp_path: Path, capsys, labels: str, message: str) -> None:
    inter, _ = customers(2, 10, 3)
    inter.to_csv(tmp_path / "purchases.csv", index=False)
    (tmp_path / "labels.csv").write_text(labels)
    before = snapshot(demo_home)
    code, out, err = run(demo_home, capsys, "taxonomy", "learn", "--name", "bad", "--assignments",
                         str(tmp_path / "labels.csv"), "--interactions", str(tmp_path / "purchases.csv"),
                         "--content-col", "video_id", "--id-col", "customer")
    assert code == 2 and out == "" and message in err and len(err.strip().splitlines()) == 1
    assert snapshot(demo_home) == before


def test_unknown_taxonomy(demo_home: Path, tmp_path: Path, capsys) -> None:
    (tmp_path / "p.csv").write_text("video_id\nv0001\n")
    code, _, err = run(demo_home, capsys, "detect", "--taxonomy", "nope", "--interactions", str(tmp_path / "p.csv"),
                       "--content-col", "video_id")
    assert code == 2 and "no taxonomy named 'nope'" in err
    code, _, err = run(demo_home, capsys, "taxonomy", "override", "--name", "nope", "a", "b")
    assert code == 2 and "no taxonomy named 'nope'" in err

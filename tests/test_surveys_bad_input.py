"""Bad survey input: one clear line on stderr, exit status 2, nothing written (the data home is unchanged)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from conftest import snapshot


def _survey(n: int = 40) -> pd.DataFrame:
    rng = np.random.default_rng(0)
    return pd.DataFrame({
        "age": rng.integers(18, 80, n), "sex": rng.choice(["female", "male"], n),
        "q1": rng.integers(1, 6, n), "q2": rng.integers(1, 6, n), "q3": rng.integers(1, 6, n),
    })


CODEBOOK = "item,statement,code,label\n" + "".join(
    f"{q},Statement {q},{c},{lab}\n" for q in ("q1", "q2", "q3")
    for c, lab in zip(range(1, 6), ("strongly disagree", "disagree", "neither", "agree", "strongly agree")))


def _args(path: Path, *extra: str, items: str = "q1,q2,q3") -> list[str]:
    return ["generate", "--survey", str(path), "--items", items, "--demographics", "age,sex", "--no-progress",
            "--method", "kmeans", "-k", "2", *extra]


@pytest.fixture
def populated(cli, tmp_path):
    good = tmp_path / "good.csv"
    _survey().to_csv(good, index=False)
    (tmp_path / "codebook.csv").write_text(CODEBOOK)
    result = cli(*_args(good, "--codebook", str(tmp_path / "codebook.csv"), "--name", "good"))
    assert result.code == 0, result.err
    return tmp_path


def _refused(cli, home, args, *phrases: str) -> str:
    before = snapshot(home)
    result = cli(*args)
    lines = result.err.strip().splitlines()
    assert result.code == 2 and len(lines) == 1, result.err
    for phrase in phrases:
        assert phrase in lines[0], lines[0]
    assert snapshot(home) == before, "a refused run changed the data home"
    return lines[0]


def _write(folder: Path, frame: pd.DataFrame) -> Path:
    path = folder / "bad.csv"
    frame.to_csv(path, index=False)
    return path


def test_no_item_columns(cli, home, populated):
    path = _write(populated, _survey())
    _refused(cli, home, _args(path, items=""), "needs --items")


def test_item_not_a_column(cli, home, populated):
    path = _write(populated, _survey())
    _refused(cli, home, _args(path, items="q1,q9"), "'q9' not found")


def test_item_with_one_value_only(cli, home, populated):
    frame = _survey().assign(q2=3)
    _refused(cli, home, _args(_write(populated, frame)), "'q2' has one value only", "drop it")


def test_item_nobody_answered(cli, home, populated):
    frame = _survey().assign(q3=np.nan)
    _refused(cli, home, _args(_write(populated, frame)), "'q3' has no answers", "drop it")


def test_codes_not_in_the_codebook(cli, home, populated):
    frame = _survey()
    frame.loc[4, "q1"] = 9
    args = _args(_write(populated, frame), "--codebook", str(populated / "codebook.csv"))
    _refused(cli, home, args, "'q1' has codes not in the codebook: 9")


def test_codebook_names_unknown_items(cli, home, populated):
    book = populated / "book2.csv"
    book.write_text(CODEBOOK + "q7,Statement q7,1,yes\n")
    args = _args(_write(populated, _survey()), "--codebook", str(book))
    _refused(cli, home, args, "codebook names items that are not columns", "q7")


@pytest.mark.parametrize("with_codebook", [True, False])
def test_text_in_a_numeric_item(cli, home, populated, with_codebook):
    frame = _survey().astype({"q2": object})
    frame.loc[7, "q2"] = "lots"
    extra = ("--codebook", str(populated / "kinds.csv")) if with_codebook else ()
    (populated / "kinds.csv").write_text("item,statement,code,label,kind\nq2,Statement q2,,,likert\n")
    _refused(cli, home, _args(_write(populated, frame), *extra), "'q2'", "row 8 holds text 'lots'")


def test_fewer_respondents_than_segments(cli, home, populated):
    path = _write(populated, _survey(12))
    args = _args(path)
    args[args.index("-k") + 1] = "20"
    _refused(cli, home, args, "12 respondents", "-k 20")


def test_unknown_method_value_is_refused_by_the_parser(cli, home, populated):
    path = _write(populated, _survey())
    before = snapshot(home)
    with pytest.raises(SystemExit) as exc:
        cli(*_args(path, "--method", "spectral"))
    assert exc.value.code == 2 and snapshot(home) == before


def test_a_method_that_cannot_use_the_items(cli, home, populated):
    frame = _survey().assign(colour=lambda d: np.where(d["q1"] > 2, "red", "blue"))
    path = _write(populated, frame)
    args = _args(path, items="q1,q2,colour")
    _refused(cli, home, args, "--method kmeans cannot use categorical items (colour)",
             "--method lca or kprototypes")

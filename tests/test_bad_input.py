"""Every kind of bad input gets one clear line on stderr, exit status 2, and writes nothing."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from conftest import generate_args, open_test_store, snapshot


@pytest.fixture
def populated(cli, audience_files, home):
    """A data home that already has an active persona set, which bad runs must leave intact."""
    result = cli(*generate_args(audience_files, "--name", "good"))
    assert result.code == 0, result.err
    return audience_files


def _with_interactions(paths: dict[str, Path], frame: pd.DataFrame | None = None, text: bytes | None = None,
                       name: str = "bad.csv") -> dict[str, Path]:
    target = paths["interactions"].parent / name
    if text is not None:
        target.write_bytes(text)
    else:
        assert frame is not None
        frame.to_csv(target, index=False)
    return {**paths, "interactions": target}


def _assert_refused(cli, home, args, *phrases: str) -> str:
    before = snapshot(home)
    result = cli(*args)
    assert result.code == 2
    lines = result.err.strip().splitlines()
    assert len(lines) == 1, result.err
    for phrase in phrases:
        assert phrase in lines[0], lines[0]
    assert "Traceback" not in result.err
    assert snapshot(home) == before, "a failed run changed the data home"
    return lines[0]


def test_missing_file(cli, home, populated):
    paths = {**populated, "interactions": populated["interactions"].parent / "nope.csv"}
    _assert_refused(cli, home, generate_args(paths), "not found", "nope.csv")


def test_missing_column_names_it_and_lists_found(cli, home, populated):
    args = generate_args(populated)
    args[args.index("--count-col") + 1] = "viewz"
    line = _assert_refused(cli, home, args, "'viewz' not found", "columns found:")
    for col in ("age", "gender", "country", "content_id", "views"):
        assert col in line


def test_missing_group_column(cli, home, populated):
    args = generate_args(populated)
    args[args.index("--group-by") + 1] = "age,gender,region"
    _assert_refused(cli, home, args, "'region' not found")


@pytest.mark.parametrize(
    "value, phrase",
    [("abc", "must be numeric but holds 'abc'"), ("-3", "negative"), ("", "empty values"), ("nan", "empty values")],
)
def test_bad_counts(cli, home, populated, value, phrase):
    frame = pd.read_csv(populated["interactions"], dtype=str, keep_default_na=False)
    frame.loc[5, "views"] = value
    paths = _with_interactions(populated, frame)
    _assert_refused(cli, home, generate_args(paths), "views", phrase)


def test_bad_counts_in_parquet(cli, home, populated):
    frame = pd.read_csv(populated["interactions"])
    frame["views"] = frame["views"].astype(float)
    frame.loc[3, "views"] = np.nan
    target = populated["interactions"].parent / "bad.parquet"
    frame.to_parquet(target, index=False)
    _assert_refused(cli, home, generate_args({**populated, "interactions": target}), "views", "empty values")


def test_all_zero_counts(cli, home, populated):
    frame = pd.read_csv(populated["interactions"])
    frame["views"] = 0
    _assert_refused(cli, home, generate_args(_with_interactions(populated, frame)), "zero")


def test_header_only(cli, home, populated):
    paths = _with_interactions(populated, text=b"age,gender,country,content_id,views,likes\n")
    _assert_refused(cli, home, generate_args(paths), "no data rows")


def test_k_too_large(cli, home, populated):
    args = generate_args(populated)
    args[args.index("-k") + 1] = "500"
    _assert_refused(cli, home, args, "-k 500", "larger than the data allows", "or less")


def test_k_not_a_number(cli, home, populated):
    args = generate_args(populated)
    args[args.index("-k") + 1] = "ten"
    _assert_refused(cli, home, args, "-k", "'ten'")


def test_single_group(cli, home, populated):
    frame = pd.read_csv(populated["interactions"])
    frame = frame[(frame.age == "18-24") & (frame.gender == "female") & (frame.country == "US")]
    _assert_refused(cli, home, generate_args(_with_interactions(populated, frame)), "only 1 demographic group")


def test_single_content(cli, home, populated):
    frame = pd.read_csv(populated["interactions"])
    frame = frame[frame.content_id == "c000"]
    _assert_refused(cli, home, generate_args(_with_interactions(populated, frame)), "only 1 content item")


def test_not_utf8(cli, home, populated):
    text = populated["interactions"].read_text(encoding="utf-8").replace("US", "Ün", 3).encode("latin-1")
    _assert_refused(cli, home, generate_args(_with_interactions(populated, text=text)), "not UTF-8")


def test_not_utf8_content_titles(cli, home, populated):
    target = populated["content"].parent / "content-latin1.csv"
    target.write_bytes(populated["content"].read_text(encoding="utf-8").replace("Title 3", "Caf\u00e9").encode("latin-1"))
    _assert_refused(cli, home, generate_args({**populated, "content": target}), "not UTF-8")


@pytest.mark.parametrize("name, body, phrase", [
    ("data.xlsx", b"PK\x03\x04 not really", "not a CSV or Parquet file"),
    ("data.parquet", b"age,gender\n1,2\n", "not a readable Parquet file"),
])
def test_not_csv_or_parquet(cli, home, populated, name, body, phrase):
    _assert_refused(cli, home, generate_args(_with_interactions(populated, text=body, name=name)), phrase)


def test_bad_bins(cli, home, populated):
    _assert_refused(cli, home, generate_args(populated, "--bins", "age=30,20"), "increasing")


def test_bins_on_a_column_that_is_not_grouped(cli, home, populated):
    _assert_refused(cli, home, generate_args(populated, "--bins", "income=10,20"), "not a group column")


def test_bad_set_name(cli, home, populated):
    _assert_refused(cli, home, generate_args(populated, "--name", "../escape"), "set name")


def test_unknown_dataset_and_persona(cli, home, populated):
    _assert_refused(cli, home, ["generate", "--dataset", "imdb-5000"], "unknown dataset")
    _assert_refused(cli, home, ["show", "nobody-v1-01"], "no persona with id")
    _assert_refused(cli, home, ["delete-set", "nothing"], "no persona set named")


def test_duplicate_rows_are_summed_and_said(cli, home, populated, capsys):
    frame = pd.read_csv(populated["interactions"])
    dup = frame.iloc[[0, 1]]
    paths = _with_interactions(populated, pd.concat([frame, dup], ignore_index=True), name="dup.csv")
    result = cli(*generate_args(paths, "--name", "dup"))
    assert result.code == 0, result.err
    assert "2 duplicate (group, content) rows were summed" in result.out
    export = cli("export", "--format", "json")
    import json

    personas = json.loads(export.out)
    for p in personas:
        g = frame[(frame.age == p["group"]["age"]) & (frame.gender == p["group"]["gender"])
                  & (frame.country == p["group"]["country"])]
        extra = dup[(dup.age == p["group"]["age"]) & (dup.gender == p["group"]["gender"])
                    & (dup.country == p["group"]["country"])]
        assert p["group_interactions"] == int(g.views.sum() + extra.views.sum())


def _logical_state(home):
    store = open_test_store(home)
    names = sorted(c.name for c in store.client.list_collections())
    profiles = store.client.get_collection("persona_profiles").get()["ids"]
    models = sorted(str(p.relative_to(home)) for p in (home / "models").rglob("*") if p.is_file())
    return store.list_sets(), store.active_ref(), names, sorted(profiles), models


@pytest.mark.parametrize("stage", ["embedding", "model file"])
def test_failure_while_saving_leaves_no_half_written_set(cli, home, populated, monkeypatch, stage):
    """A crash in the middle of indexing: facts and profiles were already written, then removed."""
    from retrieval.store import ChromaSetStore

    def boom(*args, **kwargs):
        raise OSError("disk full")

    before = _logical_state(home)
    if stage == "model file":
        monkeypatch.setattr(ChromaSetStore, "_write_model", boom)
    else:
        calls = {"n": 0}
        real = ChromaSetStore.embed

        def second_call_fails(self, texts, progress=None):
            calls["n"] += 1
            if calls["n"] == 2:  # facts are indexed, profiles are not yet
                raise OSError("disk full")
            return real(self, texts, progress)

        monkeypatch.setattr(ChromaSetStore, "embed", second_call_fails)
    with pytest.raises(OSError):
        cli(*generate_args(populated, "--name", "half"))
    assert _logical_state(home) == before
    assert cli("list").code == 0


def test_console_script_exit_status(tmp_path):
    """The installed entry point itself: one line, status 2."""
    proc = subprocess.run(
        [sys.executable, "-m", "cli", "--home", str(tmp_path), "generate", "--interactions",
         str(tmp_path / "missing.csv"), "--group-by", "age", "--content-col", "c"],
        capture_output=True, text=True,
    )
    assert proc.returncode == 2
    assert proc.stderr.strip().count("\n") == 0
    assert "missing.csv" in proc.stderr

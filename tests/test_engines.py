"""The three aggregation engines (pandas in memory, DuckDB out of core, Spark local[2]) on the same files.

Groups and content are numbered differently (first appearance in memory, sorted in SQL), so every comparison
aligns rows by group values and columns by content id first; then the matrices must be equal cell for cell.
The Spark tests are marked ``spark`` (``-m spark`` selects them) and run in the default suite with one
session-scoped local[2] session.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from personas.data import AudienceData, InputSpec, load
from personas.engines import EngineOptions, choose_engine
from personas.engines import base as engine_base
from personas.errors import InputError
from personas.windows import WindowPlan, load_window, window_specs

SQL_ENGINES = ["duckdb", pytest.param("spark", marks=pytest.mark.spark)]


@pytest.fixture(scope="session")
def spark_session():
    from personas.engines.spark_engine import session

    spark = session("local[2]")
    yield spark
    spark.stop()


@pytest.fixture(autouse=True)
def _spark_when_needed(request):
    if request.node.get_closest_marker("spark"):
        request.getfixturevalue("spark_session")


@pytest.fixture(scope="module")
def files(tmp_path_factory) -> Path:
    """Event-level interactions (CSV, Parquet, and Parquet split over a folder) and a users table."""
    d = tmp_path_factory.mktemp("engines")
    rng = np.random.default_rng(7)
    n_users, n = 400, 6000
    users = pd.DataFrame({
        "user_id": [f"u{i:04d}" for i in range(n_users)], "age": rng.integers(13, 75, n_users),
        "gender": rng.choice(["female", "male"], n_users), "country": rng.choice(["BR", "DE", "JP", "US"], n_users),
    })
    inter = pd.DataFrame({  # users u0400..u0419 are not in the users table: their rows are left out
        "user_id": [f"u{i:04d}" for i in rng.integers(0, n_users + 20, n)],
        "item_id": [f"v{i:03d}" for i in rng.zipf(1.6, n) % 80],
        "views": rng.integers(0, 6, n), "likes": rng.integers(0, 3, n),
        "day": pd.to_datetime(rng.integers(1_700_000_000, 1_730_000_000, n), unit="s").strftime("%Y-%m-%d"),
    })
    users.to_csv(d / "users.csv", index=False)
    users.to_parquet(d / "users.parquet")
    inter.to_csv(d / "inter.csv", index=False)
    inter.to_parquet(d / "inter.parquet")
    (d / "parts").mkdir()
    for k, part in enumerate(np.array_split(np.arange(n), 3)):
        inter.iloc[part].to_parquet(d / "parts" / f"part-{k}.parquet")
    # aggregated rows: group columns in the interactions themselves, with repeated (group, content) rows
    joined = inter.merge(users, on="user_id")
    joined[["age", "gender", "country", "item_id", "views", "likes"]].to_csv(d / "grouped.csv", index=False)
    return d


def spec_of(d: Path, fmt: str = "csv", **kw) -> InputSpec:
    base = dict(interactions=d / f"inter.{fmt}", users=d / f"users.{fmt}", group_by=("age", "gender", "country"),
                content_col="item_id", count_col="views", extra_count_cols=("likes",), event_date_col="day",
                bins={"age": (18, 25, 35, 45, 55)})
    base.update(kw)
    return InputSpec(**base)


def aligned(data: AudienceData) -> dict[str, object]:
    """Everything an engine decides, with groups and content in one (sorted) order."""
    keys = [tuple(r) for r in data.groups.astype(str).itertuples(index=False)]
    gi = np.argsort(np.array(["\x1f".join(k) for k in keys]), kind="stable")
    ci = np.argsort(data.content["content_id"].to_numpy().astype(str), kind="stable")
    out: dict[str, object] = {
        "groups": [keys[i] for i in gi],
        "content": list(data.content["content_id"].to_numpy()[ci]),
        "matrix": data.matrix.toarray()[gi][:, ci],
        "extra": {k: v[gi] for k, v in data.extra_totals.items()},
        "users": None if data.group_users is None else data.group_users[gi],
        "median": {k: v[gi] for k, v in data.group_value_median.items()},
        "ranges": data.bin_ranges,
        "notes": [n for n in data.notes if not n.startswith("aggregated by")],
    }
    if data.group_trend is not None:
        out["trend"] = (data.group_trend[0], data.group_trend[1][gi])
    return out


def assert_same(a: AudienceData, b: AudienceData) -> None:
    x, y = aligned(a), aligned(b)
    assert x["groups"] == y["groups"] and x["content"] == y["content"]
    np.testing.assert_array_equal(x["matrix"], y["matrix"])
    assert x["extra"].keys() == y["extra"].keys()
    for k in x["extra"]:
        np.testing.assert_array_equal(x["extra"][k], y["extra"][k])
    if x["users"] is None:
        assert y["users"] is None
    else:
        np.testing.assert_array_equal(x["users"], y["users"])
    for k in x["median"]:
        np.testing.assert_allclose(x["median"][k], y["median"][k])
    assert x["ranges"] == y["ranges"] and x["notes"] == y["notes"]
    assert ("trend" in x) == ("trend" in y)
    if "trend" in x:
        assert x["trend"][0] == y["trend"][0]
        np.testing.assert_array_equal(x["trend"][1], y["trend"][1])


def with_engine(spec: InputSpec, engine: str, **kw) -> AudienceData:
    data = load(spec, EngineOptions(engine=engine, **kw))
    assert f"aggregated by the {engine} engine (chosen)" in data.notes
    return data


@pytest.mark.parametrize("engine", SQL_ENGINES)
@pytest.mark.parametrize("fmt", ["csv", "parquet"])
def test_event_level_with_users_bins_extras_and_trend(files, engine, fmt):
    spec = spec_of(files, fmt)
    ours = with_engine(spec, engine)
    memory = with_engine(spec, "pandas")
    assert_same(ours, memory)
    assert ours.matrix.sum() > 0 and ours.group_users.sum() > 0 and len(ours.group_trend[0]) > 6
    assert any("missing from the users table" in n for n in ours.notes)


@pytest.mark.parametrize("engine", SQL_ENGINES)
def test_aggregated_rows_with_duplicates(files, engine):
    spec = InputSpec(interactions=files / "grouped.csv", group_by=("age", "gender", "country"), content_col="item_id",
                     count_col="views", extra_count_cols=("likes",), bins={"age": (18, 25, 35, 45, 55)})
    ours, memory = with_engine(spec, engine), with_engine(spec, "pandas")
    assert_same(ours, memory)
    assert any("duplicate (group, content) rows were summed" in n for n in ours.notes)


@pytest.mark.parametrize("engine", SQL_ENGINES)
def test_folder_and_glob_give_the_single_files_matrix(files, engine):
    whole = with_engine(spec_of(files, "parquet"), "pandas")
    folder = with_engine(spec_of(files, "parquet", interactions=files / "parts"), "pandas")
    glob = with_engine(spec_of(files, "parquet", interactions=str(files / "parts" / "part-*.parquet")), engine)
    assert_same(folder, whole)
    assert_same(glob, whole)


@pytest.mark.parametrize("engine", SQL_ENGINES)
def test_window_and_half_life_matrices(files, engine):
    from personas.windows import WindowPlan, load_window, window_specs

    plan = WindowPlan(since="2024-01-01", until="2024-06-30", half_life="30d")
    (window,) = window_specs(spec_of(files, "parquet"), "day", plan)
    data, weighted = load_window(window, EngineOptions(engine=engine))
    data_mem, weighted_mem = load_window(window, EngineOptions(engine="pandas"))
    assert_same(data, data_mem)
    assert weighted is not None and weighted.nnz > 0
    # same cells; the weights are sums of floats, added in another order
    order = aligned(data)
    rows = [tuple(r) for r in data.groups.astype(str).itertuples(index=False)]
    rows_mem = [tuple(r) for r in data_mem.groups.astype(str).itertuples(index=False)]
    gi = [rows.index(k) for k in order["groups"]]
    gm = [rows_mem.index(k) for k in order["groups"]]
    ci = [list(data.content["content_id"]).index(c) for c in order["content"]]
    cm = [list(data_mem.content["content_id"]).index(c) for c in order["content"]]
    np.testing.assert_allclose(weighted.toarray()[gi][:, ci], weighted_mem.toarray()[gm][:, cm], rtol=1e-12)


def test_the_same_personas_from_duckdb_and_memory(files):
    from personas.pipeline import GenerateOptions, generate
    from personas.settings import GenerationSettings

    spec = spec_of(files, "parquet")
    settings = GenerationSettings(stability_seeds=2, consistency_ks=())
    sets = []
    for engine in ("pandas", "duckdb"):
        data = with_engine(spec, engine)
        pset = generate(data, settings, GenerateOptions(name="engines", version=1, k=3, seed=0))
        # Items with equal counts are listed in column order, which differs between the engines (first
        # appearance, sorted): the counts of the top items are compared, and the items above the last tie.
        sets.append(sorted(
            (p.group_label, p.stats.group_interactions, p.stats.group_users, p.stats.audience_share,
             tuple(c.count for c in p.stats.top_content),
             frozenset(c.content_id for c in p.stats.top_content if c.count > p.stats.top_content[-1].count))
            for p in pset.personas))
    assert sets[0] == sets[1] and len(sets[0]) == 3


def test_duckdb_spills_under_a_small_memory_limit(tmp_path):
    """3M rows joined to 1M users: the join's and the distinct users' hash tables hold far more than 128 MB.

    With spilling forbidden (max_temp_directory_size 0) the same limit fails: the run that passes spilled."""
    rng = np.random.default_rng(3)
    n, n_users = 3_000_000, 1_000_000
    users = pd.DataFrame({"user_id": np.arange(n_users), "zip": rng.integers(0, 100, n_users).astype(str)})
    inter = pd.DataFrame({"user_id": rng.integers(0, n_users, n), "item_id": rng.integers(0, 2000, n)})
    users.to_parquet(tmp_path / "users.parquet")
    inter.to_parquet(tmp_path / "inter.parquet")
    spec = InputSpec(interactions=tmp_path / "inter.parquet", users=tmp_path / "users.parquet", group_by=("zip",),
                     content_col="item_id")
    small = dict(memory_limit="128MB", temp_directory=str(tmp_path / "spill"), threads=2)
    with pytest.raises(InputError, match="ran out of memory under --memory-limit 128MB"):
        load(spec, EngineOptions(engine="duckdb", max_temp_size="0KB", **small))
    assert_same(with_engine(spec, "duckdb", **small), with_engine(spec, "pandas"))


BAD = [  # (what is changed, the message every engine gives)
    ("missing_column", "column 'clicks' not found"),
    ("negative", "interactions column 'views' has 1 negative values; counts must be 0 or more"),
    ("duplicate_users", "users table: user ids in 'user_id' repeat; each user needs exactly one row"),
    ("no_file", "interactions file not found"),
    ("empty", "the interactions file has no data rows"),
]


def _bad_spec(files: Path, tmp: Path, case: str) -> InputSpec:
    spec = spec_of(files, "parquet")
    inter, users = pd.read_parquet(files / "inter.parquet"), pd.read_parquet(files / "users.parquet")
    if case == "missing_column":
        return replace(spec, count_col="clicks")
    if case == "negative":
        inter.loc[5, "views"] = -2
    if case == "duplicate_users":
        users = pd.concat([users, users.iloc[:1]])
    if case == "no_file":
        return replace(spec, interactions=tmp / "nowhere.parquet")
    if case == "empty":
        inter = inter.iloc[:0]
    inter.to_parquet(tmp / "inter.parquet")
    users.to_parquet(tmp / "users.parquet")
    return replace(spec, interactions=tmp / "inter.parquet", users=tmp / "users.parquet")


@pytest.mark.parametrize("engine", ["pandas", *SQL_ENGINES])
@pytest.mark.parametrize("case,message", BAD)
def test_bad_input_gives_the_same_line_through_every_engine(files, tmp_path, engine, case, message):
    with pytest.raises(InputError) as err:
        load(_bad_spec(files, tmp_path, case), EngineOptions(engine=engine))
    assert message in str(err.value) and "\n" not in str(err.value)


def test_auto_picks_by_input_size(files, monkeypatch):
    spec = spec_of(files, "parquet")
    assert choose_engine(spec, EngineOptions())[0] == "pandas"
    assert choose_engine(replace(spec, interactions=pd.read_parquet(files / "inter.parquet")), EngineOptions())[0] \
        == "pandas"
    assert choose_engine(replace(spec, interactions="s3a://bucket/events/"), EngineOptions())[0] == "spark"
    monkeypatch.setattr(engine_base, "AUTO_IN_MEMORY_BYTES", 1000)
    name, why = choose_engine(spec, EngineOptions())
    assert name == "duckdb" and "MB of input" in why
    assert "aggregated by the duckdb engine (auto:" in " ".join(load(spec).notes)


def test_a_missing_package_names_the_extra(files, monkeypatch):
    import sys

    monkeypatch.setitem(sys.modules, "duckdb", None)  # import duckdb now raises ImportError
    with pytest.raises(InputError, match=r"pip install 'data-personas\[duckdb\]'"):
        load(spec_of(files), EngineOptions(engine="duckdb"))


def test_a_bad_memory_limit_is_one_line(files):
    with pytest.raises(InputError, match="--memory-limit 'lots': expected a size such as 2GB or 500MB"):
        load(spec_of(files), EngineOptions(engine="duckdb", memory_limit="lots"))


def test_cli_says_which_engine_it_used(files, tmp_path, capsys, monkeypatch):
    from cli.main import main
    from conftest import HASH_EMBEDDINGS

    monkeypatch.setenv("PERSONAS_EMBEDDING_MODEL", HASH_EMBEDDINGS)
    code = main(["--home", str(tmp_path / "home"), "generate", "--interactions", str(files / "parts"),
                 "--users", str(files / "users.parquet"), "--group-by", "age,gender,country", "--bins",
                 "age=18,25,35,45,55", "--content-col", "item_id", "--count-col", "views", "-k", "3",
                 "--engine", "duckdb", "--memory-limit", "500MB", "--no-progress"])
    assert code == 0
    assert "note: aggregated by the duckdb engine (chosen)" in capsys.readouterr().out


def test_auto_falls_back_to_memory_without_duckdb(files, monkeypatch):
    import sys

    monkeypatch.setattr(engine_base, "AUTO_IN_MEMORY_BYTES", 1000)
    monkeypatch.setitem(sys.modules, "duckdb", None)
    name, why = choose_engine(spec_of(files, "parquet"), EngineOptions())
    assert name == "pandas" and "pip install 'data-personas[duckdb]'" in why


WINDOW_PLANS = [WindowPlan(window="month", since="2024-02-10", until="2024-05-20"),
                WindowPlan(window="45d", since="2024-01-01", until="2024-06-30", half_life="30d")]


@pytest.mark.parametrize("engine", ["pandas", *SQL_ENGINES])
@pytest.mark.parametrize("plan", WINDOW_PLANS, ids=["months", "45d-half-life"])
def test_windows_are_aggregated_in_the_engine(files, engine, plan):
    """Each window is the same files with a date range: the engine keeps the rows and weighs them. Its data must
    be that of the window's rows filtered by hand (pandas, then loaded as a frame), and the same in every engine."""
    spec = spec_of(files, "parquet")
    windows = window_specs(spec, "day", plan)
    assert len(windows) >= 3 and all(w.spec.interactions == spec.interactions for w in windows)  # no rows read
    inter = pd.read_parquet(files / "inter.parquet")
    days = pd.to_datetime(inter["day"])
    for w in windows[:3]:
        rows = inter[(days >= pd.Timestamp(w.start)) & (days <= pd.Timestamp(w.end))]
        assert w.rows == len(rows) > 0
        data, weighted = load_window(w, EngineOptions(engine=engine))
        assert_same(data, load(replace(spec, interactions=rows), EngineOptions(engine="pandas")))
        if plan.half_life is None:
            assert weighted is None
            continue
        reference = pd.Timestamp(plan.until) + pd.Timedelta(days=1)
        age = ((reference - pd.to_datetime(rows["day"])) / pd.Timedelta(days=1)).clip(lower=0)
        by_hand = rows.assign(views=rows["views"] * 0.5 ** (age / 30.0))  # the weighted count, loaded as data
        expected = load(replace(spec, interactions=by_hand, extra_count_cols=(), event_date_col=None),
                        EngineOptions(engine="pandas"))
        from personas.windows import align_matrix

        np.testing.assert_allclose(weighted.toarray(), align_matrix(expected, data).toarray(), rtol=1e-12)
        assert weighted.sum() < data.matrix.sum()


@pytest.mark.parametrize("engine", ["pandas", *SQL_ENGINES])
def test_a_frame_missing_a_column_gives_one_line_in_every_engine(files, engine):
    frame = pd.read_parquet(files / "inter.parquet").drop(columns="views")
    with pytest.raises(InputError, match=r"^interactions: column 'views' not found; columns found: "
                                         r"user_id, item_id, likes, day$"):
        load(spec_of(files, interactions=frame), EngineOptions(engine=engine))

"""Time and peak memory of persona generation at scale: ours against the straightforward baseline.

Each run is a fresh subprocess, so that its peak resident memory (``ru_maxrss`` from ``os.wait4``)
is its own. Sizes (data from ``benchmarks/make_data.py``):

* ``100k``, ``1m``, ``10m``: event-level interactions x 500,000 users, grouped by age bracket x gender x
  occupation (280 groups) over 20,000 items;
* ``wide``: 10M interactions grouped by age (single years) x gender x country (about 2,700 groups) over
  200,000 items.

Ours: audience files to personas in a fresh process (interpreter start, imports, ``personas.data.load``:
reading, validation, the matrix; ``personas.pipeline.generate``: NMF with k = 10, 2 stability re-runs,
impactful groups, statistics, enrichment) on the Parquet files, and on the CSV files for 10m. For the
sizes in ``--cli-sizes`` the whole ``personas generate`` command is timed as well: it also saves the set
into the persona store, which embeds the persona documents (retrieval/, not measured against the baseline).
Baseline: what the APG replication notebook does:
``pd.read_csv`` both files, ``merge``, bin age, ``pivot_table`` into a dense group x content matrix,
``sklearn.decomposition.NMF(10)``, argmax of W per component. The baseline runs under an address-space
cap (``--baseline-mem-gb``, default 20) and a timeout (``--timeout``, default 900 s) and is reported as
failed when it hits either.

Usage: ``python benchmarks/scale.py [--sizes 100k,1m,10m,wide] [--repeat N] [--no-baseline]``.
Writes ``benchmarks/results/scale.md`` and ``scale.json``.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import platform
import resource
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
DATA = HERE / "_data"
RESULTS = HERE / "results"
AGE_EDGES = (18, 25, 35, 45, 50, 56)

CASES = {
    "100k": {"rows": 100_000, "interactions": "interactions_100k", "content": "content",
             "group_by": ("age", "gender", "occupation"), "bins": {"age": AGE_EDGES}},
    "1m": {"rows": 1_000_000, "interactions": "interactions_1m", "content": "content",
           "group_by": ("age", "gender", "occupation"), "bins": {"age": AGE_EDGES}},
    "10m": {"rows": 10_000_000, "interactions": "interactions_10m", "content": "content",
            "group_by": ("age", "gender", "occupation"), "bins": {"age": AGE_EDGES}},
    "wide": {"rows": 10_000_000, "interactions": "interactions_wide", "content": "content_wide",
             "group_by": ("age", "gender", "country"), "bins": {}},
}
LABELS = {"100k": "100k rows", "1m": "1M rows", "10m": "10M rows", "wide": "wide (10M rows)"}


# ---------------------------------------------------------------------------- workers (in the child)


def _ours_api(size: str, fmt: str) -> dict:
    """Audience files to personas through the Python API: personas.data.load, then personas.pipeline.generate."""
    from personas.data import InputSpec, load
    from personas.pipeline import GenerateOptions, generate
    from usecases.settings import Settings

    case = CASES[size]
    t0 = time.perf_counter()
    spec = InputSpec(
        interactions=DATA / f"{case['interactions']}.{fmt}", users=DATA / f"users.{fmt}",
        content=DATA / f"{case['content']}.{fmt}", user_col="user_id", group_by=tuple(case["group_by"]),
        content_col="item_id", count_col="n", bins=dict(case["bins"]), source=f"files: {case['interactions']}.{fmt}",
    )
    data = load(spec)
    t1 = time.perf_counter()
    pset = generate(data, Settings().generation, GenerateOptions(name=f"scale-{size}", version=1, k=10, seed=0))
    t2 = time.perf_counter()
    shape = data.matrix.shape
    return {"stages": {"load": round(t1 - t0, 3), "generate": round(t2 - t1, 3)},
            "matrix": {"groups": shape[0], "content": shape[1], "nonzero": int(data.matrix.nnz)},
            "stability": pset.quality["stability"], "relative_error": pset.quality["relative_error"],
            "personas": [p.group_label for p in pset.personas]}


def _ours_cli(size: str, fmt: str) -> dict:
    """`personas generate` through the real entry point (this includes saving the set into the store)."""
    import personas.data
    import personas.pipeline
    from cli.main import main

    case = CASES[size]
    times: dict[str, float] = {}
    shape: dict[str, int] = {}

    def timed(name, fn):  # type: ignore[no-untyped-def]
        def run(*a, **kw):  # type: ignore[no-untyped-def]
            t = time.perf_counter()
            out = fn(*a, **kw)
            times[name] = round(time.perf_counter() - t, 3)
            if name == "load":
                shape.update(groups=out.matrix.shape[0], content=out.matrix.shape[1], nonzero=int(out.matrix.nnz))
            return out
        return run

    personas.data.load = timed("load", personas.data.load)
    personas.pipeline.generate = timed("generate", personas.pipeline.generate)
    bins = ";".join(f"{c}={','.join(str(e) for e in edges)}" for c, edges in case["bins"].items())
    with tempfile.TemporaryDirectory() as home:
        argv = ["--home", home, "generate",
                "--interactions", str(DATA / f"{case['interactions']}.{fmt}"),
                "--users", str(DATA / f"users.{fmt}"), "--content", str(DATA / f"{case['content']}.{fmt}"),
                "--user-col", "user_id", "--group-by", ",".join(case["group_by"]), "--content-col", "item_id",
                "--count-col", "n", "-k", "10", "--no-progress", *(["--bins", bins] if bins else [])]
        t = time.perf_counter()
        with open(os.devnull, "w") as devnull, contextlib.redirect_stdout(devnull):
            code = main(argv)
        times["cli_total"] = round(time.perf_counter() - t, 3)
    if code != 0:
        raise SystemExit(code)
    times["save_and_rest"] = round(times["cli_total"] - times.get("load", 0) - times.get("generate", 0), 3)
    return {"stages": times, "matrix": shape}


def _baseline_worker(size: str) -> dict:
    """The APG replication notebook's way: pandas all the way to a dense matrix, then sklearn NMF."""
    import numpy as np
    import pandas as pd
    from sklearn.decomposition import NMF

    case = CASES[size]
    times: dict[str, float] = {}
    stage = "read_csv"
    t = time.perf_counter()

    def lap(name: str) -> None:
        nonlocal t
        now = time.perf_counter()
        times[name] = round(now - t, 3)
        t = now

    try:
        inter = pd.read_csv(DATA / f"{case['interactions']}.csv")
        users = pd.read_csv(DATA / "users.csv")
        lap("read_csv")
        stage = "merge"
        df = inter.merge(users, on="user_id")
        del inter
        lap("merge")
        stage = "bin"
        for col, edges in case["bins"].items():
            df[col] = pd.cut(df[col], bins=[-np.inf, *edges, np.inf], right=False)
        lap("bin")
        stage = "pivot_table"
        V = df.pivot_table(index=list(case["group_by"]), columns="item_id", values="n", aggfunc="sum",
                           fill_value=0, observed=True)
        del df
        lap("pivot_table")
        stage = "nmf"
        model = NMF(n_components=10, random_state=0)
        W = model.fit_transform(V.to_numpy(dtype=np.float64))
        lap("nmf")
        stage = "argmax"
        impactful = [V.index[i] for i in W.argmax(axis=0)]
        lap("argmax")
    except MemoryError:
        return {"failed": "out of memory", "stage": stage, "stages": times}
    return {"stages": times, "matrix": {"groups": V.shape[0], "content": V.shape[1]}, "n_iter": int(model.n_iter_),
            "impactful": [str(g) for g in impactful]}


def _worker(args: argparse.Namespace) -> None:
    if args.worker == "baseline" and args.mem_gb:
        cap = int(args.mem_gb * (1 << 30))
        resource.setrlimit(resource.RLIMIT_AS, (cap, cap))
    if args.worker == "ours":
        out = _ours_api(args.size, args.fmt)
    elif args.worker == "ours-cli":
        out = _ours_cli(args.size, args.fmt)
    else:
        out = _baseline_worker(args.size)
    print("RESULT " + json.dumps(out), flush=True)


# ---------------------------------------------------------------------------- the parent


def machine() -> dict:
    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem_kb = 0
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                mem_kb = int(line.split()[1])
    except OSError:
        pass
    import numpy
    import pandas
    import pyarrow
    import scipy
    import sklearn

    return {
        "cores": os.cpu_count(),
        "cpu": cpu,
        "ram_gb": round(mem_kb / (1 << 20), 1),
        "python": platform.python_version(),
        "versions": {"numpy": numpy.__version__, "scipy": scipy.__version__, "pandas": pandas.__version__,
                     "pyarrow": pyarrow.__version__, "scikit-learn": sklearn.__version__},
    }


@dataclass
class ChildRun:
    """One subprocess, timed: its own peak memory and CPU (``os.wait4``), never its parent's."""

    wall_s: float
    peak_mb: float
    cpu_s: float  # all threads, user + system; steadier than wall time on shared cores
    exit: int
    timed_out: bool
    stdout: str
    stderr: str
    load_average_before: float

    def result(self) -> dict | None:
        """The JSON of the child's ``RESULT {...}`` line, if it printed one."""
        return next((json.loads(line[7:]) for line in self.stdout.splitlines() if line.startswith("RESULT ")), None)


def timed_run(cmd: list[str], timeout: float) -> ChildRun:
    """Run ``cmd`` in a fresh session; past ``timeout`` seconds its whole process group is killed (a JVM a
    Spark driver started goes with it)."""
    load_before = os.getloadavg()[0]
    t0 = time.perf_counter()
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        proc = subprocess.Popen(cmd, stdout=out, stderr=err, start_new_session=True)
        timed_out = False
        while True:
            pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                break
            if time.perf_counter() - t0 > timeout:
                os.killpg(proc.pid, signal.SIGKILL)
                pid, status, usage = os.wait4(proc.pid, 0)
                timed_out = True
                break
            time.sleep(0.05)
        wall = time.perf_counter() - t0
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)  # anything the child left behind in its group
        proc.returncode = os.waitstatus_to_exitcode(status)  # already reaped; keep Popen from waiting again
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read(), err.read()
    return ChildRun(round(wall, 2), round(usage.ru_maxrss / 1024, 1), round(usage.ru_utime + usage.ru_stime, 2),
                    proc.returncode, timed_out, stdout, stderr, round(load_before, 2))


def run_child(worker: str, size: str, fmt: str, timeout: float, mem_gb: float) -> dict:
    """One fresh subprocess; wall time, peak RSS (this child alone) and what the worker reported."""
    cmd = [sys.executable, str(Path(__file__).resolve()), "--worker", worker, "--size", size, "--fmt", fmt,
           "--mem-gb", str(mem_gb)]
    child = timed_run(cmd, timeout)
    stderr, timed_out = child.stderr, child.timed_out
    rec: dict = {"worker": worker, "size": size, "format": fmt, "wall_s": child.wall_s, "peak_mb": child.peak_mb,
                 "exit": child.exit, "cpu_s": child.cpu_s, "load_average_before": child.load_average_before}
    result = child.result()
    if timed_out:
        rec["failed"] = f"timeout ({timeout:.0f} s)"
    elif result is not None:
        rec.update(result)
    elif "MemoryError" in stderr or "Unable to allocate" in stderr or "bad_alloc" in stderr:
        rec["failed"] = "out of memory"
    elif child.exit in (-9, 137):
        rec["failed"] = "killed (out of memory?)"
    else:
        rec["failed"] = f"exit {child.exit}: {stderr.strip().splitlines()[-1][:200] if stderr.strip() else ''}"
    if "failed" in rec:
        rec["stderr_tail"] = stderr[-1500:]
    return rec


def best(runs: list[dict]) -> dict:
    ok = [r for r in runs if "failed" not in r]
    return min(ok, key=lambda r: r["wall_s"]) if ok else runs[-1]


def _cell_time(r: dict | None) -> str:
    if r is None:
        return "-"
    return f"failed: {r['failed']}" if "failed" in r else f"{r['wall_s']:.1f} s"


def _cell_mem(r: dict | None) -> str:
    if r is None:
        return "-"
    return f"{r['peak_mb']:,.0f} MB" + (" (at failure)" if "failed" in r else "")


def _ratio(ours: dict, base: dict | None, key: str) -> str:
    if base is None or "failed" in ours:
        return "-"
    if "failed" in base:
        return f"> {base[key] / ours[key]:.1f}x" if key == "wall_s" else "-"
    return f"{base[key] / ours[key]:.1f}x"


def table(rows: list[tuple[str, dict, dict | None]]) -> str:
    lines = [
        ("| size | groups x content | ours time | ours peak MB | baseline time | baseline peak MB "
         "| time ratio (baseline / ours) | memory ratio (baseline / ours) |"),
        "|---|---|---|---|---|---|---|---|",
    ]
    for label, ours, base in rows:
        m = ours.get("matrix") or {}
        shape = f"{m['groups']:,} x {m['content']:,}" if m else "-"
        lines.append(
            f"| {label} | {shape} | {_cell_time(ours)} | {_cell_mem(ours)} | {_cell_time(base)} | {_cell_mem(base)} "
            f"| {_ratio(ours, base, 'wall_s')} | {_ratio(ours, base, 'peak_mb')} |"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="100k,1m,10m,wide")
    parser.add_argument("--csv-sizes", default="10m", help="sizes for which ours also runs on the CSV files")
    parser.add_argument("--cli-sizes", default="10m", help="sizes for which the whole `personas generate` command "
                        "(which also saves the set into the store) is timed too; '' for none")
    parser.add_argument("--repeat", type=int, default=1, help="runs of ours per size; the fastest is reported")
    parser.add_argument("--no-baseline", action="store_true")
    parser.add_argument("--baseline-sizes", default=None, help="sizes to run the baseline on (default: --sizes)")
    parser.add_argument("--timeout", type=float, default=900.0, help="seconds per run before it is killed")
    parser.add_argument("--baseline-mem-gb", type=float, default=20.0, help="address-space cap of the baseline")
    parser.add_argument("--out", type=Path, default=RESULTS / "scale")
    # internal: the child
    parser.add_argument("--worker", choices=("ours", "ours-cli", "baseline"), help=argparse.SUPPRESS)
    parser.add_argument("--size", help=argparse.SUPPRESS)
    parser.add_argument("--fmt", default="parquet", help=argparse.SUPPRESS)
    parser.add_argument("--mem-gb", type=float, default=0.0, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        _worker(args)
        return

    sizes = [s.strip() for s in args.sizes.split(",") if s.strip()]
    csv_sizes = {s.strip() for s in args.csv_sizes.split(",") if s.strip()}
    cli_sizes = {s.strip() for s in args.cli_sizes.split(",") if s.strip()}
    cli_rows: list[tuple[str, dict]] = []
    base_sizes = sizes if args.baseline_sizes is None else [s.strip() for s in args.baseline_sizes.split(",")]
    missing = [CASES[s]["interactions"] for s in sizes if not (DATA / f"{CASES[s]['interactions']}.csv").exists()]
    if missing:
        raise SystemExit(f"missing benchmark data ({', '.join(missing)}); run python benchmarks/make_data.py first")
    info = machine()
    print(f"machine: {info['cores']} cores, {info['cpu']}, {info['ram_gb']} GB RAM", flush=True)
    records: list[dict] = []
    rows: list[tuple[str, dict, dict | None]] = []
    for size in sizes:
        fmts = ["parquet", *(["csv"] if size in csv_sizes else [])]
        ours_by_fmt = {}
        for fmt in fmts:
            runs = [run_child("ours", size, fmt, args.timeout, 0) for _ in range(args.repeat)]
            for r in runs:
                print(f"  ours {size} {fmt}: {_cell_time(r)}, {_cell_mem(r)} {r.get('stages', '')}", flush=True)
            records.extend(runs)
            ours_by_fmt[fmt] = best(runs)
        base = None
        if not args.no_baseline and size in base_sizes:
            base = run_child("baseline", size, "csv", args.timeout, args.baseline_mem_gb)
            print(f"  baseline {size}: {_cell_time(base)}, {_cell_mem(base)} {base.get('stages', '')}", flush=True)
            records.append(base)
        for fmt in fmts:
            rows.append((f"{LABELS[size]}{' (CSV)' if fmt == 'csv' else ''}", ours_by_fmt[fmt], base))
        if size in cli_sizes:
            cli = best([run_child("ours-cli", size, "parquet", args.timeout, 0) for _ in range(args.repeat)])
            print(f"  ours CLI {size}: {_cell_time(cli)}, {_cell_mem(cli)} {cli.get('stages', '')}", flush=True)
            records.append(cli)
            cli_rows.append((LABELS[size], cli))

    md = table(rows)
    md += ("\n\nConditions (the machine may be shared: CPU seconds, user + system over all threads, move less "
           "than wall time when other work competes; load average: 1-minute, just before the run):\n\n"
           "| size | ours stages (load / generate) | ours CPU | ours load avg | baseline stages | baseline CPU "
           "| baseline load avg |\n|---|---|---|---|---|---|---|\n")
    md += "\n".join(
        f"| {label} | {' / '.join(f'{v:.1f} s' for v in ours.get('stages', {}).values())} | "
        f"{ours.get('cpu_s', float('nan')):.1f} s | {ours.get('load_average_before', float('nan')):.1f} | "
        + (f"{', '.join(f'{k} {v:.1f} s' for k, v in base.get('stages', {}).items())} | "
           f"{base.get('cpu_s', float('nan')):.1f} s | {base.get('load_average_before', float('nan')):.1f} |"
           if base else "- | - | - |")
        for label, ours, base in rows)
    if cli_rows:
        md += ("\n\nThe whole `personas generate` command on Parquet (interpreter start, load, generate, then saving "
               "the set into the persona store, which embeds its documents):\n\n"
               "| size | time | peak MB | of which load / generate / save and the rest |\n|---|---|---|---|\n")
        md += "\n".join(
            f"| {label} | {_cell_time(r)} | {_cell_mem(r)} | "
            + " / ".join(f"{r.get('stages', {}).get(k, float('nan')):.1f} s" for k in ("load", "generate", "save_and_rest"))
            + " |" for label, r in cli_rows)
    header = (
        "# Scale: ours vs the straightforward baseline\n\n"
        f"Machine: {info['cores']} cores ({info['cpu']}), {info['ram_gb']} GB RAM, Python {info['python']}, "
        + ", ".join(f"{k} {v}" for k, v in info["versions"].items()) + ".\n\n"
        "Ours: a fresh Python process that runs `personas.data.load` and `personas.pipeline.generate` (k = 10, "
        "default settings: 2 stability re-runs, content metadata read too) on Parquet (CSV rows: on the CSV "
        "files), timed from process start to personas; its figure is the fastest of "
        f"{args.repeat} run(s). Baseline: pd.read_csv, merge, bin age, pivot_table (dense, fill 0), "
        f"sklearn NMF(10), argmax of W, on the CSV files, capped at {args.baseline_mem_gb:g} GB of address space "
        f"and {args.timeout:.0f} s. Peak MB: the child process's maximum resident set size. "
        "The baseline ratio of a CSV row compares with the same baseline run.\n\n"
    )
    print()
    print(md)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.with_suffix(".md").write_text(header + md + "\n", encoding="utf-8")
    args.out.with_suffix(".json").write_text(
        json.dumps({"machine": info, "created": time.strftime("%Y-%m-%d %H:%M:%S"), "runs": records}, indent=2) + "\n",
        encoding="utf-8",
    )
    print(f"\nwritten: {args.out.with_suffix('.md')}, {args.out.with_suffix('.json')}")


if __name__ == "__main__":
    main()

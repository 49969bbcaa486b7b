"""Time and peak memory of the three aggregation engines (pandas, duckdb, spark) at 10M and 100M rows.

Each run is a fresh subprocess (its peak resident memory, ``ru_maxrss`` from ``os.wait4``, is its own; for
Spark that is the Python driver only: the JVM's heap is set apart by ``spark.driver.memory``). A run is
``personas.data.load`` with the engine (reading, validation, the group x content matrix) and then
``personas.pipeline.generate`` (NMF k = 10 and everything after it), the same for every engine.

Data: ``python benchmarks/make_data.py --sizes 10m,100m --data DATA_DIR`` (event-level interactions x
500,000 users, grouped by age bracket x gender x occupation: 280 groups x 20,000 items; 100m is Parquet only).
The pandas engine runs at 100M under an address-space cap (``--pandas-cap-gb``, default 4: the target) so that
it cannot take the machine's memory from others; it is reported as failed when it hits it.

Usage: ``python benchmarks/scale_engines.py --data DATA_DIR [--sizes 10m,100m] [--engines pandas,duckdb,spark]
[--memory-limit 3GB] [--timeout 600]``. Writes ``benchmarks/results/scale_engines.md`` and ``.json``.
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
import tempfile
import time
from pathlib import Path

from scale import timed_run  # this folder is on the path of a script run from it: one way to time a child

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
RESULTS = HERE / "results"
AGE_EDGES = (18, 25, 35, 45, 50, 56)
ROWS = {"10m": 10_000_000, "100m": 100_000_000}


def _worker(args: argparse.Namespace) -> None:
    if args.cap_gb:
        cap = int(args.cap_gb * (1 << 30))
        resource.setrlimit(resource.RLIMIT_AS, (cap, cap))
    from personas.data import InputSpec, load
    from personas.engines import EngineOptions
    from personas.pipeline import GenerateOptions, generate
    from usecases.settings import Settings

    data_dir = Path(args.data)
    spec = InputSpec(
        interactions=data_dir / f"interactions_{args.size}.parquet", users=data_dir / "users.parquet",
        content=data_dir / "content.parquet", group_by=("age", "gender", "occupation"), content_col="item_id",
        count_col="n", bins={"age": AGE_EDGES}, source=f"interactions_{args.size}",
    )
    t0 = time.perf_counter()
    try:
        data = load(spec, EngineOptions(engine=args.engine, memory_limit=args.memory_limit or None, threads=2))
    except MemoryError:
        print("RESULT " + json.dumps({"failed": "out of memory (address-space cap)",
                                      "load_s": round(time.perf_counter() - t0, 1)}), flush=True)
        return
    t1 = time.perf_counter()
    pset = generate(data, Settings().generation, GenerateOptions(name="scale", version=1, k=10, seed=0))
    t2 = time.perf_counter()
    print("RESULT " + json.dumps({
        "load_s": round(t1 - t0, 2), "generate_s": round(t2 - t1, 2),
        "matrix": {"groups": data.matrix.shape[0], "content": data.matrix.shape[1], "total": float(data.matrix.sum())},
        "personas": sorted(p.group_label for p in pset.personas),
    }), flush=True)


def run_child(size: str, engine: str, args: argparse.Namespace) -> dict:
    cap = args.pandas_cap_gb if (engine == "pandas" and size == "100m") else 0.0
    cmd = [sys.executable, str(Path(__file__).resolve()), "--worker", "--size", size, "--engine", engine,
           "--data", str(args.data), "--memory-limit", args.memory_limit or "", "--cap-gb", str(cap)]
    child = timed_run(cmd, args.timeout)
    rec = {"size": size, "engine": engine, "wall_s": round(child.wall_s, 1), "peak_mb": round(child.peak_mb),
           "cpu_s": round(child.cpu_s, 1), "load_average_before": child.load_average_before, "cap_gb": cap or None}
    result = child.result()
    if child.timed_out:
        rec["failed"] = f"timeout ({args.timeout:.0f} s)"
    elif result is not None:
        rec.update(result)
    else:
        stderr = child.stderr.strip()
        rec["failed"] = f"exit {child.exit}: {stderr.splitlines()[-1][:200] if stderr else ''}"
    return rec


def table(runs: list[dict]) -> str:
    lines = ["| rows | engine | load (aggregate) | generate | total wall | total CPU | peak memory | groups x content |",
             "|---|---|---|---|---|---|---|---|"]
    for r in runs:
        m = r.get("matrix") or {}
        shape = f"{m['groups']:,} x {m['content']:,}" if m else "-"
        if "failed" in r:
            cells = (f"failed: {r['failed']} | - | {r['wall_s']:.0f} s | {r['cpu_s']:.0f} s "
                     f"| {r['peak_mb']:,} MB (at failure)")
        else:
            cells = (f"{r['load_s']:.1f} s | {r['generate_s']:.1f} s | {r['wall_s']:.1f} s | {r['cpu_s']:.0f} s "
                     f"| {r['peak_mb']:,} MB")
        lines.append(f"| {ROWS[r['size']]:,} | {r['engine']} | {cells} | {shape} |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--data", type=Path, default=Path(tempfile.gettempdir()) / "scale_data")
    p.add_argument("--sizes", default="10m,100m")
    p.add_argument("--engines", default="pandas,duckdb,spark")
    p.add_argument("--memory-limit", default="3GB", help="the duckdb engine's limit (default 3GB)")
    p.add_argument("--pandas-cap-gb", type=float, default=4.0)
    p.add_argument("--timeout", type=float, default=600.0)
    p.add_argument("--out", type=Path, default=RESULTS / "scale_engines")
    p.add_argument("--log", type=Path, help="append each run to this file as it ends (one JSON line)")
    p.add_argument("--merge", type=Path, help="a file of earlier runs (one JSON line each) to put in the same table")
    p.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    p.add_argument("--size", help=argparse.SUPPRESS)
    p.add_argument("--engine", help=argparse.SUPPRESS)
    p.add_argument("--cap-gb", type=float, default=0.0, help=argparse.SUPPRESS)
    args = p.parse_args(argv)
    if args.worker:
        _worker(args)
        return
    runs = [json.loads(line) for line in args.merge.read_text().splitlines()] if args.merge else []
    for size in args.sizes.split(","):
        for engine in args.engines.split(","):
            rec = run_child(size, engine, args)
            print(json.dumps(rec), flush=True)
            if args.log:
                with open(args.log, "a") as fh:
                    fh.write(json.dumps(rec) + "\n")
            runs.append(rec)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    md = (f"{table(runs)}\n\n2 cores shared with other work (load average before each run in the JSON); DuckDB "
          f"memory limit {args.memory_limit}, 2 threads; Spark local[2].\n")
    args.out.with_suffix(".md").write_text(md)
    args.out.with_suffix(".json").write_text(json.dumps(runs, indent=1))
    print(md)


if __name__ == "__main__":
    main()

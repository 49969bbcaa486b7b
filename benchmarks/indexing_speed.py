"""Indexing speed: where a first start goes, facts/s per embedding backend, and the physical bound.

(a) First start, each step in a fresh process (so nothing is warm but the disk cache): importing torch,
    importing sentence-transformers, loading the model with torch, opening the ONNX int8 session (export
    cached), and the whole first app start on an empty home: ``personas app`` in a new process until the page
    answers HTTP 200, and until it says the demo set it builds behind the page is ready, with the export
    already cached and, once, with nothing cached (the export included).
(b) facts/s of the model alone (``embed_array``, the demo set's real fact texts, then ``--large`` facts drawn
    from the MovieLens k = 100 set's fact texts) for each backend: torch on 1 thread, torch on every core,
    onnx (fp32) and onnx-int8 (both on every core).
(b') Indexing into the store (``ChromaSetStore.save`` into a new home, export cached, default backend): facts/s
    as a user waits for them, where facts that share a wording once the persona's name and figures are masked
    are embedded once (retrieval/documents.py ``vector_text``).
(c) End to end: ``personas generate --dataset movielens-100k -k 100`` (min support 0, min users 1) into an
    empty home, default backend, export cached.
(d) The physical estimate: FLOPs per token of all-MiniLM-L6-v2 (2 x the encoder's weights per token, plus
    attention) x the mean tokens per fact, against the measured float32 GEMM throughput of the cores (numpy,
    matrices of the model's shapes, every core).

Usage: ``python benchmarks/indexing_speed.py [--large 10000] [--backends torch-1,torch,onnx,onnx-int8]``.
Writes ``benchmarks/results/indexing_speed.md`` and prints it. The load average is reported with each figure:
on a shared machine the figures move with it.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from personas.sets import PersonaSet

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
RESULTS = HERE / "results"
sys.path.insert(0, str(ROOT))

BACKENDS = {  # label -> (backend setting, batch threads: 0 = every core)
    "torch-1": ("torch", 1),
    "torch": ("torch", 0),
    "onnx": ("onnx", 0),
    "onnx-int8": ("onnx-int8", 0),
}
STEPS = {  # first-start steps, each timed in a fresh process
    "import torch": "import torch",
    "import sentence_transformers": "import sentence_transformers",
    "load the model with torch": "from retrieval.embeddings import LocalEmbeddings; LocalEmbeddings().embed_query('x')",
    "open the ONNX int8 model (export cached)": (
        "from retrieval.onnx_embeddings import OnnxEmbeddings; import os; "
        "OnnxEmbeddings(cache_dir=os.environ['PERSONAS_EMBEDDING_EXPORT_DIR'], int8=True).embed_query('x')"),
}


def load_avg() -> str:
    return "{:.1f} / {:.1f} / {:.1f}".format(*os.getloadavg())


@dataclass
class Timing:
    label: str
    seconds: float
    load: str
    rate: float | None = None


def in_process(code: str, env: dict[str, str]) -> float:
    t0 = time.perf_counter()
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, cwd=ROOT)
    if out.returncode != 0:
        raise SystemExit(f"step failed: {code}\n{out.stderr[-2000:]}")
    return time.perf_counter() - t0


def base_env(export_dir: Path) -> dict[str, str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1",
           "PERSONAS_EMBEDDING_EXPORT_DIR": str(export_dir)}
    env.pop("PERSONAS_EMBEDDING_MODEL", None)
    return env


def app_start(env: dict[str, str]) -> tuple[float, float]:
    """``personas app`` on an empty home in a new process: seconds until the page answers HTTP 200, and until
    the app says the demo set it builds behind the page is ready."""
    import socket
    import urllib.request

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    with tempfile.TemporaryDirectory() as home, tempfile.TemporaryFile("w+") as log:
        t0 = time.perf_counter()
        proc = subprocess.Popen([sys.executable, "-m", "cli", "--home", home, "app", "--port", str(port)],
                                env=env, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT, text=True)
        page = ready = None
        try:
            while ready is None:
                if proc.poll() is not None or time.perf_counter() - t0 > 300:
                    log.seek(0)
                    raise SystemExit(f"the app did not start:\n{log.read()[-2000:]}")
                if page is None:
                    try:
                        with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=1):
                            page = time.perf_counter() - t0
                    except OSError:
                        pass
                log.seek(0)
                if " personas in " in log.read():  # webapp/main.py: "app: built demo@v1 with N personas in ..."
                    ready = time.perf_counter() - t0
                time.sleep(0.05)
        finally:
            proc.terminate()
            proc.wait(timeout=30)
    return page if page is not None else ready, ready


def first_start(export_dir: Path, app: bool) -> list[Timing]:
    env = base_env(export_dir)
    in_process(STEPS["open the ONNX int8 model (export cached)"], env)  # make sure the export exists
    rows = [Timing(label, in_process(code, env), load_avg()) for label, code in STEPS.items()]
    for label, cached in () if not app else (("export cached", True), ("nothing cached (export included)", False)):
        with tempfile.TemporaryDirectory(prefix="indexing-speed-fresh-export-") as fresh:
            run_env = {**env, "PERSONAS_EMBEDDING_EXPORT_DIR": str(export_dir if cached else fresh)}
            load0 = load_avg()
            page, ready = app_start(run_env)
        rows += [Timing(f"`personas app`, empty home, {label}: the page served", page, f"{load0} -> {load_avg()}"),
                 Timing(f"`personas app`, empty home, {label}: the demo set built behind it", ready, load_avg())]
    return rows


def bench_sets() -> list[PersonaSet]:
    """The demo set and the MovieLens k = 100 set (generation only, no embedding)."""
    from personas.data import load
    from personas.datasets import demo_spec, movielens_spec
    from personas.pipeline import GenerateOptions, generate
    from usecases.settings import Settings

    out = []
    for name, spec, k, extra in (("demo", demo_spec(), 10, {}),
                                 ("movielens", movielens_spec(), 100, {"min_support": 0, "min_users": 1})):
        settings = Settings(**extra)
        out.append(generate(load(spec), settings.generation, GenerateOptions(name=name, version=1, k=k, seed=0)))
    return out


def fact_texts(pset: PersonaSet) -> list[str]:
    from retrieval.documents import persona_documents

    return [d.text for p in pset.personas for d in persona_documents(p)]


def store_rates(sets: list[PersonaSet], export_dir: Path) -> list[Timing]:
    """(b'): each set saved into a new home's store (the embedding cache empty), default backend."""
    from retrieval.documents import persona_documents, vector_text
    from usecases.settings import Settings
    from usecases.store import open_store

    rows = []
    for pset in sets:
        with tempfile.TemporaryDirectory() as home:
            store = open_store(Settings(home=Path(home), embedding_model=None, embedding_export_dir=export_dir))
            store.embed(["warm-up"])  # open the session untimed
            docs = [d for p in pset.personas for d in persona_documents(p)]
            wordings = len({vector_text(d) for d in docs})
            load0 = load_avg()
            t0 = time.perf_counter()
            store.save(pset)
            dt = time.perf_counter() - t0
            rows.append(Timing(f"{pset.name} set: {len(pset.personas)} personas, {len(docs):,} facts "
                               f"({wordings:,} wordings embedded, + {len(pset.personas)} profile vectors)",
                               dt, f"{load0} -> {load_avg()}", len(docs) / dt))
            print(rows[-1], file=sys.stderr)
    return rows


def model_rates(demo: list[str], large: list[str], backends: list[str], export_dir: Path) -> list[Timing]:
    from retrieval.factory import make_embeddings
    from usecases.settings import Settings

    rows = []
    for label in backends:
        backend, threads = BACKENDS[label]
        emb = make_embeddings(Settings(embedding_model=None, embedding_backend=backend,
                                       embedding_batch_threads=threads, embedding_export_dir=export_dir).embeddings)
        emb.embed_documents(demo[:16])  # load (and export) untimed
        for name, texts in (("demo set", demo), (f"{len(large):,} facts", large)):
            load0 = load_avg()
            t0 = time.perf_counter()
            emb.embed_documents(texts)
            dt = time.perf_counter() - t0
            rows.append(Timing(f"{label}: {name} ({len(texts):,} facts)", dt, f"{load0} -> {load_avg()}",
                               len(texts) / dt))
            print(rows[-1], file=sys.stderr)
    return rows


def end_to_end(export_dir: Path) -> Timing:
    env = {**base_env(export_dir), "PERSONAS_MIN_SUPPORT": "0", "PERSONAS_MIN_USERS": "1"}
    with tempfile.TemporaryDirectory() as home:
        code = ("import sys; from cli.main import main; sys.exit(main(['--home', sys.argv[1], 'generate', "
                "'--dataset', 'movielens-100k', '-k', '100', '--no-progress']))")
        load0 = load_avg()
        t0 = time.perf_counter()
        out = subprocess.run([sys.executable, "-c", code, home], env=env, capture_output=True, text=True, cwd=ROOT)
        dt = time.perf_counter() - t0
        if out.returncode != 0:
            raise SystemExit(out.stderr[-2000:])
    return Timing("MovieLens k = 100: generated and indexed (CLI, new process)", dt, f"{load0} -> {load_avg()}")


def physical(texts: list[str]) -> tuple[list[str], float]:
    """Lines of the estimate and its facts/s (float32 bound)."""
    import json

    from tokenizers import Tokenizer

    from retrieval.embeddings import default_model_path

    path = default_model_path()
    cfg = json.loads((path / "config.json").read_text())
    d, ff, layers = cfg["hidden_size"], cfg["intermediate_size"], cfg["num_hidden_layers"]
    tok = Tokenizer.from_file(str(path / "tokenizer.json"))
    tok.no_padding()  # the packaged tokenizer pads to 128; the backends pad a batch to its longest text only
    tokens = float(np.mean([len(e.ids) for e in tok.encode_batch(texts)]))
    weights = layers * (4 * d * d + 2 * d * ff)
    flops_token = 2 * weights + layers * 4 * tokens * d  # matmuls with the weights + QK^T and AV
    a = np.random.default_rng(0).standard_normal((64 * 32, d), dtype=np.float32)
    b = np.random.default_rng(1).standard_normal((d, ff), dtype=np.float32)
    a @ b
    reps, t0 = 20, time.perf_counter()
    for _ in range(reps):
        a @ b
    gflops = reps * 2 * a.shape[0] * d * ff / (time.perf_counter() - t0) / 1e9
    rate = gflops * 1e9 / (flops_token * tokens)
    lines = [f"- model: {layers} layers, hidden {d}, feed-forward {ff}: {weights / 1e6:.1f} M encoder weights, "
             f"{flops_token / 1e6:.1f} MFLOPs per token",
             f"- tokens per fact (the demo set's facts, with [CLS] and [SEP]): {tokens:.1f}, so "
             f"{flops_token * tokens / 1e9:.2f} GFLOPs per fact",
             f"- measured float32 GEMM ({a.shape[0]}x{d} @ {d}x{ff}, numpy, {os.cpu_count()} cores): "
             f"{gflops:.1f} GFLOP/s (load {load_avg()})",
             f"- bound: **{rate:,.0f} facts/s** in float32 (int8 GEMMs can go up to about 2-4x that where the cores "
             "have VNNI)"]
    return lines, rate


def table(rows: list[Timing]) -> list[str]:
    out = ["| step | seconds | facts/s | load average (1/5/15 min) |", "|---|---|---|---|"]
    for r in rows:
        out.append(f"| {r.label} | {r.seconds:.2f} | {f'{r.rate:,.0f}' if r.rate else ''} | {r.load} |")
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--large", type=int, default=10_000, help="facts in the large run")
    ap.add_argument("--backends", default=",".join(BACKENDS))
    ap.add_argument("--skip-start", action="store_true", help="skip (a), the first-start steps")
    ap.add_argument("--no-app-start", action="store_true", help="in (a), only the steps, not whole app starts")
    ap.add_argument("--no-end-to-end", action="store_true", help="skip (c)")
    ap.add_argument("--export-dir", type=Path, help="reuse the exports in this folder (default: a new one)")
    ap.add_argument("--out", type=Path, default=RESULTS / "indexing_speed.md")
    args = ap.parse_args()
    export_dir = args.export_dir or Path(tempfile.mkdtemp(prefix="indexing-speed-export-"))
    lines = ["# Indexing speed", "", f"`python benchmarks/indexing_speed.py {' '.join(sys.argv[1:])}`; "
             f"{os.cpu_count()} cores, load average at the start {load_avg()}.", ""]
    t0 = time.perf_counter()
    from retrieval.onnx_embeddings import OnnxEmbeddings

    for int8 in (False, True):
        e = OnnxEmbeddings(cache_dir=export_dir, int8=int8)
        e.embed_query("x")
        lines.append(f"- export to ONNX{' int8' if int8 else ''} (once, cached): {e.export.seconds:.1f} s")
    print(f"exports {time.perf_counter() - t0:.1f} s", file=sys.stderr)
    if not args.skip_start:
        steps = first_start(export_dir, not args.no_app_start)
        lines += ["", "## (a) First start, each step in a new process", ""] + table(steps)
    sets = bench_sets()
    demo, ml = fact_texts(sets[0]), fact_texts(sets[1])
    large = (ml * (args.large // len(ml) + 1))[:args.large]
    lines += ["", "## (b) The model alone, per backend", ""] + table(model_rates(demo, large,
                                                                              args.backends.split(","), export_dir))
    lines += ["", "## (b') Indexing into the store, default backend", ""] + table(store_rates(sets, export_dir))
    if not args.no_end_to_end:
        lines += ["", "## (c) End to end", ""] + table([end_to_end(export_dir)])
    est, _ = physical(demo)
    lines += ["", "## (d) Physical estimate (2 cores)", ""] + est
    text = "\n".join(lines) + "\n"
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(text)
    print(text)


if __name__ == "__main__":
    main()

"""Load on the app: concurrent chat sessions through gradio_client against the real server on loopback.

    python benchmarks/app_load.py [--sessions 20] [--turns 5] [--time-limit 300] [--hash]

Each session is its own gradio_client.Client (its own server-side gr.State), talks to one persona of the demo
set with the grounded responder, and checks that its history holds its own questions only. Reports errors,
turn latency (p50 / p95 / max, measured by the client: queueing, retrieval, answer and faithfulness check) and
throughput; writes benchmarks/results/app_load.md.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))  # app_fixtures: the same server the tests start

QUESTIONS = ["How many views do you have?", "What do you watch most?", "Which topics do you like?",
             "Who else shares your taste?", "How has your viewing changed over time?", "What do you say in comments?"]


@dataclass
class SessionLog:
    persona_id: str
    latencies_ms: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


def run_session(url: str, persona_id: str, turns: int, deadline: float, start: threading.Barrier) -> SessionLog:
    from gradio_client import Client

    log = SessionLog(persona_id)
    try:
        client = Client(url, verbose=False)
        start.wait(timeout=120)
        asked: list[str] = []
        for i in range(turns):
            if time.monotonic() > deadline:
                log.errors.append("time limit reached before all turns")
                break
            q = QUESTIONS[i % len(QUESTIONS)]
            t0 = time.perf_counter()
            answer = client.predict(persona_id, q, "grounded", api_name="/chat")
            log.latencies_ms.append((time.perf_counter() - t0) * 1000)
            asked.append(q)
            if [h["question"] for h in answer["history"]] != asked or answer["persona_id"] != persona_id:
                log.errors.append("history or persona of another session")
            if not answer["citations"]:
                log.errors.append(f"no citations for {q!r}")
    except Exception as exc:  # noqa: BLE001 - counted and reported
        log.errors.append(f"{type(exc).__name__}: {exc}")
    return log


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    k = (len(ordered) - 1) * q / 100
    lo, hi = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sessions", type=int, default=20)
    ap.add_argument("--turns", type=int, default=5, help="turns per session")
    ap.add_argument("--time-limit", type=float, default=300, help="seconds for the whole load")
    ap.add_argument("--hash", action="store_true", help="hashing embeddings instead of all-MiniLM-L6-v2")
    ap.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "results" / "app_load.md")
    args = ap.parse_args()
    os.environ.setdefault("HF_HUB_OFFLINE", "1")

    from app_fixtures import start_app

    with tempfile.TemporaryDirectory() as tmp:
        t0 = time.perf_counter()
        running = start_app(Path(tmp) / "home", **({"embedding_model": "hash"} if args.hash else
                                                   {"embedding_model": None}))
        setup_s = time.perf_counter() - t0
        personas = [p.id for p in running.services.store.load().personas]
        barrier = threading.Barrier(args.sessions)
        deadline = time.monotonic() + args.time_limit
        logs: list[SessionLog] = []
        lock = threading.Lock()

        def worker(i: int) -> None:
            log = run_session(running.url, personas[i % len(personas)], args.turns, deadline, barrier)
            with lock:
                logs.append(log)

        threads = [threading.Thread(target=worker, args=(i,)) for i in range(args.sessions)]
        t1 = time.perf_counter()
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=args.time_limit + 60)
        wall = time.perf_counter() - t1
        running.close()

    lat = [x for log in logs for x in log.latencies_ms]
    errors = [e for log in logs for e in log.errors]
    concurrency = running.services.settings.app.concurrency
    embedding = "hashing (plumbing)" if args.hash else "all-MiniLM-L6-v2 (real)"
    row = (f"| {args.sessions} | {args.turns} | {len(lat)} | {len(errors)} | {statistics.median(lat):.0f} ms | "
           f"{percentile(lat, 95):.0f} ms | {max(lat):.0f} ms | {wall:.1f} s | {len(lat) / wall:.1f} turns/s |"
           if lat else f"| {args.sessions} | {args.turns} | 0 | {len(errors)} | - | - | - | {wall:.1f} s | - |")
    lines = [
        "# App load: concurrent chat sessions through gradio_client",
        "",
        (f"`python benchmarks/app_load.py{' --hash' if args.hash else ''}` on {datetime.now(UTC):%Y-%m-%d}, "
         f"{os.cpu_count()} CPU cores ({platform.processor() or platform.machine()}), Python "
         f"{platform.python_version()}; the app on 127.0.0.1 with the demo set, the grounded responder, the "
         f"annotate gate, embeddings {embedding}, chat concurrency limit {concurrency} (PERSONAS_APP_CONCURRENCY)."),
        "",
        "| sessions | turns each | turns done | errors | p50 turn | p95 turn | max turn | wall | throughput |",
        "|---|---|---|---|---|---|---|---|---|",
        row,
        "",
        (f"Turn latency is measured by the client: the queue wait, retrieval, the answer, the faithfulness check "
         f"and the round trip. Every session is its own Client and checked that its history holds only its own "
         f"questions and that every answer cites facts. Setup (demo set and server) took {setup_s:.1f} s."),
    ]
    if errors:
        lines += ["", "Errors:", *[f"- {e}" for e in sorted(set(errors))[:20]]]
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print("\n".join(lines))
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())

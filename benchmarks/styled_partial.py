"""The styled comparison one question at a time, each scored answer written as it comes, so that a run cut
short on a loaded machine still leaves figures: ``python benchmarks/styled_partial.py RESPONDER [--limit 30]``
appends to ``benchmarks/results/styled_partial-RESPONDER.jsonl``; ``--summary`` prints the shares over the
questions every responder finished. Same setup as benchmarks/styled_comparison.py (demo set, real embedding,
the runner's generated questions in order, gate ``annotate``), but no warm-up turn: the first answer's
latency includes loading the model.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "results"
sys.path.insert(0, str(HERE.parent))
RESPONDERS = ("grounded", "llamacpp", "styled")


def run(responder: str, limit: int, max_tokens: int) -> None:
    from eval.questions import generated_set, take
    from eval.runner import _ask, _FactTexts
    from personas.data import load
    from personas.datasets import demo_spec
    from personas.pipeline import GenerateOptions, generate
    from usecases.chat import open_chat
    from usecases.settings import Settings
    from usecases.store import open_store

    settings = Settings(home=Path(tempfile.mkdtemp(prefix="styled-")), llm_max_tokens=max_tokens)
    pset = generate(load(demo_spec()), settings.generation, GenerateOptions(name="demo", version=1, k=10, seed=0))
    store = open_store(settings)
    store.save(pset)
    service = open_chat(settings, store)
    last: dict[str, object] = {}
    ask = service.ask

    def recording(*args, **kwargs):  # type: ignore[no-untyped-def]  # the answer object, for its .style
        last["answer"] = ask(*args, **kwargs)
        return last["answer"]

    service.ask = recording  # type: ignore[method-assign]
    facts = _FactTexts(store)
    out = RESULTS / f"styled_partial-{responder}.jsonl"
    out.write_text("")
    session = None
    for q in take(generated_set(store.load("demo").personas, seed=0), limit):
        if not (q.follow_up and session is not None and session.persona_id == q.persona_id):
            session = service.new_session(q.persona_id)
        r = _ask(service, session, q, responder, facts)
        row = r.to_json()
        style = getattr(last.get("answer"), "style", None)
        row["style"] = None if style is None else style.to_json()
        with out.open("a") as f:
            f.write(json.dumps(row) + "\n")
        print(responder, q.id, row["faithfulness"] and row["faithfulness"]["faithful"], flush=True)


def summary() -> None:
    rows = {}
    for name in RESPONDERS:
        path = RESULTS / f"styled_partial-{name}.jsonl"
        rows[name] = [json.loads(x) for x in path.read_text().splitlines()] if path.exists() else []
    n = min(len(v) for v in rows.values())
    print(f"questions finished by every responder: {n}")
    for name, rs in rows.items():
        rs = rs[:n]
        faithful = [r["faithfulness"]["faithful"] for r in rs if r["faithfulness"]]
        correct = [r["correct"] for r in rs if r["correct"] is not None]
        rel = [r["relevant"] for r in rs if r["relevant"] is not None]
        lat = sorted(r["timings_ms"].get("total", 0) / 1000 for r in rs)
        share = lambda xs: f"{sum(xs) / len(xs):.2f} of {len(xs)}" if xs else "-"  # noqa: E731
        print(f"| {name} | {n} | {share(faithful)} | {share(correct)} | {share(rel)} | "
              f"{lat[len(lat) // 2] if lat else 0:.1f} s |")
        styles = [r["style"] for r in rs if r.get("style")]
        if styles:
            print(f"  rewrite kept in {sum(s['shown'] == 'rewrite' for s in styles)} of {len(styles)}; reasons:",
                  [s["reason"][:60] for s in styles if s["shown"] == "grounded"])


if __name__ == "__main__":
    ap = argparse.ArgumentParser()
    ap.add_argument("responder", nargs="?")
    ap.add_argument("--limit", type=int, default=30)
    ap.add_argument("--max-tokens", type=int, default=160)
    ap.add_argument("--summary", action="store_true")
    a = ap.parse_args()
    summary() if a.summary else run(a.responder, a.limit, a.max_tokens)

"""Raw LLM answers, styled answers and grounded answers on the same questions: faithfulness, correctness,
relevance, how often the styled responder kept the rewrite, latency per turn.

The demo set (k = 10, seed 0) in a fresh home with the real embedding model; the eval runner's generated
questions for it (``--limit``, default 30, taken as ``personas eval run --limit`` takes them), asked through
the chat exactly as the app does (gate ``annotate``) with each responder: ``grounded``, ``llamacpp`` (SmolLM2-
135M-Instruct, Q4_1) and ``styled`` (the grounded answer rewritten by the same model, kept only when every
number, name and citation survived and the gate passes it). The styled turns' answer objects are recorded
(the runner's results do not carry them) to count the rewrites kept and why the others were dropped.

Usage: ``python benchmarks/styled_comparison.py [--limit 30]``; writes ``benchmarks/results/styled_comparison.md``.
"""

from __future__ import annotations

import argparse
import collections
import json
import platform
import sys
import tempfile
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "results"
sys.path.insert(0, str(HERE.parent))

RESPONDERS = ("grounded", "llamacpp", "styled")


def reason_kind(reason: str) -> str:
    """A styled answer's reason without what it lists: "the rewrite lost or added 6.9%, [2]" -> its kind."""
    if " lost or added " in reason:
        return "the rewrite lost or added a number, title, name or citation"
    return reason.split(" (")[0]


class Recording:
    """The chat service, with every answer it gives kept (for the styled answers' ``style``)."""

    def __init__(self, service: Any) -> None:
        self.service = service
        self.settings = service.settings
        self.answers: list[Any] = []

    def new_session(self, persona_id: str) -> Any:
        return self.service.new_session(persona_id)

    def ask(self, session: Any, question: str, responder: str | None = None, policy: str | None = None) -> Any:
        answer = self.service.ask(session, question, responder, policy)
        self.answers.append(answer)
        return answer


def fmt(x: float | None, digits: int = 2) -> str:
    return "-" if x is None else f"{x:.{digits}f}"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--limit", type=int, default=30)
    ap.add_argument("--max-tokens", type=int, default=160, help="llm_max_tokens of the raw and the rewriting model")
    ap.add_argument("--responders", default=",".join(RESPONDERS),
                    help="which to run now (comma-separated); the others' rows are kept from earlier runs with "
                         "the same --limit, so two processes can run two responders side by side")
    args = ap.parse_args()

    from eval.runner import run_evaluation
    from personas.data import load
    from personas.datasets import demo_spec
    from personas.pipeline import GenerateOptions, generate
    from usecases.chat import open_chat
    from usecases.settings import Settings
    from usecases.store import open_store

    home = Path(tempfile.mkdtemp(prefix="styled-"))
    settings = Settings(home=home, llm_max_tokens=args.max_tokens)
    pset = generate(load(demo_spec()), settings.generation, GenerateOptions(name="demo", version=1, k=10, seed=0))
    store = open_store(settings)
    store.save(pset)
    service = Recording(open_chat(settings, store))
    store_file = RESULTS / "styled_comparison.json"
    saved = json.loads(store_file.read_text()) if store_file.exists() else {}
    if saved.get("limit") != args.limit or saved.get("max_tokens") != args.max_tokens:
        saved = {"limit": args.limit, "max_tokens": args.max_tokens, "rows": {}}
    for name in [r.strip() for r in args.responders.split(",") if r.strip()]:
        before = len(service.answers)
        run = run_evaluation(service, store, set_name="demo", responder=name, limit=args.limit)
        s = run.summary.to_json()
        row: dict[str, Any] = {"n": len(run.results), "summary": s}
        print(name, {k: s.get(k) for k in ("faithfulness", "faithful_share", "correctness", "relevance",
                                            "latency_p50_ms", "latency_p95_ms")}, flush=True)
        if name == "styled":
            styled = [a.style for a in service.answers[before + 1:] if a.style is not None]  # +1: the warm-up
            kept, reasons = sum(1 for st in styled if st.shown == "rewrite"), collections.Counter[str]()
            for st in styled:
                if st.shown == "grounded":
                    reasons[reason_kind(st.reason)] += 1
            row.update(kept=kept, styled=len(styled), reasons=dict(reasons.most_common()))
        saved = json.loads(store_file.read_text()) if store_file.exists() else saved  # the other process's rows
        saved.setdefault("rows", {})[name] = row
        saved.update(limit=args.limit, max_tokens=args.max_tokens)
        RESULTS.mkdir(exist_ok=True)
        store_file.write_text(json.dumps(saved, indent=1))
    write_markdown(saved)
    return 0


def write_markdown(saved: dict[str, Any]) -> None:
    rows = [(name, saved["rows"][name]) for name in RESPONDERS if name in saved["rows"]]
    limit, max_tokens = saved["limit"], saved["max_tokens"]
    lines = [
        "# Styled mode against raw LLM answers (SmolLM2-135M-Instruct through llama.cpp)", "",
        f"`python benchmarks/styled_comparison.py --limit {limit} --max-tokens {max_tokens}`: the demo set's "
        f"generated questions (the first {limit}, as `personas eval run --limit` takes them), gate `annotate`, real "
        f"embedding model, at most {max_tokens} tokens per answer or rewrite, "
        f"{platform.machine()}, on a loaded machine (2 cores shared with other jobs): latencies are upper bounds.", "",
        "| responder | questions | faithfulness mean / share faithful | correct | relevance | latency p50 / p95 |",
        "|---|---|---|---|---|---|",
    ]
    for name, row in rows:
        s = row["summary"]
        lines.append(f"| {name} | {row['n']} | {fmt(s.get('faithfulness'))} / {fmt(s.get('faithful_share'))} | "
                     f"{fmt(s.get('correctness'))} | {fmt(s.get('relevance'))} | "
                     f"{fmt((s.get('latency_p50_ms') or 0) / 1000, 1)} / {fmt((s.get('latency_p95_ms') or 0) / 1000, 1)} s |")
    styled = saved["rows"].get("styled")
    if styled:
        lines += ["", f"Styled turns where the rewrite was kept: {styled['kept']} of {styled['styled']}. Why the "
                  "others showed the grounded answer: " + "; ".join(f"{r} ({c})" for r, c in styled["reasons"].items())
                  + ".", ""]
    (RESULTS / "styled_comparison.md").write_text("\n".join(lines))
    print("\n".join(lines))


if __name__ == "__main__":
    raise SystemExit(main())

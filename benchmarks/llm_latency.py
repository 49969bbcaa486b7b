"""Time to first token and total time of the `llamacpp` responder with SmolLM2-135M-Instruct (Q4_1), on CPU.

A typical chat turn: the demo set (k = 10) in a store with the hashing embedding (retrieval is not what is
timed here), the persona's 8 best facts for the question (``settings.chat.facts``) from the hybrid retriever,
one earlier turn of history, the prompt budgeted to ``llm_context_window`` = 4096 with ``llm_max_tokens`` =
300, streamed through ``make_responder("llamacpp", settings.llm)`` exactly as the chat does.

Two scenarios, ``--runs`` each (default 5):

- *new persona*: each run talks to a different persona, so no part of the prompt was seen before (llama.cpp
  reuses the KV cache of a prompt prefix it evaluated last; a fresh system prompt defeats that);
- *same persona*: one persona, a different question each run: the system prompt prefix is reused, as in a
  real conversation.

The model is loaded once before timing (reported on its own). Figures: time to the first non-empty chunk and
to the end of the stream, p50 / p95 (linear interpolation), prompt tokens (cl100k_base count), chunks written.

Usage: ``python benchmarks/llm_latency.py [--runs 5] [--threads 2]``; writes ``benchmarks/results/llm_latency.md``.
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "results"
sys.path.insert(0, str(HERE.parent))

QUESTIONS = [
    "What do you watch most?",
    "How big is your group?",
    "Which of our videos did you like best?",
    "Which month were you most active?",
    "Are you a real person?",
]


@dataclass
class Run:
    scenario: str
    persona: str
    question: str
    prompt_tokens: int
    first_token_s: float
    total_s: float
    chunks: int
    answer: str


def pct(values: list[float], q: float) -> float:
    return float(np.percentile(values, q))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--threads", type=int, default=2)
    args = parser.parse_args()

    from chat.responders.base import ResponderRequest, Turn
    from chat.responders.factory import make_responder
    from chat.responders.llamacpp import ChatLlamaCpp, model_path
    from personas.data import load
    from personas.datasets import demo_spec
    from personas.pipeline import GenerateOptions, generate
    from retrieval.retriever import HybridRetriever
    from usecases.settings import Settings
    from usecases.store import open_store

    HASH_EMBEDDINGS = "retrieval.embeddings:HashEmbeddings"  # meaning-free vectors, as before: the LLM is timed

    home = Path(tempfile.mkdtemp(prefix="llm-latency-"))
    settings = Settings(home=home, embedding_model=HASH_EMBEDDINGS)
    pset = generate(load(demo_spec()), settings.generation, GenerateOptions(name="demo", version=1, k=10, seed=0))
    store = open_store(settings)
    store.save(pset)
    retriever = HybridRetriever(store)

    responder = make_responder("llamacpp", settings.llm)
    chat_model = responder.chat_model
    assert isinstance(chat_model, ChatLlamaCpp)
    chat_model.n_threads = args.threads
    started = time.perf_counter()
    chat_model._model()  # load outside the timed runs
    load_s = time.perf_counter() - started

    def turn(scenario: str, persona, question: str) -> Run:  # type: ignore[no-untyped-def]
        facts = retriever.retrieve(persona.id, question, k=settings.chat.facts)
        history = [Turn("Who are you?", f"I'm {persona.name}, and I stand for {persona.group_label} [1].",
                        persona.id)]
        prepared = responder.prepare(ResponderRequest(persona, question, facts, history=history))
        t0 = time.perf_counter()
        first = None
        parts: list[str] = []
        for chunk in responder.stream_prepared(prepared):
            if first is None and chunk.strip():
                first = time.perf_counter() - t0
            parts.append(chunk)
        total = time.perf_counter() - t0
        return Run(scenario, persona.name, question, prepared.tokens, first or total, total, len(parts),
                   "".join(parts))

    runs: list[Run] = []
    load_before = os.getloadavg()[0]
    for i in range(args.runs):
        runs.append(turn("new persona", pset.personas[i % len(pset.personas)], QUESTIONS[0]))
    same = pset.personas[-1]
    for i in range(args.runs):
        runs.append(turn("same persona", same, QUESTIONS[i % len(QUESTIONS)]))
    load_after = os.getloadavg()[0]

    path = model_path(settings.llm)
    lines = [
        "# llamacpp latency: SmolLM2-135M-Instruct on CPU",
        "",
        (f"`python benchmarks/llm_latency.py --runs {args.runs} --threads {args.threads}`; model `{path.name}` "
         f"({path.stat().st_size / 1e6:.0f} MB), n_ctx {settings.llm.context_window}, max_tokens "
         f"{settings.llm.max_tokens}, temperature {settings.llm.temperature}, {args.threads} threads, "
         f"{os.cpu_count()} CPUs ({platform.processor() or platform.machine()}), load average "
         f"{load_before:.2f} before and {load_after:.2f} after (other jobs share the machine)."),
        "",
        f"Model load (once per process): {load_s:.2f} s.",
        "",
        "| scenario | runs | prompt tokens (median) | first token p50 / p95 | total p50 / p95 | chunks (median) |",
        "|---|---|---|---|---|---|",
    ]
    for scenario in ("new persona", "same persona"):
        rs = [r for r in runs if r.scenario == scenario]
        ft = [r.first_token_s for r in rs]
        tt = [r.total_s for r in rs]
        lines.append(
            f"| {scenario} | {len(rs)} | {int(np.median([r.prompt_tokens for r in rs]))} | "
            f"{pct(ft, 50):.2f} / {pct(ft, 95):.2f} s | {pct(tt, 50):.2f} / {pct(tt, 95):.2f} s | "
            f"{int(np.median([r.chunks for r in rs]))} |"
        )
    lines += ["", "Every run:", "", "| scenario | persona | question | prompt tokens | first token | total | chunks |",
              "|---|---|---|---|---|---|---|"]
    for r in runs:
        lines.append(f"| {r.scenario} | {r.persona} | {r.question} | {r.prompt_tokens} | {r.first_token_s:.2f} s | "
                     f"{r.total_s:.2f} s | {r.chunks} |")
    example = runs[0].answer.replace("\n", " ").strip()
    lines += ["", f"Example answer ({runs[0].persona}, \"{runs[0].question}\"): \"{example[:400]}\"", ""]
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "llm_latency.md").write_text("\n".join(lines), encoding="utf-8")
    print("\n".join(lines))


if __name__ == "__main__":
    main()

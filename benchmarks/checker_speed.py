"""Speed of the deterministic faithfulness checker: one typical answer (5 claims) against 20 facts.

Facts are a demo persona's real fact texts (retrieval.documents.persona_documents); answers mix numbers,
topics, titles, ranks and attributes, with citation markers. Each check builds its index from scratch (no
cache warmed by a previous answer with the same facts), like the chat's gate on a new question.

    python benchmarks/checker_speed.py [--repeats 300]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from checker_perturbation import load_personas

from checker import facts as facts_module
from checker import identity as identity_module
from checker import labels as labels_module
from checker import check


def answers_for(p: dict) -> list[str]:
    t1, t2 = p["topics"][0], p["topics"][1]
    c1 = p["top_content"][0]
    return [
        f"My group has {p['group_interactions']:,} views in total [1]. {t1['topic']} is my top topic, "
        f"{t1['share'] * 100:.1f}% of my views [2]. {t2['topic']} comes second [3]. I'm from {p['country']} [4]. "
        f"My number 1 is \"{c1['title']}\", with {c1['count']:,} views from my group [5].",
        f"I'm {p['age']} years old and I live in {p['country']} [1]. About {round(t1['share'] * 100)}% of what people "
        f"like me watch is {t1['topic']} [2]. People like me watch {t2['topic']} a lot too [3]. We're about "
        f"{round(p['audience_share'] * 100)}% of the whole audience [4]. I also love Gardening videos.",
    ]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeats", type=int, default=300)
    ap.add_argument("--out", type=Path, default=Path(__file__).parent / "results" / "checker_speed.md")
    args = ap.parse_args(argv)
    personas = load_personas()
    cases = []
    for p, facts in personas:
        for a in answers_for(p):
            cases.append((a, facts[:20], p if len(cases) % 2 else None))
    check(*cases[0][:2])  # imports and the country list, once per process
    times = []
    claims = []
    for i in range(args.repeats):
        a, f, s = cases[i % len(cases)]
        facts_module._read_sentence.cache_clear()  # no help from the previous answer's facts
        labels_module.numbers_in.cache_clear()
        labels_module.label_patterns.cache_clear()
        identity_module._brackets.cache_clear()
        t0 = time.perf_counter()
        res = check(a, f, s)
        times.append((time.perf_counter() - t0) * 1000)
        claims.append(len(res.claims))
    times.sort()
    p50 = statistics.median(times)
    p95 = times[int(0.95 * (len(times) - 1))]
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    text = "\n".join([
        "# Faithfulness checker: speed", "",
        f"`python benchmarks/checker_speed.py` ({args.repeats} checks; answers of {statistics.mean(claims):.1f} claims "
        f"on average against 20 facts of a demo persona, stats given for half; index built afresh each time; "
        f"{os.cpu_count()} CPUs, load average {load:.1f} when measured).", "",
        "| | p50 | p95 | target |", "|---|---|---|---|",
        f"| `check(answer, 20 facts)` deterministic | {p50:.1f} ms | {p95:.1f} ms | < 50 ms: "
        f"{'met' if p95 < 50 else 'NOT met'} |", "",
    ])
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(text)
    print(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

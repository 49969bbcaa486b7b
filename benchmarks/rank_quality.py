"""Persona-conditioned ranking on MovieLens 100K: does ranking by the detected persona beat popularity?

Users are split 80/20 at random; a k = 10 persona set is generated from the 80% (so no test user's ratings
shaped the personas). For each test user, in time order: detect from the first N ratings (N = 5, 10, 20);
the candidates are the user's remaining rated movies (relevant) and as many movies the user never rated
(drawn at random from the set's content), in popularity order (the training users' rating counts: the
baseline). The persona-conditioned order (personas/rank.py, blend 0.5; the baseline when the detection is
ambiguous) and the popularity order are scored with NDCG@10 (binary relevance). Reported by N: NDCG@10 of
both, the share of users left on the baseline because their detection was ambiguous, and NDCG@10 of both on
the users who were conditioned. Users with fewer than 5 remaining ratings are skipped.

Run: python benchmarks/rank_quality.py   (writes benchmarks/results/rank.md; about 2 minutes)
"""

from __future__ import annotations

import argparse
import sys
import time
from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from personas import datasets  # noqa: E402
from personas.data import load  # noqa: E402
from personas.detect import DetectionRule, detect_in_set, individuals  # noqa: E402
from personas.pipeline import GenerateOptions, generate  # noqa: E402
from personas.rank import DEFAULT_BLEND, rank_for  # noqa: E402
from personas.settings import GenerationSettings  # noqa: E402

SIZES = (5, 10, 20)


def ndcg10(relevant: np.ndarray) -> float:
    """relevant: (n,) 0/1 in ranked order."""
    disc = 1 / np.log2(np.arange(2, 12))
    got = float(relevant[:10] @ disc[:len(relevant[:10])])
    ideal = float(np.sort(relevant)[::-1][:10] @ disc[:min(10, len(relevant))])
    return got / ideal if ideal > 0 else 0.0


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("-k", type=int, default=10)
    ap.add_argument("--blend", type=float, default=DEFAULT_BLEND)
    ap.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "results" / "rank.md")
    args = ap.parse_args()
    rng = np.random.default_rng(args.seed)
    spec = datasets.movielens_spec()
    inter = spec.interactions
    assert isinstance(inter, pd.DataFrame)
    users = inter["user_id"].unique()
    test = set(rng.choice(users, size=len(users) // 5, replace=False).tolist())
    train = inter[~inter["user_id"].isin(test)]
    start = time.perf_counter()
    pset = generate(load(replace(spec, interactions=train)), GenerationSettings(stability_seeds=2),
                    GenerateOptions("ml-rank", 1, args.k, args.seed))
    model = pset.model
    assert model is not None
    behaviour_of = {p.id: p.behaviour for p in pset.personas}
    content = np.asarray(model.content_ids, dtype=str)
    popularity = train["item_id"].value_counts()
    pop_of = {str(c): float(popularity.get(c, 0)) for c in content}
    rule = DetectionRule()
    rows = []
    for n in SIZES:
        for user, frame in inter[inter["user_id"].isin(test)].groupby("user_id", sort=True):
            frame = frame.sort_values(["timestamp", "item_id"])
            seen, rest = frame.iloc[:n], frame.iloc[n:]
            positives = [c for c in rest["item_id"].astype(str) if c in pop_of]
            if len(positives) < 5:
                continue
            rated = set(frame["item_id"].astype(str))
            pool = np.array([c for c in content if c not in rated])
            negatives = rng.choice(pool, size=min(len(positives), len(pool)), replace=False).tolist()
            cands = sorted(positives + negatives, key=lambda c: (-pop_of[c], c))  # the popularity order
            relevant = set(positives)
            people = individuals(pd.DataFrame({"id": str(user), "content_id": seen["item_id"].astype(str),
                                               "count": 1.0}), content)
            detection = detect_in_set(pset, people, rule)[0]
            ranking = rank_for(detection, model, behaviour_of, cands, blend=args.blend)
            base = ndcg10(np.array([c in relevant for c in cands], dtype=float))
            got = ndcg10(np.array([i.content_id in relevant for i in ranking.items], dtype=float))
            # the persona's own order on every user, ambiguous or not (what conditioning would do if forced)
            forced = detection.personas[0] if detection.personas else None
            forced_ndcg = base
            if forced is not None:
                from personas.rank import blend_order, persona_scores

                order, _ = blend_order(persona_scores(model, behaviour_of[forced.persona_id], cands), args.blend)
                forced_ndcg = ndcg10(np.array([cands[o] in relevant for o in order], dtype=float))
            rows.append({"N": n, "user": user, "conditioned": ranking.conditioned, "baseline": base,
                         "persona": got, "forced": forced_ndcg})
    res = pd.DataFrame(rows)
    lines = ["# Persona-conditioned ranking (benchmarks/rank_quality.py)", "",
             f"MovieLens 100K; k = {args.k} personas from 80% of the users; {len(test)} held-out users; blend "
             f"{args.blend}; candidates = the user's remaining rated movies + as many unrated ones, baseline = "
             f"popularity among the training users; NDCG@10, binary relevance ({time.perf_counter() - start:.0f} s).",
             "", "| N (ratings detected from) | users | NDCG@10 popularity | NDCG@10 persona-conditioned | "
             "left on baseline (ambiguous) | conditioned users: popularity | conditioned users: persona | "
             "all users, persona forced |", "|---|---|---|---|---|---|---|---|"]
    for n, r in res.groupby("N"):
        c = r[r["conditioned"]]
        lines.append(f"| {n} | {len(r)} | {r['baseline'].mean():.3f} | {r['persona'].mean():.3f} | "
                     f"{1 - r['conditioned'].mean():.0%} | {c['baseline'].mean():.3f} | {c['persona'].mean():.3f} | "
                     f"{r['forced'].mean():.3f} |")
    text = "\n".join(lines) + "\n"
    print(text)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(text, encoding="utf-8")
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()

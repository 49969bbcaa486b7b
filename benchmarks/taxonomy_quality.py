"""Team-defined personas: cross-validated accuracy and macro F1 against the majority class.

* Planted taxonomy over the demo: customers sampled from the demo's 10 planted behaviours, labelled with 5
  team personas (two behaviours each), n interactions per customer; features in a k = 10 set of the demo.
* MovieLens 100K with occupation (21 labels) as the team's persona: each user's first n ratings in time
  order; features in a k = 10 set of MovieLens.

5-fold stratified cross-validation (personas/taxonomy.py, the defaults `personas taxonomy learn` uses).

Run: python benchmarks/taxonomy_quality.py   (writes benchmarks/results/taxonomy.md; about 3 minutes)
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from personas import datasets  # noqa: E402
from personas.data import load  # noqa: E402
from personas.demo import make_demo  # noqa: E402
from personas.detect import individuals  # noqa: E402
from personas.pipeline import GenerateOptions, generate  # noqa: E402
from personas.settings import GenerationSettings  # noqa: E402
from personas.taxonomy import TaxonomyClassifier, features  # noqa: E402

TEAM = ["gamer", "gamer", "maker", "maker", "family", "family", "traveller", "traveller", "stylist", "stylist"]


def row(name: str, n: int, ev) -> str:  # type: ignore[no-untyped-def]
    return (f"| {name} | {n} | {ev.n} | {ev.accuracy:.3f} | {ev.majority_accuracy:.3f} | {ev.macro_f1:.3f} | "
            f"{ev.majority_macro_f1:.3f} | {ev.ambiguous_share:.0%} | {ev.confident_accuracy:.3f} |")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--per-behaviour", type=int, default=40, help="demo customers per planted behaviour")
    ap.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "results" / "taxonomy.md")
    args = ap.parse_args()
    settings = GenerationSettings(stability_seeds=2)
    lines = ["# Team-defined personas (benchmarks/taxonomy_quality.py)", "",
             "5-fold stratified cross-validation; ambiguous: top probability below 0.5.", "",
             "| data | interactions per customer | customers | accuracy | majority accuracy | macro F1 | "
             "majority macro F1 | ambiguous | accuracy when not ambiguous |", "|---|---|---|---|---|---|---|---|---|"]
    start = time.perf_counter()
    demo = make_demo()
    pset = generate(load(datasets.demo_spec()), settings, GenerateOptions("demo", 1, 10, 0))
    ids = demo.content["video_id"].to_numpy(dtype=str)
    rng = np.random.default_rng(0)
    for n in (5, 10, 20):
        rows, labels = [], []
        for j in range(10):
            for r in range(args.per_behaviour):
                who = f"{j}-{r}"
                rows += [(who, v) for v in ids[rng.choice(len(ids), size=n, p=demo.planted_H[j])]]
                labels.append(TEAM[j])
        frame = pd.DataFrame(rows, columns=["id", "content_id"]).assign(count=1.0)
        people = individuals(frame, pset.model.content_ids)
        ev = TaxonomyClassifier().cross_validate(features(pset.model, people.X), labels)
        lines.append(row("demo, 5 planted team personas", n, ev))
        print(lines[-1], flush=True)
    spec = datasets.movielens_spec()
    ml = generate(load(spec), settings, GenerateOptions("ml", 1, 10, 0))
    occupation = dict(zip(spec.users["user_id"], spec.users["occupation"]))
    ordered = spec.interactions.sort_values(["user_id", "timestamp", "item_id"])
    for n in (10, 20, 50):
        first = ordered.groupby("user_id").head(n)
        frame = pd.DataFrame({"id": first["user_id"].astype(str), "content_id": first["item_id"].astype(str),
                              "count": 1.0})
        people = individuals(frame, ml.model.content_ids)
        ev = TaxonomyClassifier().cross_validate(features(ml.model, people.X), [occupation[i] for i in people.ids])
        lines.append(row("MovieLens 100K, occupation (21)", n, ev))
        print(lines[-1], flush=True)
    lines += ["", f"({time.perf_counter() - start:.0f} s)"]
    args.out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()

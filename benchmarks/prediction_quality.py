"""Prediction quality, measured the way APG's evaluation does: hide content, regenerate, predict the hidden.

For each data set (the synthetic demo channel, MovieLens 100K) and each split seed: hide 20% of the content
items at random, generate a k = 10 persona set from the other 80%, and for every persona score the hidden
items with personas/predict.py (title embedding with the real MiniLM model, and topics). Compare with the
persona's group's actual counts on the hidden items: Spearman correlation and NDCG@10 (gain: the count),
per persona, averaged over personas and splits. Rankings compared:

* popularity: the hidden items' total counts over all groups (an oracle: a new item's audience is not
  known before it is published; it is the order every persona would get without persona knowledge);
* persona: the persona's predicted interest alone (what a team knows before publishing);
* persona x popularity: log popularity + the persona's score (the persona's relative interest applied to
  the item's audience: whether persona knowledge adds to knowing the audience size);
* topic popularity: the mean audience of the visible items sharing the item's topics (an audience estimate a
  team has before publishing), and persona x topic popularity;
* and the two parts of the score alone (topics, title similarity).

Run: python benchmarks/prediction_quality.py   (writes benchmarks/results/prediction.md; about 2 minutes)
"""

from __future__ import annotations

import argparse
import sys
import time
from dataclasses import replace
from pathlib import Path

import numpy as np
from scipy.stats import spearmanr

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from personas import datasets  # noqa: E402
from personas.data import AudienceData, load  # noqa: E402
from personas.pipeline import GenerateOptions, generate  # noqa: E402
from personas.predict import InterestPredictor, tastes_of  # noqa: E402
from personas.settings import GenerationSettings  # noqa: E402
from retrieval.embeddings import LocalEmbeddings  # noqa: E402


def hide(data: AudienceData, keep: np.ndarray) -> AudienceData:
    """The data without the content not in ``keep`` (sorted column positions)."""
    comments = data.comments
    if comments is not None:
        remap = {int(c): i for i, c in enumerate(keep)}
        comments = comments[comments["content_code"].isin(list(remap))].copy()
        comments["content_code"] = comments["content_code"].map(remap)
    return replace(data, matrix=data.matrix[:, keep].tocsr(), content=data.content.iloc[keep].reset_index(drop=True),
                   comments=comments, fingerprint=data.fingerprint + "-hidden")


def topic_popularity(topics: list[list[str]], popularity: np.ndarray, keep: np.ndarray, hidden: np.ndarray
                     ) -> np.ndarray:
    """(len(hidden),) an audience size known before publishing: the mean total count of the visible items
    sharing each of the item's topics, averaged over its topics (the visible mean without any)."""
    by_topic: dict[str, list[float]] = {}
    for c in keep:
        for t in topics[c]:
            by_topic.setdefault(t, []).append(float(popularity[c]))
    overall = float(popularity[keep].mean())
    return np.array([np.mean([np.mean(by_topic[t]) for t in topics[h] if t in by_topic] or [overall])
                     for h in hidden])


def ndcg_at(k: int, gains: np.ndarray, scores: np.ndarray) -> float:
    order = np.argsort(-scores, kind="stable")[:k]
    ideal = np.sort(gains)[::-1][:k]
    disc = 1 / np.log2(np.arange(2, k + 2))
    best = float(ideal @ disc[:len(ideal)])
    return float(gains[order] @ disc[:len(order)]) / best if best > 0 else 0.0


def group_row(data: AudienceData, group: dict[str, str]) -> int:
    mask = np.ones(len(data.groups), dtype=bool)
    for col, val in group.items():
        mask &= data.groups[col].astype(str).to_numpy() == val
    return int(np.flatnonzero(mask)[0])


def evaluate(name: str, data: AudienceData, embed: LocalEmbeddings, seeds: list[int], k: int,
             predictor: InterestPredictor) -> dict[str, dict]:
    settings = GenerationSettings(stability_seeds=2)
    c = data.matrix.shape[1]
    titles = data.content["title"].astype(str).tolist()
    vectors = np.asarray(embed.embed_documents(titles), dtype=np.float64)
    topics = [list(t) for t in data.content["topics"]]
    V = data.matrix.tocsr()
    popularity = np.asarray(V.sum(axis=0)).ravel()
    results: dict[str, dict[str, list[float]]] = {}
    for seed in seeds:
        rng = np.random.default_rng(seed)
        hidden = np.sort(rng.choice(c, size=c // 5, replace=False))
        keep = np.setdiff1d(np.arange(c), hidden)
        pset = generate(hide(data, keep), settings, GenerateOptions(f"{name}-bench", 1, k, seed))
        tastes = tastes_of(pset)
        index = {t: i for i, t in enumerate(titles)}
        content_vectors = [vectors[[index[t] for t in ta.titles]] for ta in tastes]
        model = predictor.fit(tastes, content_vectors)
        item_topics = [topics[h] for h in hidden]
        tpart = model.topic_part(item_topics)
        spart = model.similarity_part(vectors[hidden])
        score = model.topic_weight * tpart + model.similarity_weight * spart
        pop = popularity[hidden]
        expected = topic_popularity(topics, popularity, keep, hidden)
        for p, persona in enumerate(pset.personas):
            actual = V[group_row(data, persona.group)].toarray().ravel()[hidden]
            rankings = {
                "popularity": pop, "persona": score[:, p], "persona x popularity": np.log1p(pop) + score[:, p],
                "topics only": tpart[:, p], "title similarity only": spart[:, p],
                "topic popularity": expected, "persona x topic popularity": np.log1p(expected) + score[:, p],
            }
            for method, s in rankings.items():
                rho = spearmanr(s, actual).statistic if np.ptp(s) > 0 and np.ptp(actual) > 0 else 0.0
                r = results.setdefault(method, {"spearman": [], "ndcg": [], "wins_spearman": []})
                r["spearman"].append(float(np.nan_to_num(rho)))
                r["ndcg"].append(ndcg_at(10, actual.astype(float), s))
    base = results["popularity"]
    for method, r in results.items():
        r["beats_spearman"] = float(np.mean(np.array(r["spearman"]) > np.array(base["spearman"])))
        r["beats_ndcg"] = float(np.mean(np.array(r["ndcg"]) > np.array(base["ndcg"])))
    return results


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--seeds", type=int, default=3, help="random 80/20 content splits per data set")
    ap.add_argument("-k", type=int, default=10)
    ap.add_argument("--first-seed", type=int, default=0, help="splits first-seed .. first-seed + seeds - 1")
    ap.add_argument("--similarity-weight", type=float, default=InterestPredictor().similarity_weight)
    ap.add_argument("--topic-weight", type=float, default=InterestPredictor().topic_weight)
    ap.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "results" / "prediction.md")
    args = ap.parse_args()
    embed = LocalEmbeddings()
    lines = ["# Prediction quality (benchmarks/prediction_quality.py)", "",
             f"k = {args.k}; 20% of the content hidden; {args.seeds} random splits per data set; mean over "
             "personas and splits (Spearman and NDCG@10 against the persona's group's actual counts on the hidden "
             "items); 'beats' = share of (persona, split) pairs scoring above the popularity order.", ""]
    for name, spec in (("demo", datasets.demo_spec()), ("movielens-100k", datasets.movielens_spec())):
        start = time.perf_counter()
        predictor = InterestPredictor(topic_weight=args.topic_weight, similarity_weight=args.similarity_weight)
        seeds = list(range(args.first_seed, args.first_seed + args.seeds))
        res = evaluate(name, load(spec), embed, seeds, args.k, predictor)
        lines += [f"## {name} ({time.perf_counter() - start:.0f} s)", "",
                  "| ranking | Spearman | NDCG@10 | beats popularity (Spearman) | beats popularity (NDCG@10) |",
                  "|---|---|---|---|---|"]
        for method, r in res.items():
            lines.append(f"| {method} | {np.mean(r['spearman']):.3f} | {np.mean(r['ndcg']):.3f} | "
                         f"{r['beats_spearman']:.0%} | {r['beats_ndcg']:.0%} |")
        lines.append("")
        print("\n".join(lines[-len(res) - 4:]), flush=True)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()

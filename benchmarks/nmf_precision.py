"""Does the NMF need float64, and do the stability re-runs need their full iteration cap?

For the scale data (``benchmarks/make_data.py``), the scaled matrix X is factorised the way
``personas.nmf`` does it (sklearn NMF, coordinate descent, k = 10, tol 1e-4, max_iter 400: the reference
from NNDSVDa with seed 0, the stability re-runs from random starts with seeds 1 and 2), once with X in
float64 and once in float32. Compared: CPU time of the three fits (run one after the other), iterations,
stability (mean and weakest behaviour), the impactful groups (default rule and thresholds) and the top-10
content of every behaviour. Then the re-runs again in float32 with a lower iteration cap, to see what
that would do to the stability figures.

Usage: ``python benchmarks/nmf_precision.py [--sizes 1m,10m,wide]``; writes
``benchmarks/results/nmf_precision.md``.
"""

from __future__ import annotations

import argparse
import time
import warnings
from pathlib import Path

import numpy as np
from sklearn.decomposition import NMF
from sklearn.exceptions import ConvergenceWarning

from personas.data import InputSpec, load
from personas.impact import eligible_groups, impactful_groups
from personas.nmf import match_rows, scale_matrix
from usecases.settings import Settings

HERE = Path(__file__).resolve().parent
DATA = HERE / "_data"
CASES = {
    "1m": ("interactions_1m", ("age", "gender", "occupation"), {"age": (18, 25, 35, 45, 50, 56)}),
    "10m": ("interactions_10m", ("age", "gender", "occupation"), {"age": (18, 25, 35, 45, 50, 56)}),
    "wide": ("interactions_wide", ("age", "gender", "country"), {}),
}
K = 10


def fit(X, init: str, seed: int, max_iter: int = 400) -> tuple[np.ndarray, np.ndarray, int, float]:
    model = NMF(n_components=K, init=init, solver="cd", max_iter=max_iter, tol=1e-4, random_state=seed)
    t = time.process_time()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        W = model.fit_transform(X)
    return W.astype(np.float64), model.components_.astype(np.float64), int(model.n_iter_), time.process_time() - t


def stability(H_ref: np.ndarray, Hs: list[np.ndarray]) -> np.ndarray:
    return np.mean([match_rows(H_ref, H)[1] for H in Hs], axis=0)


def run(size: str) -> list[str]:
    stem, group_by, bins = CASES[size]
    data = load(InputSpec(interactions=DATA / f"{stem}.parquet", users=DATA / "users.parquet", user_col="user_id",
                          group_by=group_by, content_col="item_id", count_col="n", bins=bins))
    settings = Settings()
    X, _, _ = scale_matrix(data.matrix, settings.generation.scaling)
    gen = settings.generation
    elig = eligible_groups(data.group_totals, data.group_users, K, gen.min_support, gen.min_users)
    rows, ref = [], {}
    for dtype in (np.float64, np.float32):
        Xd = X.astype(dtype)
        W, H, it0, cpu = fit(Xd, "nndsvda", 0)
        runs = [fit(Xd, "random", s) for s in (1, 2)]
        cpu += sum(r[3] for r in runs)
        per = stability(H, [r[1] for r in runs])
        groups = impactful_groups(W, H, elig.mask, settings.generation.impact_rule).groups
        top = [tuple(np.argsort(-H[j], kind="stable")[:10]) for j in range(K)]
        if dtype == np.float64:
            ref = {"groups": groups, "top": top, "H": H, "cpu": cpu}
            same_groups = same_top = "(reference)"
            dh = "-"
        else:
            same_groups = f"{int((groups == ref['groups']).sum())}/{K}"
            same_top = f"{sum(a == b for a, b in zip(top, ref['top']))}/{K}"
            dh = f"{np.abs(H - ref['H']).max() / np.abs(ref['H']).max():.1e}"
        speed = "" if dtype == np.float64 else f" ({ref['cpu'] / cpu:.2f}x)"
        rows.append(f"| {size} | {np.dtype(dtype).name} | {cpu:.1f} s{speed} | {it0}, {runs[0][2]}, {runs[1][2]} "
                    f"| {per.mean():.5f} | {per.min():.4f} | {same_groups} | {same_top} | {dh} |")
        print(rows[-1], flush=True)
    X32 = X.astype(np.float32)
    _, H32, _, _ = fit(X32, "nndsvda", 0)
    for cap in (200, 150, 100):
        runs = [fit(X32, "random", s, max_iter=cap) for s in (1, 2)]
        per = stability(H32, [r[1] for r in runs])
        cpu = sum(r[3] for r in runs)
        rows.append(f"| {size} | float32, re-runs capped at {cap} | {cpu:.1f} s (re-runs only) | -, {runs[0][2]}, "
                    f"{runs[1][2]} | {per.mean():.5f} | {per.min():.4f} | - | - | - |")
        print(rows[-1], flush=True)
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1m,10m,wide")
    parser.add_argument("--out", type=Path, default=HERE / "results" / "nmf_precision.md")
    args = parser.parse_args()
    lines = [("| size | X dtype | CPU of the 3 fits | iterations (ref, re-run 1, re-run 2) | stability | weakest "
              "behaviour | same impactful groups | same top-10 content | max abs diff of H (relative) |"),
             "|---|---|---|---|---|---|---|---|---|"]
    for size in [s.strip() for s in args.sizes.split(",") if s.strip()]:
        lines += run(size)
    text = ("# NMF precision and re-run iteration cap\n\n" + __doc__.split("\n\n")[1].replace("\n", " ") + "\n\n"
            + "\n".join(lines) + "\n")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(text, encoding="utf-8")
    print(f"written: {args.out}")


if __name__ == "__main__":
    main()

"""Segmenting respondents: k-means, a Gaussian mixture (BIC), latent class analysis (categorical and mixed
items: personas/surveys/latent_class.py), k-prototypes / k-modes, and S2P's demographic groups;
``choose_segmentation`` picks the method and k ('auto') by stability across seeds with silhouette/BIC.

Features: ordered and binary numeric items are standardised (missing answers filled with the item's median),
multi-select items become one 0/1 column per choice, categorical items are codes (missing: the item's mode).
Segmenters follow sklearn conventions: parameters in __init__, learned state with a trailing underscore.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
from sklearn.metrics import adjusted_rand_score, silhouette_score

from ..errors import InputError
from .data import SurveyData
from .latent_class import LatentClassSegmenter, LatentInputs, latent_inputs

METHODS = ("kmeans", "gmm", "lca", "kprototypes", "kmodes", "groups")


@dataclass
class Features:
    numeric: np.ndarray  # (n, a) standardised
    categorical: np.ndarray  # (n, b) int codes
    imputed: int  # answers filled in for the segmentation
    latent: LatentInputs | None = None  # the latent class model's indicators (built when a method needs them)

    def rows(self, rows: np.ndarray | None) -> Features:
        if rows is None:
            return self
        return Features(self.numeric[rows], self.categorical[rows], 0,
                        self.latent.rows(rows) if self.latent is not None else None)


def features(data: SurveyData) -> Features:
    nums, cats, imputed = [], [], 0
    for it in data.items:
        if it.chosen is not None:
            nums.extend(it.chosen.T.astype(float))
            continue
        miss = it.index < 0
        imputed += int(miss.sum())
        if it.values is not None:
            col = it.values.copy()
            col[miss] = np.nanmedian(col)
            nums.append(col)
        else:
            col = it.index.copy()
            col[miss] = np.bincount(col[~miss]).argmax()
            cats.append(col)
    n = data.n
    X = np.column_stack(nums) if nums else np.zeros((n, 0))
    del nums
    if X.shape[1]:  # standardised in place (a 1M x 40 survey: no extra copies)
        mean, sd = X.mean(axis=0), X.std(axis=0)
        X -= mean
        X /= np.where(sd > 0, sd, 1.0)
    C = np.column_stack(cats).astype(np.int32) if cats else np.zeros((n, 0), dtype=np.int32)
    return Features(X, C, imputed, latent_inputs(data) if C.shape[1] else None)


class SurveySegmenter:
    """One segmentation method with k segments; fit(features) sets labels_ and score_ (silhouette or -BIC)."""

    def __init__(self, method: str, k: int, random_state: int = 0, max_iter: int = 300, n_init: int = 3) -> None:
        self.method = method
        self.k = k
        self.random_state = random_state
        self.max_iter = max_iter
        self.n_init = n_init

    def fit(self, f: Features) -> SurveySegmenter:
        n = len(f.numeric)
        if self.k > n:
            raise InputError(f"{n} respondents cannot make {self.k} segments; use -k {max(1, n // 2)} or fewer")
        self.bic_: float | None = None
        if self.method == "kmeans":
            from sklearn.cluster import KMeans

            model = KMeans(self.k, n_init=self.n_init, max_iter=self.max_iter, random_state=self.random_state).fit(f.numeric)
            self.labels_ = model.labels_
        elif self.method == "gmm":
            from sklearn.mixture import GaussianMixture

            model = GaussianMixture(self.k, covariance_type="diag", max_iter=self.max_iter, n_init=1,
                                    random_state=self.random_state, reg_covar=1e-4).fit(f.numeric)
            self.labels_ = model.predict(f.numeric)
            self.bic_ = float(model.bic(f.numeric))
        elif self.method == "lca":
            model = LatentClassSegmenter(self.k, self.random_state, self.n_init, self.max_iter).fit(f.latent)
            self.labels_, self.bic_ = model.labels_, model.bic_
        elif self.method in ("kprototypes", "kmodes"):
            self.labels_ = _kmodes_family(self.method, self.k, f, self.random_state, self.max_iter)
        else:
            raise ValueError(self.method)
        self.labels_ = np.asarray(self.labels_, dtype=np.int32)
        return self


def _kmodes_family(method: str, k: int, f: Features, seed: int, max_iter: int) -> np.ndarray:
    try:
        from kmodes.kmodes import KModes
        from kmodes.kprototypes import KPrototypes
    except ImportError:
        raise InputError("k-modes / k-prototypes need the kmodes package: pip install 'kmodes>=0.12,<0.13'") from None
    if method == "kmodes" or f.numeric.shape[1] == 0:
        return KModes(k, init="Huang", n_init=1, max_iter=min(max_iter, 50), random_state=seed).fit_predict(f.categorical)
    X = np.column_stack([f.numeric, f.categorical.astype(float)])
    cat_idx = list(range(f.numeric.shape[1], X.shape[1]))
    # gamma 2: a categorical mismatch weighs as much as the expected squared difference of two respondents on
    # a standardised item (2), so categorical and numeric items count alike
    return KPrototypes(k, init="Huang", n_init=1, max_iter=min(max_iter, 50), random_state=seed,
                       gamma=KPROTOTYPES_GAMMA).fit_predict(X, categorical=cat_idx)


def silhouette(f: Features, labels: np.ndarray, seed: int, sample: int = 2000) -> float | None:
    """Silhouette on the standardised items (categorical items one-hot), on a sample for large surveys."""
    if len(np.unique(labels[labels >= 0])) < 2:
        return None
    X = f.numeric
    if f.categorical.shape[1]:
        onehot = [np.eye(c.max() + 1)[c] for c in f.categorical.T]
        X = np.column_stack([X, *onehot])
    keep = labels >= 0
    X, labels = X[keep], labels[keep]
    size = min(sample, len(X))
    return float(silhouette_score(X, labels, sample_size=size, random_state=seed))


def stability(runs: list[np.ndarray]) -> float:
    """Mean adjusted Rand index between the first run and each re-run with another seed (1: identical)."""
    if len(runs) < 2:
        return 1.0
    return float(np.mean([adjusted_rand_score(runs[0], r) for r in runs[1:]]))


@dataclass(frozen=True)
class Candidate:
    method: str
    k: int
    sizes: list[int]
    silhouette: float | None
    bic: float | None
    stability: float

    def to_dict(self) -> dict[str, Any]:
        return {"method": self.method, "k": self.k, "sizes": self.sizes, "silhouette": self.silhouette,
                "bic": self.bic, "stability": self.stability}


@dataclass
class Segmentation:
    method: str
    k: int
    labels: np.ndarray  # (n,) segment of each respondent; -1: in no segment (groups below the minimum size)
    rule: str
    candidates: list[Candidate] = field(default_factory=list)
    groups: list[dict[str, str]] | None = None  # the demographic group of each segment ('groups' method)


def methods_for(f: Features) -> list[str]:
    """The methods 'auto' tries for the data's types: numeric items -> k-means and GMM; any categorical item ->
    a latent class model (k-modes and k-prototypes recover planted segments far worse: docs/surveys.md)."""
    return ["kmeans", "gmm"] if f.categorical.shape[1] == 0 else ["lca"]


def evaluate(method: str, k: int, f: Features, seed: int, seeds: int, rows: np.ndarray | None = None) -> tuple[Candidate, np.ndarray]:
    """One candidate: fits with ``seeds`` seeds (on ``rows`` when given: a sample of a large survey)."""
    sub = f.rows(rows)
    fits = [SurveySegmenter(method, k, random_state=seed + i).fit(sub) for i in range(seeds)]
    labels = fits[0].labels_
    return Candidate(method, k, np.bincount(labels, minlength=k).tolist(), silhouette(sub, labels, seed),
                     fits[0].bic_, stability([m.labels_ for m in fits])), labels


KPROTOTYPES_GAMMA = 2.0
KMODES_SAMPLE = 2000  # k-prototypes / k-modes candidates are fitted on at most this many respondents
STABLE = 0.8  # candidates whose mean ARI across seeds is below this are not chosen while a stable one exists


def choose_segmentation(data: SurveyData, f: Features, method: str = "auto", k: int | None = None, seed: int = 0,
                        k_range: tuple[int, int] = (3, 8), seeds: int = 3, sample: int = 5000,
                        min_group: int | None = None) -> Segmentation:
    if method == "groups":
        from .groups import demographic_groups

        return demographic_groups(data, f, k, min_group)
    if method not in ("auto", *METHODS):
        raise InputError(f"unknown --method {method!r}; use auto, {', '.join(METHODS)}")
    if method != "auto":
        _check_method_fits(method, f, data)
    n = data.n
    if k is not None and k > n:
        raise InputError(f"{n} respondents cannot make {k} segments; use -k {max(1, n // 2)} or fewer")
    methods = methods_for(f) if method == "auto" else [method]
    if "lca" in methods and f.latent is None:
        f.latent = latent_inputs(data)
    order = np.random.default_rng(seed).permutation(n)

    def rows_for(m: str) -> np.ndarray | None:  # k-modes family: pure-Python loops, a smaller sample
        size = sample if m in ("kmeans", "gmm", "lca") else min(sample, KMODES_SAMPLE)
        return np.sort(order[:size]) if n > size else None
    ks = [k] if k is not None else list(range(k_range[0], min(k_range[1], n - 1) + 1))
    from threadpoolctl import threadpool_limits

    with threadpool_limits(1):  # many small fits: one thread each is many times faster than a shared pool
        cands = [evaluate(m, kk, f, seed, seeds, rows_for(m))[0] for m in methods for kk in ks]
    stable = [c for c in cands if c.stability >= STABLE] or cands
    best, rule = _best(stable)
    # a large survey's final fit: one start (the candidates, on the sample, already measured the seeds)
    final = SurveySegmenter(best.method, best.k, random_state=seed, n_init=1 if rows_for(best.method) is not None
                            else 3).fit(f)
    return Segmentation(best.method, best.k, final.labels_, rule, cands)


def _check_method_fits(method: str, f: Features, data: SurveyData) -> None:
    """A method asked for by name must see every item: k-means and GMM numeric ones, k-modes categorical ones."""
    categorical = [i.item for i in data.items if i.values is None and i.chosen is None]
    numeric = [i.item for i in data.items if i.item not in categorical]
    need = {"lca": True, "kmeans": not categorical, "gmm": not categorical, "kmodes": not numeric,
            "kprototypes": bool(categorical and numeric)}
    if not need[method]:
        fits = " or ".join(methods_for(f) if not categorical else ["lca", "kprototypes" if numeric else "kmodes"])
        what = (f"categorical items ({', '.join(categorical[:4])})" if method in ("kmeans", "gmm")
                else f"numeric items ({', '.join(numeric[:4])})" if method == "kmodes"
                else "both numeric and categorical items")
        verb = "needs" if method == "kprototypes" else "cannot use"
        raise InputError(f"--method {method} {verb} {what}; use --method {fits} (or auto) for these items")


def _best(cands: list[Candidate]) -> tuple[Candidate, str]:
    """Highest silhouette among the stable candidates; BIC decides among one likelihood model's candidates."""
    if len({c.method for c in cands}) == 1 and cands[0].method in ("gmm", "lca"):
        best = min(cands, key=lambda c: (c.bic, c.k))
        return best, f"lowest BIC among candidates with stability >= {STABLE}"
    best = max(cands, key=lambda c: (c.silhouette if c.silhouette is not None else -1.0, -c.k))
    return best, f"highest silhouette among candidates with stability (ARI across seeds) >= {STABLE}"

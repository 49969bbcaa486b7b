"""The factorisation V ~= W H, persona stability across seeds, and the choice of k.

Pure maths in scikit-learn conventions: parameters in ``__init__``, learned state with a trailing
underscore, ``random_state``, no I/O. Shapes: V is (g, c) groups x content, W is (g, p), H is (p, c).
"""

from __future__ import annotations

import os
import warnings
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp
from scipy.optimize import linear_sum_assignment
from sklearn.base import BaseEstimator
from sklearn.decomposition import NMF
from sklearn.exceptions import ConvergenceWarning
from threadpoolctl import threadpool_limits

SCALINGS = ("raw", "sqrt", "share")


def scale_matrix(V: sp.csr_matrix, scaling: str) -> tuple[sp.csr_matrix, np.ndarray, np.ndarray]:
    """What NMF sees. Returns (X, row_scale (g,), column_scale (c,)) with X = diag(r) V diag(s).

    * ``raw``: X = V.
    * ``sqrt``: each content column divided by the square root of its popularity, so that globally
      popular items do not top every behaviour.
    * ``share``: each group row normalised to sum 1 (per-group shares; small groups weigh as much as big ones).
    """
    if scaling not in SCALINGS:
        raise ValueError(f"scaling must be one of {SCALINGS}, not {scaling!r}")
    g, c = V.shape
    row = np.ones(g)
    col = np.ones(c)
    if scaling == "sqrt":
        col = 1.0 / np.sqrt(np.maximum(np.asarray(V.sum(axis=0)).ravel(), 1e-12))
    elif scaling == "share":
        row = 1.0 / np.maximum(np.asarray(V.sum(axis=1)).ravel(), 1e-12)
    X = sp.diags(row) @ V @ sp.diags(col)
    return sp.csr_matrix(X, dtype=np.float64), row, col


class PersonaNMF(BaseEstimator):
    """NMF of the (scaled) interaction matrix.

    Parameters
    ----------
    n_components : number of latent behaviours p.
    scaling : 'raw', 'sqrt' or 'share' (see :func:`scale_matrix`).
    init, max_iter, tol, random_state : passed to :class:`sklearn.decomposition.NMF` (coordinate descent).

    Attributes
    ----------
    W_ : (g, p) group loadings in the scaled space.
    H_ : (p, c) behaviour x content loadings in the scaled space.
    row_scale_, column_scale_ : the scaling applied to V.
    reconstruction_err_ : Frobenius norm of X - W H.
    relative_error_ : reconstruction_err_ / ||X||_F.
    n_iter_ : iterations run.
    """

    def __init__(
        self,
        n_components: int = 10,
        scaling: str = "sqrt",
        init: str = "nndsvda",
        max_iter: int = 400,
        tol: float = 1e-4,
        random_state: int | None = 0,
    ) -> None:
        self.n_components = n_components
        self.scaling = scaling
        self.init = init
        self.max_iter = max_iter
        self.tol = tol
        self.random_state = random_state

    def fit(self, V: sp.spmatrix | np.ndarray) -> PersonaNMF:
        X, self.row_scale_, self.column_scale_ = scale_matrix(sp.csr_matrix(V), self.scaling)
        return self._fit_scaled(X)

    def _fit_scaled(self, X: sp.csr_matrix, *, quiet: bool = True) -> PersonaNMF:
        """Fit on X, already scaled. ``quiet=False`` leaves the warning filters alone: ``catch_warnings`` is
        not thread-safe, so fits run side by side get one filter set around them all (:func:`_run_fits`)."""
        if quiet:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", ConvergenceWarning)
                return self._fit_scaled(X, quiet=False)
        model = NMF(
            n_components=self.n_components,
            init=self.init,
            solver="cd",
            max_iter=self.max_iter,
            tol=self.tol,
            random_state=self.random_state,
        )
        # The fit runs in float32: the sparse products that dominate it move half the bytes (25-30 % faster);
        # the personas, their groups and content lists are the same as with float64 and stability agrees to
        # 1e-5 (benchmarks/nmf_precision.py). What leaves the fit is float64 again, the error computed in float64.
        W = self._fit_transform(model, X.astype(np.float32) if X.dtype == np.float64 else X)
        self.W_ = W.astype(np.float64)
        self.H_ = model.components_.astype(np.float64)
        norm_sq = float(X.multiply(X).sum()) if sp.issparse(X) else float(np.vdot(X, X))
        self.reconstruction_err_ = _frobenius_error(X, self.W_, self.H_, norm_sq)
        norm = float(np.sqrt(norm_sq))
        self.relative_error_ = self.reconstruction_err_ / norm if norm else 0.0
        self.n_iter_ = int(model.n_iter_)
        return self

    def _fit_transform(self, model: NMF, X32: sp.csr_matrix) -> np.ndarray:
        """The sklearn fit itself (a warm start overrides it to pass its initial factors)."""
        return model.fit_transform(X32)

    def behaviour_profiles(self) -> np.ndarray:
        """(p, c) H mapped back to unscaled content space, rows normalised to sum 1."""
        H = self.H_ / self.column_scale_[None, :]
        return _normalise_rows(H)


def _frobenius_error(X: sp.spmatrix | np.ndarray, W: np.ndarray, H: np.ndarray, norm_x: float) -> float:
    """||X - W H||_F without forming W H, from norm_x = ||X||^2: ||X||^2 - 2 <X, W H> + <W^T W, H H^T>
    (as sklearn does for sparse X)."""
    cross = float(np.vdot(W, np.asarray(X @ H.T)))
    gram = float(np.vdot(W.T @ W, H @ H.T))
    return float(np.sqrt(max(norm_x - 2.0 * cross + gram, 0.0)))


def _normalise_rows(A: np.ndarray) -> np.ndarray:
    s = A.sum(axis=1, keepdims=True)
    return np.divide(A, s, out=np.zeros_like(A), where=s > 0)


def cosine_matrix(A: np.ndarray, B: np.ndarray) -> np.ndarray:
    """(a, b) cosine similarity between the rows of A and the rows of B."""
    na = np.linalg.norm(A, axis=1, keepdims=True)
    nb = np.linalg.norm(B, axis=1, keepdims=True)
    return (A / np.maximum(na, 1e-300)) @ (B / np.maximum(nb, 1e-300)).T


def match_rows(A: np.ndarray, B: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Optimal one-to-one matching of the rows of A to the rows of B by cosine.

    Returns (index into B for each row of A, or -1 when B has fewer rows; the matched cosine, 0 for none).
    """
    sim = cosine_matrix(A, B)
    rows, cols = linear_sum_assignment(-sim)
    match = np.full(A.shape[0], -1)
    cos = np.zeros(A.shape[0])
    match[rows] = cols
    cos[rows] = sim[rows, cols]
    return match, cos


@dataclass(frozen=True)
class Stability:
    """How reproducible the behaviours are across random starts (1.0: identical)."""

    mean: float
    per_component: tuple[float, ...]  # for each behaviour of the reference model
    seeds: tuple[int, ...]


def stability(
    V: sp.csr_matrix,
    reference: PersonaNMF,
    seeds: Sequence[int],
    progress: Callable[[], None] | None = None,
) -> Stability:
    """Refit with random starts and match each run's H rows to the reference's (cosine, Hungarian)."""
    X, _, _ = scale_matrix(V, reference.scaling)
    others = [_refit(reference, seed) for seed in seeds]
    _run_fits(X, others, progress)
    return _match_runs(reference, others, seeds)


def fit_with_stability(
    V: sp.csr_matrix,
    model: PersonaNMF,
    seeds: Sequence[int],
    progress: Callable[[], None] | None = None,
) -> Stability:
    """``model.fit(V)`` then ``stability(V, model, seeds)``, the same results, with the fits side by side.

    The fits are independent, and the sparse products and sklearn's coordinate descent that take their
    time release the GIL, so threads run them on all cores. ``progress`` ticks once per fit.
    """
    X, model.row_scale_, model.column_scale_ = scale_matrix(sp.csr_matrix(V), model.scaling)
    others = [_refit(model, seed) for seed in seeds]
    _run_fits(X, [model, *others], progress)
    return _match_runs(model, others, seeds)


def _refit(reference: PersonaNMF, seed: int) -> PersonaNMF:
    return PersonaNMF(
        n_components=reference.n_components,
        scaling=reference.scaling,
        init="random",
        max_iter=reference.max_iter,
        tol=reference.tol,
        random_state=seed,
    )


def _run_fits(X: sp.csr_matrix, models: Sequence[PersonaNMF], progress: Callable[[], None] | None) -> None:
    """Fit every model on X (scaled), as many at a time as there are cores."""
    def fit(m: PersonaNMF) -> None:
        m._fit_scaled(X, quiet=False)
        if progress:
            progress()

    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    workers = min(len(models), cores)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        if workers <= 1:
            for m in models:
                fit(m)
            return
        # One BLAS thread per fit: the fits already fill the cores, and each fit's BLAS spreading over every core
        # as well oversubscribes them (MovieLens k = 100 on 2 cores: two random-start fits took 15.5 s side by
        # side with the default threads, 8.2 s with one each, as long as one fit alone).
        pool = ThreadPoolExecutor(max_workers=workers)
        try:
            with threadpool_limits(limits=1, user_api="blas"):
                for _ in pool.map(fit, models):  # re-raises a fit's exception (or Ctrl-C) here
                    pass
        finally:
            pool.shutdown(wait=True, cancel_futures=True)  # fits not started yet are dropped


def _match_runs(reference: PersonaNMF, others: Sequence[PersonaNMF], seeds: Sequence[int]) -> Stability:
    per_run = [match_rows(reference.H_, other.H_)[1] for other in others]
    per = np.mean(per_run, axis=0)
    return Stability(float(per.mean()), tuple(float(x) for x in per), tuple(int(s) for s in seeds))


@dataclass(frozen=True)
class KCandidate:
    k: int
    stability: float
    relative_error: float


@dataclass(frozen=True)
class KChoice:
    k: int
    candidates: tuple[KCandidate, ...]
    rule: str


def choose_k(
    V: sp.csr_matrix,
    ks: Sequence[int],
    scaling: str,
    seeds: Sequence[int],
    max_iter: int = 400,
    random_state: int = 0,
    threshold: float = 0.9,
    min_gain: float = 0.2,
    progress: Callable[[], None] | None = None,
) -> KChoice:
    """Pick k from stability across seeds and reconstruction error.

    Rule: among the k whose stability is at least ``threshold``, the largest k whose step from k - 1 still
    lowers the relative reconstruction error by at least ``min_gain`` of the largest step (the elbow of the
    error curve: past it, more personas mostly split noise). When no k is stable enough, the most stable k.
    """
    cands = []
    for k in ks:
        ref = PersonaNMF(k, scaling=scaling, max_iter=max_iter, random_state=random_state)
        stab = fit_with_stability(V, ref, seeds)
        cands.append(KCandidate(int(k), stab.mean, ref.relative_error_))
        if progress:
            progress()
    gains = [np.inf] + [a.relative_error - b.relative_error for a, b in zip(cands, cands[1:])]
    finite = [x for x in gains if np.isfinite(x)]
    top_gain = max(finite, default=0.0)
    ok = [c for c, gain in zip(cands, gains) if c.stability >= threshold and gain >= min_gain * top_gain]
    if ok:
        best = max(ok, key=lambda c: c.k)
        rule = f"largest k with stability >= {threshold:g} whose error step is >= {min_gain:g} of the largest step"
    else:
        best = max(cands, key=lambda c: (c.stability, -c.k))
        rule = f"no k reached stability {threshold:g}; the most stable k"
    return KChoice(best.k, tuple(cands), rule)

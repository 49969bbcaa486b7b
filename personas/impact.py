"""The impactful demographic group of each latent behaviour.

Rule (default ``balanced``; measured in benchmarks/impactful_rule.py, figures in the README):

1. Eligible groups hold at least ``min_support`` of all interactions and, when users are known,
   at least ``min_users`` distinct users, so that a persona stands for a real segment, not one person.
2. Scores of group g for behaviour j:
   * ``specialisation``: the share of the group's fitted activity that behaviour j explains,
     ``W[g, j] * sum(H[j]) / sum_j' W[g, j'] * sum(H[j'])`` (how much the behaviour defines the group);
   * ``loading``: ``W[g, j] / max_g W[g, j]`` (APG's rule: how much the group drives the behaviour; it
     grows with group size);
   * ``balanced`` (default): their product, a group that the behaviour defines *and* that drives it, so
     that among equally specialised groups the bigger one stands for the behaviour.
3. Groups are assigned to behaviours one-to-one, maximising the total score (Hungarian algorithm), so
   the personas of one set stand on distinct groups.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.optimize import linear_sum_assignment

RULES = ("specialisation", "loading", "balanced")


@dataclass(frozen=True)
class Eligibility:
    mask: np.ndarray  # (g,) bool
    note: str | None  # set when the thresholds had to be relaxed


@dataclass(frozen=True)
class ImpactChoice:
    groups: np.ndarray  # (p,) the chosen group of each behaviour
    scores: np.ndarray  # (p,) its score
    score_matrix: np.ndarray  # (g, p) all scores
    rule: str


def eligible_groups(
    group_totals: np.ndarray,
    group_users: np.ndarray | None,
    n_behaviours: int,
    min_support: float,
    min_users: int,
) -> Eligibility:
    """Groups big enough to stand for a segment; relaxed to the biggest groups when too few qualify."""
    share = group_totals / group_totals.sum()
    mask = share >= min_support
    if group_users is not None:
        mask &= group_users >= min_users
    if mask.sum() >= n_behaviours:
        return Eligibility(mask, None)
    order = np.argsort(-group_totals, kind="stable")[:n_behaviours]
    relaxed = np.zeros_like(mask)
    relaxed[order] = True
    return Eligibility(
        relaxed,
        f"only {int(mask.sum())} groups reach the minimum support ({min_support:.2%} of interactions"
        f"{f', {min_users} users' if group_users is not None else ''}); the {n_behaviours} biggest groups were used",
    )


def score_matrix(W: np.ndarray, H: np.ndarray, rule: str) -> np.ndarray:
    """(g, p) how strongly each group stands for each behaviour under ``rule``."""
    if rule == "specialisation":
        mass = W * H.sum(axis=1)[None, :]
        total = mass.sum(axis=1, keepdims=True)
        return np.divide(mass, total, out=np.zeros_like(mass), where=total > 0)
    if rule in ("loading", "balanced"):
        top = W.max(axis=0, keepdims=True)
        loading = np.divide(W, top, out=np.zeros_like(W), where=top > 0)
        return loading if rule == "loading" else loading * score_matrix(W, H, "specialisation")
    raise ValueError(f"rule must be one of {RULES}, not {rule!r}")


def impactful_groups(W: np.ndarray, H: np.ndarray, eligible: np.ndarray, rule: str) -> ImpactChoice:
    """One distinct eligible group per behaviour, maximising the total score."""
    scores = score_matrix(W, H, rule)
    candidates = np.flatnonzero(eligible)
    if len(candidates) < W.shape[1]:
        raise ValueError("fewer eligible groups than behaviours")
    # Tiny tie-breaker by loading keeps the choice deterministic and sensible when scores tie.
    sub = scores[candidates] + 1e-9 * (W[candidates] / max(W.max(), 1e-300))
    rows, cols = linear_sum_assignment(-sub.T)
    groups = np.empty(W.shape[1], dtype=np.int64)
    groups[rows] = candidates[cols]
    return ImpactChoice(groups, scores[groups, np.arange(W.shape[1])], scores, rule)

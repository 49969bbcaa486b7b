"""Persona-set quality: how much of the audience a set stands for, and how fairly.

Pure functions over arrays (no I/O), each defined exactly as docs/reports.md writes it down:

* DFC metrics of "Big Data, Small Personas" (Salminen, Jung, Jansen):
  - diversity: per demographic attribute, the share of the data's distinct values that at least one persona
    has; overall, the pooled share (values covered over all attributes / distinct values over all attributes);
  - fairness: mean absolute statistical parity. For each attribute value v, ``|personas with v / personas -
    interactions of groups with v / all interactions|``; the mean over all (attribute, value) pairs. Lower is
    fairer (0: the set's mix of values is the audience's);
  - consistency: the persona groups of the sets made with k = 5, 10 and 15 on the same data, ``|G5 & G10 &
    G15| / |G5 | G10 | G15|`` (1: the same groups at every k).
* coverage: the share of interactions whose group is a persona's group (``direct``), or whose activity a
  persona's behaviour explains by at least ``threshold`` (``by_behaviour``, the specialisation score of
  personas/impact.py: ``W[g, j] sum(H[j]) / sum_j' W[g, j'] sum(H[j'])``);
* representativeness: each group is represented by the persona whose behaviour explains most of its activity;
  the set's mix of an attribute weights each persona's value by the interactions it represents. Per attribute,
  ``1 - total variation distance`` between that mix and the audience's (1: the same mix); overall, the mean.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass

import numpy as np
import pandas as pd

COVERAGE_THRESHOLD = 0.5  # a behaviour that explains at least half of a group's activity covers the group


@dataclass(frozen=True)
class AttributeQuality:
    attribute: str
    values_in_data: int
    values_in_set: int
    diversity: float
    fairness: float  # mean |statistical parity| over this attribute's values
    representativeness: float


@dataclass(frozen=True)
class SetQuality:
    diversity: float
    fairness: float
    consistency: float | None  # None when fewer than two of k = 5, 10, 15 fit the data
    consistency_ks: list[int]
    coverage_direct: float
    coverage_by_behaviour: float
    coverage_threshold: float
    representativeness: float
    attributes: list[AttributeQuality]
    represented_share: list[float]  # (p,) share of interactions each persona represents (argmax behaviour)
    # attribute -> value -> persona column (str; "-1": no activity) -> share of all interactions: the audience
    # split by each group column, and which persona represents which part of it
    split: dict[str, dict[str, dict[str, float]]]

    def to_dict(self) -> dict:
        return asdict(self)


def specialisation(W: np.ndarray, H: np.ndarray) -> np.ndarray:
    """(g, p) share of each group's fitted activity that each behaviour explains (rows sum to 1 or 0)."""
    mass = W * H.sum(axis=1)[None, :]
    total = mass.sum(axis=1, keepdims=True)
    return np.divide(mass, total, out=np.zeros_like(mass, dtype=float), where=total > 0)


def diversity(groups: pd.DataFrame, totals: np.ndarray, persona_groups: Sequence[int]) -> dict[str, tuple[int, int]]:
    """Attribute -> (distinct values with interactions in the data, distinct values among the personas)."""
    seen = groups[np.asarray(totals) > 0]
    chosen = groups.iloc[list(persona_groups)]
    return {col: (int(seen[col].nunique()), int(chosen[col].nunique())) for col in groups.columns}


def statistical_parity(groups: pd.DataFrame, totals: np.ndarray, persona_groups: Sequence[int]) -> dict[str, dict[str, float]]:
    """Attribute -> value -> personas' share having the value minus the interactions' share of the value."""
    totals = np.asarray(totals, dtype=float)
    chosen = groups.iloc[list(persona_groups)]
    out: dict[str, dict[str, float]] = {}
    for col in groups.columns:
        audience = pd.Series(totals, index=groups.index).groupby(groups[col].to_numpy()).sum() / totals.sum()
        audience = audience[audience > 0]
        personas = chosen[col].value_counts() / len(chosen)
        out[col] = {str(v): float(personas.get(v, 0.0) - audience[v]) for v in audience.index}
    return out


def fairness(parity: dict[str, dict[str, float]]) -> float:
    """Mean absolute statistical parity over all (attribute, value) pairs."""
    values = [abs(x) for per in parity.values() for x in per.values()]
    return float(np.mean(values)) if values else 0.0


def consistency(group_sets: Sequence[Sequence[object]]) -> float:
    """|intersection| / |union| of the persona groups of several sets (groups as hashable keys)."""
    sets = [set(s) for s in group_sets]
    union = set().union(*sets)
    return len(set.intersection(*sets)) / len(union) if union else 1.0


def coverage(totals: np.ndarray, persona_groups: Sequence[int], spec: np.ndarray, threshold: float) -> tuple[float, float]:
    """(direct, by_behaviour): shares of interactions in the persona groups, and in groups that a persona's
    behaviour explains by at least ``threshold`` (the persona groups themselves always count)."""
    totals = np.asarray(totals, dtype=float)
    direct = np.zeros(len(totals), dtype=bool)
    direct[list(persona_groups)] = True
    covered = direct | (spec.max(axis=1) >= threshold)
    return float(totals[direct].sum() / totals.sum()), float(totals[covered].sum() / totals.sum())


def represented(totals: np.ndarray, spec: np.ndarray) -> np.ndarray:
    """(g,) the behaviour (persona column) that explains most of each group's activity; -1 for idle groups."""
    best = spec.argmax(axis=1)
    best[spec.max(axis=1) <= 0] = -1
    best[np.asarray(totals) <= 0] = -1
    return best


def representativeness(
    groups: pd.DataFrame, totals: np.ndarray, persona_groups: Sequence[int], rep: np.ndarray
) -> dict[str, float]:
    """Attribute -> 1 - total variation distance between the set's weighted mix and the audience's mix."""
    totals = np.asarray(totals, dtype=float)
    weight = np.array([totals[rep == j].sum() for j in range(len(persona_groups))])
    out = {}
    for col in groups.columns:
        audience = pd.Series(totals).groupby(groups[col].to_numpy()).sum()
        audience = audience / audience.sum()
        values = groups[col].to_numpy()[list(persona_groups)]
        mix = pd.Series(weight).groupby(values).sum()
        mix = mix / mix.sum() if mix.sum() > 0 else mix
        keys = audience.index.union(mix.index)
        tvd = 0.5 * float(np.abs(audience.reindex(keys, fill_value=0) - mix.reindex(keys, fill_value=0)).sum())
        out[col] = 1.0 - tvd
    return out


def audience_split(groups: pd.DataFrame, totals: np.ndarray, rep: np.ndarray) -> dict[str, dict[str, dict[str, float]]]:
    """Attribute -> value -> represented-by persona column -> share of all interactions (cells sum to 1)."""
    totals = np.asarray(totals, dtype=float)
    frame = pd.DataFrame({"w": totals / totals.sum(), "rep": rep.astype(str)})
    out: dict[str, dict[str, dict[str, float]]] = {}
    for col in groups.columns:
        cells = frame.assign(v=groups[col].to_numpy()).groupby(["v", "rep"], sort=True)["w"].sum()
        per: dict[str, dict[str, float]] = {}
        for (value, j), w in cells.items():
            if w > 0:
                per.setdefault(str(value), {})[str(j)] = float(w)
        out[col] = per
    return out


def set_quality(
    groups: pd.DataFrame,
    totals: np.ndarray,
    persona_groups: Sequence[int],
    W: np.ndarray,
    H: np.ndarray,
    groups_by_k: dict[int, Sequence[int]] | None = None,
    threshold: float = COVERAGE_THRESHOLD,
) -> SetQuality:
    """Every metric of one set.

    Parameters
    ----------
    groups : (g, attributes) the demographic values of each group (row i is group i)
    totals : (g,) each group's interactions
    persona_groups : (p,) the group index of each persona, in the order of the columns of W (rows of H)
    W, H : (g, p), (p, c) the factorisation
    groups_by_k : k -> the persona groups of the set made with that k (consistency); None: not measured
    """
    groups = groups.reset_index(drop=True).astype(str)
    spec = specialisation(W, H)
    div = diversity(groups, totals, persona_groups)
    parity = statistical_parity(groups, totals, persona_groups)
    rep = represented(totals, spec)
    reps = representativeness(groups, totals, persona_groups, rep)
    direct, by_behaviour = coverage(totals, persona_groups, spec, threshold)
    attrs = [
        AttributeQuality(col, div[col][0], div[col][1], div[col][1] / div[col][0] if div[col][0] else 0.0,
                         fairness({col: parity[col]}), reps[col])
        for col in groups.columns
    ]
    ks = sorted(groups_by_k or {})
    cons = consistency([groups_by_k[k] for k in ks]) if len(ks) >= 2 else None
    tot = float(np.asarray(totals, dtype=float).sum())
    shares = [float(np.asarray(totals, dtype=float)[rep == j].sum() / tot) for j in range(len(persona_groups))]
    return SetQuality(
        diversity=sum(a.values_in_set for a in attrs) / max(sum(a.values_in_data for a in attrs), 1),
        fairness=fairness(parity),
        consistency=cons,
        consistency_ks=ks,
        coverage_direct=direct,
        coverage_by_behaviour=by_behaviour,
        coverage_threshold=threshold,
        representativeness=float(np.mean(list(reps.values()))) if reps else 0.0,
        attributes=attrs,
        represented_share=shares,
        split=audience_split(groups, totals, rep),
    )

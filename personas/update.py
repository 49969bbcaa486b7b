"""Updating a persona set with new data: NMF warm-started from the previous factors, identities carried over.

Warm start. The previous set's factors approximate its data as V ~= diag(1/r) W H diag(1/s) (r, s: its row and
column scaling). The new data is scaled with its own r', s', so the same behaviours in the new scaled space are

    W0 = diag(r' / r) W        H0 = H diag(s' / s)

on the groups and content ids both know (aligned by group values and content id). Groups and content new to the
set start at 1% of their factor's mean, so coordinate descent can grow them; W0 and H0 are then rescaled
together so that ||W0 H0|| matches ||X'||. NMF started there (sklearn ``init='custom'``) stays near the
previous behaviours where the data still holds them, so behaviour j of the update is behaviour j of before.

Identity. Each persona of the update is matched to the previous set's personas (personas/drift.py's
similarity and threshold); a matched persona on the same group, or with a behaviour cosine of at least
``STAY_COSINE``, keeps the previous persona's number (``NAME-v2-03`` continues ``NAME-v1-03``); any other persona
gets a number the previous set did not use.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

import numpy as np
import scipy.sparse as sp
from sklearn.decomposition import NMF

from .drift import STAY_COSINE, THRESHOLD, compare_sets
from .nmf import PersonaNMF
from .sets import PersonaSet, SetModel

_NUMBER = re.compile(r"-(\d+)$")
NEW_SHARE = 0.01  # start value of groups and content new to the set, relative to the factor's mean


class WarmStartNMF(PersonaNMF):
    """:class:`PersonaNMF` started from given factors (in the scaled space of the data it is fitted on).

    Parameters
    ----------
    W_init : (g, p) non-negative.
    H_init : (p, c) non-negative.
    Other parameters as :class:`PersonaNMF`.
    """

    def __init__(self, n_components: int = 10, scaling: str = "sqrt", init: str = "custom", max_iter: int = 400,
                 tol: float = 1e-4, random_state: int | None = 0, W_init: np.ndarray | None = None,
                 H_init: np.ndarray | None = None) -> None:
        super().__init__(n_components, scaling, init, max_iter, tol, random_state)
        self.W_init = W_init
        self.H_init = H_init

    def _fit_transform(self, model: NMF, X32: sp.csr_matrix) -> np.ndarray:
        assert self.W_init is not None and self.H_init is not None, "WarmStartNMF needs W_init and H_init"
        return model.fit_transform(X32, W=self.W_init.astype(X32.dtype), H=self.H_init.astype(X32.dtype))


def warm_start(
    prev: SetModel, group_values: np.ndarray, content_ids: np.ndarray, X: sp.csr_matrix,
    row_scale: np.ndarray, column_scale: np.ndarray,
) -> tuple[np.ndarray, np.ndarray, int, int]:
    """(W0 (g', p), H0 (p, c'), groups known, content known) for new data X (g', c') scaled by row_scale (g',)
    and column_scale (c',); group_values (g', group columns) and content_ids (c',) name its rows and columns."""
    def keys(values: np.ndarray) -> list[tuple[str, ...]]:
        return [tuple(str(v) for v in row) for row in np.asarray(values, dtype=str).reshape(len(values), -1)]

    old_g = {k: i for i, k in enumerate(keys(prev.group_values))}
    old_c = {str(c): i for i, c in enumerate(np.asarray(prev.content_ids, dtype=str))}
    gi = np.array([old_g.get(k, -1) for k in keys(group_values)])
    ci = np.array([old_c.get(str(c), -1) for c in content_ids])
    p = prev.W.shape[1]
    W0 = np.full((len(gi), p), NEW_SHARE * max(float(prev.W.mean()), 1e-12))
    H0 = np.full((p, len(ci)), NEW_SHARE * max(float(prev.H.mean()), 1e-12))
    g_ok, c_ok = gi >= 0, ci >= 0
    W0[g_ok] = prev.W[gi[g_ok]] * (row_scale[g_ok] / prev.row_scale[gi[g_ok]])[:, None]
    H0[:, c_ok] = prev.H[:, ci[c_ok]] * (column_scale[c_ok] / prev.column_scale[ci[c_ok]])[None, :]
    # One factor for the overall level: the new data may hold a month where the old held a year.
    model_sq = float(np.vdot(W0.T @ W0, H0 @ H0.T))
    data_sq = float(X.multiply(X).sum())
    if model_sq > 0 and data_sq > 0:
        f = (data_sq / model_sq) ** 0.25
        W0, H0 = W0 * f, H0 * f
    return W0, H0, int(g_ok.sum()), int(c_ok.sum())


@dataclass(frozen=True)
class Carried:
    persona_id: str  # in the update
    previous_id: str | None  # the persona it continues, None for a new one
    similarity: float


def carry_identities(prev: PersonaSet, new: PersonaSet, threshold: float = THRESHOLD) -> tuple[PersonaSet, list[Carried]]:
    """``new`` with its personas renumbered to continue the matching personas of ``prev``."""
    report = compare_sets(prev, new, threshold=threshold)
    number_of = {p.id: _number(p.id, p.rank) for p in prev.personas}
    taken = set(number_of.values())
    # A match continues an identity only where the behaviour persists: on the same group, or with nearly the
    # same content (a weak match on another group is a new persona, not the old one renamed).
    continues = {m.after: (m.before, m.similarity) for m in report.matched if m.same_group or m.cosine >= STAY_COSINE}
    next_free = max(taken, default=0) + 1
    renamed, carried = [], []
    mapping: dict[str, str] = {}
    for p in new.personas:  # biggest audience first, so new numbers follow that order
        if p.id in continues:
            before, sim = continues[p.id]
            num = number_of[before]
        else:
            before, sim, num = None, 0.0, next_free
            next_free += 1
        pid = f"{new.name}-v{new.version}-{num:02d}"
        mapping[p.id] = pid
        renamed.append(replace(p, id=pid))
        carried.append(Carried(pid, before, sim))
    quality = dict(new.quality)
    if isinstance(quality.get("stability_per_persona"), dict):
        quality["stability_per_persona"] = {mapping.get(k, k): v for k, v in quality["stability_per_persona"].items()}
    return replace(new, personas=renamed, quality=quality), carried


def _number(persona_id: str, fallback: int) -> int:
    m = _NUMBER.search(persona_id)
    return int(m.group(1)) if m else fallback

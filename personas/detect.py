"""Persona detection: which persona of a set does one individual (or one new segment) resemble?

The individual's interactions become a content vector x (c,) in the set's content space, scaled exactly as
the set's training scaled its columns (``column_scale``), and are projected onto the behaviours H with
non-negative least squares, as ``sklearn.decomposition.NMF.transform`` does for new rows:

    w = argmin_{w >= 0} || Hn^T w - x s ||_2        Hn: (p, c) rows of H normalised to sum 1

With the rows of H normalised, w[j] is the (scaled) activity that behaviour j explains, so the affinities
``w / sum(w)`` are shares of the individual's explained activity (the same "specialisation" that chooses a
persona's impactful group, personas/impact.py). The row scaling of the training (1, or 1 / group total for
``share``) multiplies x by one number and so leaves the affinities unchanged.

Ambiguity rule (``DetectionRule``; measured in benchmarks/detection_quality.py): an individual is flagged
ambiguous, and downstream code should then not condition on a persona, when any of these holds:

* fewer than ``min_items`` distinct known content items (too little signal);
* the top affinity is below ``min_affinity`` (no behaviour explains most of the activity);
* the top affinity leads the second by less than ``min_margin`` (two behaviours explain it about equally).

Nothing about an individual is stored: the projection is computed from the request and returned.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

import numpy as np
import pandas as pd
import pyarrow as pa
import scipy.sparse as sp
from scipy.optimize import nnls
from sklearn.base import BaseEstimator

from .data import count_values
from .errors import InputError
from .sets import PersonaSet, SetModel
from .tables import read_columns

ALL_ROWS = "all"  # the id of the one individual when the interactions carry no id column


# ---------------------------------------------------------------------------- the math (no I/O)


class PersonaProjector(BaseEstimator):
    """Non-negative projection of content vectors onto a set's behaviours.

    Parameters
    ----------
    top_content : how many content items that drove the match to report per individual.

    Attributes (after :meth:`fit`)
    ----------
    H_ : (p, c) behaviours in the scaled space, rows normalised to sum 1.
    column_scale_ : (c,) the training's column scaling.
    content_ids_ : (c,) content ids, the column order of H_.
    """

    def __init__(self, top_content: int = 5) -> None:
        self.top_content = top_content

    def fit(self, H: np.ndarray, column_scale: np.ndarray, content_ids: Sequence[str]) -> PersonaProjector:
        """H: (p, c) as fitted (scaled space); column_scale: (c,); content_ids: (c,)."""
        sums = H.sum(axis=1, keepdims=True)
        self.H_ = np.divide(H, sums, out=np.zeros_like(H, dtype=np.float64), where=sums > 0)
        self.column_scale_ = np.asarray(column_scale, dtype=np.float64)
        self.content_ids_ = np.asarray(content_ids, dtype=str)
        return self

    def transform(self, X: sp.spmatrix | np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """X: (n, c) raw counts in the set's content order.

        Returns (W (n, p) non-negative coefficients, fit (n,) cosine between the scaled x and its
        reconstruction, 0 for an empty row).
        """
        Xs = sp.csr_matrix(sp.csr_matrix(X, dtype=np.float64) @ sp.diags(self.column_scale_))
        # ||Hn^T w - x||^2 = w^T G w - 2 w^T b + ||x||^2 with G = Hn Hn^T (p, p) and b = Hn x (p,): with G = L L^T
        # the same problem is ||L^T w - L^-1 b||^2, a (p, p) NNLS per individual whatever the number of
        # content items (the tiny ridge keeps the Cholesky factor defined when two behaviours coincide).
        p = self.H_.shape[0]
        G = self.H_ @ self.H_.T
        L = np.linalg.cholesky(G + 1e-12 * max(float(np.trace(G)), 1e-300) * np.eye(p))
        B = np.asarray(Xs @ self.H_.T)  # (n, p)
        norms = np.sqrt(np.asarray(Xs.multiply(Xs).sum(axis=1)).ravel())
        rhs = np.linalg.solve(L, B.T).T  # (n, p)
        W = np.zeros((Xs.shape[0], p))
        fit = np.zeros(Xs.shape[0])
        for i in range(Xs.shape[0]):
            if norms[i] == 0:
                continue
            W[i], _ = nnls(L.T, rhs[i], maxiter=50 * p)
            recon = float(np.sqrt(max(W[i] @ G @ W[i], 0.0)))
            fit[i] = float(W[i] @ B[i]) / (norms[i] * recon) if recon > 0 else 0.0
        return W, fit

    def attribution(self, x: np.ndarray, w: np.ndarray, j: int) -> np.ndarray:
        """(c,) the part of each raw count in x that behaviour j explains: x[c] * w[j] H[j, c] / (w H)[c]."""
        mix = w @ self.H_
        part = w[j] * self.H_[j]
        return np.divide(x * part, mix, out=np.zeros_like(x, dtype=np.float64), where=mix > 0)


@dataclass(frozen=True)
class DetectionRule:
    """When a detection is too uncertain to act on (see the module docstring)."""

    min_items: int = 3
    min_affinity: float = 0.65
    min_margin: float = 0.35  # only bites below a top affinity of 0.675 (above it the lead is at least 0.35)

    def judge(self, affinities: np.ndarray, items: int) -> tuple[bool, str]:
        """(ambiguous, the reason in words) for sorted-descending ``affinities`` (p,)."""
        top = float(affinities[0]) if len(affinities) else 0.0
        second = float(affinities[1]) if len(affinities) > 1 else 0.0
        if items < self.min_items:
            return True, f"only {items} known content item{'s' if items != 1 else ''} (fewer than {self.min_items})"
        if top < self.min_affinity:
            return True, f"the best persona explains only {top:.0%} of the activity (below {self.min_affinity:.0%})"
        if top - second < self.min_margin:
            return True, (f"the best two personas explain {top:.0%} and {second:.0%} of the activity "
                          f"(closer than {self.min_margin:.0%})")
        return False, ""


# ---------------------------------------------------------------------------- results


@dataclass(frozen=True)
class PersonaAffinity:
    persona_id: str
    name: str
    affinity: float  # share of the individual's explained activity; sums to 1 over the list


@dataclass(frozen=True)
class DrivingContent:
    content_id: str
    title: str  # the content id when the set does not know a title
    count: float  # the individual's count on it
    attributed: float  # the part of that count the top persona explains


@dataclass(frozen=True)
class Detection:
    id: str
    personas: list[PersonaAffinity]  # best first; empty when nothing is known about the individual
    ambiguous: bool
    why: str
    interactions: float  # sum of the counts read, known and unknown content
    known_items: int
    unknown_items: int  # distinct content ids the set does not know (ignored)
    unknown_interactions: float
    fit: float  # cosine between the (scaled) activity and its reconstruction from the personas
    content: list[DrivingContent] = field(default_factory=list)  # what drove the top match

    @property
    def top(self) -> PersonaAffinity | None:
        return self.personas[0] if self.personas and not self.ambiguous else None

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "personas": [{"persona_id": a.persona_id, "name": a.name, "affinity": round(a.affinity, 6)}
                         for a in self.personas],
            "ambiguous": self.ambiguous,
            "why": self.why,
            "interactions": _num(self.interactions),
            "known_content": self.known_items,
            "unknown_content": self.unknown_items,
            "unknown_interactions": _num(self.unknown_interactions),
            "fit": round(self.fit, 4),
            "content": [{"content_id": c.content_id, "title": c.title, "count": _num(c.count),
                         "attributed": round(c.attributed, 4)} for c in self.content],
        }


def _num(x: float) -> int | float:
    return int(x) if float(x).is_integer() else round(float(x), 6)


# ---------------------------------------------------------------------------- individuals


@dataclass(frozen=True)
class Individuals:
    """Interactions of n individuals in a set's content space."""

    ids: list[str]  # (n,)
    X: sp.csr_matrix  # (n, c) counts on the set's content
    interactions: np.ndarray  # (n,) all counts read
    unknown_items: np.ndarray  # (n,) distinct content ids not in the set
    unknown_interactions: np.ndarray  # (n,)


def read_interactions(
    src: Path | pd.DataFrame, content_col: str, count_col: str | None = None, id_col: str | None = None
) -> pd.DataFrame:
    """The interactions as a frame with columns id, content_id, count (validated; InputError otherwise)."""
    cols = [c for c in (id_col, content_col, count_col) if c]
    if isinstance(src, pd.DataFrame):
        missing = [c for c in cols if c not in src.columns]
        if missing:
            raise InputError(f"interactions: column {', '.join(map(repr, missing))} not found; "
                             f"columns found: {', '.join(map(str, src.columns))}")
        frame = src[list(dict.fromkeys(cols))].copy()
    else:
        types = {c: pa.string() for c in (id_col, content_col) if c}
        if count_col:
            types[count_col] = pa.float64()
        frame = read_columns(Path(src), "interactions", cols, types).to_pandas()
    if frame.empty:
        raise InputError("the interactions file has no data rows; nothing to detect")
    for col in (id_col, content_col):
        if col and frame[col].isna().any():
            raise InputError(f"interactions column {col!r} has {int(frame[col].isna().sum())} empty values; "
                             "fill or drop those rows")
    if count_col:
        counts = pd.Series(count_values(frame[count_col], f"interactions column {count_col!r}"), index=frame.index)
    else:
        counts = pd.Series(np.ones(len(frame)), index=frame.index)
    return pd.DataFrame({
        "id": frame[id_col].astype(str).to_numpy() if id_col else ALL_ROWS,
        "content_id": frame[content_col].astype(str).to_numpy(),
        "count": counts.to_numpy(dtype=np.float64),
    })


def individuals(frame: pd.DataFrame, content_ids: Sequence[str]) -> Individuals:
    """Per-individual vectors (in order of first appearance) over ``content_ids`` (the set's columns)."""
    ids, rows = pd.factorize(frame["id"], sort=False)
    index = pd.Index(np.asarray(content_ids, dtype=str))
    cols = index.get_indexer(frame["content_id"])
    known = cols >= 0
    counts = frame["count"].to_numpy()
    n = len(rows)
    X = sp.csr_matrix((counts[known], (ids[known], cols[known])), shape=(n, len(index)))
    X.eliminate_zeros()
    unknown = frame.loc[~known, ["id", "content_id"]].assign(code=ids[~known], count=counts[~known])
    unknown_items = np.bincount(unknown.drop_duplicates(["code", "content_id"])["code"], minlength=n)
    unknown_counts = np.bincount(unknown["code"], weights=unknown["count"], minlength=n)
    return Individuals([str(r) for r in rows], X, np.bincount(ids, weights=counts, minlength=n),
                       unknown_items, unknown_counts)


# ---------------------------------------------------------------------------- detection


def detect_in_set(
    pset: PersonaSet, people: Individuals, rule: DetectionRule = DetectionRule(), top_content: int = 5
) -> list[Detection]:
    """Detect every individual against one persona set (which must carry its model)."""
    model = model_of(pset)
    projector = PersonaProjector(top_content).fit(model.H, model.column_scale, model.content_ids)
    W, fit = projector.transform(people.X)
    by_behaviour = {p.behaviour: p for p in pset.personas}
    titles = {c.content_id: c.title for p in pset.personas for c in p.stats.top_content}
    out = []
    for i, pid in enumerate(people.ids):
        x = people.X.getrow(i).toarray().ravel()
        items = int(np.count_nonzero(x))
        unknown = int(people.unknown_items[i])
        ignored = (f"; {unknown} content id{'s' if unknown != 1 else ''} not in {pset.ref} "
                   f"{'were' if unknown != 1 else 'was'} ignored") if unknown else ""
        total = W[i].sum()
        if items == 0 or total <= 0:
            why = (f"none of its {unknown} content ids is in {pset.ref}; no persona can be assigned"
                   if unknown else "it has no interactions with a count above 0; no persona can be assigned")
            out.append(Detection(pid, [], True, why, float(people.interactions[i]), 0, unknown,
                                 float(people.unknown_interactions[i]), 0.0))
            continue
        aff = W[i] / total
        order = [j for j in np.argsort(-aff, kind="stable") if j in by_behaviour]
        ranked = [PersonaAffinity(by_behaviour[j].id, by_behaviour[j].name, float(aff[j])) for j in order]
        ambiguous, reason = rule.judge(aff[order], items)
        best = order[0]
        part = projector.attribution(x, W[i], best)
        drivers = [
            DrivingContent(str(model.content_ids[c]), titles.get(str(model.content_ids[c]), str(model.content_ids[c])),
                           float(x[c]), float(part[c]))
            for c in np.argsort(-part, kind="stable")[:top_content] if part[c] > 0
        ]
        lead = ranked[0]
        if ambiguous:
            why = f"ambiguous: {reason}; do not condition on a persona{ignored}"
        else:
            named = ", ".join(d.title for d in drivers[:3])
            why = (f"{lead.name} ({lead.persona_id}) explains {lead.affinity:.0%} of the activity over {items} "
                   f"known content items, mostly {named}{ignored}")
        out.append(Detection(pid, ranked, ambiguous, why, float(people.interactions[i]), items, unknown,
                             float(people.unknown_interactions[i]), float(fit[i]), drivers))
    return out


class SetSource(Protocol):
    """What detection needs from a store (retrieval.store.ChromaSetStore is one)."""

    def load(self, name: str | None = None, version: int | None = None, with_model: bool = False) -> PersonaSet: ...


def detect(
    store: SetSource,
    interactions: pd.DataFrame | Path,
    content_col: str,
    count_col: str | None = None,
    id_col: str | None = None,
    set_name: str | None = None,
    version: int | None = None,
    rule: DetectionRule = DetectionRule(),
) -> list[Detection]:
    """Which persona of a set (default: the active set) each individual resembles, best first.

    ``interactions``: rows of (id_col, content_col, count_col); without ``id_col`` all rows are one individual
    (id ``"all"``); without ``count_col`` each row counts once. Unknown content ids are ignored and counted.
    """
    pset = store.load(set_name, version, with_model=True)
    frame = read_interactions(interactions, content_col, count_col, id_col)
    return detect_in_set(pset, individuals(frame, model_of(pset).content_ids), rule)


def model_of(pset: PersonaSet) -> SetModel:
    """The set's stored model (InputError when the set was saved without one)."""
    if pset.model is None:
        raise InputError(f"persona set {pset.ref} has no stored model to detect with; regenerate it "
                         "(`personas generate ...`) and try again")
    return pset.model

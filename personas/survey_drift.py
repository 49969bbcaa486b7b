"""Drift between two survey waves (two survey persona sets): personas matched on their positions.

A survey persona has no NMF behaviour; what it "does" is how it answers. Its position vector is the shares of
every answer of every item both sets asked (in the order of the items of the earlier set), and

    similarity(a, b) = (1 - group_weight) * cosine(positions_a, positions_b) + group_weight * [same group]

replaces personas/drift.py's behaviour cosine; the rest of the report (matching, change rates) is the same.
Each matched pair's "topics" are its three most distinctive positions ('Spending on welfare: too much 71.7%'),
so the report shows how the positions moved.
"""

from __future__ import annotations

import numpy as np

from . import formatting as fmt
from .errors import InputError
from .profile import Persona
from .sets import PersonaSet

TOP_POSITIONS = 3


def is_survey_set(pset: PersonaSet) -> bool:
    return bool(pset.personas) and all(p.survey is not None for p in pset.personas)


def shared_items(a: PersonaSet, b: PersonaSet) -> list[str]:
    items_a = [i.item for i in a.personas[0].survey.items]  # type: ignore[union-attr]
    items_b = {i.item for i in b.personas[0].survey.items}  # type: ignore[union-attr]
    shared = [i for i in sorted(items_a) if i in items_b]
    if not shared:
        raise InputError(f"{a.ref} and {b.ref} have no survey item in common; their positions cannot be compared")
    return shared


def _vector(p: Persona, items: list[str], codes: dict[str, list[str]]) -> np.ndarray:
    by_item = {i.item: {a.code: a.share for a in i.answers} for i in p.survey.items}  # type: ignore[union-attr]
    return np.array([by_item.get(item, {}).get(c, 0.0) for item in items for c in codes[item]], dtype=float)


def position_similarity(a: PersonaSet, b: PersonaSet, group_weight: float) -> tuple[np.ndarray, np.ndarray,
                                                                                     np.ndarray, int]:
    """(similarity, cosine, same group, shared items), shaped as personas/drift.py's similarity."""
    items = shared_items(a, b)
    codes = {i.item: [x.code for x in i.answers] for i in a.personas[0].survey.items}  # type: ignore[union-attr]
    va = np.array([_vector(p, items, codes) for p in a.personas])
    vb = np.array([_vector(p, items, codes) for p in b.personas])
    na = np.linalg.norm(va, axis=1, keepdims=True)
    nb = np.linalg.norm(vb, axis=1, keepdims=True)
    cos = (va / np.maximum(na, 1e-12)) @ (vb / np.maximum(nb, 1e-12)).T
    same = np.array([[pa.group == pb.group for pb in b.personas] for pa in a.personas], dtype=bool)
    return (1.0 - group_weight) * cos + group_weight * same, cos, same, len(items)


def top_positions(p: Persona) -> list[str]:
    """'Spending on welfare: too much 71.7%' for the persona's most distinctive items."""
    out = []
    for pos in (p.survey.items if p.survey else [])[:TOP_POSITIONS]:
        if pos.most_over is not None:
            out.append(f"{pos.statement}: {pos.most_over.label} {fmt.share(pos.most_over.share)}")
    return out

"""Candidates ordered for one person by the persona they resemble (`personas rank`, the app's /rank API);
nothing about the person is stored."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from personas.sets import parse_set_ref

if TYPE_CHECKING:
    from personas.rank import Ranking
    from retrieval.store import ChromaSetStore


def rank(store: ChromaSetStore, interactions: Path, candidates: Path, content_col: str,
         count_col: str | None = None, id_col: str | None = None, set_ref: str | None = None,
         blend: float | None = None) -> Ranking:
    from personas.rank import DEFAULT_BLEND, rank as rank_person

    name, version = parse_set_ref(set_ref)
    return rank_person(store, interactions, candidates, content_col, count_col, id_col, set_name=name,
                       version=version, blend=DEFAULT_BLEND if blend is None else blend)

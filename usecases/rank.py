"""Candidates ordered for one person by the persona they resemble (`personas rank`, the app's /rank API);
nothing about the person is stored."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from personas.errors import InputError
from personas.sets import parse_set_ref
from personas.tables import column_names

if TYPE_CHECKING:
    import pandas as pd

    from personas.rank import Ranking
    from retrieval.store import ChromaSetStore


DEFAULT_CONTENT_COL = "content_id"


def content_column(interactions: Path | pd.DataFrame, candidates: Path | pd.DataFrame, given: str | None = None, count_col: str | None = None,
                   id_col: str | None = None) -> str:
    """The content id column of both files: the one given; else ``content_id`` when both files have it; else
    the one column both files share (besides the count and person id columns). Never a guess among several:
    InputError naming the columns found."""
    if given and given.strip():
        return given.strip()
    inter, cands = _columns(interactions, "interactions"), _columns(candidates, "candidates")
    shared = [c for c in inter if c in cands and c not in (count_col, id_col)]
    if DEFAULT_CONTENT_COL in shared:
        return DEFAULT_CONTENT_COL
    if len(shared) == 1:
        return shared[0]
    why = f"both files have {', '.join(shared)}" if shared else "no column is in both files"
    raise InputError(f"name the content id column (--content-col, or content_col in the app): {why}; the "
                     f"interactions have {', '.join(inter)}; the candidates have {', '.join(cands)}")


def _columns(src: Path | pd.DataFrame, role: str) -> list[str]:
    # a frame (the Python API) has its columns; a file, its header (read without loading pandas)
    return [str(c) for c in src.columns] if hasattr(src, "columns") else column_names(Path(src), role)


def rank(store: ChromaSetStore, interactions: Path | pd.DataFrame, candidates: Path | pd.DataFrame, content_col: str | None = None,
         count_col: str | None = None, id_col: str | None = None, set_ref: str | None = None,
         blend: float | None = None) -> Ranking:
    from personas.rank import DEFAULT_BLEND, rank as rank_person

    content_col = content_column(interactions, candidates, content_col, count_col, id_col)
    name, version = parse_set_ref(set_ref)
    return rank_person(store, interactions, candidates, content_col, count_col, id_col, set_name=name,
                       version=version, blend=DEFAULT_BLEND if blend is None else blend)

"""Persona-conditioned ranking: order candidate items for one person by the persona they resemble.

The person is detected as `personas detect` does (personas/detect.py). When the detection is ambiguous the
baseline order is returned untouched and the result says why; otherwise each candidate gets two ranks among
the candidates: its baseline rank (the order given, best first) and its rank in the persona's behaviour
profile (``H[j, c] / column_scale[c]``: the behaviour's expected count on the item in the data's own units, so
an item the behaviour watches a lot ranks high). The blend is a weighted Borda count over the n candidates:

    score[c] = (1 - blend) * (1 - base_rank[c] / n) + blend * (1 - persona_rank[c] / n)

ties keep the baseline order. A candidate the set does not know keeps its baseline score in both terms (the
persona says nothing about it). Nothing about the person is stored: everything is computed from the request.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa

from .detect import Detection, DetectionRule, SetSource, model_of, detect_in_set, individuals, read_interactions
from .errors import InputError
from .sets import SetModel
from .tables import column_names, read_columns

DEFAULT_BLEND = 0.5


@dataclass(frozen=True)
class RankedItem:
    content_id: str
    title: str
    rank: int  # 1-based, in the returned order
    baseline_rank: int  # 1-based, in the order given
    persona_rank: int | None  # 1-based among the known candidates; None: unknown to the set, or no persona
    why: str

    @property
    def moved(self) -> int:
        """Places gained (positive) or lost against the baseline."""
        return self.baseline_rank - self.rank


@dataclass(frozen=True)
class Ranking:
    detection: Detection
    conditioned: bool  # False: the baseline order, untouched (ambiguous detection)
    why: str
    items: list[RankedItem] = field(default_factory=list)
    unknown_candidates: int = 0

    def to_json(self) -> dict[str, Any]:
        top = self.detection.top
        return {
            "persona": None if top is None else {"persona_id": top.persona_id, "name": top.name,
                                                  "affinity": round(top.affinity, 6)},
            "conditioned": self.conditioned, "why": self.why,
            "unknown_candidates": self.unknown_candidates,
            "detection": self.detection.to_json(),
            "items": [{"content_id": i.content_id, "title": i.title, "rank": i.rank,
                       "baseline_rank": i.baseline_rank, "persona_rank": i.persona_rank, "moved": i.moved,
                       "why": i.why} for i in self.items],
        }


def persona_scores(model: SetModel, behaviour: int, candidates: Sequence[str]) -> np.ndarray:
    """(n,) the behaviour's expected count on each candidate (NaN for content the set does not know)."""
    index = {str(c): i for i, c in enumerate(model.content_ids)}
    profile = np.divide(model.H[behaviour], model.column_scale, out=np.zeros(model.H.shape[1]),
                        where=model.column_scale > 0)
    return np.array([profile[index[c]] if c in index else np.nan for c in candidates], dtype=np.float64)


def check_blend(blend: float) -> float:
    if not 0 <= blend <= 1:
        raise InputError(f"blend must be between 0 and 1, not {blend:g}")
    return blend


def blend_order(persona: np.ndarray, blend: float = DEFAULT_BLEND) -> tuple[np.ndarray, np.ndarray]:
    """(order (n,) candidate positions best first, persona_rank (n,) 0-based, -1 for NaN) for baseline order
    0..n-1 and ``persona`` scores (n,) with NaN for unknown candidates."""
    check_blend(blend)
    n = len(persona)
    base = 1 - np.arange(n) / max(n, 1)
    known = ~np.isnan(persona)
    prank = np.full(n, -1)
    kidx = np.flatnonzero(known)
    if len(kidx):
        # rank among all candidates, unknown ones held at their baseline places
        order_known = kidx[np.lexsort((kidx, -persona[kidx]))]
        prank[order_known] = np.arange(len(kidx))
    pscore = base.copy()
    pscore[kidx] = 1 - prank[kidx] / len(kidx) if len(kidx) else 0.0
    score = (1 - blend) * base + blend * pscore
    return np.lexsort((np.arange(n), -score)), prank


def rank_for(detection: Detection, model: SetModel, behaviour_of: dict[str, int], candidates: Sequence[str],
             titles: dict[str, str] | None = None, blend: float = DEFAULT_BLEND) -> Ranking:
    """The candidates (content ids, baseline order) ordered for the detected person."""
    titles = titles or {}
    check_blend(blend)
    if not candidates:
        raise InputError("the candidate list is empty; give at least one candidate item")
    ids = [str(c) for c in candidates]
    if len(set(ids)) != len(ids):
        dup = next(c for c in ids if ids.count(c) > 1)
        raise InputError(f"candidate {dup!r} appears more than once; list each candidate once")
    known_ids = set(map(str, model.content_ids))
    unknown = sum(c not in known_ids for c in ids)
    if unknown == len(ids):
        raise InputError(f"none of the {len(ids)} candidates is content the persona set knows; check the "
                         "content id column")
    top = detection.top
    if top is None:
        items = [RankedItem(c, titles.get(c, c), i + 1, i + 1, None, "baseline order (no persona conditioning)")
                 for i, c in enumerate(ids)]
        return Ranking(detection, False, f"baseline order kept: {detection.why}", items, unknown)
    scores = persona_scores(model, behaviour_of[top.persona_id], ids)
    order, prank = blend_order(scores, blend)
    items = []
    for pos, c in enumerate(order):
        cid = ids[c]
        pr = int(prank[c]) + 1 if prank[c] >= 0 else None
        items.append(RankedItem(cid, titles.get(cid, cid), pos + 1, int(c) + 1, pr,
                                _why(int(c) + 1, pos + 1, pr, top.name)))
    why = (f"ordered for {top.name} ({top.persona_id}, {top.affinity:.0%} of the person's activity), "
           f"blending the persona's order ({blend:.0%}) with the baseline")
    return Ranking(detection, True, why, items, unknown)


def _why(base: int, rank: int, prank: int | None, name: str) -> str:
    if prank is None:
        return "not in the persona set: kept at its baseline place"
    moved = base - rank
    where = f"{name} ranks it {prank} among the candidates, the baseline {base}"
    if moved > 0:
        return f"up {moved}: {where}"
    if moved < 0:
        return f"down {-moved}: {where}"
    return f"unchanged: {where}"


# ---------------------------------------------------------------------------- one request


def read_candidates(src: Path | pd.DataFrame, content_col: str, title_col: str = "title"
                    ) -> tuple[list[str], dict[str, str]]:
    """(candidate content ids in file order, the baseline order; their titles when the file has ``title_col``);
    InputError for a missing column, no rows or empty ids."""
    if isinstance(src, pd.DataFrame):
        if content_col not in src.columns:
            raise InputError(f"candidates: column {content_col!r} not found; columns found: "
                             f"{', '.join(map(str, src.columns))}")
        frame = src
    else:
        cols = [content_col] + ([title_col] if title_col in column_names(Path(src), "candidates") else [])
        frame = read_columns(Path(src), "candidates", cols, {c: pa.string() for c in cols}).to_pandas()
    col = frame[content_col]
    if col.empty:
        raise InputError("the candidates file has no data rows; give at least one candidate item")
    blank = col.isna() | (col.astype(str).str.strip() == "")
    if blank.any():
        raise InputError(f"candidates column {content_col!r} has {int(blank.sum())} empty ids; every candidate "
                         "needs its content id")
    ids = [str(c).strip() for c in col]
    titles = {}
    if title_col in frame.columns:
        titles = {i: str(t) for i, t in zip(ids, frame[title_col]) if isinstance(t, str) and t.strip()}
    return ids, titles


def rank(
    store: SetSource, interactions: Path | pd.DataFrame, candidates: Path | pd.DataFrame, content_col: str,
    count_col: str | None = None, id_col: str | None = None, set_name: str | None = None,
    version: int | None = None, blend: float = DEFAULT_BLEND, rule: DetectionRule = DetectionRule(),
) -> Ranking:
    """Detect the one person in ``interactions`` and order ``candidates`` (baseline order) for them."""
    check_blend(blend)
    pset = store.load(set_name, version, with_model=True)
    model = model_of(pset)
    frame = read_interactions(interactions, content_col, count_col, id_col)
    people = frame["id"].unique()
    if len(people) != 1:
        raise InputError(f"the interactions hold {len(people)} people ({', '.join(map(str, people[:3]))}, ...); "
                         "rank orders candidates for one person: give one person's rows")
    ids, given = read_candidates(candidates, content_col)
    detection = detect_in_set(pset, individuals(frame, model.content_ids), rule)[0]
    titles = {c.content_id: c.title for p in pset.personas for c in p.stats.top_content} | given
    return rank_for(detection, model, {p.id: p.behaviour for p in pset.personas}, ids, titles, blend)

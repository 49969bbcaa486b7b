"""Search by opinion over survey personas: "people who think we spend too much on welfare".

The query names an answer (one of the items' answer labels, as whole words: "too much", "agree") and an
item (its statement or name, by words then by meaning: retrieval/survey_items.py). Personas rank by the
share of their group that gives that answer to that item; those that give it more often than the whole
sample come first, and each hit says its share next to the sample's.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from personas import formatting as fmt
from personas.profile import Persona
from personas.survey_profile import AnswerShare, ItemPosition

from .survey_items import match_item


@dataclass(frozen=True)
class OpinionQuery:
    item: str  # the item's column
    statement: str
    label: str  # the answer asked for, as the codebook labels it


def _labels(items: Sequence[ItemPosition]) -> list[str]:
    return sorted({a.label for i in items for a in i.answers}, key=len, reverse=True)


def read_opinion(query: str, personas: Sequence[Persona], qvec: np.ndarray | None,
                 embed: Callable[[list[str]], np.ndarray] | None) -> OpinionQuery | None:
    """The item and answer an opinion query names, or None when it names no answer label or no item."""
    surveyed = [p for p in personas if p.survey is not None]
    if not surveyed or len(surveyed) != len(personas):
        return None
    items = surveyed[0].survey.items  # type: ignore[union-attr]
    q = query.lower()
    label = next((lab for lab in _labels(items) if re.search(rf"(?<![\w-]){re.escape(lab.lower())}(?![\w-])", q)),
                 None)
    if label is None:
        return None
    with_label = [i for i in items if any(a.label == label for a in i.answers)]
    found = match_item(re.sub(re.escape(label), " ", q), qvec, with_label, embed)
    if not found.item:
        return None
    pos = next(i for i in with_label if i.item == found.item)
    return OpinionQuery(pos.item, pos.statement, label)


def _answer(p: Persona, o: OpinionQuery) -> AnswerShare | None:
    pos = next((i for i in p.survey.items if i.item == o.item), None) if p.survey else None
    return next((a for a in pos.answers if a.label == o.label), None) if pos else None


def rank_by_opinion(personas: Sequence[Persona], o: OpinionQuery) -> list[tuple[float, Persona, list[str]]]:
    """(score, persona, why) best first: the share giving the answer over the largest such share; personas
    that give it more often than the whole sample only, unless none does."""
    shares = [(p, a) for p in personas if (a := _answer(p, o)) is not None]
    over = [(p, a) for p, a in shares if a.share > a.sample_share] or shares
    top = max((a.share for _, a in over), default=0.0)
    out = []
    for p, a in over:
        why = [f"on \"{o.statement}\" {fmt.share(a.share)} of the group say {a.label}, against "
               f"{fmt.share(a.sample_share)} of all respondents"]
        out.append((round(a.share / top, 4) if top else 0.0, p, why))
    out.sort(key=lambda x: (-x[0], x[1].rank, x[1].id))
    return out

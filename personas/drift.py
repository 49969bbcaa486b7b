"""How the personas changed between two sets: matched pairs, appeared and disappeared personas, change rate.

Matching. Personas of set A and set B are matched one-to-one (Hungarian algorithm) on

    similarity(a, b) = (1 - group_weight) * cosine(behaviour_a, behaviour_b) + group_weight * [same group]

where a behaviour is its row of H mapped back to unscaled content space and normalised (what the persona
watches, in proportion), compared over the content ids both sets know, and [same group] is 1 when the two
personas stand on the same demographic group (every group column equal). A pair whose similarity is below
``threshold`` is no match: the persona of A *disappeared* and the persona of B *appeared*. A matched pair is
*unchanged* when it keeps its group and its behaviour cosine is at least ``stay_cosine``.

Change rate. APG's measure (Jung, Jansen and Salminen, "Personas changing over time", CHI EA 2019: 18.7% of
personas changed month to month on a large publisher's YouTube data) compares consecutive monthly persona sets
by the personas' demographic profiles. We report the same: the share of personas whose demographic group
(all group columns) is not the group of any persona of the other set,

    change_rate = 1 - |groups(A) & groups(B)| / max(|A|, |B|),

and beside it the behaviour change rate: 1 - (unchanged matched pairs) / max(|A|, |B|).

Pure: takes two persona sets carrying their models, returns a small typed report.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
from scipy.optimize import linear_sum_assignment

from .errors import InputError
from .nmf import cosine_matrix
from .profile import Persona
from .sets import PersonaSet, SetModel
from .survey_drift import is_survey_set, position_similarity, top_positions

THRESHOLD = 0.5
STAY_COSINE = 0.8
GROUP_WEIGHT = 0.2
TOP_TOPICS = 3


@dataclass(frozen=True)
class PersonaChange:
    before: str  # persona id in A
    after: str  # persona id in B
    name_before: str
    name_after: str
    similarity: float
    cosine: float
    same_group: bool
    unchanged: bool
    share_before: float
    share_after: float
    topics_before: list[str]
    topics_after: list[str]

    @property
    def share_change(self) -> float:
        return self.share_after - self.share_before

    def to_json(self) -> dict[str, Any]:
        return {
            "before": self.before, "after": self.after, "name_before": self.name_before,
            "name_after": self.name_after, "similarity": round(self.similarity, 4), "cosine": round(self.cosine, 4),
            "same_group": self.same_group, "unchanged": self.unchanged,
            "audience_share_before": round(self.share_before, 6), "audience_share_after": round(self.share_after, 6),
            "audience_share_change": round(self.share_change, 6),
            "top_topics_before": self.topics_before, "top_topics_after": self.topics_after,
            "topics_gained": [t for t in self.topics_after if t not in self.topics_before],
            "topics_lost": [t for t in self.topics_before if t not in self.topics_after],
        }


@dataclass(frozen=True)
class PersonaPresence:
    """A persona of one set with no counterpart in the other."""

    persona_id: str
    name: str
    group: dict[str, str]
    audience_share: float
    top_topics: list[str]
    best_similarity: float  # to the closest persona of the other set

    def to_json(self) -> dict[str, Any]:
        return {"persona_id": self.persona_id, "name": self.name, "group": self.group,
                "audience_share": round(self.audience_share, 6), "top_topics": self.top_topics,
                "best_similarity": round(self.best_similarity, 4)}


@dataclass(frozen=True)
class DriftReport:
    before: str  # set ref, 'demo@v1'
    after: str
    matched: list[PersonaChange]
    appeared: list[PersonaPresence]
    disappeared: list[PersonaPresence]
    change_rate: float  # APG's: share of personas whose demographic group is new or gone
    behaviour_change_rate: float
    shared_content: int
    rule: dict[str, float] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return {
            "before": self.before, "after": self.after,
            "change_rate": round(self.change_rate, 6), "behaviour_change_rate": round(self.behaviour_change_rate, 6),
            "matched": [m.to_json() for m in self.matched],
            "appeared": [p.to_json() for p in self.appeared],
            "disappeared": [p.to_json() for p in self.disappeared],
            "shared_content": self.shared_content, "rule": self.rule,
        }


def profiles(model: SetModel) -> np.ndarray:
    """(p, c) behaviours in unscaled content space, rows normalised to sum 1."""
    H = model.H / np.maximum(model.column_scale[None, :], 1e-300)
    s = H.sum(axis=1, keepdims=True)
    return np.divide(H, s, out=np.zeros_like(H), where=s > 0)


def similarity(a: PersonaSet, b: PersonaSet, group_weight: float = GROUP_WEIGHT) -> tuple[np.ndarray, np.ndarray, np.ndarray, int]:
    """(similarity (pa, pb), cosine (pa, pb), same group (pa, pb) bool, shared content) over personas in set
    order. Raises InputError when the sets cannot be compared."""
    ma, mb = _model(a), _model(b)
    if list(ma.group_columns) != list(mb.group_columns):
        raise InputError(
            f"{a.ref} groups its audience by {', '.join(ma.group_columns)} but {b.ref} by "
            f"{', '.join(mb.group_columns)}: personas of different groupings stand for different kinds of segments "
            "and cannot be matched; regenerate one set with the other's --group-by"
        )
    ids_a = np.asarray(ma.content_ids, dtype=str)
    ids_b = np.asarray(mb.content_ids, dtype=str)
    shared, ia, ib = np.intersect1d(ids_a, ids_b, return_indices=True)
    if len(shared) == 0:
        raise InputError(f"{a.ref} and {b.ref} have no content id in common; their behaviours cannot be compared")
    pa_, pb_ = profiles(ma)[:, ia], profiles(mb)[:, ib]
    rows_a = [p.behaviour for p in a.personas]
    rows_b = [p.behaviour for p in b.personas]
    cos = cosine_matrix(pa_[rows_a], pb_[rows_b])
    same = np.array([[pa.group == pb.group for pb in b.personas] for pa in a.personas], dtype=bool)
    return (1.0 - group_weight) * cos + group_weight * same, cos, same, len(shared)


def compare_sets(
    a: PersonaSet, b: PersonaSet, threshold: float = THRESHOLD, stay_cosine: float = STAY_COSINE,
    group_weight: float = GROUP_WEIGHT,
) -> DriftReport:
    """Match the personas of ``a`` (before) to those of ``b`` (after) and report what changed. Two survey
    waves are matched on their positions instead (personas/survey_drift.py)."""
    surveys = is_survey_set(a) and is_survey_set(b)
    if is_survey_set(a) != is_survey_set(b):
        raise InputError(f"one of {a.ref} and {b.ref} is a survey set and the other is not: their personas stand "
                         "for different kinds of segments and cannot be matched")
    sim, cos, same, n_shared = position_similarity(a, b, group_weight) if surveys else similarity(a, b, group_weight)
    rows, cols = linear_sum_assignment(-sim)
    matched: list[PersonaChange] = []
    hit_a: set[int] = set()
    hit_b: set[int] = set()
    for i, j in zip(rows, cols):
        if sim[i, j] < threshold:
            continue
        hit_a.add(int(i))
        hit_b.add(int(j))
        pa, pb = a.personas[i], b.personas[j]
        keep = bool(same[i, j] and cos[i, j] >= stay_cosine)
        matched.append(PersonaChange(
            pa.id, pb.id, pa.name, pb.name, float(sim[i, j]), float(cos[i, j]), bool(same[i, j]), keep,
            pa.stats.audience_share, pb.stats.audience_share, _topics(pa), _topics(pb),
        ))
    disappeared = [_presence(p, float(sim[i].max(initial=0.0))) for i, p in enumerate(a.personas) if i not in hit_a]
    appeared = [_presence(p, float(sim[:, j].max(initial=0.0))) for j, p in enumerate(b.personas) if j not in hit_b]
    size = max(len(a.personas), len(b.personas), 1)
    groups_a = {_key(p) for p in a.personas}
    groups_b = {_key(p) for p in b.personas}
    change = 1.0 - len(groups_a & groups_b) / size
    behaviour_change = 1.0 - sum(m.unchanged for m in matched) / size
    return DriftReport(
        a.ref, b.ref, sorted(matched, key=lambda m: m.before), appeared, disappeared, change, behaviour_change,
        n_shared, {"threshold": threshold, "stay_cosine": stay_cosine, "group_weight": group_weight},
    )


def _key(p: Persona) -> tuple[tuple[str, str], ...]:
    return tuple(sorted(p.group.items()))


def _topics(p: Persona) -> list[str]:
    return top_positions(p) if p.survey is not None else p.topic_names[:TOP_TOPICS]


def _presence(p: Persona, best: float) -> PersonaPresence:
    return PersonaPresence(p.id, p.name, dict(p.group), p.stats.audience_share, _topics(p), best)


def _model(pset: PersonaSet) -> SetModel:
    if pset.model is None:
        raise InputError(f"persona set {pset.ref} has no stored model to compare; regenerate it and try again")
    return pset.model

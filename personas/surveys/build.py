"""From a loaded survey to a persona set: segment, positions, enrichment (names, ages, avatars, descriptions)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

import numpy as np

from ..demographics import country_name, detect_roles, gender_word
from ..enrich import avatar, concrete_age, group_label, person_name, stable_seed
from ..offensive import is_offensive
from ..profile import Persona
from ..sets import PersonaSet
from ..stats import PersonaStats
from ..survey_profile import SurveyProfile
from .data import SurveyData
from .describe import describe_survey
from .positions import item_positions, segment_demographics
from .segment import Segmentation, choose_segmentation, features

Progress = Callable[[str, int | None], Callable[..., None]]


def _no_progress(label: str, total: int | None) -> Callable[..., None]:
    return lambda n=1: None


@dataclass(frozen=True)
class SurveyOptions:
    name: str
    version: int
    method: str = "auto"  # auto | kmeans | gmm | lca | kprototypes | kmodes | groups
    k: int | None = None  # None: chosen automatically
    seed: int = 0
    k_range: tuple[int, int] = (3, 8)  # -k auto tries these (two segments rarely make useful personas)
    stability_seeds: int = 3
    sample: int = 5000  # choosing k on at most this many respondents (the final fit uses everyone)
    min_group: int | None = None  # 'groups': the minimum group size (default max(30, 2% of respondents))
    quotes: int = 3


def generate_survey(data: SurveyData, opts: SurveyOptions, progress: Progress = _no_progress) -> PersonaSet:
    tick = progress("segmenting respondents", None)
    f = features(data)
    seg = choose_segmentation(data, f, opts.method, opts.k, opts.seed, opts.k_range, opts.stability_seeds,
                              opts.sample, opts.min_group)
    tick(1)
    personas = build_personas(data, seg, opts)
    chosen = next((c for c in seg.candidates if c.method == seg.method and c.k == seg.k), None)
    notes = list(data.notes)
    if seg.method == "groups":
        notes.append(seg.rule)
    quality: dict[str, Any] = {
        "k": len(personas),
        "survey": True,
        "stability": chosen.stability if chosen else None,
        "stability_seeds": [opts.seed + i for i in range(1, opts.stability_seeds)],
        "stability_per_persona": {p.id: p.stats.stability for p in personas},
        "silhouette": chosen.silhouette if chosen else None,
        "bic": chosen.bic if chosen else None,
        "rule": seg.rule,
        "respondents": data.n,
        "imputed_answers": f.imputed,
        "respondents_with_missing": int((~np.column_stack([i.answered for i in data.items])).any(axis=1).sum()),
    }
    params = {
        "method": seg.method, "method_asked": opts.method, "k": "auto" if opts.k is None else opts.k, "seed": opts.seed,
        "items": [i.item for i in data.items], "item_kinds": {i.item: i.kind for i in data.items},
        "demographics": list(data.demographics.columns), "count_name": "respondents",
        "candidates": [c.to_dict() for c in seg.candidates], "survey": True,
    }
    return PersonaSet(
        name=opts.name, version=opts.version, created_at=datetime.now(timezone.utc).isoformat(timespec="seconds"),
        fingerprint=data.fingerprint, source=data.source, params=params, quality=quality, notes=notes,
        personas=personas,
    )


def build_personas(data: SurveyData, seg: Segmentation, opts: SurveyOptions) -> list[Persona]:
    k = seg.k
    positions = item_positions(data, seg.labels, k)
    roles = detect_roles(list(data.demographics.columns), data.roles)
    total_w = float(data.weights.sum())
    seg_w = np.bincount(seg.labels[seg.labels >= 0], weights=data.weights[seg.labels >= 0], minlength=k)
    sizes = np.bincount(seg.labels[seg.labels >= 0], minlength=k)
    stab = next((c.stability for c in seg.candidates if c.method == seg.method and c.k == seg.k), 1.0)
    order = sorted(range(k), key=lambda s: (-seg_w[s], s))
    taken: set[str] = set()
    out = []
    for rank, s in enumerate(order, start=1):
        group, shown, median = segment_demographics(data, seg.labels, s)
        if seg.groups is not None:  # S2P groups: the group itself (labels, age bracket)
            group = dict(seg.groups[s])
        profile = SurveyProfile(int(sizes[s]), float(seg_w[s] / total_w), data.n, seg.method, shown, positions[s],
                                _quotes(data, seg.labels, s, opts))
        gender = gender_word(group.get(roles.gender)) if roles.gender else None
        country = country_name(group.get(roles.country)) if roles.country and group.get(roles.country) else data.country
        seed = stable_seed(opts.seed, s, *group.values())
        age = concrete_age(group[roles.age], median, None, seed) if roles.age and roles.age in group else None
        name = person_name(gender, country, seed, taken)
        taken.add(name)
        label = group_label(group, roles, gender, country)
        stats = PersonaStats(
            group_interactions=float(sizes[s]), audience_share=float(seg_w[s] / total_w), group_users=int(sizes[s]),
            top_content=[], topics=[], shared_with=[], own_weight=1.0, behaviour_share=1.0, impact_score=0.0,
            rates=[], trend=[], stability=float(stab),
        )
        out.append(Persona(
            id=f"{opts.name}-v{opts.version}-{rank:02d}", set_name=opts.name, set_version=opts.version, rank=rank,
            behaviour=s, name=name, age=age, gender=gender, country=country, group=group, group_label=label,
            count_name="respondents", stats=stats, avatar=avatar(gender, age, seed),
            description=describe_survey(name, age, gender, country, label, profile), survey=profile,
        ))
    return out


def _quotes(data: SurveyData, labels: np.ndarray, s: int, opts: SurveyOptions) -> list[str]:
    """Open-ended answers of the segment's respondents (8-280 characters, no offensive words), drawn with the
    seed so the same data gives the same quotes."""
    if data.texts is None or opts.quotes <= 0:
        return []
    rows = np.flatnonzero(labels == s)
    rng = np.random.default_rng(stable_seed(opts.seed, "quotes", s))
    picked: list[str] = []
    for r in rng.permutation(rows):
        text = data.texts[r]
        if 8 <= len(text) <= 280 and text not in picked and not is_offensive(text):
            picked.append(text)
            if len(picked) == opts.quotes:
                break
    return picked

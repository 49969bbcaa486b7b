"""From aggregated audience data to a persona set: NMF, stability, impactful groups, statistics, enrichment."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any


from .data import AudienceData
from .demographics import Roles, country_name, detect_roles, gender_word
from .enrich import avatar, concrete_age, describe, group_label, person_name, pick_quotes, stable_seed
from .errors import InputError
from .impact import eligible_groups, impactful_groups, score_matrix
from .nmf import PersonaNMF, choose_k, fit_with_stability
from .profile import Persona
from .sets import PersonaSet, SetModel
from .settings import GenerationSettings
from .stats import AudienceStats

Progress = Callable[[str, int | None], Callable[..., None]]  # (step label, total) -> tick(n=1)


def _no_progress(label: str, total: int | None) -> Callable[..., None]:
    return lambda n=1: None


@dataclass(frozen=True)
class GenerateOptions:
    name: str
    version: int
    k: int | None  # None: choose automatically
    seed: int
    roles: dict[str, str | None] | None = None
    # (W0 (g, k), H0 (k, c)) in this data's scaled space: start NMF there (personas update, personas/update.py)
    warm_start: tuple[Any, Any] | None = None
    # (g, c) aligned with data.matrix: what NMF factorises instead of it (recency-weighted counts, --half-life,
    # personas/windows.py). Every statistic still comes from data, so the numbers shown are the data's own.
    nmf_matrix: Any | None = None


def check_k(k: int, data: AudienceData) -> None:
    g, c = data.matrix.shape
    limit = min(g, c)
    if k < 1:
        raise InputError(f"-k must be at least 1, not {k}")
    if k > limit:
        raise InputError(
            f"-k {k} is larger than the data allows ({g} groups x {c} content items): use -k {limit} or less"
        )


def generate(
    data: AudienceData, settings: GenerationSettings, opts: GenerateOptions, progress: Progress = _no_progress
) -> PersonaSet:
    V = data.matrix
    F = V if opts.nmf_matrix is None else opts.nmf_matrix  # what NMF sees
    seeds = [opts.seed + 1 + i for i in range(settings.stability_seeds - 1)]
    k_report = None
    if opts.k is None:
        lo, hi = settings.k_auto_range
        hi = min(hi, min(F.shape))
        ks = list(range(min(lo, hi), hi + 1))
        tick = progress("choosing k", len(ks))
        choice = choose_k(F, ks, settings.scaling, seeds, settings.max_iter, opts.seed, progress=tick)
        k = choice.k
        k_report = {
            "rule": choice.rule,
            "candidates": [{"k": c.k, "stability": c.stability, "relative_error": c.relative_error}
                           for c in choice.candidates],
        }
    else:
        k = opts.k
    check_k(k, data)

    tick = progress("factorising", 1 + len(seeds))
    model = PersonaNMF(k, scaling=settings.scaling, max_iter=settings.max_iter, random_state=opts.seed)
    if opts.warm_start is not None:
        from .update import WarmStartNMF

        model = WarmStartNMF(k, scaling=settings.scaling, max_iter=settings.max_iter, random_state=opts.seed,
                             W_init=opts.warm_start[0], H_init=opts.warm_start[1])
    stab = fit_with_stability(F, model, seeds, progress=tick)  # the fit and the re-runs, side by side

    elig = eligible_groups(data.group_totals, data.group_users, k, settings.min_support, settings.min_users)
    notes = list(data.notes)
    if elig.note:
        notes.append(elig.note)
    choice = impactful_groups(model.W_, model.H_, elig.mask, settings.impact_rule)
    specialisation = score_matrix(model.W_, model.H_, "specialisation")

    roles = detect_roles(list(data.groups.columns), opts.roles)
    astats = AudienceStats(data)
    order = sorted(range(k), key=lambda j: (-data.group_totals[choice.groups[j]], j))
    personas: list[Persona] = []
    taken: set[str] = set()
    tick = progress("describing personas", k)
    for rank, j in enumerate(order, start=1):
        g = int(choice.groups[j])
        st = astats.persona(
            g, j, model.W_, model.H_, stab.per_component[j], float(specialisation[g, j]), float(choice.scores[j]),
            settings.top_content, settings.top_topics, settings.shared_groups,
        )
        personas.append(_enrich(data, roles, g, j, rank, st, opts, settings, taken))
        tick()

    quality = {
        "k": k,
        "stability": stab.mean,
        "stability_per_persona": {p.id: p.stats.stability for p in personas},
        "stability_seeds": list(stab.seeds),
        "relative_error": model.relative_error_,
        "n_iter": model.n_iter_,
        "matrix": {"groups": V.shape[0], "content": V.shape[1], "nonzero": int(V.nnz), "total": float(V.sum())},
        "eligible_groups": int(elig.mask.sum()),
        "k_auto": k_report,
        "set": _set_quality(data, F, model, choice.groups, personas, elig, settings, opts.seed),
    }
    params = {
        "k": "auto" if opts.k is None else opts.k,
        "seed": opts.seed,
        "scaling": settings.scaling,
        "impact_rule": settings.impact_rule,
        "min_support": settings.min_support,
        "min_users": settings.min_users,
        "group_by": list(data.groups.columns),
        "count_name": data.count_name,
        "max_iter": settings.max_iter,
    }
    set_model = SetModel(
        W=model.W_, H=model.H_, row_scale=model.row_scale_, column_scale=model.column_scale_,
        group_columns=list(data.groups.columns), group_values=data.groups.to_numpy(dtype=str),
        content_ids=data.content["content_id"].to_numpy(dtype=str),
    )
    return PersonaSet(
        name=opts.name, version=opts.version, created_at=datetime.now(timezone.utc).isoformat(timespec="seconds"),
        fingerprint=data.fingerprint, source=data.source, params=params, quality=quality, notes=notes,
        personas=personas, model=set_model,
    )


def _set_quality(data: AudienceData, F, model, groups, personas: list[Persona], elig, settings: GenerationSettings,
                 seed: int) -> dict[str, Any]:
    """The set's quality metrics (personas/quality.py), with the sets made with k = 5, 10, 15 (the setting
    ``consistency_ks``) for consistency:
    one fit each on the same data, the same rule for the impactful groups (the set's own k reuses its fit)."""
    from .quality import set_quality

    k = model.W_.shape[1]
    by_k: dict[int, list[int]] = {}
    for kk in settings.consistency_ks:
        if kk == k:
            by_k[kk] = [int(g) for g in groups]
            continue
        if kk > min(F.shape):
            continue
        other = PersonaNMF(kk, scaling=settings.scaling, max_iter=settings.max_iter, random_state=seed).fit(F)
        el = eligible_groups(data.group_totals, data.group_users, kk, settings.min_support, settings.min_users)
        by_k[kk] = [int(g) for g in impactful_groups(other.W_, other.H_, el.mask, settings.impact_rule).groups]
    q = set_quality(data.groups, data.group_totals, [int(g) for g in groups], model.W_, model.H_, by_k)
    out = q.to_dict()
    out["represented_share"] = {p.id: q.represented_share[p.behaviour] for p in personas}
    ids = {str(p.behaviour): p.id for p in personas}
    out["split"] = {col: {v: {ids.get(j, "none"): w for j, w in cells.items()} for v, cells in per.items()}
                    for col, per in q.split.items()}
    return out


def _enrich(
    data: AudienceData, roles: Roles, g: int, j: int, rank: int, st, opts: GenerateOptions,
    settings: GenerationSettings, taken: set[str],
) -> Persona:
    group = data.group_key(g)
    gender = gender_word(group.get(roles.gender)) if roles.gender else None
    country = country_name(group.get(roles.country)) if roles.country else None
    seed = stable_seed(opts.seed, *group.values())
    age = None
    if roles.age:
        median = data.group_value_median.get(roles.age)
        observed = data.bin_ranges.get(roles.age, {}).get(group[roles.age])
        age = concrete_age(group[roles.age], None if median is None else float(median[g]), observed, seed)
    name = person_name(gender, country, seed, taken)
    taken.add(name)
    label = group_label(group, roles, gender, country)
    codes = data.content.index[data.content["content_id"].isin([c.content_id for c in st.top_content])]
    by_id = {cid: i for i, cid in zip(codes, data.content.loc[codes, "content_id"])}
    top_codes = [int(by_id[c.content_id]) for c in st.top_content]
    quotes = pick_quotes(data.comments, top_codes, group, data.content, settings.quotes)
    return Persona(
        id=f"{opts.name}-v{opts.version}-{rank:02d}",
        set_name=opts.name,
        set_version=opts.version,
        rank=rank,
        behaviour=j,
        name=name,
        age=age,
        gender=gender,
        country=country,
        group=group,
        group_label=label,
        count_name=data.count_name,
        stats=st,
        quotes=quotes,
        avatar=avatar(gender, age, seed),
        description=describe(name, age, gender, country, label, st, data.count_name),
    )

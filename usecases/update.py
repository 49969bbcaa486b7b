"""`personas update`: fold new data into a set, a new version warm-started from the last one, whose personas
keep the ids of the ones they continue."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from personas.errors import InputError
from personas.settings import GenerationSettings

from .progress import Progress
from .windows import half_life_note, with_event_dates

if TYPE_CHECKING:
    from personas.data import AudienceData, InputSpec
    from personas.sets import PersonaSet
    from personas.windows import WindowPlan
    from retrieval.store import ChromaSetStore

# What a set keeps of how it was made; an update makes the new version the same way.
_KEPT_PARAMS = ("scaling", "impact_rule", "min_support", "min_users", "max_iter")


@dataclass(frozen=True)
class Updated:
    pset: PersonaSet
    previous: PersonaSet
    data: AudienceData
    carried: list[Any]  # personas.update's matches, one per new persona
    known_groups: int
    known_content: int


def previous_set(store: ChromaSetStore, name: str | None, version: int | None) -> PersonaSet:
    """The set to update, with its stored model (the factors to start from)."""
    prev = store.load(name, version, with_model=True)
    if prev.model is None:
        raise InputError(f"persona set {prev.ref} has no stored model to start from; regenerate it instead")
    return prev


def check_groups(prev: PersonaSet, group_by: tuple[str, ...]) -> tuple[str, ...]:
    """The group columns of the update: the set's own (an update keeps the set's groups)."""
    group_by = group_by or tuple(prev.model.group_columns)
    if list(group_by) != list(prev.model.group_columns):
        raise InputError(f"--group-by {','.join(group_by)} differs from {prev.ref}'s groups "
                         f"({','.join(prev.model.group_columns)}); an update keeps the set's groups")
    return group_by


def update_set(
    store: ChromaSetStore, prev: PersonaSet, spec: InputSpec, plan: WindowPlan, generation: GenerationSettings,
    progress: Progress, *, date_col: str | None = None, roles: dict[str, str | None] | None = None,
) -> Updated:
    """Generate and save the next version of ``prev`` from ``spec``, NMF warm-started from ``prev``'s factors."""
    from personas.data import load
    from personas.nmf import scale_matrix
    from personas.pipeline import GenerateOptions, check_k, generate
    from personas.update import carry_identities, warm_start
    from personas.windows import load_window, window_specs

    weighted = None
    if plan.active:
        spec = with_event_dates(spec, date_col)
        if not spec.event_date_col:
            raise InputError("--since, --until and --half-life need --event-date-col, the interactions' date column")
        data, weighted = load_window(window_specs(spec, spec.event_date_col, plan)[0])
    else:
        data = load(spec)
    k = int(prev.quality["k"])
    check_k(k, data)
    params = prev.params
    tuned = generation.model_copy(update={key: params[key] for key in _KEPT_PARAMS if key in params})
    # The warm start lives in the space NMF factorises: the recency-weighted matrix with --half-life.
    X, row_scale, column_scale = scale_matrix(data.matrix if weighted is None else weighted, tuned.scaling)
    W0, H0, known_groups, known_content = warm_start(
        prev.model, data.groups.to_numpy(dtype=str), data.content["content_id"].to_numpy(dtype=str), X,
        row_scale, column_scale,
    )
    opts = GenerateOptions(
        name=prev.name, version=store.next_version(prev.name), k=k, seed=int(params.get("seed", generation.seed)),
        roles=roles, warm_start=(W0, H0), nmf_matrix=weighted,
    )
    pset = generate(data, tuned, opts, progress)
    pset, carried = carry_identities(prev, pset)
    pset.params["updated_from"] = prev.ref
    pset.notes.append(f"updated from {prev.ref}: NMF warm-started from its factors ({known_groups} of "
                      f"{data.matrix.shape[0]} groups and {known_content} of {data.matrix.shape[1]} content items known)")
    if plan.half_life:
        pset.notes.append(half_life_note(plan.half_life, data.count_name))
    pset = store.save(pset, progress=progress("indexing facts", None))  # renumbered if a concurrent build won
    return Updated(pset, prev, data, carried, known_groups, known_content)


def one_table(paths: list[Path], id_columns: list[str]) -> Any:
    """One interactions file as it is; several (with the same columns) as one frame, in the order given, with
    the id and group columns read as text in every file, so that 7 in one file and "7" in another are one id."""
    if len(paths) == 1:
        return paths[0]
    import pandas as pd
    import pyarrow as pa

    from personas.tables import column_names, read_columns

    first = column_names(paths[0], "interactions")
    frames = []
    for path in paths:
        names = column_names(path, "interactions")
        if sorted(names) != sorted(first):
            raise InputError(f"{path.name} has columns {', '.join(names)}, unlike {paths[0].name} "
                             f"({', '.join(first)}); give files with the same columns")
        types = {n: pa.string() for n in id_columns if n in names}
        frames.append(read_columns(path, "interactions", names, types).to_pandas())
    return pd.concat(frames, ignore_index=True)

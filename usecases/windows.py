"""Windowed and recency-weighted generation (`personas generate --window/--since/--until/--half-life`): one
persona set per window of the interactions' dates, all saved or none."""

from __future__ import annotations

import sys
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from personas.errors import InputError
from personas.sets import check_set_name
from personas.settings import GenerationSettings

from .generate import SetRequest
from .progress import Progress

if TYPE_CHECKING:
    from personas.data import AudienceData, InputSpec
    from personas.sets import PersonaSet
    from personas.windows import WindowPlan
    from retrieval.store import ChromaSetStore

# A window with fewer interaction rows than this per persona is refused: NMF would still return k personas,
# but each would rest on a handful of rows (a 47-row month gave 7 "personas" of a few hundred views each).
MIN_ROWS_PER_PERSONA = 20


@dataclass(frozen=True)
class WindowSet:
    pset: PersonaSet
    data: AudienceData


def with_event_dates(spec: InputSpec, date_col: str | None) -> InputSpec:
    """``spec`` with the interactions' date column for windows and recency weighting.

    ``--event-date-col`` names it; ``--date-col`` is the content file's date column, but a user who writes
    ``--date-col date --window 30d`` means the interactions' dates, so when the interactions have that column
    it is used as such (one note on stderr). The content file keeps it as its date column when it has it."""
    if spec.event_date_col or not date_col:
        return spec
    import pandas as pd

    from personas.tables import column_names

    def columns(src: Any, role: str) -> list[str]:
        return [str(c) for c in src.columns] if isinstance(src, pd.DataFrame) else column_names(Path(src), role)

    if date_col not in columns(spec.interactions, "interactions"):
        raise InputError(f"--date-col {date_col!r} is the content file's date column and the interactions have no "
                         f"column {date_col!r}; pass --event-date-col with the interactions' date column")
    in_content = spec.content is not None and date_col in columns(spec.content, "content")
    print(f"note: using --date-col {date_col!r} as the interactions' date column (--event-date-col {date_col})",
          file=sys.stderr)
    return replace(spec, event_date_col=date_col, date_col=date_col if in_content else None)


def half_life_note(half_life: str, count_name: str) -> str:
    return (f"NMF factorised {count_name} weighted by recency (half-life {half_life}: a count one half-life older "
            f"weighs half in the behaviours); every number of the personas is the data's own {count_name}")


def generate_windows(
    spec: InputSpec, plan: WindowPlan, request: SetRequest, generation: GenerationSettings,
    open_store: Callable[[], ChromaSetStore], progress: Progress, *, builtin: bool = False, demo: bool = False,
    date_col: str | None = None,
) -> list[WindowSet]:
    """Every window is loaded and checked before any set is generated, every set is generated before any is
    saved, and if a save fails the sets this run saved are deleted again (the active set stays what it was), so
    a failed run writes nothing. ``builtin``: the demo or a built-in dataset (no --date-col guessing);
    ``date_col``: the --date-col given."""
    from personas.pipeline import GenerateOptions, check_k, generate
    from personas.windows import load_window, window_specs

    k = request.k
    if not builtin:
        spec = with_event_dates(spec, date_col)
    event_dates = spec.event_date_col
    if not event_dates:
        what = "the demo data has no interaction dates (see `personas demo-data --drift`)" if demo else \
            "pass --event-date-col with the interactions' date column"
        raise InputError(f"--window, --since, --until and --half-life need dates per interaction: {what}")
    windows = window_specs(spec, event_dates, plan)
    loaded, short = [], []
    for w in windows:
        label = w.label or f"{w.start}..{w.end}"
        if w.rows == 0:
            short.append(f"{label} (no interactions)")
            continue
        if w.rows < MIN_ROWS_PER_PERSONA * (k or generation.k_auto_range[0]):  # -k auto: its smallest candidate
            short.append(f"{label} ({w.rows} rows, fewer than {MIN_ROWS_PER_PERSONA} per persona)")
            continue
        try:
            data, weighted = load_window(w, generation.engine_options())
            if k is not None:
                check_k(k, data)
        except InputError as exc:
            short.append(f"{label} ({w.rows} rows: {str(exc).split(';')[0]})")
            continue
        loaded.append((w, data, weighted))
    if short:
        need = f"{k} personas" if k is not None else "personas"
        raise InputError(f"window{'s' if len(short) > 1 else ''} {', '.join(short)} "
                         f"{'have' if len(short) > 1 else 'has'} too little data for {need}; "
                         "use a longer --window, a wider --since/--until or a smaller -k")
    store = open_store()
    built = []
    for w, data, weighted in loaded:
        set_name = check_set_name(f"{request.name}-{w.label}" if w.label else request.name)
        opts = GenerateOptions(name=set_name, version=store.next_version(set_name), k=k, seed=request.seed,
                               roles=request.roles, nmf_matrix=weighted)
        pset = generate(data, generation, opts, progress)
        pset.params["window"] = {"start": w.start, "end": w.end, "rows": w.rows, "date_col": event_dates,
                                 "window": plan.window, "half_life": plan.half_life}
        if plan.half_life:
            pset.notes.append(half_life_note(plan.half_life, data.count_name))
        pset.quality["change_from_previous"] = _change_from(built[-1].pset, pset) if built else None
        built.append(WindowSet(pset, data))
    saved = save_all(store, [b.pset for b in built], progress)
    return [WindowSet(pset, b.data) for pset, b in zip(saved, built)]


def _change_from(before: PersonaSet, after: PersonaSet) -> dict[str, object]:
    """APG's month-to-month change rate (personas/drift.py) from the previous window's set, kept in the quality."""
    from personas.drift import compare_sets

    report = compare_sets(before, after)
    return {"previous": before.ref, "change_rate": report.change_rate,
            "behaviour_change_rate": report.behaviour_change_rate}


def save_all(store: ChromaSetStore, sets: list[PersonaSet], progress: Progress) -> list[PersonaSet]:
    """Save ``sets`` and make the last one active, or none of them: on any failure the sets saved so far are
    deleted again and the active set stays what it was. Returns the sets as saved (see ``store.save``)."""
    previous = store.active_ref()
    saved: list[PersonaSet] = []
    try:
        for pset in sets:
            saved.append(store.save(pset, activate=False, progress=progress("indexing facts", None)))
        store.activate(saved[-1].name, saved[-1].version)
        return saved
    except BaseException:
        for pset in reversed(saved):
            store.delete_version(pset.name, pset.version)  # this run's version only; earlier ones stay
        if previous is not None and store.active_ref() != previous:
            store.activate(*previous)
        raise

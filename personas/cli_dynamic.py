"""The dynamic-persona commands: detect, drift, update, and windowed / recency-weighted generation.

personas/cli.py registers them (``add_dynamic_parsers``, ``add_window_args``) and composes; the work is in
personas/detect.py, drift.py, update.py and windows.py.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from .errors import InputError
from .sets import parse_set_ref
from .settings import Settings

# A window with fewer interaction rows than this per persona is refused: NMF would still return k personas,
# but each would rest on a handful of rows (a 47-row month gave 7 "personas" of a few hundred views each).
MIN_ROWS_PER_PERSONA = 20
_NEEDS_DATES = "needs --event-date-col, or --date-col naming a column of the interactions"


def add_window_args(gen: argparse.ArgumentParser) -> None:
    """Options of ``personas generate`` for windows and recency weighting (they need the interactions' dates)."""
    gen.add_argument("--window", help="one persona set per window of the interactions' dates: 'month', or 30d, 2w "
                     f"({_NEEDS_DATES}; sets are named NAME-2025-01 or NAME-2025-01-01)")
    gen.add_argument("--since", help=f"only interactions on or after this day (ISO date; {_NEEDS_DATES})")
    gen.add_argument("--until", help=f"only interactions on or before this day (ISO date; {_NEEDS_DATES})")
    gen.add_argument("--half-life", help="weight interactions by recency in the factorisation: a count one "
                     "half-life older weighs half in the behaviours found; every number shown stays the data's "
                     f"own count (30d, 2w; {_NEEDS_DATES})")


def _add_input_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--interactions", type=Path, nargs="+", required=True,
                   help="CSV/Parquet files of the interactions the new version stands for, read as one table: "
                   "the earlier files and the new one to fold new rows into all the data, or only recent files to "
                   "follow the latest behaviour (a set keeps no raw rows)")
    p.add_argument("--users", type=Path, help="users table (event-level data): user id + group columns")
    p.add_argument("--content", type=Path, help="content metadata: id, title, topics, date")
    p.add_argument("--comments", type=Path, help="comments: content id, text, optional group columns")
    p.add_argument("--group-by", help="group columns (default: the set's)")
    p.add_argument("--content-col", required=True, help="content id column of the interactions")
    p.add_argument("--count-col", help="primary count column (omit for event rows that count once each)")
    p.add_argument("--extra-counts", help="more count columns, comma-separated")
    p.add_argument("--user-col", default="user_id", help="user id column (event-level data)")
    p.add_argument("--content-id-col", help="id column of the content file (default: --content-col)")
    p.add_argument("--title-col", help="title column of the content file")
    p.add_argument("--topics-col", help="topics column of the content file")
    p.add_argument("--topic-sep", default="|", help="separator of multiple topics (default: |)")
    p.add_argument("--date-col", help="date column of the content file")
    p.add_argument("--event-date-col", help="date column of the interactions")
    p.add_argument("--comment-content-col", help="content id column of the comments")
    p.add_argument("--comment-text-col", default="text", help="text column of the comments")
    p.add_argument("--bins", action="append", default=[], help="bin numeric columns: age=18,25,35,45,50,56")
    for role in ("gender", "age", "country"):
        p.add_argument(f"--{role}-col", help=f"group column holding {role} (default: detected by name)")


def add_dynamic_parsers(sub: Any) -> None:
    """The subcommands detect, drift and update."""
    det = sub.add_parser("detect", help="which persona each individual resembles (nothing is stored)")
    det.add_argument("--interactions", type=Path, required=True, help="CSV/Parquet of one or many individuals")
    det.add_argument("--content-col", required=True, help="content id column")
    det.add_argument("--count-col", help="count column (omit: each row counts once)")
    det.add_argument("--id-col", help="individual id column (omit: all rows are one individual, id 'all')")
    det.add_argument("--set", dest="set_name", help="persona set, NAME or NAME@vN (default: the active set)")
    det.add_argument("--json", action="store_true", help="a JSON array, one object per individual")

    dr = sub.add_parser("drift", help="what changed between two persona sets")
    dr.add_argument("before", help="the earlier set, NAME or NAME@vN")
    dr.add_argument("after", help="the later set, NAME or NAME@vN")
    dr.add_argument("--json", action="store_true", help="the report as JSON")

    up = sub.add_parser("update", help="fold new data into a set: a new version, warm-started from the last one")
    up.add_argument("--set", dest="set_name", required=True, help="the set to update, NAME or NAME@vN")
    _add_input_args(up)
    up.add_argument("--since", help=f"only interactions on or after this day ({_NEEDS_DATES})")
    up.add_argument("--until", help=f"only interactions on or before this day ({_NEEDS_DATES})")
    up.add_argument("--half-life", help=f"weight interactions by recency in the factorisation (30d; {_NEEDS_DATES})")
    up.add_argument("--no-progress", action="store_true", help="no progress bars")


def _store(settings: Settings):  # type: ignore[no-untyped-def]
    from .cli import _store as open_cli_store  # the one place the CLI opens the store

    return open_cli_store(settings)


def with_event_dates(spec: Any, date_col: str | None) -> Any:
    """``spec`` with the interactions' date column for windows and recency weighting.

    ``--event-date-col`` names it; ``--date-col`` is the content file's date column, but a user who writes
    ``--date-col date --window 30d`` means the interactions' dates, so when the interactions have that column
    it is used as such (one note on stderr). The content file keeps it as its date column when it has it."""
    if spec.event_date_col or not date_col:
        return spec
    from dataclasses import replace

    import pandas as pd

    from .tables import column_names

    def columns(src: Any, role: str) -> list[str]:
        return [str(c) for c in src.columns] if isinstance(src, pd.DataFrame) else column_names(Path(src), role)

    if date_col not in columns(spec.interactions, "interactions"):
        raise InputError(f"--date-col {date_col!r} is the content file's date column and the interactions have no "
                         f"column {date_col!r}; pass --event-date-col with the interactions' date column")
    in_content = spec.content is not None and date_col in columns(spec.content, "content")
    print(f"note: using --date-col {date_col!r} as the interactions' date column (--event-date-col {date_col})",
          file=sys.stderr)
    return replace(spec, event_date_col=date_col, date_col=date_col if in_content else None)


def _csv_list(text: str | None) -> tuple[str, ...]:
    return tuple(c.strip() for c in (text or "").split(",") if c.strip())


# ---------------------------------------------------------------------------- detect


def cmd_detect(args: argparse.Namespace, settings: Settings) -> int:
    from .detect import detect

    name, version = parse_set_ref(args.set_name)
    found = detect(_store(settings), args.interactions, args.content_col, args.count_col, args.id_col, name, version)
    if args.json:
        print(json.dumps([d.to_json() for d in found], ensure_ascii=False, indent=2))
        return 0
    for d in found:
        head = "ambiguous" if d.ambiguous or not d.personas else f"{d.personas[0].persona_id} {d.personas[0].name}"
        ranks = ", ".join(f"{a.persona_id} {a.affinity:.2f}" for a in d.personas[:3] if a.affinity > 0)
        print(f"{d.id}: {head}  [{ranks}]  {d.why}")
    return 0


# ---------------------------------------------------------------------------- drift


def cmd_drift(args: argparse.Namespace, settings: Settings) -> int:
    from .drift import compare_sets

    store = _store(settings)
    sets = [store.load(*parse_set_ref(ref), with_model=True) for ref in (args.before, args.after)]
    report = compare_sets(*sets)
    if args.json:
        print(json.dumps(report.to_json(), ensure_ascii=False, indent=2))
        return 0
    print(f"{report.before} -> {report.after}: change rate {report.change_rate:.1%} (personas whose demographic "
          f"group is new or gone), behaviour change rate {report.behaviour_change_rate:.1%}")
    for m in report.matched:
        state = "unchanged" if m.unchanged else "changed" + ("" if m.same_group else ", on another group")
        names = m.name_after if m.name_after == m.name_before else f"{m.name_before} -> {m.name_after}"
        print(f"  {m.before} -> {m.after}  {names}: {state}, similarity {m.similarity:.2f}, audience share "
              f"{m.share_before:.1%} -> {m.share_after:.1%}, topics {', '.join(m.topics_before)} -> "
              f"{', '.join(m.topics_after)}")
    for p in report.disappeared:
        print(f"  disappeared: {p.persona_id} {p.name} ({', '.join(p.group.values())}; {', '.join(p.top_topics)})")
    for p in report.appeared:
        print(f"  appeared:    {p.persona_id} {p.name} ({', '.join(p.group.values())}; {', '.join(p.top_topics)})")
    return 0


# ---------------------------------------------------------------------------- windowed generation


def generate_dynamic(
    args: argparse.Namespace, settings: Settings, spec: Any, name: str, k: int | None, seed: int,
    progress: Callable[..., Any],
) -> int:
    """``personas generate`` with --window / --since / --until / --half-life: every window is loaded and checked
    before any set is generated, every set is generated before any is saved, and if a save fails the sets this
    run saved are deleted again (the active set stays what it was), so a failed run writes nothing."""
    from .pipeline import GenerateOptions, check_k, generate
    from .sets import check_set_name
    from .windows import WindowPlan, load_window, window_specs

    plan = WindowPlan(args.window, args.since, args.until, args.half_life)
    if not (args.demo or args.dataset):
        spec = with_event_dates(spec, args.date_col)
    date_col = spec.event_date_col
    if not date_col:
        what = "the demo data has no interaction dates (see `personas demo-data --drift`)" if args.demo else \
            "pass --event-date-col with the interactions' date column"
        raise InputError(f"--window, --since, --until and --half-life need dates per interaction: {what}")
    windows = window_specs(spec, date_col, plan)
    loaded, short = [], []
    for w in windows:
        label = w.label or f"{w.start}..{w.end}"
        if w.rows == 0:
            short.append(f"{label} (no interactions)")
            continue
        if w.rows < MIN_ROWS_PER_PERSONA * (k or settings.k_auto_range[0]):  # -k auto: its smallest candidate
            short.append(f"{label} ({w.rows} rows, fewer than {MIN_ROWS_PER_PERSONA} per persona)")
            continue
        try:
            data, weighted = load_window(w)
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
    store = _store(settings)
    built = []
    for w, data, weighted in loaded:
        set_name = check_set_name(f"{name}-{w.label}" if w.label else name)
        opts = GenerateOptions(
            name=set_name, version=store.next_version(set_name), k=k, seed=seed,
            roles={"gender": args.gender_col, "age": args.age_col, "country": args.country_col}
            if not (args.demo or args.dataset) else None, nmf_matrix=weighted,
        )
        pset = generate(data, settings, opts, progress)
        pset.params["window"] = {"start": w.start, "end": w.end, "rows": w.rows, "date_col": date_col,
                                 "window": plan.window, "half_life": plan.half_life}
        if plan.half_life:
            pset.notes.append(half_life_note(plan.half_life, data.count_name))
        built.append((pset, data))
    saved = save_all(store, [pset for pset, _ in built], progress)
    built = [(pset, data) for pset, (_, data) in zip(saved, built)]
    for pset, data in built:
        window = pset.params["window"]
        weighted_note = f"; behaviours weighted by recency, half-life {plan.half_life}" if plan.half_life else ""
        print(f"{pset.ref}: {len(pset.personas)} personas from {data.matrix.sum():,.0f} {data.count_name} "
              f"({window['start']} to {window['end']}{weighted_note})")
    print(f"active set: {built[-1][0].ref}; compare windows with `personas drift A B`")
    return 0


def half_life_note(half_life: str, count_name: str) -> str:
    return (f"NMF factorised {count_name} weighted by recency (half-life {half_life}: a count one half-life older "
            f"weighs half in the behaviours); every number of the personas is the data's own {count_name}")


def save_all(store: Any, sets: list[Any], progress: Callable[..., Any]) -> list[Any]:
    """Save ``sets`` and make the last one active, or none of them: on any failure the sets saved so far are
    deleted again and the active set stays what it was. Returns the sets as saved (see ``store.save``)."""
    previous = store.active_ref()
    saved: list[Any] = []
    try:
        for pset in sets:
            saved.append(store.save(pset, activate=False, progress=progress("indexing facts", None)))
        store.activate(saved[-1].name, saved[-1].version)
        return saved
    except BaseException:
        for pset in reversed(saved):
            _discard_saved(store, pset)
        if previous is not None and store.active_ref() != previous:
            store.activate(*previous)
        raise


def _discard_saved(store: Any, pset: Any) -> None:
    """Delete one set version that this run saved (earlier versions of the name stay)."""
    store.delete_version(pset.name, pset.version)


# ---------------------------------------------------------------------------- update


def cmd_update(args: argparse.Namespace, settings: Settings) -> int:
    from .data import InputSpec, load, parse_bins
    from .nmf import scale_matrix
    from .pipeline import GenerateOptions, check_k, generate
    from .update import carry_identities, warm_start
    from .windows import WindowPlan, load_window, window_specs

    store = _store(settings)
    name, version = parse_set_ref(args.set_name)
    prev = store.load(name, version, with_model=True)
    if prev.model is None:
        raise InputError(f"persona set {prev.ref} has no stored model to start from; regenerate it instead")
    group_by = _csv_list(args.group_by) or tuple(prev.model.group_columns)
    if list(group_by) != list(prev.model.group_columns):
        raise InputError(f"--group-by {','.join(group_by)} differs from {prev.ref}'s groups "
                         f"({','.join(prev.model.group_columns)}); an update keeps the set's groups")
    bins: dict[str, tuple[float, ...]] = {}
    for b in args.bins:
        bins.update(parse_bins(b))
    spec = InputSpec(
        interactions=_one_table(args.interactions, [*group_by, args.content_col, args.user_col]),
        group_by=group_by, content_col=args.content_col, count_col=args.count_col,
        extra_count_cols=_csv_list(args.extra_counts), users=args.users, user_col=args.user_col,
        content=args.content, content_id_col=args.content_id_col, title_col=args.title_col,
        topics_col=args.topics_col, topic_sep=args.topic_sep, date_col=args.date_col, comments=args.comments,
        comment_content_col=args.comment_content_col, comment_text_col=args.comment_text_col,
        event_date_col=args.event_date_col, bins=bins,
        source=f"files: {', '.join(p.name for p in args.interactions)} (update of {prev.ref})",
    )
    plan = WindowPlan(None, args.since, args.until, args.half_life)
    weighted = None
    if plan.active:
        spec = with_event_dates(spec, args.date_col)
        if not spec.event_date_col:
            raise InputError("--since, --until and --half-life need --event-date-col, the interactions' date column")
        data, weighted = load_window(window_specs(spec, spec.event_date_col, plan)[0])
    else:
        data = load(spec)
    k = int(prev.quality["k"])
    check_k(k, data)
    params = prev.params
    tuned = settings.model_copy(update={
        key: params[key] for key in ("scaling", "impact_rule", "min_support", "min_users", "max_iter") if key in params
    })
    # The warm start lives in the space NMF factorises: the recency-weighted matrix with --half-life.
    X, row_scale, column_scale = scale_matrix(data.matrix if weighted is None else weighted, tuned.scaling)
    W0, H0, known_groups, known_content = warm_start(
        prev.model, data.groups.to_numpy(dtype=str), data.content["content_id"].to_numpy(dtype=str), X,
        row_scale, column_scale,
    )
    opts = GenerateOptions(
        name=prev.name, version=store.next_version(prev.name), k=k, seed=int(params.get("seed", settings.seed)),
        roles={"gender": args.gender_col, "age": args.age_col, "country": args.country_col}, warm_start=(W0, H0),
        nmf_matrix=weighted,
    )
    progress = _progress(not args.no_progress)
    pset = generate(data, tuned, opts, progress)
    pset, carried = carry_identities(prev, pset)
    pset.params["updated_from"] = prev.ref
    pset.notes.append(f"updated from {prev.ref}: NMF warm-started from its factors ({known_groups} of "
                      f"{data.matrix.shape[0]} groups and {known_content} of {data.matrix.shape[1]} content items known)")
    if plan.half_life:
        pset.notes.append(half_life_note(plan.half_life, data.count_name))
    pset = store.save(pset, progress=progress("indexing facts", None))  # renumbered if a concurrent build won
    kept = [c for c in carried if c.previous_id]
    print(f"{pset.ref}: updated from {prev.ref} ({known_groups}/{data.matrix.shape[0]} groups, "
          f"{known_content}/{data.matrix.shape[1]} content items known); {len(kept)} of {len(carried)} personas "
          "continue a persona of the previous version")
    for c in carried:
        print(f"  {c.persona_id}  " + (f"continues {c.previous_id} (similarity {c.similarity:.2f})"
                                       if c.previous_id else "new"))
    return 0


def _one_table(paths: list[Path], id_columns: list[str]) -> Any:
    """One interactions file as it is; several (with the same columns) as one frame, in the order given, with
    the id and group columns read as text in every file, so that 7 in one file and "7" in another are one id."""
    if len(paths) == 1:
        return paths[0]
    import pandas as pd
    import pyarrow as pa

    from .tables import column_names, read_columns

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


def _progress(enabled: bool) -> Callable[..., Any]:
    from .cli import _progress_factory

    return _progress_factory(enabled and sys.stderr.isatty())


# ---------------------------------------------------------------------------- demo data with drift


def cmd_demo_drift_data(args: argparse.Namespace, settings: Settings) -> int:
    from .demo_drift import make_drift_demo, write_drift_demo

    for label, path in write_drift_demo(make_drift_demo(), args.out).items():
        print(f"{label}: {path}")
    return 0

"""Dynamic personas: `personas drift`, `personas update`, and `generate --window/--since/--until/--half-life`
(the work is in usecases/windows.py and usecases/update.py, on personas/windows, update and drift)."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

from personas.sets import parse_set_ref
from usecases.inputs import name_list
from usecases.progress import Progress, stderr_progress

from .common import file_spec, roles_of, store_of

if TYPE_CHECKING:
    from personas.data import InputSpec
    from usecases.generate import SetRequest
    from usecases.settings import Settings

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


def add_parsers(sub: Any) -> None:
    """The subcommands drift and update."""
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


# ---------------------------------------------------------------------------- drift


def cmd_drift(args: argparse.Namespace, settings: Settings) -> int:
    from personas.drift import compare_sets

    store = store_of(settings)
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


def generate_windows(args: argparse.Namespace, settings: Settings, spec: InputSpec, request: SetRequest,
                     progress: Progress) -> int:
    """``personas generate`` with --window / --since / --until / --half-life: all sets saved, or none."""
    from personas.windows import WindowPlan
    from usecases import windows

    plan = WindowPlan(args.window, args.since, args.until, args.half_life)
    built = windows.generate_windows(spec, plan, request, settings.generation, lambda: store_of(settings),
                                     progress, builtin=bool(args.demo or args.dataset), demo=bool(args.demo),
                                     date_col=args.date_col)
    for b in built:
        window = b.pset.params["window"]
        weighted_note = f"; behaviours weighted by recency, half-life {plan.half_life}" if plan.half_life else ""
        print(f"{b.pset.ref}: {len(b.pset.personas)} personas from {b.data.matrix.sum():,.0f} {b.data.count_name} "
              f"({window['start']} to {window['end']}{weighted_note})")
    print(f"active set: {built[-1].pset.ref}; compare windows with `personas drift A B`")
    return 0


# ---------------------------------------------------------------------------- update


def cmd_update(args: argparse.Namespace, settings: Settings) -> int:
    from personas.windows import WindowPlan
    from usecases.update import check_groups, one_table, previous_set, update_set

    store = store_of(settings)
    prev = previous_set(store, *parse_set_ref(args.set_name))
    group_by = check_groups(prev, name_list(args.group_by))
    spec = file_spec(args, one_table(args.interactions, [*group_by, args.content_col, args.user_col]), group_by,
                     f"files: {', '.join(p.name for p in args.interactions)} (update of {prev.ref})")
    plan = WindowPlan(None, args.since, args.until, args.half_life)
    up = update_set(store, prev, spec, plan, settings.generation, stderr_progress(not args.no_progress),
                    date_col=args.date_col, roles=roles_of(args))
    pset, data, carried = up.pset, up.data, up.carried
    kept = [c for c in carried if c.previous_id]
    print(f"{pset.ref}: updated from {prev.ref} ({up.known_groups}/{data.matrix.shape[0]} groups, "
          f"{up.known_content}/{data.matrix.shape[1]} content items known); {len(kept)} of {len(carried)} personas "
          "continue a persona of the previous version")
    for c in carried:
        print(f"  {c.persona_id}  " + (f"continues {c.previous_id} (similarity {c.similarity:.2f})"
                                       if c.previous_id else "new"))
    return 0


# ---------------------------------------------------------------------------- demo data with drift


def cmd_demo_drift_data(args: argparse.Namespace, settings: Settings) -> int:
    from personas.demo_drift import make_drift_demo, write_drift_demo

    for label, path in write_drift_demo(make_drift_demo(), args.out).items():
        print(f"{label}: {path}")
    return 0


COMMANDS = {"drift": cmd_drift, "update": cmd_update}

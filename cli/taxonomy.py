"""`personas taxonomy learn|override`: team-defined personas learned from historical assignments
(`personas detect --taxonomy NAME` then predicts them)."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .common import store_of

if TYPE_CHECKING:
    from usecases.settings import Settings


def add_parsers(sub: Any) -> None:
    tax = sub.add_parser("taxonomy", help="team-defined personas: learn them from assignments, record overrides")
    tsub = tax.add_subparsers(dest="taxonomy_command", required=True)
    learn = tsub.add_parser("learn", help="learn which behaviours predict each team persona (cross-validated)")
    learn.add_argument("--name", default="team", help="the taxonomy's name (default: team)")
    learn.add_argument("--assignments", type=Path, required=True, help="CSV/Parquet: customer id, persona")
    learn.add_argument("--interactions", type=Path, required=True, help="CSV/Parquet of the customers' interactions")
    learn.add_argument("--content-col", required=True, help="content id column of the interactions")
    learn.add_argument("--id-col", required=True, help="customer id column (in both files)")
    learn.add_argument("--label-col", default="persona", help="persona column of the assignments (default: persona)")
    learn.add_argument("--count-col", help="count column of the interactions (omit: each row counts once)")
    learn.add_argument("--set", dest="set_name", help="persona set to read behaviours from (default: the active set)")
    learn.add_argument("--json", action="store_true", help="the report as JSON")
    over = tsub.add_parser("override", help="record a corrected persona for one customer (used by the next learn)")
    over.add_argument("customer")
    over.add_argument("persona")
    over.add_argument("--name", default="team", help="the taxonomy's name (default: team)")


def cmd_taxonomy(args: argparse.Namespace, settings: Settings) -> int:
    from usecases.taxonomy import learn, override

    if args.taxonomy_command == "override":
        n = override(settings.home, args.name, args.customer, args.persona)
        print(f"recorded: {args.customer} -> {args.persona} ({n} override{'s' if n != 1 else ''} in {args.name}; "
              "run `personas taxonomy learn` again to use them)")
        return 0
    report = learn(store_of(settings), settings.home, args.name, args.assignments, args.interactions,
                   args.content_col, args.id_col, args.label_col, args.count_col, args.set_name)
    if args.json:
        print(json.dumps(report.to_json(), ensure_ascii=False, indent=2))
        return 0
    ev = report.evaluation
    print(f"taxonomy {report.name} learned from {report.customers} customers over {report.set_ref} "
          f"({report.overrides} overrides, {report.unlabelled} unlabelled customers ignored)")
    print(f"cross-validated ({ev.folds} folds): accuracy {ev.accuracy:.3f} (majority class {ev.majority_label}: "
          f"{ev.majority_accuracy:.3f}), macro F1 {ev.macro_f1:.3f} (majority: {ev.majority_macro_f1:.3f}); "
          f"{ev.ambiguous_share:.0%} ambiguous, accuracy on the rest {ev.confident_accuracy:.3f}")
    width = max(len(x) for x in ev.labels)
    print("confusion (rows: assigned, columns: predicted)")
    print(" " * (width + 2) + " ".join(f"{x[:8]:>8}" for x in ev.labels))
    for label, row in zip(ev.labels, ev.confusion):
        print(f"  {label:<{width}}" + " ".join(f"{n:>8}" for n in row))
    return 0


COMMANDS = {"taxonomy": cmd_taxonomy}

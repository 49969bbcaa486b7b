"""`personas detect`: which persona each individual resembles (nothing is stored)."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .common import store_of

if TYPE_CHECKING:
    from usecases.settings import Settings


def add_parsers(sub: Any) -> None:
    det = sub.add_parser("detect", help="which persona each individual resembles (nothing is stored)")
    det.add_argument("--interactions", type=Path, required=True, help="CSV/Parquet of one or many individuals")
    det.add_argument("--content-col", required=True, help="content id column")
    det.add_argument("--count-col", help="count column (omit: each row counts once)")
    det.add_argument("--id-col", help="individual id column (omit: all rows are one individual, id 'all')")
    det.add_argument("--set", dest="set_name", help="persona set, NAME or NAME@vN (default: the active set)")
    det.add_argument("--taxonomy", help="predict a team-defined taxonomy learned with `personas taxonomy learn`")
    det.add_argument("--json", action="store_true", help="a JSON array, one object per individual")


def cmd_detect(args: argparse.Namespace, settings: Settings) -> int:
    from usecases.detect import detect

    if args.taxonomy:
        return _detect_team(args, settings)
    found = detect(store_of(settings), args.interactions, args.content_col, args.count_col, args.id_col,
                   args.set_name)
    if args.json:
        print(json.dumps([d.to_json() for d in found], ensure_ascii=False, indent=2))
        return 0
    for d in found:
        head = "ambiguous" if d.ambiguous or not d.personas else f"{d.personas[0].persona_id} {d.personas[0].name}"
        ranks = ", ".join(f"{a.persona_id} {a.affinity:.2f}" for a in d.personas[:3] if a.affinity > 0)
        print(f"{d.id}: {head}  [{ranks}]  {d.why}")
    return 0


def _detect_team(args: argparse.Namespace, settings: Settings) -> int:
    from usecases.taxonomy import detect_team

    found = detect_team(store_of(settings), settings.home, args.taxonomy, args.interactions, args.content_col,
                        args.count_col, args.id_col)
    if args.json:
        print(json.dumps([d.to_json() for d in found], ensure_ascii=False, indent=2))
        return 0
    for d in found:
        head = "ambiguous" if d.ambiguous else d.labels[0].label
        ranks = ", ".join(f"{s.label} {s.probability:.2f}" for s in d.labels[:3])
        print(f"{d.id}: {head}  [{ranks}]  {d.why}")
    return 0


COMMANDS = {"detect": cmd_detect}

"""`personas predict` (which personas will want a new item) and `personas rank` (candidates ordered for one
person by the persona they resemble; nothing about the person is stored)."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

from usecases.inputs import name_list

from .common import store_of

if TYPE_CHECKING:
    from usecases.settings import Settings


def add_parsers(sub: Any) -> None:
    pre = sub.add_parser("predict", help="each persona's predicted interest in a new item, with why")
    pre.add_argument("--title", required=True, help="the new item's title")
    pre.add_argument("--topics", default="", help="its topics, comma-separated (as the set's topics are named)")
    pre.add_argument("--set", dest="set_name", help="persona set, NAME or NAME@vN (default: the active set)")
    pre.add_argument("--json", action="store_true", help="the prediction object")

    rank = sub.add_parser("rank", help="order candidate items for one person by the persona they resemble")
    rank.add_argument("--interactions", type=Path, required=True, help="CSV/Parquet: the person's interactions")
    rank.add_argument("--candidates", type=Path, required=True,
                      help="CSV/Parquet of candidate items in baseline order (best first)")
    rank.add_argument("--content-col", help="content id column of both files (default: content_id when both "
                      "have it, else the one column both share)")
    rank.add_argument("--count-col", help="count column of the interactions (omit: each row counts once)")
    rank.add_argument("--id-col", help="person id column (the file must then hold one person)")
    rank.add_argument("--blend", type=float, default=None, help="weight of the persona's order, 0..1 (default 0.5)")
    rank.add_argument("--set", dest="set_name", help="persona set, NAME or NAME@vN (default: the active set)")
    rank.add_argument("--json", action="store_true", help="the ranking object")


def cmd_predict(args: argparse.Namespace, settings: Settings) -> int:
    from usecases.predict import predict

    report = predict(store_of(settings), args.title, name_list(args.topics), args.set_name)
    if args.json:
        print(json.dumps(report.to_json(), ensure_ascii=False, indent=2))
        return 0
    topics = f" [{', '.join(report.topics)}]" if report.topics else ""
    print(f"{report.title}{topics}: predicted interest by persona of {report.set_ref}")
    for p in report.predictions:
        print(f"  {p.persona_id} {p.name}: {p.interest:.0%} of the interest, {p.relative:.2f}x average  {p.why}")
    return 0


def cmd_rank(args: argparse.Namespace, settings: Settings) -> int:
    from usecases.rank import rank

    found = rank(store_of(settings), args.interactions, args.candidates, args.content_col, args.count_col,
                 args.id_col, args.set_name, args.blend)
    if args.json:
        print(json.dumps(found.to_json(), ensure_ascii=False, indent=2))
        return 0
    print(found.why)
    for item in found.items:
        print(f"  {item.rank:>3}. {item.title}  ({item.why})")
    return 0


COMMANDS = {"predict": cmd_predict, "rank": cmd_rank}

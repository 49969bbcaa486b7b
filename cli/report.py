"""`personas report`: the set as a document to share (HTML, or PDF printed from the same HTML)."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING, Any

from personas.sets import parse_set_ref

from .common import store_of

if TYPE_CHECKING:
    from usecases.settings import Settings


def add_parsers(sub: Any) -> None:
    rep = sub.add_parser("report", help="a shareable report of a persona set (HTML or PDF)")
    rep.add_argument("--set", dest="set_name", help="persona set, NAME or NAME@vN (default: the active set)")
    rep.add_argument("--format", choices=("html", "pdf"), default="html")
    rep.add_argument("--out", type=Path, help="file to write (default: personas-NAME-vN.html|pdf here)")


def cmd_report(args: argparse.Namespace, settings: Settings) -> int:
    from usecases.report import check_out, default_name, report_bytes, write_atomic

    out = check_out(args.out, args.format)  # before the store is opened: a bad path costs nothing
    name, version = parse_set_ref(args.set_name)
    pset = store_of(settings).load(name, version)
    data = report_bytes(pset, args.format)
    out = out or default_name(pset, args.format)
    write_atomic(out, data)
    print(f"wrote the {args.format.upper()} report of {pset.ref} ({len(pset.personas)} personas) to {out}")
    return 0


COMMANDS = {"report": cmd_report}

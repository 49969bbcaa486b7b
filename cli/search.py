"""`personas retrieve` (the facts of a persona that answer a question) and `personas search` (personas by a
description in plain words)."""

from __future__ import annotations

import argparse
import json
import sys
from typing import TYPE_CHECKING, Any

from .common import store_of

if TYPE_CHECKING:
    from usecases.settings import Settings


def add_parsers(sub: Any) -> None:
    ret = sub.add_parser("retrieve", help="the facts of a persona that answer a question (what the chat grounds on)")
    ret.add_argument("persona_id")
    ret.add_argument("question")
    ret.add_argument("-k", type=int, default=5, help="facts per persona (default: 5)")
    ret.add_argument("--mode", choices=("hybrid", "vector", "lexical"), default="hybrid")
    ret.add_argument("--json", action="store_true", help="a JSON array, best first")

    search = sub.add_parser("search", help="find personas by a description in plain words")
    search.add_argument("query", help='what you look for, e.g. "women over 45 in Germany who watch cooking"')
    search.add_argument("-k", type=int, default=5, help="at most this many personas (default: 5)")
    search.add_argument("--set", dest="set_name", help="persona set, NAME or NAME@vN (default: the active set)")
    search.add_argument("--json", action="store_true", help="a JSON array, best first")


def cmd_retrieve(args: argparse.Namespace, settings: Settings) -> int:
    from personas.errors import InputError
    from usecases.search import retrieve

    if args.k < 1:  # before the store is opened
        raise InputError(f"-k must be at least 1, not {args.k}")
    results = retrieve(store_of(settings), args.persona_id, args.question, args.k, args.mode)
    if args.json:
        rows = [{"fact_id": r.id, "persona_id": r.persona_id, "score": round(r.score, 4), "text": r.text,
                 "fact_type": r.fact.fact_type} for r in results]
        print(json.dumps(rows, ensure_ascii=False, indent=2))
        return 0
    for r in results:
        print(f"{r.score:5.2f}  [{r.id}]  {r.text}")
    return 0


def cmd_search(args: argparse.Namespace, settings: Settings) -> int:
    from personas.sets import parse_set_ref
    from usecases.search import search

    parse_set_ref(args.set_name)  # a bad reference fails before the store is opened
    result = search(store_of(settings), args.query, k=args.k, set_ref=args.set_name)
    if result.truncated:
        print(f"personas: note: the query is longer than {len(result.query)} characters; searched its first "
              f"{len(result.query)}", file=sys.stderr)
    if args.json:
        print(json.dumps(result.to_json(), ensure_ascii=False, indent=2))
        if result.message:
            print(f"personas: {result.message}", file=sys.stderr)
        return 0
    if not result.hits:
        print(result.message)
        return 0
    print(f"{'#':>2}  {'persona':<18} {'name':<24} {'score':>5}  why")
    for i, hit in enumerate(result.hits, start=1):
        print(f"{i:>2}  {hit.persona_id:<18} {hit.name:<24} {hit.score:5.2f}  {'; '.join(hit.why)}")
    if result.message:
        print(f"personas: {result.message}", file=sys.stderr)
    return 0


COMMANDS = {"retrieve": cmd_retrieve, "search": cmd_search}

"""The `personas` command line: generate, list, show, export and delete persona sets."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from .cli_dynamic import add_dynamic_parsers, add_window_args, cmd_detect, cmd_drift, cmd_update
from .errors import InputError, PersonaError
from .sets import parse_set_ref
from .settings import Settings


def _progress_factory(enabled: bool):  # type: ignore[no-untyped-def]
    """Progress bars on stderr: factory(label, total or None) -> tick(n=1)."""

    def factory(label: str, total: int | None) -> Callable[..., None]:
        if not enabled:
            return lambda n=1: None
        from tqdm import tqdm

        bar = tqdm(total=total, desc=label, file=sys.stderr, leave=False, dynamic_ncols=True)

        def tick(n: int = 1) -> None:
            bar.update(n)
            if bar.total is not None and bar.n >= bar.total:
                bar.close()

        return tick

    return factory


def _csv_list(text: str | None) -> tuple[str, ...]:
    return tuple(c.strip() for c in (text or "").split(",") if c.strip())


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="personas", description="Data-driven personas from audience analytics.")
    parser.add_argument("--home", type=Path, help="data home (default: $PERSONAS_HOME or ~/.personas)")
    sub = parser.add_subparsers(dest="command", required=True)

    gen = sub.add_parser("generate", help="make a persona set from data (it becomes the active set)")
    src = gen.add_mutually_exclusive_group(required=True)
    src.add_argument("--demo", action="store_true", help="the built-in synthetic channel-analytics dataset")
    src.add_argument("--dataset", help="a built-in real dataset: movielens-100k")
    src.add_argument("--interactions", type=Path, help="CSV/Parquet of interactions (aggregated or event-level)")
    gen.add_argument("--users", type=Path, help="users table (event-level data): user id + group columns")
    gen.add_argument("--content", type=Path, help="content metadata: id, title, topics, date")
    gen.add_argument("--comments", type=Path, help="comments: content id, text, optional group columns")
    gen.add_argument("--group-by", help="demographic group columns, comma-separated (e.g. age,gender,country)")
    gen.add_argument("--content-col", help="content id column of the interactions")
    gen.add_argument("--count-col", help="primary count column (omit for event rows that count once each)")
    gen.add_argument("--extra-counts", help="more count columns, comma-separated (likes,watch_minutes)")
    gen.add_argument("--user-col", default="user_id", help="user id column (event-level data)")
    gen.add_argument("--content-id-col", help="id column of the content file (default: --content-col)")
    gen.add_argument("--title-col", help="title column of the content file (default: title)")
    gen.add_argument("--topics-col", help="topics column of the content file (default: topics)")
    gen.add_argument("--topic-sep", default="|", help="separator of multiple topics (default: |)")
    gen.add_argument("--date-col", help="date column of the content file (default: date or published); with "
                     "--window/--since/--until/--half-life and no --event-date-col, also the interactions' dates")
    gen.add_argument("--event-date-col", help="date column of the interactions (monthly trend)")
    gen.add_argument("--comment-content-col", help="content id column of the comments (default: --content-col)")
    gen.add_argument("--comment-text-col", default="text", help="text column of the comments (default: text)")
    gen.add_argument("--bins", action="append", default=[], help="bin numeric columns: age=18,25,35,45,50,56")
    gen.add_argument("--gender-col", help="group column holding gender (default: detected by name)")
    gen.add_argument("--age-col", help="group column holding age or age bracket (default: detected)")
    gen.add_argument("--country-col", help="group column holding country (default: detected)")
    gen.add_argument("-k", default=None, help="number of personas, or 'auto' (default: 10)")
    gen.add_argument("--seed", type=int, default=None, help="random seed (default: 0)")
    gen.add_argument("--name", help="persona set name (default: from the data)")
    gen.add_argument("--no-progress", action="store_true", help="no progress bars")
    add_window_args(gen)  # --window, --since, --until, --half-life (personas/cli_dynamic.py)

    lst = sub.add_parser("list", help="personas of the active set (or --set), or all sets with --sets")
    lst.add_argument("--set", dest="set_name", help="persona set, NAME or NAME@vN (default: the active set)")
    lst.add_argument("--sets", action="store_true", help="list persona sets instead")

    show = sub.add_parser("show", help="one persona's profile")
    show.add_argument("persona_id")
    show.add_argument("--json", action="store_true", help="the export form as JSON")

    exp = sub.add_parser("export", help="export a persona set")
    exp.add_argument("--format", choices=("json", "csv", "md"), default="json")
    exp.add_argument("--set", dest="set_name", help="persona set, NAME or NAME@vN (default: the active set)")
    exp.add_argument("--version", type=int, help="set version (default: latest)")
    exp.add_argument("--out", type=Path, help="write to this file instead of standard output")

    dele = sub.add_parser("delete-set", help="delete a persona set (all its versions)")
    dele.add_argument("name")

    demo = sub.add_parser("demo-data", help="write the demo dataset as CSV files (to see the input format)")
    demo.add_argument("--out", type=Path, required=True)
    demo.add_argument("--drift", action="store_true", help="the months-long demo with a planted drift instead")

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
    add_dynamic_parsers(sub)  # detect, drift, update (personas/cli_dynamic.py)
    from chat.commands import add_parser as add_chat_parser  # the CLI composes every layer

    add_chat_parser(sub)
    from eval.commands import add_parser as add_eval_parser

    add_eval_parser(sub)
    return parser


def _store(settings: Settings):  # type: ignore[no-untyped-def]
    # The CLI composes: persona sets live in the retrieval store (Chroma), the system of record.
    from retrieval.factory import open_store

    return open_store(settings)


def _settings(args: argparse.Namespace) -> Settings:
    return Settings(home=args.home) if args.home else Settings()


def cmd_generate(args: argparse.Namespace, settings: Settings) -> int:
    from . import datasets
    from .data import InputSpec, load, parse_bins
    from .pipeline import GenerateOptions, generate
    from .report import print_generated
    from .sets import check_set_name

    if args.demo:
        spec = datasets.demo_spec()
        default_name = "demo"
    elif args.dataset:
        spec = datasets.dataset_spec(args.dataset)
        default_name = args.dataset
    else:
        missing = [o for o, v in (("--group-by", args.group_by), ("--content-col", args.content_col)) if not v]
        if missing:
            raise InputError(f"--interactions needs {' and '.join(missing)}; see `personas generate --help`")
        bins: dict[str, tuple[float, ...]] = {}
        for b in args.bins:
            bins.update(parse_bins(b))
        spec = InputSpec(
            interactions=args.interactions, group_by=_csv_list(args.group_by), content_col=args.content_col,
            count_col=args.count_col, extra_count_cols=_csv_list(args.extra_counts), users=args.users,
            user_col=args.user_col, content=args.content, content_id_col=args.content_id_col,
            title_col=args.title_col, topics_col=args.topics_col, topic_sep=args.topic_sep, date_col=args.date_col,
            comments=args.comments, comment_content_col=args.comment_content_col,
            comment_text_col=args.comment_text_col, event_date_col=args.event_date_col, bins=bins,
            source=f"files: {args.interactions.name}",
        )
        default_name = "".join(ch if ch.isalnum() or ch in "._-" else "-" for ch in args.interactions.stem)[:64]
    name = check_set_name(args.name or default_name)
    k: int | None
    if args.k is None:
        k = settings.k
    elif str(args.k).lower() == "auto":
        k = None
    else:
        try:
            k = int(args.k)
        except ValueError:
            raise InputError(f"-k must be a whole number or 'auto', not {args.k!r}") from None
    seed = settings.seed if args.seed is None else args.seed
    progress = _progress_factory(not args.no_progress and sys.stderr.isatty())
    if any(getattr(args, o, None) for o in ("window", "since", "until", "half_life")):
        from .cli_dynamic import generate_dynamic

        return generate_dynamic(args, settings, spec, name, k, seed, progress)
    data = load(spec)
    store = _store(settings)
    opts = GenerateOptions(
        name=name, version=store.next_version(name), k=k, seed=seed,
        roles={"gender": args.gender_col, "age": args.age_col, "country": args.country_col}
        if not (args.demo or args.dataset) else None,
    )
    pset = generate(data, settings, opts, progress)
    pset = store.save(pset, progress=progress("indexing facts", None))  # renumbered if a concurrent build won
    print_generated(pset)
    return 0


def cmd_list(args: argparse.Namespace, settings: Settings) -> int:
    from .report import print_persona_table, print_sets
    store = _store(settings)
    if args.sets:
        print_sets(store.list_sets())
        return 0
    print_persona_table(store.load(*parse_set_ref(args.set_name)))
    return 0


def cmd_show(args: argparse.Namespace, settings: Settings) -> int:
    import json

    from .report import persona_markdown

    persona = _store(settings).find_persona(args.persona_id)
    if args.json:
        print(json.dumps(persona.to_export(), ensure_ascii=False, indent=2))
    else:
        print(persona_markdown(persona, with_avatar=False))
    return 0


def cmd_export(args: argparse.Namespace, settings: Settings) -> int:
    from .report import export_text

    name, version = parse_set_ref(args.set_name)
    pset = _store(settings).load(name, args.version or version)
    text = export_text(pset, args.format)
    if args.out:
        args.out.write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)
    return 0


def cmd_delete(args: argparse.Namespace, settings: Settings) -> int:
    n = _store(settings).delete_set(args.name)
    print(f"deleted persona set {args.name} ({n} version{'s' if n != 1 else ''})")
    return 0


def cmd_demo_data(args: argparse.Namespace, settings: Settings) -> int:
    from .demo import make_demo, write_demo

    if getattr(args, "drift", False):
        from .cli_dynamic import cmd_demo_drift_data

        return cmd_demo_drift_data(args, settings)
    paths = write_demo(make_demo(), args.out)
    for name, path in paths.items():
        print(f"{name}: {path}")
    return 0


def cmd_retrieve(args: argparse.Namespace, settings: Settings) -> int:
    import json

    from retrieval.retriever import HybridRetriever

    if args.k < 1:
        raise InputError(f"-k must be at least 1, not {args.k}")
    results = HybridRetriever(_store(settings), mode=args.mode).retrieve(args.persona_id, args.question, args.k)
    if args.json:
        rows = [{"fact_id": r.id, "persona_id": r.persona_id, "score": round(r.score, 4), "text": r.text,
                 "fact_type": r.fact.fact_type} for r in results]
        print(json.dumps(rows, ensure_ascii=False, indent=2))
        return 0
    for r in results:
        print(f"{r.score:5.2f}  [{r.id}]  {r.text}")
    return 0


def cmd_search(args: argparse.Namespace, settings: Settings) -> int:
    import json

    from retrieval.search import search_personas

    name, version = parse_set_ref(args.set_name)
    result = search_personas(_store(settings), args.query, k=args.k, set_name=name, version=version)
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


def cmd_chat(args: argparse.Namespace, settings: Settings) -> int:
    from chat.commands import cmd_chat as run_chat

    return run_chat(args, settings, _store(settings))


def cmd_eval(args: argparse.Namespace, settings: Settings) -> int:
    from eval.commands import cmd_eval as run_eval

    return run_eval(args, settings, lambda: _store(settings), _progress_factory)


COMMANDS = {
    "eval": cmd_eval,
    "chat": cmd_chat,
    "generate": cmd_generate,
    "list": cmd_list,
    "show": cmd_show,
    "export": cmd_export,
    "delete-set": cmd_delete,
    "demo-data": cmd_demo_data,
    "search": cmd_search,
    "retrieve": cmd_retrieve,
    "detect": cmd_detect,
    "drift": cmd_drift,
    "update": cmd_update,
}


def main(argv: Sequence[str] | None = None) -> int:
    from pydantic import ValidationError

    args = build_parser().parse_args(argv)
    try:
        settings = _settings(args)
        return COMMANDS[args.command](args, settings)
    except ValidationError as exc:
        from personas.settings import invalid_setting

        print(f"personas: error: {invalid_setting(exc)}", file=sys.stderr)
        return 2
    except PersonaError as exc:
        print(f"personas: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("personas: interrupted; nothing was written", file=sys.stderr)
        return 130
    except BrokenPipeError:  # output piped into `head`: not an error
        sys.stderr.close()
        return 0


if __name__ == "__main__":
    sys.exit(main())

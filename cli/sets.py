"""`personas generate`, `list`, `show`, `export`, `delete-set` and `demo-data`: making persona sets and
reading them back."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from personas.errors import InputError
from personas.sets import parse_set_ref
from usecases.inputs import name_list, parse_k, set_name_for
from usecases.progress import stderr_progress

from .common import check_out_file, check_out_folder, file_spec, input_path, roles_of, store_of
from .dynamic import add_window_args, generate_windows
from .surveys import SURVEY_DATASETS, add_survey_args, generate_survey
from .dynamic import cmd_demo_drift_data as _demo_drift_data

if TYPE_CHECKING:
    from usecases.settings import Settings

_WINDOW_OPTIONS = ("window", "since", "until", "half_life")


def add_parsers(sub: Any) -> None:
    gen = sub.add_parser("generate", help="make a persona set from data (it becomes the active set)")
    src = gen.add_mutually_exclusive_group(required=True)
    src.add_argument("--demo", action="store_true", help="the built-in synthetic channel-analytics dataset")
    src.add_argument("--dataset", help="a built-in real dataset: movielens-100k, or the surveys gss-2018, ess9-gb")
    src.add_argument("--survey", type=Path, help="survey responses (CSV/Parquet): one row per respondent; "
                     "with --items, --demographics, optional --codebook (docs/surveys.md)")
    src.add_argument("--interactions", type=input_path, help="CSV/Parquet of interactions (aggregated or event-level): "
                     "a file, a folder or a glob of files ('events/*.parquet'); with --engine spark also a URI")
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
    add_survey_args(gen)  # --codebook, --items, --demographics, --method, --weight-col, --text-col
    gen.add_argument("--engine", choices=("auto", "pandas", "duckdb", "spark"), help="what aggregates the data: "
                     "pandas (in memory), duckdb (out of core), spark (a cluster); default auto, by input size")
    gen.add_argument("--memory-limit", help="the duckdb engine's memory limit, such as 4GB (default: half the RAM)")
    gen.add_argument("--spark-master", help="the spark engine's master: local[2] (default), spark://host:7077, yarn")
    add_window_args(gen)  # --window, --since, --until, --half-life (cli/dynamic.py)

    lst = sub.add_parser("list", help="personas of the active set (or --set), or all sets with --sets")
    lst.add_argument("--set", dest="set_name", help="persona set, NAME or NAME@vN (default: the active set)")
    lst.add_argument("--sets", action="store_true", help="list persona sets instead")

    show = sub.add_parser("show", help="one persona's profile")
    show.add_argument("persona_id")
    show.add_argument("--json", action="store_true", help="the export form as JSON")

    exp = sub.add_parser("export", help="export a persona set")
    exp.add_argument("--format", choices=("json", "csv", "md", "xlsx"), default="json",
                     help="json, csv, md, or xlsx (a workbook: personas and a sheet per list; needs --out or "
                     "writes personas-NAME-vN.xlsx here)")
    exp.add_argument("--set", dest="set_name", help="persona set, NAME or NAME@vN (default: the active set)")
    exp.add_argument("--version", type=int, help="set version (default: latest)")
    exp.add_argument("--out", type=Path, help="write to this file instead of standard output")

    dele = sub.add_parser("delete-set", help="delete a persona set (all its versions)")
    dele.add_argument("name")

    demo = sub.add_parser("demo-data", help="write the demo dataset as CSV files (to see the input format)")
    demo.add_argument("--out", type=Path, required=True)
    demo.add_argument("--drift", action="store_true", help="the months-long demo with a planted drift instead")


def cmd_generate(args: argparse.Namespace, settings: Settings) -> int:
    from personas.report import print_generated
    from personas.sets import check_set_name
    from usecases.generate import SetRequest, generate_set, source_spec

    if args.survey or args.dataset in SURVEY_DATASETS:
        return generate_survey(args, settings)
    builtin = bool(args.demo or args.dataset)
    chosen = {k: v for k, v in (("engine", args.engine), ("memory_limit", args.memory_limit),
                                ("spark_master", args.spark_master)) if v}
    if chosen:  # the flags override the settings' generation section for this run
        settings = settings.model_copy(update={"generation": settings.generation.model_copy(update=chosen)})
    if builtin:
        spec, default_name = source_spec(args.demo, args.dataset)
    else:
        missing = [o for o, v in (("--group-by", args.group_by), ("--content-col", args.content_col)) if not v]
        if missing:
            raise InputError(f"--interactions needs {' and '.join(missing)}; see `personas generate --help`")
        spec = file_spec(args, args.interactions, name_list(args.group_by), f"files: {Path(str(args.interactions)).name}")
        default_name = set_name_for(args.interactions, fallback="set")
    name = check_set_name(args.name or default_name)
    request = SetRequest(
        name=name, k=parse_k(args.k, settings.generation.k), seed=settings.generation.seed if args.seed is None
        else args.seed, roles=None if builtin else roles_of(args),
    )
    progress = stderr_progress(not args.no_progress)
    if any(getattr(args, o, None) for o in _WINDOW_OPTIONS):
        return generate_windows(args, settings, spec, request, progress)
    pset = generate_set(spec, request, settings.generation, lambda: store_of(settings), progress)
    print_generated(pset)
    return 0


def cmd_list(args: argparse.Namespace, settings: Settings) -> int:
    from personas.report import print_persona_table, print_sets

    store = store_of(settings)
    if args.sets:
        print_sets(store.list_sets())
        return 0
    print_persona_table(store.load(*parse_set_ref(args.set_name)))
    return 0


def cmd_show(args: argparse.Namespace, settings: Settings) -> int:
    import json

    from personas.report import persona_markdown

    persona = store_of(settings).find_persona(args.persona_id)
    if args.json:
        print(json.dumps(persona.to_export(), ensure_ascii=False, indent=2))
    else:
        print(persona_markdown(persona, with_avatar=False))
    return 0


def cmd_export(args: argparse.Namespace, settings: Settings) -> int:
    from personas.report import export_text

    check_out_file(args.out)
    name, version = parse_set_ref(args.set_name)
    if args.format == "xlsx":
        return _export_xlsx(args, settings, name, args.version or version)
    pset = store_of(settings).load(name, args.version or version)
    text = export_text(pset, args.format)
    if args.out:
        args.out.write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)
    return 0


def _export_xlsx(args: argparse.Namespace, settings: Settings, name: str | None, version: int | None) -> int:
    from usecases.report import check_out, default_name, write_atomic, xlsx_bytes

    out = check_out(args.out, "xlsx")
    pset = store_of(settings).load(name, version)
    out = out or default_name(pset, "xlsx")
    write_atomic(out, xlsx_bytes(pset))
    print(f"wrote {pset.ref} ({len(pset.personas)} personas) to {out}")
    return 0


def cmd_delete(args: argparse.Namespace, settings: Settings) -> int:
    n = store_of(settings).delete_set(args.name)
    print(f"deleted persona set {args.name} ({n} version{'s' if n != 1 else ''})")
    return 0


def cmd_demo_data(args: argparse.Namespace, settings: Settings) -> int:
    from personas.demo import make_demo, write_demo

    check_out_folder(args.out)
    if getattr(args, "drift", False):
        return _demo_drift_data(args, settings)
    paths = write_demo(make_demo(), args.out)
    for name, path in paths.items():
        print(f"{name}: {path}")
    return 0


COMMANDS = {
    "generate": cmd_generate,
    "list": cmd_list,
    "show": cmd_show,
    "export": cmd_export,
    "delete-set": cmd_delete,
    "demo-data": cmd_demo_data,
}

"""`personas eval run` (a question set through the chat, into a report) and `personas eval check` (one answer
against its contexts). Imports stay inside the commands so that building the parser costs nothing."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from chat.responders.factory import RESPONDERS
from personas.errors import InputError
from usecases.progress import stderr_progress

from .common import check_out_folder, store_of

if TYPE_CHECKING:
    from usecases.settings import Settings


def add_parsers(sub: Any) -> None:
    ev = sub.add_parser("eval", help="evaluate the persona chat: a question set into a report, or check one answer")
    evsub = ev.add_subparsers(dest="eval_command", required=True)

    run = evsub.add_parser("run", help="ask a question set, score faithfulness, correctness, refusals, retrieval")
    run.add_argument("--set", dest="set_name", help="persona set to question (default: the active set)")
    run.add_argument("--responder", choices=RESPONDERS,
                     help="who writes the answers (default: $PERSONAS_RESPONDER or grounded)")
    run.add_argument("--questions", type=Path, help="a JSONL or YAML question file instead of the generated set")
    run.add_argument("--limit", type=int, help="ask only the first N questions (the generated set covers every "
                     "kind first)")
    run.add_argument("--out", type=Path, help="report folder (default: HOME/eval/<set>-<timestamp>)")
    run.add_argument("--seed", type=int, default=0, help="seed of the generated wordings (default: 0)")
    run.add_argument("--json", action="store_true", help="print the summary as JSON")
    run.add_argument("--no-progress", action="store_true", help="no progress bar")

    chk = evsub.add_parser("check", help="check one answer against its contexts (the faithfulness checker)")
    chk.add_argument("--contexts", type=Path, required=True, help="a JSON file: an array of context strings")
    chk.add_argument("--answer", required=True, help="the answer to check ('-' reads it from standard input)")
    chk.add_argument("--stats", type=Path, help="optional JSON object of statistics (a persona's export form)")
    chk.add_argument("--json", action="store_true", help="print the checker's result as JSON")


def cmd_eval(args: argparse.Namespace, settings: Settings) -> int:
    if args.eval_command == "check":
        return cmd_check(args)
    return cmd_run(args, settings)


def cmd_run(args: argparse.Namespace, settings: Settings) -> int:
    from eval.question_file import check_personas, load_question_file
    from usecases.evaluate import evaluate

    if args.limit is not None and args.limit < 1:
        raise InputError(f"--limit must be at least 1, not {args.limit}")
    check_out_folder(args.out)
    questions = load_question_file(args.questions) if args.questions else None  # bad file: fail before the store
    store = store_of(settings)
    if questions is not None:
        check_personas(questions, store)
    label = args.set_name or (args.questions.stem if args.questions else None)
    run, paths = evaluate(settings, store, set_name=args.set_name, responder=args.responder, questions=questions,
                          limit=args.limit, progress=stderr_progress(not args.no_progress), label=label,
                          seed=args.seed, out=args.out)
    if args.json:
        out = run.to_json(with_results=False)
        out["files"] = {"json": str(paths.json), "html": str(paths.html), "ragas": str(paths.ragas)}
        print(json.dumps(out, ensure_ascii=False, indent=2))
        return 0
    _print_summary(run)
    print(f"\nreport: {paths.html}\n        {paths.json}\nRAGAS-style dataset: {paths.ragas}")
    return 0


def _pct(v: float | None) -> str:
    return "   -" if v is None else f"{v:4.2f}"


def _print_summary(run: Any) -> None:
    s = run.summary
    where = f"{run.set_name}@v{run.set_version}" if run.set_name else run.label
    print(f"{len(run.results)} questions to {where}, responder {run.responder}, gate {run.gate_policy}, "
          f"{run.duration_s:.1f} s")
    print(f"relevance {_pct(s.relevance)} of {s.n_relevance}, "
          f"faithfulness {_pct(s.faithfulness)} (faithful answers {_pct(s.faithful_share)}), correct "
          f"{_pct(s.correctness)} of {s.n_gold}, refusal accuracy {_pct(s.refusal_accuracy)} of {s.n_out_of_data}, "
          f"recall@{run.k} {_pct(s.recall_at_k)}, MRR {_pct(s.mrr)}, latency p50/p95 "
          f"{s.latency_p50_ms or 0:.0f}/{s.latency_p95_ms or 0:.0f} ms")
    if s.errors:
        print(f"{s.errors} answer(s) failed; see the report")
    print(f"\n{'kind':<16} {'n':>4} {'relev':>6} {'faithf':>6} {'correct':>7} {'refusal':>7} {'R@k':>5} {'MRR':>5}")
    for kind, k in run.by_kind.items():
        print(f"{kind:<16} {k.n:>4} {_pct(k.relevance):>6} {_pct(k.faithfulness):>6} {_pct(k.correctness):>7} "
              f"{_pct(k.refusal_accuracy):>7} "
              f"{_pct(k.recall_at_k):>5} {_pct(k.mrr):>5}")
    for note in run.notes:
        print(f"note: {note}")


def cmd_check(args: argparse.Namespace) -> int:
    contexts = _read_contexts(args.contexts)
    answer = sys.stdin.read() if args.answer == "-" else args.answer
    if not answer.strip():
        raise InputError("the answer is empty; pass the text to check with --answer")
    stats = _read_stats(args.stats) if args.stats else None
    from checker import check

    result = check(answer, contexts, stats)
    if args.json:
        print(json.dumps(result.to_json(), ensure_ascii=False, indent=2))
        return 0
    verdict = "faithful" if result.faithful else "NOT faithful"
    print(f"score {result.score:.2f}: {verdict} ({len(result.claims)} claim{'s' if len(result.claims) != 1 else ''})")
    for c in result.claims:
        reason = f"  ({c.reason})" if getattr(c, "reason", "") else ""
        print(f"  {c.label:<12} {c.text}{reason}")
    return 0


def _read_json(path: Path, what: str) -> Any:
    if not path.is_file():
        raise InputError(f"{what} file {path} does not exist")
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except UnicodeDecodeError:
        raise InputError(f"{what} file {path.name} is not UTF-8 text") from None
    except json.JSONDecodeError as exc:
        raise InputError(f"{what} file {path.name}: line {exc.lineno}: not valid JSON ({exc.msg})") from None


def _read_contexts(path: Path) -> list[str]:
    data = _read_json(path, "contexts")
    if not isinstance(data, list) or not all(isinstance(c, str) for c in data):
        raise InputError(f"contexts file {path.name} must hold a JSON array of strings, e.g. "
                         '["Cooking is 34% of my views."]')
    contexts = [c for c in data if c.strip()]
    if not contexts:
        raise InputError(f"contexts file {path.name} holds no context text; an answer needs something to be "
                         "checked against")
    return contexts


def _read_stats(path: Path) -> dict[str, Any]:
    data = _read_json(path, "stats")
    if not isinstance(data, dict):
        raise InputError(f"stats file {path.name} must hold a JSON object (e.g. `personas show ID --json`)")
    return data


COMMANDS = {"eval": cmd_eval}

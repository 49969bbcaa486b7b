"""`personas chat`: one question (--json for the answer object), or an interactive conversation."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from chat.answer import Answer
from chat.responders.factory import RESPONDERS
from personas.errors import PersonaError

from .common import store_of

if TYPE_CHECKING:
    from usecases.settings import Settings


def add_parsers(sub: Any) -> None:
    chat = sub.add_parser("chat", help="talk to a persona: answers grounded in its data, cited and checked")
    chat.add_argument("persona_id", help="a persona id from `personas list` (e.g. demo-v1-03)")
    chat.add_argument("question", nargs="?", help="one question; without it, an interactive conversation")
    chat.add_argument("--responder", choices=RESPONDERS,
                      help="who writes the answers (default: $PERSONAS_RESPONDER or grounded)")
    chat.add_argument("--policy", choices=("annotate", "fallback", "strict"),
                      help="faithfulness gate policy (default: $PERSONAS_GATE_POLICY or annotate)")
    chat.add_argument("--json", action="store_true", help="print the answer object as JSON")
    chat.add_argument("--transcript", type=Path, help="also save the conversation, with each answer's citations and "
                      "faithfulness verdict, to FILE.md, FILE.html or FILE.pdf (written when it ends)")


def cmd_chat(args: argparse.Namespace, settings: Settings) -> int:
    from usecases.chat import open_chat
    from usecases.transcript import check_transcript_path

    if args.transcript is not None:
        check_transcript_path(args.transcript)  # before anything is opened or asked
    store = store_of(settings)
    service = open_chat(settings, store)
    session = service.new_session(args.persona_id)
    # A responder that cannot be built (no model named, package missing) is a setting to fix: one line and exit
    # status 2 here, before any question; an endpoint that fails later is reported in the answer's error.
    service.responder(args.responder or settings.chat.responder)
    record: list[dict[str, Any]] = []  # every answer, for the transcript
    if args.question is not None:
        if args.json:
            answer = service.ask(session, args.question, args.responder, args.policy)
            record.append(answer.to_json())
            print(json.dumps(answer.to_json(), ensure_ascii=False, indent=2))
        else:
            record.append(_print_turn(service, session, args.question, args).to_json())
        return _save_transcript(args, store, record)
    persona = store.find_persona(args.persona_id)
    print(f"Talking to {persona.name} ({persona.group_label}). /new starts over, /quit or Ctrl-D ends.")
    while True:
        try:
            question = input("you> ").strip()
        except EOFError:
            print()
            return _save_transcript(args, store, record)
        if question in ("/quit", "/exit"):
            return _save_transcript(args, store, record)
        if question == "/new":
            session.reset()
            print("(new conversation)")
            continue
        if not question:
            continue
        try:
            record.append(_print_turn(service, session, question, args).to_json())
        except PersonaError as exc:  # a bad question ends the turn, not the conversation
            print(f"personas: error: {exc}", file=sys.stderr)


def _save_transcript(args: argparse.Namespace, store: Any, record: list[dict[str, Any]]) -> int:
    if args.transcript is None:
        return 0
    from usecases.transcript import transcript_of, write_transcript

    write_transcript(args.transcript, transcript_of(store, args.persona_id, record))
    print(f"saved the transcript ({len(record)} answer{'s' if len(record) != 1 else ''}) to {args.transcript}",
          file=sys.stderr)
    return 0


def _print_turn(service: Any, session: Any, question: str, args: argparse.Namespace) -> Answer:
    final: Answer | None = None
    streamed = []
    for item in service.stream(session, question, args.responder, args.policy):
        if isinstance(item, Answer):
            final = item
        else:
            streamed.append(item)
            print(item, end="", flush=True)
    assert final is not None
    if final.answer != "".join(streamed).strip():  # the gate changed it: show what counts
        print(("\n" if streamed else "") + "-> " + final.answer, end="")
    print()
    for c in final.citations:
        print(f"  [{c.marker}] {c.text}")
    f = final.faithfulness
    if f is not None:
        bad = [c for c in f.claims if c.label != "supported"]
        print(f"  faithfulness {f.score:.2f} ({'faithful' if f.faithful else 'NOT faithful'}); gate: {final.gate.action}"
              if final.gate else "")
        for c in bad:
            print(f"  ! {c.label}: {c.text}")
    if final.gate is not None and final.gate.note and final.gate.action != "passed":
        print(f"  note: {final.gate.note}")
    if final.style is not None:
        print(f"  styled: showing the {final.style.shown} answer: {final.style.reason}")
    if final.error:
        print(f"  error: {final.error}", file=sys.stderr)
    return final


COMMANDS = {"chat": cmd_chat}

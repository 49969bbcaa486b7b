"""The styled responder: the grounded answer, rewritten by a local LLM in a natural first-person voice, shown
only when every claim survived the rewrite.

    request -> grounded answer (cited, faithful) -> LLM rewrite -> claims kept? + gate check -> shown answer

The grounded responder composes the answer as always. A language model (SmolLM2 through llama.cpp by default,
``PERSONAS_STYLE_BACKEND``) is asked to say the same thing in a warmer voice, keeping the ``[n]`` citations.
The rewrite is kept only if (1) every number, quoted title and name of the grounded answer is still in it,
written the same way, (2) it cites the same facts (every ``[n]`` of the grounded answer, none other) and
(3) the faithfulness gate finds it faithful to the same facts. Otherwise the grounded answer stands, and
:class:`Styled` says which one was shown and why; the chain copies that into the answer object.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from langchain_core.messages import BaseMessage, HumanMessage, SystemMessage

from vocabulary import human_claim

from .base import ResponderError, ResponderRequest
from .grounded import GroundedResponder

Shown = Literal["rewrite", "grounded"]
Rewriter = Callable[[str, ResponderRequest], str]  # (grounded answer, request) -> rewritten text

_MARKER = re.compile(r"\[(\d{1,2})\]")
# 312,056 / 6.9% / 4.4x / 2025-05 / $300 / 19: digits with their separators, sign and unit as one token
_NUMBER = re.compile(r"\$?\d(?:[\d,.:\-]*\d)?(?:%|x\b)?")
_QUOTED = re.compile(r"\"([^\"]+)\"|“([^”]+)”")
_CAPITAL = re.compile(r"\b[A-Z][\w'&-]*(?:\s+[A-Z][\w'&-]*)*")
_SENTENCE_START = re.compile(r"(?:^|[.!?:]\s+|\]\s+)$")
# What a rewrite may not add: the persona claiming to be a real human (the shared table the checker reads too)
_ADDED_CLAIMS: tuple[tuple[str, Callable[[str], object]], ...] = (
    ("a claim to be a real person (added)", human_claim),
)

# Small models go on to write another "Rewritten answer:" or a second version after a blank line.
STOP = ("Rewritten answer", "\n\n")
REWRITE_SYSTEM = """You rewrite a persona's answer so that it sounds natural and warm, in the first person.
Rules: keep every number exactly as written, keep every name and every quoted title, keep each citation \
like [1] right after the sentence it belongs to, add no new facts, and keep it about as long."""


@dataclass(frozen=True)
class Styled:
    """What the styled responder produced: the text shown, which answer it is, and why."""

    text: str  # the shown answer, citation markers included
    shown: Shown
    reason: str  # why the rewrite was kept or dropped, in one line
    grounded: str  # the grounded answer (shown when the rewrite was dropped)
    rewrite: str = ""  # what the model wrote ('' when it failed)
    missing: tuple[str, ...] = ()  # numbers, names or citations of the grounded answer the rewrite lost
    timings: dict[str, float] = field(default_factory=dict)  # ms: compose, rewrite, check

    def to_json(self) -> dict[str, Any]:
        return {"shown": self.shown, "reason": self.reason, "rewrite": self.rewrite, "missing": list(self.missing),
                "timings": {k: round(v, 2) for k, v in self.timings.items()}}


def claim_tokens(text: str) -> list[str]:
    """The numbers, quoted titles and names of an answer (citation markers left out), in order, once each."""
    bare = _MARKER.sub(" ", text)
    found = [m.group(0) for m in _NUMBER.finditer(_QUOTED.sub(" ", bare))]
    found += [m.group(1) or m.group(2) for m in _QUOTED.finditer(bare)]
    unquoted = _QUOTED.sub(lambda m: " " * len(m.group(0)), bare)
    for m in _CAPITAL.finditer(unquoted):
        name = m.group(0)
        if _SENTENCE_START.search(unquoted[:m.start()]):  # "Then comes ...", "My group ...": not names
            words = name.split(maxsplit=1)
            if len(words) == 1:
                continue
            name = words[1]
        if name not in ("I", "I'm", "I've"):
            found.append(name)
    return list(dict.fromkeys(found))


def markers(text: str) -> set[int]:
    return {int(n) for n in _MARKER.findall(text)}


def lost(grounded: str, rewrite: str) -> tuple[str, ...]:
    """What of the grounded answer the rewrite does not carry (claim tokens, citations), or adds (citations,
    a claim to be a real person)."""
    out = [t for t in claim_tokens(grounded) if t not in rewrite]
    want, got = markers(grounded), markers(rewrite)
    out += [f"[{n}]" for n in sorted(want - got)]
    out += [f"[{n}] (not in the grounded answer)" for n in sorted(got - want)]
    out += [what for what, found in _ADDED_CLAIMS if found(rewrite) and not found(grounded)]
    return tuple(out)


def rewrite_messages(grounded: str, request: ResponderRequest) -> list[BaseMessage]:
    name = request.persona.name
    return [SystemMessage(REWRITE_SYSTEM),
            HumanMessage(f"You are {name}. Rewrite this answer to the question \"{request.question.strip()}\":\n\n"
                         f"{grounded}\n\nRewritten answer:")]


class StyledResponder:
    """Grounded content, an LLM's voice. ``rewriter`` writes the rewrite; ``check`` is the gate's checker
    (text, contexts, persona statistics) -> verdict with ``.faithful``."""

    name = "styled"

    def __init__(self, rewriter: Rewriter, check: Callable[[str, Sequence[str], dict[str, Any]], Any],
                 stats: Callable[[Any], dict[str, Any]]) -> None:
        self.rewriter = rewriter
        self.check = check
        self.stats = stats
        self.grounded = GroundedResponder()

    def stream(self, request: ResponderRequest) -> Iterator[str]:
        yield from re.findall(r"\S+\s*", self.style(request).text)

    def style(self, request: ResponderRequest) -> Styled:
        t0 = time.perf_counter()
        grounded = self.grounded.compose(request).strip()
        t1 = time.perf_counter()
        timings = {"compose": (t1 - t0) * 1000}
        try:
            rewrite = self.rewriter(grounded, request).strip()
        except ResponderError as exc:
            timings["rewrite"] = (time.perf_counter() - t1) * 1000
            return Styled(grounded, "grounded", f"the rewrite failed ({exc})", grounded, timings=timings)
        t2 = time.perf_counter()
        timings["rewrite"] = (t2 - t1) * 1000
        reason, missing = self._verdict(grounded, rewrite, request)
        timings["check"] = (time.perf_counter() - t2) * 1000
        if reason:
            return Styled(grounded, "grounded", reason, grounded, rewrite, missing, timings)
        return Styled(rewrite, "rewrite", "the rewrite kept every number, name and citation and passed the "
                      "faithfulness check", grounded, rewrite, (), timings)

    def _verdict(self, grounded: str, rewrite: str, request: ResponderRequest) -> tuple[str, tuple[str, ...]]:
        """'' when the rewrite may be shown, else why not, with what it lost."""
        if not rewrite:
            return "the rewrite was empty", ()
        missing = lost(grounded, rewrite)
        if missing:
            return f"the rewrite lost or added {', '.join(missing[:4])}{' ...' if len(missing) > 4 else ''}", missing
        result = self.check(rewrite, [f.text for f in request.facts], self.stats(request.persona))
        if not result.faithful:
            bad = [c for c in result.claims if c.label != "supported"]
            what = "; ".join(f"{c.label}: {c.text}" for c in bad[:2])
            return f"the faithfulness check failed the rewrite ({what})", ()
        return "", ()


def llm_rewriter(chat_model: Any, explain: Callable[[BaseException], str]) -> Rewriter:
    """A rewriter that asks a LangChain chat model; any failure becomes a ResponderError (``explain``)."""

    def rewrite(grounded: str, request: ResponderRequest) -> str:
        try:
            return str(chat_model.invoke(rewrite_messages(grounded, request), stop=list(STOP)).text)
        except Exception as exc:  # every client failure becomes one clear line
            raise ResponderError(explain(exc)) from exc

    return rewrite

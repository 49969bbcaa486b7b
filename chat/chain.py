"""One chat turn: retrieve the persona's facts (a LangChain retriever), let a responder write the answer
(streamed), map its [n] markers to facts, and pass it through the faithfulness gate.

    question -> follow-up resolution -> PersonaFactRetriever -> responder.stream -> citations -> gate -> Answer
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from langchain_core.documents import Document

from personas.errors import InputError
from personas.profile import Persona
from retrieval.documents import FactDoc
from retrieval.retriever import HybridRetriever, PersonaFactRetriever, RetrievedFact

from . import gate
from .answer import Answer, Citation, ContextFact, GateVerdict
from .followup import resolve
from .intents import Intent, plain, topic_named
from .kinds import route_types, spec
from .prediction import prediction_fact
from .responders.base import Responder, ResponderError, ResponderRequest, Turn
from .understanding import Understanding

_MARKER = re.compile(r"\[(\d{1,2})\]")


@dataclass(frozen=True)
class TurnOptions:
    responder: str
    policy: str
    k: int
    history_turns: int
    max_question_chars: int


def check_question(question: str | None, max_chars: int) -> str:
    q = (question or "").strip()
    if not q:
        raise InputError("the question is empty; ask the persona something")
    if len(q) > max_chars:
        raise InputError(f"the question is {len(q):,} characters long; keep it under {max_chars:,} characters")
    return q


def _from_doc(doc: Document) -> RetrievedFact:
    meta = {k: v for k, v in doc.metadata.items() if k not in ("fact_id", "score", "vector", "lexical")}
    fact = FactDoc(str(doc.metadata["fact_id"]), doc.page_content, str(meta.get("fact_type", "")), meta)
    return RetrievedFact(fact, str(meta.get("persona_id", "")), float(doc.metadata["score"]),
                         float(doc.metadata["vector"]), float(doc.metadata["lexical"]))


def _topic_of(f: RetrievedFact) -> str:
    """A topic fact's topic (a NUL, which no question contains, for a fact without one)."""
    return str(json.loads(str(f.fact.metadata.get("values_json", "{}"))).get("topic", "")) or "\0"


def citations(text: str, facts: Sequence[RetrievedFact]) -> list[Citation]:
    out: dict[int, Citation] = {}
    for m in _MARKER.finditer(text):
        n = int(m.group(1))
        if 1 <= n <= len(facts) and n not in out:
            out[n] = Citation(facts[n - 1].id, facts[n - 1].text, n)
    return list(out.values())


class PersonaChain:
    def __init__(self, hybrid: HybridRetriever, responders: Callable[[str], Responder],
                 judge: Callable[[], Any] = lambda: None, understanding: Understanding | None = None) -> None:
        self.hybrid = hybrid
        self.responders = responders
        self.judge = judge  # the gate's optional LLM judge, built on first use
        self.understanding = understanding or Understanding(hybrid.store.embed)

    def read(self, persona: Persona, question: str) -> tuple[Intent, Any, list[Persona], tuple[Persona, ...]]:
        """The question's kind, its embedding (computed once: understanding and retrieval share it), the
        personas it names and the persona's whole set."""
        qvec = self.hybrid.store.embed_query(plain(question))
        mentioned = self.hybrid.mentioned_personas(persona, question)
        everyone = tuple(self.hybrid.store.personas(persona.set_name, persona.set_version))
        return self.understanding.read(question, qvec, persona, everyone, mentioned), qvec, mentioned, everyone

    def run(self, persona: Persona, question: str, history: Sequence[Turn], opts: TurnOptions) -> Iterator[str | Answer]:
        """Yields the answer's text chunks as the responder writes them, then the final Answer."""
        if opts.policy not in gate.POLICIES:
            raise InputError(f"unknown gate policy {opts.policy!r}; use one of: {', '.join(gate.POLICIES)}")
        t0 = time.perf_counter()
        asked = check_question(question, opts.max_question_chars)
        resolved = resolve(asked, history)
        self.hybrid.refresh(persona)
        intent, qvec, mentioned, everyone = self.read(persona, resolved)
        docs = PersonaFactRetriever(hybrid=self.hybrid, persona_id=persona.id, k=opts.k, qvec=qvec,
                                    routes=route_types(intent.kind)).invoke(resolved)
        facts = [_from_doc(d) for d in docs]
        facts += self._pinned(persona, resolved, intent, mentioned, everyone, {f.id for f in facts})
        if intent.kind == "would_watch":  # a new title: its predicted interest, computed for this question
            predicted = prediction_fact(self.hybrid.store, persona, resolved, intent,
                                        "video" if persona.count_name == "views" else "item")
            facts += [predicted] if predicted is not None else []
        t1 = time.perf_counter()
        request = ResponderRequest(persona, resolved, facts, tuple(history), tuple(mentioned), everyone, intent)
        timings = {"retrieve": (t1 - t0) * 1000}

        responder_name, error, styled = opts.responder, None, None
        chunks: list[str] = []
        # Only 'annotate' shows text before the gate has seen it (the marks follow in the final answer);
        # under 'fallback' and 'strict' the user must never read an answer the gate would replace or refuse.
        live = opts.policy == "annotate"
        try:
            responder = self.responders(opts.responder)
            style = getattr(responder, "style", None)  # the styled responder: the shown answer and why
            if callable(style):
                styled = style(request)
                stream: Iterator[str] = iter(re.findall(r"\S+\s*", styled.text))
            else:
                stream = responder.stream(request)
            for chunk in stream:
                if not chunks:
                    timings["first_token"] = (time.perf_counter() - t0) * 1000
                chunks.append(chunk)
                if live:
                    yield chunk
        except ResponderError as exc:
            error = str(exc)
        text = "".join(chunks).strip()
        t2 = time.perf_counter()
        timings["respond"] = (t2 - t1) * 1000
        if not text and error is None:
            error = f"the {opts.responder} responder returned an empty answer"

        contexts = [f.text for f in facts]
        stats = gate.persona_stats(persona)
        judge = self.judge()
        if error is not None:
            if opts.policy == "fallback" and opts.responder != "grounded":
                text, responder_name = self._grounded(request), "grounded"
                outcome = gate.apply(text, contexts, stats, opts.policy, "grounded", judge)
                verdict = GateVerdict(opts.policy, "fallback", f"The {opts.responder} responder failed ({error}), "
                                      "so this is the answer composed from the facts instead.")
                outcome = gate.GateOutcome(outcome.text, verdict, outcome.result, False)
            else:
                text = f"Sorry, I can't answer right now: {error}"
                outcome = gate.GateOutcome(text, GateVerdict(opts.policy, "unchecked", "no answer to check"),
                                           None, False)
        else:
            outcome = gate.apply(text, contexts, stats, opts.policy, opts.responder, judge)
            if outcome.replace:
                grounded_text = self._grounded(request)
                again = gate.apply(grounded_text, contexts, stats, "annotate", "grounded", judge)
                outcome = gate.GateOutcome(again.text, outcome.verdict, again.result, False)
                responder_name = "grounded"
        t3 = time.perf_counter()
        timings["check"] = (t3 - t2) * 1000
        timings["total"] = (t3 - t0) * 1000
        yield Answer(
            persona_id=persona.id,
            question=asked,
            resolved_question=resolved,
            answer=outcome.text,
            citations=citations(outcome.text, facts),
            context=[ContextFact(f.id, f.text, f.persona_id, f.fact.fact_type, f.score) for f in facts],
            faithfulness=outcome.result,
            gate=outcome.verdict,
            responder=responder_name,
            timings=timings,
            error=error,
            kind=intent.kind,
            style=styled,
        )

    def _pinned(self, persona: Persona, question: str, intent: Intent, mentioned: Sequence[Persona],
                everyone: Sequence[Persona], seen: set[str]) -> list[RetrievedFact]:
        """Facts kept in the context besides the retrieved ones: each persona's profile card, what the kind of
        question needs (its top topics for "what do you watch most?", ...), every topic the question names
        ("more Gaming than DIY?"), and for a comparison that names no persona of the set, each other persona's
        audience fact (so the answer can name them, citably)."""
        kind = intent.kind
        needs = spec(kind).needs
        q = question.lower()
        extra: list[RetrievedFact] = []
        for pid in [persona.id, *(m.id for m in mentioned)]:
            extra += self.hybrid.core_facts(pid)
            for fact_type, n in needs:
                extra += self.hybrid.facts_of_type(pid, fact_type, n)
        extra += [f for f in self.hybrid.facts_of_type(persona.id, "topic", 50)
                  if topic_named(_topic_of(f), q)]
        if persona.survey is not None:  # the item the question is about, and the nearest ones the survey asked
            wanted = [i for i in (intent.item, *intent.closest) if i]
            extra += sorted((f for f in self.hybrid.facts_of_type(persona.id, "position", len(persona.survey.items))
                             if f.fact.metadata.get("item") in wanted),
                            key=lambda f: wanted.index(str(f.fact.metadata.get("item"))))
        if kind in ("compare", "lifts") and not mentioned:
            for other in everyone:
                if other.id != persona.id:
                    extra += self.hybrid.facts_of_type(other.id, "audience", 1)
        out = []
        for f in extra:
            if f.id not in seen:
                seen.add(f.id)
                out.append(f)
        return out

    def _grounded(self, request: ResponderRequest) -> str:
        return "".join(self.responders("grounded").stream(request)).strip()

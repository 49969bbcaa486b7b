"""The chat's API for the CLI, the app and the evaluation runner: one service per process (no per-user
state), one ChatSession per conversation (held by the caller)."""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Iterator
from typing import Any

from personas.errors import InputError
from retrieval.retriever import HybridRetriever

from .answer import Answer, ContextFact
from .chain import PersonaChain, TurnOptions
from .kinds import CONTENT_KINDS, TOPIC_KINDS
from .responders.base import Responder, Turn
from .responders.factory import RESPONDERS
from .session import ChatSession
from .settings import ChatSettings, LLMSettings
from .understanding import Understanding

# "it is topic number 3 of Ana by share", "(number 2 of Ana's top content ...)": a fact's place on its list
_PLACE = re.compile(r"\bnumber (\d+) of\b")


class ChatService:
    """``settings``: how the chat answers; ``llm``: how the LLM responders reach their model."""

    def __init__(self, settings: ChatSettings, store: Any, llm: LLMSettings | None = None,
                 hybrid: HybridRetriever | None = None) -> None:
        self.settings = settings
        self.llm = llm if llm is not None else LLMSettings()
        self.store = store
        self.hybrid = hybrid or HybridRetriever(store, max_question_chars=settings.max_question_chars)
        self._responders: dict[str, Responder] = {}
        self._lock = threading.Lock()
        # one understanding per process: its example vectors are embedded once (through the store's cache)
        self.understanding = Understanding(store.embed, cache_dir=getattr(store, "model_dir", None),
                                           model_name=str(getattr(store.embeddings, "name", "")))
        self.chain = PersonaChain(self.hybrid, self.responder, self.judge, self.understanding)

    def responder(self, name: str) -> Responder:
        """The responder called ``name``, built once per process (an LLM client or model is reused)."""
        if name not in RESPONDERS:
            raise InputError(f"unknown responder {name!r}; use one of: {', '.join(RESPONDERS)}")
        with self._lock:
            if name not in self._responders:
                from .responders.factory import make_responder

                self._responders[name] = make_responder(name, self.llm)
            return self._responders[name]

    def judge(self) -> Any:
        """The gate's LLM judge: the configured responder's chat model when ``gate_judge`` is on, else None."""
        if not self.settings.gate_judge:
            return None
        model = getattr(self.responder(self.settings.responder), "chat_model", None)
        if model is None:
            raise InputError("PERSONAS_GATE_JUDGE needs an LLM responder (PERSONAS_RESPONDER=openai, ollama or "
                             "llamacpp) to judge with; the grounded responder has no model")
        return model

    def new_session(self, persona_id: str) -> ChatSession:
        self.store.find_persona(persona_id)  # NotFoundError, with what to do, for an unknown persona
        return ChatSession(persona_id)

    def stream(self, session: ChatSession, question: str, responder: str | None = None,
               policy: str | None = None) -> Iterator[str | Answer]:
        """Text chunks as they are written, then the final Answer (which the session records)."""
        persona = self.store.find_persona(session.persona_id)  # a set deleted mid-conversation: NotFoundError
        opts = TurnOptions(
            responder=responder or self.settings.responder,
            policy=policy or self.settings.gate_policy,
            k=self.settings.facts,
            history_turns=self.settings.history_turns,
            max_question_chars=self.settings.max_question_chars,
        )
        if opts.responder not in RESPONDERS:
            raise InputError(f"unknown responder {opts.responder!r}; use one of: {', '.join(RESPONDERS)}")
        for item in self.chain.run(persona, question, session.history(opts.history_turns), opts):
            if isinstance(item, Answer):
                session.turns.append(_turn(item))
            yield item

    def ask(self, session: ChatSession, question: str, responder: str | None = None,
            policy: str | None = None) -> Answer:
        final = None
        for item in self.stream(session, question, responder, policy):
            if isinstance(item, Answer):
                final = item
        assert final is not None
        return final


def _turn(answer: Answer) -> Turn:
    by_id = {c.id: c for c in answer.context}
    cited = [by_id[c.id] for c in answer.citations if c.id in by_id]
    types = tuple(c.fact_type for c in cited)
    subject = ""
    # The title or topic the answer was about: the only one it cited, or the first of a list of one kind
    # ("Which video did you like best?" lists three; "how many views did it get?" asks about the first).
    about = [c for c in cited if c.fact_type in ("content", "topic")]
    if about and len({c.fact_type for c in about}) == 1:
        subject = _subject(about[0].text, about[0].fact_type)
    return Turn(answer.question, answer.answer, answer.persona_id, tuple(c.id for c in cited), types, subject,
                answer.kind, _rank(cited, answer.kind))


def _rank(cited: list[ContextFact], kind: str) -> int | None:
    """The place on its list of the first title or topic the answer cited, of the list the question was about
    (a topic and a title list both for "what do you watch most?"): what "and the one below it?" moves from."""
    about = "content" if kind in CONTENT_KINDS else "topic" if kind in TOPIC_KINDS else ""
    for c in cited:
        if c.fact_type == about or (not about and c.fact_type in ("content", "topic")):
            m = _PLACE.search(c.text)
            return int(m.group(1)) if m else None
    return None


def _subject(text: str, fact_type: str) -> str:
    if fact_type == "content" and '"' in text:
        return text.split('"')[1]
    if fact_type == "topic":
        return text.split(" is ")[0]
    return ""


def answer_json(answer: Answer) -> str:
    return json.dumps(answer.to_json(), ensure_ascii=False, indent=2)

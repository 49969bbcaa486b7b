"""The responder interface: one method that streams an answer to a request holding everything it may use.

Citations are uniform across responders: the request's facts are numbered 1..n in order, and an answer
cites fact n by writing ``[n]`` right after the statement it supports. The chain maps markers to fact ids.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Protocol

from chat.intents import Intent
from personas.errors import PersonaError
from personas.profile import Persona
from retrieval.retriever import RetrievedFact


class ResponderError(PersonaError):
    """A responder could not answer (endpoint down, timed out, returned garbage, model missing)."""


@dataclass(frozen=True)
class Turn:
    """One finished turn of a conversation."""

    question: str
    answer: str
    persona_id: str
    fact_ids: tuple[str, ...] = ()  # the facts the answer cited, in citation order
    fact_types: tuple[str, ...] = ()  # their fact types (what a follow-up such as "the second one" refers to)
    subject: str = ""  # the title or topic the answer was about, when it was about one ("how many views did it get?")
    kind: str = ""  # the kind of question it answered (chat/kinds.py): what "and the third one?" continues
    rank: int | None = None  # the place on its list of the first title or topic it cited: what "the next one" moves from


@dataclass(frozen=True)
class ResponderRequest:
    persona: Persona
    question: str  # as resolved by the session (a follow-up already made explicit)
    facts: Sequence[RetrievedFact]  # numbered 1..n in this order; cite as [n]
    history: Sequence[Turn] = ()
    mentioned: Sequence[Persona] = field(default_factory=tuple)  # other personas the question names
    # every persona of the persona's set (the names a comparison can use; the topics the data knows)
    set_personas: Sequence[Persona] = field(default_factory=tuple)
    intent: Intent | None = None  # what the question asks (chat/understanding.py); None: not read yet


class Responder(Protocol):
    name: str

    def stream(self, request: ResponderRequest) -> Iterator[str]:
        """Yield the answer text in chunks (tokens for LLMs); raise ResponderError when it cannot answer."""
        ...

"""The answer object: what one chat turn returns, to the CLI, the app and the evaluation runner alike."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

if TYPE_CHECKING:
    from checker import FaithfulnessResult

    from .responders.styled import Styled

GateAction = Literal["passed", "annotated", "fallback", "refused", "unchecked"]


@dataclass(frozen=True)
class Citation:
    id: str  # fact id, '<persona id>:<fact type>:<key>'
    text: str
    marker: int  # the [n] the answer uses for it


@dataclass(frozen=True)
class ContextFact:
    id: str
    text: str
    persona_id: str
    fact_type: str
    score: float


@dataclass(frozen=True)
class GateVerdict:
    policy: str  # annotate | fallback | strict
    action: GateAction
    note: str = ""  # what the user is told about it ('' when the answer passed)


@dataclass
class Answer:
    persona_id: str
    question: str  # as the user asked it
    resolved_question: str  # as retrieval saw it (follow-ups made explicit)
    answer: str  # the text shown, citation markers [n] included
    citations: list[Citation] = field(default_factory=list)
    context: list[ContextFact] = field(default_factory=list)
    faithfulness: FaithfulnessResult | None = None  # the checker's verdict on the final answer
    gate: GateVerdict | None = None
    responder: str = ""  # who wrote the final answer
    timings: dict[str, float] = field(default_factory=dict)  # milliseconds: retrieve, respond, first_token, check, total
    error: str | None = None  # what went wrong with the configured responder, if anything
    kind: str = ""  # the kind of question it was read as (chat/kinds.py)
    style: Styled | None = None  # the styled responder only: rewrite or grounded answer shown, and why

    def to_json(self) -> dict[str, Any]:
        return {
            "persona_id": self.persona_id,
            "question": self.question,
            "resolved_question": self.resolved_question,
            "answer": self.answer,
            "citations": [{"id": c.id, "text": c.text, "marker": c.marker} for c in self.citations],
            "context": [
                {"id": c.id, "text": c.text, "persona_id": c.persona_id, "fact_type": c.fact_type,
                 "score": round(c.score, 4)}
                for c in self.context
            ],
            "faithfulness": self.faithfulness.to_json() if self.faithfulness is not None else None,
            "gate": None if self.gate is None else
            {"policy": self.gate.policy, "action": self.gate.action, "note": self.gate.note},
            "responder": self.responder,
            "timings": {k: round(v, 2) for k, v in self.timings.items()},
            "error": self.error,
            "kind": self.kind,
            "style": None if self.style is None else self.style.to_json(),
        }

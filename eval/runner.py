"""The evaluation runner: a question set through the chat, each answer scored, the run summarised.

It drives ``chat.service.ChatService`` exactly as the app does (one fresh session per question, the same
session for a follow-up), so what it measures is what users get: retrieval, the responder, and the
faithfulness gate together. Nothing the chat imports may import this module (the chat imports the checker).
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from personas.errors import PersonaError
from retrieval.documents import persona_documents

from . import metrics
from .relevance import relevant
from .questions import Question, generated_set, take

if TYPE_CHECKING:
    from chat.service import ChatService

Progress = Callable[[str, int | None], Callable[..., None]]  # the CLI's factory(label, total) -> tick(n=1)
OUT_OF_DATA_TRUTH = "The persona's data does not answer this; expected: a refusal that invents no facts."
_MARKERS = re.compile(r"\s?\[\d{1,2}\]")


@dataclass
class Result:
    question: Question
    answer: str
    responder: str
    gate: str | None  # the gate's action: passed | annotated | fallback | refused | unchecked
    context_ids: list[str]
    contexts: list[str]
    citations: list[str]  # fact ids the answer cites
    faithfulness_score: float | None
    faithful: bool | None
    claims: list[dict[str, Any]]  # the checker's claims (text, label, reason, evidence)
    correct: bool | None  # None: no gold to compare with
    refused: bool
    refusal_ok: bool | None  # out-of-data questions only: refused, and no unsupported or contradicted claim
    reciprocal_rank: float  # of the first gold fact in the retrieved context (0: not retrieved)
    timings: dict[str, float]
    ground_truth: str
    error: str | None = None
    relevant: bool | None = None  # did it address the kind asked (eval/relevance.py); None: no fixed kind
    answered_kind: str = ""  # the kind the chat read the question as

    def to_json(self) -> dict[str, Any]:
        return {
            "question": self.question.to_json(),
            "answer": self.answer,
            "responder": self.responder,
            "gate": self.gate,
            "context_ids": self.context_ids,
            "citations": self.citations,
            "faithfulness": None if self.faithfulness_score is None else {
                "score": round(self.faithfulness_score, 4), "faithful": self.faithful, "claims": self.claims},
            "correct": self.correct,
            "refused": self.refused,
            "refusal_ok": self.refusal_ok,
            "reciprocal_rank": round(self.reciprocal_rank, 4),
            "timings_ms": {k: round(v, 2) for k, v in self.timings.items()},
            "ground_truth": self.ground_truth,
            "error": self.error,
            "relevant": self.relevant,
            "answered_kind": self.answered_kind,
        }

    def ragas_row(self) -> dict[str, Any]:
        """RAGAS (v0.1 names) and DeepEval read these fields; markers are dropped so judges see plain text."""
        return {
            "id": self.question.id,
            "persona_id": self.question.persona_id,
            "kind": self.question.kind,
            "question": self.question.question,
            "answer": _MARKERS.sub("", self.answer).strip(),
            "contexts": self.contexts,
            "ground_truth": self.ground_truth,
            "context_ids": self.context_ids,
            "gold_fact_ids": list(self.question.gold_fact_ids),
            "faithfulness": None if self.faithfulness_score is None else round(self.faithfulness_score, 4),
        }


@dataclass
class EvalRun:
    label: str  # names the run's folder: the set name, or the question file's
    set_name: str | None
    set_version: int | None
    responder: str
    gate_policy: str
    k: int  # facts retrieved per turn: the k of recall@k
    started_at: str
    duration_s: float
    results: list[Result]
    summary: metrics.Summary
    by_kind: dict[str, metrics.Summary]
    by_persona: dict[str, metrics.Summary]
    persona_names: dict[str, str] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    warmup_ms: float | None = None  # the unscored first turn (model loading), kept out of the latencies

    def to_json(self, with_results: bool = True) -> dict[str, Any]:
        d: dict[str, Any] = {
            "label": self.label, "set": self.set_name, "set_version": self.set_version,
            "responder": self.responder, "gate_policy": self.gate_policy, "k": self.k,
            "started_at": self.started_at, "duration_s": round(self.duration_s, 2),
            "questions": len(self.results), "summary": self.summary.to_json(),
            "warmup_ms": None if self.warmup_ms is None else round(self.warmup_ms, 1),
            "by_kind": {k: s.to_json() for k, s in self.by_kind.items()},
            "by_persona": {k: {"name": self.persona_names.get(k, ""), **s.to_json()}
                           for k, s in self.by_persona.items()},
            "notes": self.notes,
        }
        if with_results:
            d["results"] = [r.to_json() for r in self.results]
        return d


def run_evaluation(
    service: ChatService,
    store: Any,
    set_name: str | None = None,
    responder: str | None = None,
    questions: Sequence[Question] | None = None,
    limit: int | None = None,
    progress: Progress | None = None,
    *,
    label: str | None = None,
    seed: int = 0,
    version: int | None = None,
) -> EvalRun:
    """Ask every question, score every answer. ``questions`` None: the set's generated questions plus
    out-of-data ones (the active set unless ``set_name``; its latest version unless ``version``). ``service``
    is the chat to question (the runner drives the chat; the chat never imports the runner)."""
    settings = service.settings

    started = datetime.now(UTC)
    t0 = time.perf_counter()
    set_ref: tuple[str | None, int | None] = (None, None)
    if questions is None:
        pset = store.load(set_name, version)
        set_ref = (pset.name, pset.version)
        questions = generated_set(pset.personas, seed=seed)
    questions = take(questions, limit)
    responder_name = responder or settings.responder
    facts = _FactTexts(store)
    notes = facts.check_gold(questions)
    warmup_ms = _warm_up(service, questions, responder)
    tick = progress("evaluating", len(questions)) if progress else (lambda n=1: None)
    results: list[Result] = []
    session = None
    for q in questions:
        if not (q.follow_up and session is not None and session.persona_id == q.persona_id):
            session = service.new_session(q.persona_id)
        results.append(_ask(service, session, q, responder, facts))
        tick()
    if set_ref == (None, None) and questions:
        first = facts.persona(questions[0].persona_id)
        if all(facts.persona(q.persona_id).set_name == first.set_name for q in questions):
            set_ref = (first.set_name, first.set_version)
    return EvalRun(
        label=label or set_ref[0] or "questions",
        set_name=set_ref[0], set_version=set_ref[1],
        responder=responder_name, gate_policy=settings.gate_policy, k=settings.facts,
        started_at=started.strftime("%Y-%m-%dT%H:%M:%SZ"), duration_s=time.perf_counter() - t0,
        results=results, summary=metrics.summarise(results),
        by_kind=metrics.breakdown(results, "kind"), by_persona=metrics.breakdown(results, "persona_id"),
        persona_names={pid: facts.persona(pid).name for pid in dict.fromkeys(q.persona_id for q in questions)},
        notes=notes,
        warmup_ms=warmup_ms,
    )


def _warm_up(service: Any, questions: Sequence[Question], responder: str | None) -> float | None:
    """One unscored turn first, so that loading the embedding model or an LLM does not land in the first
    question's latency; its time is reported on its own."""
    if not questions:
        return None
    t0 = time.perf_counter()
    try:
        service.ask(service.new_session(questions[0].persona_id), "Who are you?", responder=responder)
    except PersonaError:
        return None
    return (time.perf_counter() - t0) * 1000


def _ask(service: Any, session: Any, q: Question, responder: str | None, facts: _FactTexts) -> Result:
    truth = _ground_truth(q, facts)
    try:
        answer = service.ask(session, q.question, responder=responder)
    except PersonaError as exc:  # an expected failure for this question (too long, ...): recorded, run goes on
        return Result(q, "", responder or "", None, [], [], [], None, None, [], metrics.correct(q, ""), False,
                      False if q.expect_refusal else None, 0.0, {}, truth, str(exc))
    result = answer.faithfulness
    claims = [_claim(c) for c in result.claims] if result is not None else []
    bad = any(c["label"] != "supported" for c in claims)
    refused = metrics.is_refusal(answer.answer)
    context_ids = [c.id for c in answer.context]
    return Result(
        question=q,
        answer=answer.answer,
        responder=answer.responder,
        gate=answer.gate.action if answer.gate is not None else None,
        context_ids=context_ids,
        contexts=[c.text for c in answer.context],
        citations=[c.id for c in answer.citations],
        faithfulness_score=None if result is None else float(result.score),
        faithful=None if result is None else bool(result.faithful),
        claims=claims,
        correct=metrics.correct(q, answer.answer),
        refused=refused,
        refusal_ok=(refused and not bad and result is not None) if q.expect_refusal else None,
        reciprocal_rank=metrics.reciprocal_rank(q.gold_fact_ids, context_ids),
        timings=dict(answer.timings),
        ground_truth=truth,
        error=answer.error,
        relevant=relevant(q.kind, answer.answer, [(c.marker, c.id) for c in answer.citations]),
        answered_kind=answer.kind,
    )


def _claim(c: Any) -> dict[str, Any]:
    evidence = getattr(c, "evidence", None)
    if evidence is not None and not isinstance(evidence, (str, int, float, dict, list)):
        evidence = evidence.to_json() if hasattr(evidence, "to_json") else str(evidence)
    return {"text": c.text, "label": c.label, "reason": getattr(c, "reason", ""), "evidence": evidence}


def _ground_truth(q: Question, facts: _FactTexts) -> str:
    """The reference answer for RAGAS-style judges: the user's gold answer, else the gold facts' sentences."""
    if q.gold_answer:
        return q.gold_answer
    if q.expect_refusal:
        return OUT_OF_DATA_TRUTH
    texts = [facts.text(fid) for fid in q.gold_fact_ids]
    texts = [t for t in texts if t]
    if q.gold_match == "any" and texts:
        texts = texts[:1] + [f"(or) {t}" for t in texts[1:]]
    return " ".join(texts)


class _FactTexts:
    """Personas and their fact sentences, read once per persona (the same documents the store indexed)."""

    def __init__(self, store: Any) -> None:
        self.store = store
        self._personas: dict[str, Any] = {}
        self._texts: dict[str, str] = {}

    def persona(self, persona_id: str) -> Any:
        if persona_id not in self._personas:
            p = self.store.find_persona(persona_id)
            self._personas[persona_id] = p
            self._texts.update({d.id: d.text for d in persona_documents(p)})
        return self._personas[persona_id]

    def text(self, fact_id: str) -> str:
        pid = fact_id.split(":", 1)[0]
        try:
            self.persona(pid)
        except PersonaError:
            return ""
        return self._texts.get(fact_id, "")

    def check_gold(self, questions: Sequence[Question]) -> list[str]:
        """Gold fact ids that no persona has: a typo would silently score recall 0, so the report says so."""
        missing = sorted({fid for q in questions for fid in q.gold_fact_ids if not self.text(fid)})
        if not missing:
            return []
        shown = ", ".join(missing[:5]) + (f" and {len(missing) - 5} more" if len(missing) > 5 else "")
        note = (f"{len(missing)} gold fact id(s) are not facts of any stored persona ({shown}); those questions "
                "score recall 0 (see `personas retrieve --json` for fact ids)")
        return [note]

"""The faithfulness checker: is every claim of an answer backed by the contexts (and the persona's stats)?

``check(answer, contexts, stats=None, judge=None)`` splits the answer into atomic claims and labels each
``supported``, ``contradicted`` or ``unsupported`` with its evidence. Stricter than RAGAS on purpose: a
factual claim the data does not mention is ``unsupported``, and an answer is ``faithful`` only when every
claim is supported. Deterministic, offline and fast by default (it gates every chat answer); with ``judge``
(a LangChain chat model) an LLM decomposes and judges the claims instead (``eval/judge.py``).

Depends on nothing but its inputs: no imports from personas/, retrieval/ or chat/.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Literal

from .binding import ORDER, Finding, parse_claim, verify
from .claims import Segment, first_person, is_claimless, split_claims
from .documents import aligned, document_findings, is_document
from .facts import FactIndex, Sentence, build_index
from .reader import Unit, as_texts, read_units
from .typed_check import typed_claim
from .typed_facts import Facts, read_facts
from .lexicon import human_claim, states_human

# how contexts say whom they describe ("persona name: Lucia", "Tom is the persona for ...")
_PERSONA_WORDS = re.compile(r"\bpersona (?:name|for|called|named)\b|\bis the persona\b|\bpersona\s*:", re.I)

# how contexts say the persona stands for many people, not one ("represents a group", "a segment of")
_GROUP_WORDS = re.compile(r"\bpersona\b|\b(?:stands? for|represents?)\b[^.]{0,60}\b(?:group|segment|viewers|"
                          r"users|people|audience|customers|listeners|readers|respondents)\b", re.I)

Label = Literal["supported", "contradicted", "unsupported"]


@dataclass(frozen=True)
class Evidence:
    context_index: int
    context: str
    span: tuple[int, int]  # in the context
    text: str  # context[span[0]:span[1]]

    def to_json(self) -> dict[str, Any]:
        return {"context_index": self.context_index, "span": list(self.span), "text": self.text}


@dataclass(frozen=True)
class Claim:
    text: str
    label: Label
    evidence: Evidence | None
    reason: str
    span: tuple[int, int]  # in the answer as given

    def to_json(self) -> dict[str, Any]:
        return {"text": self.text, "label": self.label, "reason": self.reason, "span": list(self.span),
                "evidence": self.evidence.to_json() if self.evidence else None}


@dataclass(frozen=True)
class FaithfulnessResult:
    score: float  # supported claims / all claims; 1.0 when the answer makes no factual claim
    faithful: bool  # no contradicted and no unsupported claim
    claims: list[Claim] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {"score": self.score, "faithful": self.faithful, "claims": [c.to_json() for c in self.claims]}


def result_of(claims: list[Claim]) -> FaithfulnessResult:
    if not claims:
        return FaithfulnessResult(1.0, True, [])
    supported = sum(1 for c in claims if c.label == "supported")
    return FaithfulnessResult(supported / len(claims), supported == len(claims), claims)


def unit_evidence(u: Unit | None, contexts: list[str]) -> Evidence | None:
    if u is None:
        return None
    a, b = u.span
    return Evidence(u.context_index, contexts[u.context_index], (a, b), contexts[u.context_index][a:b])


def evidence_of(s: Sentence | None, contexts: list[str]) -> Evidence | None:
    if s is None:
        return None
    a, b = s.span
    return Evidence(s.context_index, contexts[s.context_index], (a, b), contexts[s.context_index][a:b])


def _decide(findings: list[Finding]) -> Finding:
    worst = max(findings, key=lambda f: ORDER[f.label])
    if worst.label == "supported":
        # Cite the fact that backs the most of the claim: the first finding with a sentence.
        return next((f for f in findings if f.sentence is not None), worst)
    return worst


def check(answer: str, contexts: list[str], stats: dict[str, Any] | None = None, *,
          judge: Any = None) -> FaithfulnessResult:
    """Label every claim of ``answer`` against ``contexts`` (plain-text facts) and optional persona ``stats``.

    ``judge``: a LangChain ``BaseChatModel``; when given, the claims are decomposed and judged by it
    (RAGAS-faithfulness style) and the deterministic checks still veto numbers they can prove wrong.
    """
    contexts = as_texts(contexts)
    answer = answer.decode("utf-8", errors="replace") if isinstance(answer, (bytes, bytearray)) else \
        ("" if answer is None else str(answer))
    if judge is not None:
        from .judge import judge_check

        return judge_check(answer or "", contexts, stats, judge)
    return deterministic_check(answer or "", contexts, stats)


def document_claims(segments: list[Segment], index: FactIndex, contexts: list[str]) -> list[Claim]:
    """Document mode (``eval/documents.py``): contexts that are plain documents, not persona facts."""
    claims: list[Claim] = []
    for seg in segments:
        if is_claimless(seg.text, checkable=True):
            continue
        found = document_findings(seg.text, index)
        if found:
            worst = max(found, key=lambda f: ORDER[f.label])
            claims.append(Claim(seg.text, worst.label, evidence_of(worst.sentence, contexts),  # type: ignore[arg-type]
                                worst.reason, seg.span))
        else:
            best = aligned(seg.text, index)
            claims.append(Claim(seg.text, "supported", evidence_of(best, contexts),
                                "no number, name, negation or opposite that the document lacks", seg.span))
    return claims


def deterministic_check(answer: str, contexts: list[str], stats: dict[str, Any] | None = None,
                        index: FactIndex | None = None) -> FaithfulnessResult:
    speaks = first_person(answer)
    index = index or build_index(contexts, stats, first_person=speaks)
    _, segments, _ = split_claims(answer)
    claims: list[Claim] = []
    facts = read_facts(read_units(contexts), index.profile.name)
    _with_profile(facts, index)
    ident = facts.identity
    # a document (a dialogue, an email) may name people and say "she": a persona is a segment, with a
    # gender and an age bracket or country, or one the contexts call a persona
    about_persona = bool((ident.gender and ident.bracket) or index.profile.name
                         or any(_PERSONA_WORDS.search(c) for c in contexts))
    if is_document(index, speaks) and not about_persona:
        return result_of(document_claims(segments, index, contexts))
    for seg in segments:
        if is_claimless(seg.text, checkable=True):
            continue
        selfhood = identity_claim(seg.text, seg.span, contexts)
        if selfhood is not None:
            claims.append(selfhood)
            continue
        typed = typed_claim(seg.text, facts, index)
        if typed is not None:
            v = typed.verdict
            claims.append(Claim(seg.text, v.label, unit_evidence(v.unit, contexts), v.reason, seg.span))  # type: ignore[arg-type]
            continue
        parsed = parse_claim(seg.text, index, seg.explains_refusal)
        if parsed is None:
            continue
        decision = _decide(verify(parsed, index))
        claims.append(Claim(seg.text, decision.label, evidence_of(decision.sentence, contexts),  # type: ignore[arg-type]
                            decision.reason, seg.span))
    return result_of(claims)


def identity_claim(text: str, span: tuple[int, int], contexts: list[str]) -> Claim | None:
    """A claim to be a real human being ("I'm a real person", "I'm not an AI"): a persona made from data is
    none, so the claim is supported only by a context that says so; contradicted when the contexts describe a
    persona or a group it stands for; else unsupported."""
    if human_claim(text) is None:
        return None
    for i, c in enumerate(contexts):
        m = states_human(c)
        if m is not None:
            return Claim(text, "supported", Evidence(i, c, m.span(), m.group()), "the contexts say so", span)
    persona = next(((i, m) for i, c in enumerate(contexts) for m in [_GROUP_WORDS.search(c)] if m), None)
    if persona is not None:
        i, m = persona
        return Claim(text, "contradicted", Evidence(i, contexts[i], m.span(), m.group()),
                     "a claim to be a real human; the contexts describe a persona of a group", span)
    return Claim(text, "unsupported", None, "a claim to be a real human that no context makes", span)


def _with_profile(facts: Facts, index: FactIndex) -> None:
    """The structured stats (read into the old index's profile) are extra evidence for who the persona is."""
    ident, p = facts.identity, index.profile
    ident.name = ident.name or p.name
    if ident.name and not ident.name_parts:
        ident.name_parts = {w.lower() for w in ident.name.split()} | {ident.name.lower()}
    ident.gender = ident.gender or p.gender
    ident.country = ident.country or p.country
    ident.bracket = ident.bracket or p.bracket
    ident.age = ident.age if ident.age is not None else p.age


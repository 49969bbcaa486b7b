"""LLM-judge mode (RAGAS-faithfulness style): a chat model splits the answer into atomic statements, then
gives each a verdict against the numbered contexts.

Stricter than RAGAS: a statement the contexts do not mention is ``unsupported`` (not faithful). The
deterministic checker still runs and keeps its veto: a claim it proves contradicted (a wrong number, a wrong
country) is added when the judge let it pass, because small models misread numbers. If the judge fails or
answers something unparsable, the deterministic result is returned and its claims say so in their reason.
"""

from __future__ import annotations

import json
import re
from typing import Any

from .claims import split_claims, strip_citations
from .faithfulness import Claim, Evidence, FaithfulnessResult, deterministic_check, result_of
from .lexicon import content_tokens

DECOMPOSE = (
    "Split the answer into short, self-contained factual statements, one fact each. Replace pronouns with "
    "what they refer to. Leave out greetings, questions, offers to help and statements that the data does "
    "not cover something. Reply with a JSON array of strings only."
)
VERDICT = (
    "You check statements against numbered facts. For each statement answer 'supported' (the facts state it "
    "or directly imply it, numbers within rounding), 'contradicted' (the facts say otherwise) or 'unsupported' "
    "(the facts do not say). 'I', 'my group' and 'people like me' in a statement refer to the persona the "
    "facts describe. Reply with a JSON array only: "
    '[{"statement": "...", "verdict": "supported|contradicted|unsupported", "fact": <fact number or null>, '
    '"reason": "..."}]'
)
_LABELS = {"supported", "contradicted", "unsupported"}


def _ask(judge: Any, system: str, user: str) -> str:
    from langchain_core.messages import HumanMessage, SystemMessage

    reply = judge.invoke([SystemMessage(content=system), HumanMessage(content=user)])
    content = getattr(reply, "content", reply)
    if isinstance(content, list):  # content blocks
        content = "".join(b.get("text", "") if isinstance(b, dict) else str(b) for b in content)
    return str(content)


def parse_json_array(text: str) -> list[Any]:
    """The first JSON array in a reply (models wrap it in prose or code fences)."""
    text = re.sub(r"```(?:json)?", "", text)
    start = text.find("[")
    while start >= 0:
        depth = 0
        for i in range(start, len(text)):
            if text[i] == "[":
                depth += 1
            elif text[i] == "]":
                depth -= 1
                if depth == 0:
                    try:
                        value = json.loads(text[start:i + 1])
                    except json.JSONDecodeError:
                        break
                    if isinstance(value, list):
                        return value
                    break
        start = text.find("[", start + 1)
    raise ValueError("no JSON array in the judge's reply")


def _locate(statement: str, answer: str) -> tuple[int, int]:
    """The answer segment that shares most words with a statement (the judge rewrites them)."""
    _, segments, _ = split_claims(answer)
    if not segments:
        return (0, len(answer))
    want = content_tokens(statement)
    best = max(segments, key=lambda s: len(want & content_tokens(s.text)))
    return best.span


def _evidence(fact: Any, contexts: list[str]) -> Evidence | None:
    try:
        i = int(fact) - 1
    except (TypeError, ValueError):
        return None
    if 0 <= i < len(contexts):
        return Evidence(i, contexts[i], (0, len(contexts[i])), contexts[i])
    return None


def judge_check(answer: str, contexts: list[str], stats: dict[str, Any] | None, judge: Any) -> FaithfulnessResult:
    rule = deterministic_check(answer, contexts, stats)
    clean, _ = strip_citations(answer)
    if not clean.strip():
        return rule
    try:
        statements = [str(s) for s in parse_json_array(_ask(judge, DECOMPOSE, f"Answer:\n{clean}")) if str(s).strip()]
        if not statements:
            return result_of([])
        facts = "\n".join(f"{i}. {c}" for i, c in enumerate(contexts, 1))
        if stats:
            keep = {k: stats[k] for k in ("name", "age", "gender", "country", "group_label", "audience_share",
                                          "group_interactions", "topics") if k in stats}
            facts += f"\n{len(contexts) + 1}. Persona profile (JSON): {json.dumps(keep, ensure_ascii=False)}"
        listing = "\n".join(f"- {s}" for s in statements)
        verdicts = parse_json_array(_ask(judge, VERDICT, f"Facts:\n{facts}\n\nStatements:\n{listing}"))
    except Exception as exc:  # noqa: BLE001 - a judge that fails must not break the chat's gate
        note = f" (LLM judge unavailable: {type(exc).__name__}; deterministic check used)"
        return result_of([Claim(c.text, c.label, c.evidence, c.reason + note, c.span) for c in rule.claims])
    claims: list[Claim] = []
    for i, statement in enumerate(statements):
        v = verdicts[i] if i < len(verdicts) and isinstance(verdicts[i], dict) else {}
        label = str(v.get("verdict", "unsupported")).strip().lower()
        label = label if label in _LABELS else "unsupported"
        reason = str(v.get("reason") or f"judge: {label}")
        claims.append(Claim(statement, label, _evidence(v.get("fact"), contexts), f"judge: {reason}",  # type: ignore[arg-type]
                            _locate(statement, answer)))
    # The rules' veto: numbers and attributes the deterministic checks prove wrong.
    for c in rule.claims:
        if c.label == "contradicted" and not any(j.label == "contradicted" and j.span == c.span for j in claims):
            claims.append(Claim(c.text, "contradicted", c.evidence, f"rules: {c.reason}", c.span))
    return result_of(claims)

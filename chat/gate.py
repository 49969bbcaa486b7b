"""The faithfulness gate: every answer, from any responder, is checked against the retrieved facts and the
persona's statistics, and the configured policy decides what the user gets.

* annotate (default): the answer as written, with each unsupported or contradicted claim marked in place;
* fallback: an answer that fails is replaced by the grounded responder's answer, and the user is told;
* strict: an answer that fails is refused.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from checker import FaithfulnessResult
from checker import check as faithfulness_check
from personas.profile import Persona

from .answer import GateVerdict

POLICIES = ("annotate", "fallback", "strict")
_MARK = {"unsupported": "not backed by my data", "contradicted": "contradicts my data"}
REFUSAL = "I won't give that answer: it made claims that my data does not support. Try asking it differently."


@dataclass(frozen=True)
class GateOutcome:
    text: str
    verdict: GateVerdict
    result: FaithfulnessResult  # the checker's verdict on ``text``
    replace: bool  # the policy asks for the grounded answer instead


def persona_stats(persona: Persona) -> dict[str, Any]:
    """What the checker may read besides the facts: the persona's export, without its picture."""
    d = persona.to_export()
    d.pop("avatar", None)
    return d


def check(text: str, contexts: Sequence[str], stats: dict[str, Any] | None,
          judge: Any = None) -> FaithfulnessResult:
    return faithfulness_check(text, list(contexts), stats, judge=judge)


def apply(text: str, contexts: Sequence[str], stats: dict[str, Any] | None, policy: str,
          responder: str, judge: Any = None) -> GateOutcome:
    result = check(text, contexts, stats, judge)
    if result.faithful:
        return GateOutcome(text, GateVerdict(policy, "passed"), result, False)
    bad = [c for c in result.claims if c.label != "supported"]
    if policy == "strict":
        return GateOutcome(REFUSAL, GateVerdict(policy, "refused", _summary(bad)), result, False)
    if policy == "fallback" and responder != "grounded":
        note = (f"The {responder} answer made claims my data does not support ({_summary(bad)}), so this is the "
                f"answer composed from the facts instead.")
        return GateOutcome(text, GateVerdict(policy, "fallback", note), result, True)
    return GateOutcome(annotate(text, bad), GateVerdict(policy, "annotated", _summary(bad)), result, False)


def annotate(text: str, bad: Sequence[Any]) -> str:
    """Marks each failing claim right after it: '... [⚠ not backed by my data]'."""
    out = text
    for claim in bad:
        mark = f" [⚠ {_MARK.get(claim.label, claim.label)}]"
        at = out.find(claim.text)
        if at >= 0:
            end = at + len(claim.text)
            out = out[:end] + mark + out[end:]
        else:
            out += f"{mark[:-1]}: {claim.text}]"
    return out


def _summary(bad: Sequence[Any]) -> str:
    counts: dict[str, int] = {}
    for c in bad:
        counts[c.label] = counts.get(c.label, 0) + 1
    return ", ".join(f"{n} {label}" for label, n in sorted(counts.items())) + (" claim" if len(bad) == 1 else " claims")

"""One claim through the typed path: read its statements, judge each against the facts, keep the worst.

A claim the typed reading finds nothing in (no figure, subject, rank, month, trend, name, gender, age or
country it can bind) returns None, and the caller judges it by its words (``checker.binding``). Words a
typed claim adds that the contexts never use make it unsupported too ("Health is my top topic, and I read
it on the train every morning").
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .binding import _CUE_TOKENS
from .facts import FactIndex
from .judgement import Verdict, judge
from .lexicon import content_tokens
from .quantities import cue_spans
from .statements import ClaimReading, read_claim
from .typed_facts import Facts

ORDER = {"supported": 0, "unsupported": 1, "contradicted": 2}
NOVEL_MIN = 2  # this many words the contexts never use make a typed claim unsupported


@dataclass(frozen=True)
class TypedResult:
    verdict: Verdict
    reading: ClaimReading


# A claim about someone else than "I": another persona the contexts describe, or "other groups ...".
_ABOUT_OTHERS = re.compile(r"\W*(?:the )?(?:other|another|others)\b", re.IGNORECASE)


def typed_claim(text: str, facts: Facts, index: FactIndex) -> TypedResult | None:
    low = text.lower()
    if _ABOUT_OTHERS.match(text) or any(re.search(r"\b" + re.escape(o) + r"\b", low) for o in facts.others):
        return None  # judged by the word-level rules, which keep each persona's facts apart
    reading = read_claim(text, facts)
    if not reading.statements:
        return None
    verdicts = [judge(s, facts) for s in reading.statements]
    worst = max(verdicts, key=lambda v: ORDER[v.label])
    if worst.label == "supported":
        novel = _novel(reading, index, facts)
        if len(novel) >= NOVEL_MIN:
            worst = Verdict("unsupported", "not in the data: " + ", ".join(novel[:4]), worst.unit)
        else:
            worst = next((v for v in verdicts if v.unit is not None), worst)
    return TypedResult(worst, reading)


def _novel(reading: ClaimReading, index: FactIndex, facts: Facts) -> list[str]:
    chars = list(reading.text)
    for a, b in reading.consumed + cue_spans(reading.text):
        chars[a:b] = " " * (b - a)
    tokens = content_tokens("".join(chars))
    names = {p for p in facts.identity.name_parts if " " not in p}
    return sorted(t for t in tokens if t not in _CUE_TOKENS and t not in names and len(t) > 2 and not index.knows(t))

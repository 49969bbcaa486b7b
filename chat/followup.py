"""Follow-up questions made explicit, so retrieval and the responder see a complete question.

"and in Germany?" after "How many views do you have?" becomes "How many views do you have in Germany?";
"what about the second one?" after a list of videos becomes "Which video is number 2 of your top content?";
"how many views did it get?" after an answer about one title names that title. Rules, not a model: a
question that does not look like a follow-up passes through unchanged.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from .intents import ordinal
from .responders.base import Turn

_SHORT = 7  # words: longer questions stand on their own
_CONTINUATION = re.compile(r"^\s*(and|what about|how about|and what about|but|also|same for|what of)\b[\s,]*(.*)$", re.IGNORECASE)
_REFERENCE = re.compile(r"\b(the (first|second|third|fourth|fifth|last|next) one|that one|number \d+|"
                        r"the (first|second|third|fourth|fifth|last))\b", re.IGNORECASE)
_PRONOUN = re.compile(r"\b(it|that video|that one|this one|that title|that topic|them)\b", re.IGNORECASE)


def resolve(question: str, history: Sequence[Turn]) -> str:
    q = question.strip()
    if not history or len(q.split()) > _SHORT:
        return _with_subject(q, history)
    last = history[-1]
    rank = ordinal(q) if _REFERENCE.search(q) else None
    if rank is not None:
        if "content" in last.fact_types:
            return f"Which video is number {rank} of your top content?" if rank > 0 else \
                "Which video is the last of your top content?"
        if "topic" in last.fact_types:
            return f"What is your topic number {rank}?"
    m = _CONTINUATION.match(q)
    if m and m.group(2):
        rest = m.group(2).rstrip(" ?.!")
        base = last.question.strip().rstrip(" ?.!")
        return f"{base} {rest}?"
    return _with_subject(q, history)


def _with_subject(question: str, history: Sequence[Turn]) -> str:
    if history and history[-1].subject and _PRONOUN.search(question) and history[-1].subject not in question:
        return f'{question.rstrip()} ("{history[-1].subject}")'
    return question

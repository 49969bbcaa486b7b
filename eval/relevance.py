"""Answer relevance: did the answer address the kind of question asked? Judged by the chat's kind table
(chat/kinds.py), model-free, by the same rules as the chat-relevance benchmark: a question the data can answer
gets an answer whose first sentence is no refusal and whose first citation is a fact of a type that kind
answers with; a question the data cannot answer gets a first sentence that says so.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from chat.kinds import spec

# The runner's question kinds (eval/questions.py) -> the chat kind whose rules judge the answer;
# None: no fixed kind (follow-ups continue the question before them; user files say nothing of kind);
# '': any kind the data cannot answer (out-of-data questions: a refusal is the relevant answer)
EXPECTED: dict[str, str | None] = {
    "identity": "identity", "age": "age", "gender": "gender", "country": "country", "audience_size": "audience",
    "audience_share": "audience", "topic_top": "topics", "topic_share": "topic", "content_top": "content_top",
    "content_rank": "content_rank", "rate": "rates", "trend": "trend", "compare": "compare", "quote": "quotes",
    "would_watch": "would_watch", "out_of_data": "", "follow_up": None, "user": None,
}
# A first sentence that declines, in the benchmark's words
_REFUSAL = re.compile(r"\b(doesn't|does not|don't|do not|can't|cannot|isn't|is not|no (data|record|information)|"
                      r"not (in|part of) my data|not something my data|won't|will not|unable)\b", re.IGNORECASE)
_MARKER = re.compile(r"\[(\d{1,2})\]")


def first_sentence(answer: str) -> str:
    return re.split(r"(?<=[.!?])\s", answer.strip(), maxsplit=1)[0]


def first_cited_type(answer: str, cited: Sequence[tuple[int, str]]) -> str | None:
    """The fact type of the answer's first [n] marker; ``cited``: (marker, fact id '<persona>:<type>:<key>')."""
    m = _MARKER.search(answer)
    if not m:
        return None
    for marker, fact_id in cited:
        if marker == int(m.group(1)) and fact_id.count(":") >= 2:
            return fact_id.split(":")[1]
    return None


def relevant(question_kind: str, answer: str, cited: Sequence[tuple[int, str]]) -> bool | None:
    """Whether the answer addresses a question of the runner's ``question_kind``; None when that kind has no
    fixed expectation."""
    if question_kind not in EXPECTED:
        return None
    kind = EXPECTED[question_kind]
    if kind is None:
        return None
    # a title in quotes ("Don't Buy the Tablet ...") is no refusal
    declines = bool(_REFUSAL.search(re.sub(r'"[^"]*"', '""', first_sentence(answer))))
    if kind == "":
        return declines
    s = spec(kind)
    if s.refuses:
        return declines
    return not declines and (not s.answers or first_cited_type(answer, cited) in s.answers)

"""Follow-up questions made explicit, so retrieval and the responder see a complete question.

"and in Germany?" after "How many views do you have?" becomes "How many views do you have in Germany?";
"what about the second one?" after a list of videos becomes "Which video is number 2 of your top content?",
and "the one just below it?" after that "... number 3 ..." (a place relative to the last one answered);
"how many views did it get?" after an answer about one title names that title. Rules, not a model: a
question that does not look like a follow-up passes through unchanged.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from .intents import ordinal
from .kinds import CONTENT_KINDS, TOPIC_KINDS
from .relative import moved, relative_place
from .responders.base import Turn

_SHORT = 7  # words: longer questions stand on their own
_LONGER = 12  # words: ... unless they refer to an earlier item ("how many views did the first one get?")
_BARE = frozenset(["and", "what", "about", "how", "but", "also", "same", "for", "of", "the", "one", "is", "was",
                   "which", "who", "tell", "me", "then",
                   # words that place the item on the list: "what's at the very bottom of your list?"
                   "what's", "whats", "at", "near", "very", "bottom", "end", "lowest", "your", "list", "ranking",
                   "sits", "comes", "place", "spot", "position", "item", "entry", "pick", "on"])
_CONTINUATION = re.compile(r"^\s*(and|what about|how about|and what about|but|also|same for|what of)\b[\s,]*(.*)$", re.IGNORECASE)
# places from the bottom first, so "the second-lowest" is not read as "the second"
_REFERENCE = re.compile(r"\b((the )?(second|third|fourth|fifth)[\s-]*(to[\s-]+last|from[\s-]+the[\s-]+(bottom|end)|"
                        r"lowest|last)( one)?|(the )?penultimate( one)?|(at|near) the (very )?(bottom|end)|"
                        r"the (first|second|third|fourth|fifth|last|next|bottom|lowest) one|that one|number \d+|"
                        r"the (first|second|third|fourth|fifth|last|bottom|lowest))\b", re.IGNORECASE)
_BOTTOM_WORDS = {-1: "the last", -2: "the second to last", -3: "the third from the bottom",
                 -4: "the fourth from the bottom", -5: "the fifth from the bottom"}
_TOPIC_KINDS = TOPIC_KINDS
_CONTENT_KINDS = CONTENT_KINDS
# what the question itself says it asks about ("which title sits at the very end?"), before what the last asked
_ASKS_CONTENT = re.compile(r"\b(videos?|movies?|films?|titles?|clips?|episodes?|uploads?)\b", re.IGNORECASE)
_ASKS_TOPIC = re.compile(r"\b(topics?|genres?|categor\w+|subjects?|themes?|interests)\b", re.IGNORECASE)
_PRONOUN = re.compile(r"\b(it|that video|that one|this one|that title|that topic|them)\b", re.IGNORECASE)


def resolve(question: str, history: Sequence[Turn]) -> str:
    q = question.strip()
    ref = _REFERENCE.search(q)
    span = (ref.start(), ref.end()) if ref else None
    rank = ordinal(q) if ref else None
    rel = relative_place(q) if history and history[-1].rank is not None and ordinal(q) is None else None
    if rel is not None:  # "and the one just above it?": a place relative to the last one answered
        rank, span = moved(history[-1].rank or 1, rel.step), (rel.start, rel.end)
    if not history or len(q.split()) > (_LONGER if span else _SHORT):
        return _with_subject(q, history)
    last = history[-1]
    if rank is not None and rel is None and _named_kind(q):
        return _with_subject(q, history)  # "which title sits at the very end of your list?" stands on its own
    if rank is not None and span is not None and _asks_more(q, span):
        # "how many views did the first one get?": the question stays, the reference is made explicit
        asked = _named_kind(q) or last.kind  # the last turn's kind, so a chain of follow-ups keeps it
        if asked in _CONTENT_KINDS or (asked not in _TOPIC_KINDS and "content" in last.fact_types):
            what = f"number {rank} of your top content" if rank > 0 else f"{_bottom(rank)} of your top content"
        else:
            what = f"your topic number {rank}" if rank > 0 else f"{_bottom(rank)} of your topics"
        return q[:span[0]] + what + q[span[1]:]
    if rank is not None:
        # What the last question asked about decides ("What are your top topics?" -> the second topic), even
        # when its answer also cited other kinds of facts; then what the last answer cited.
        asked = _named_kind(q) or last.kind  # the last turn's kind, so a chain of follow-ups keeps it
        refers = "topic" if asked in _TOPIC_KINDS else "content" if asked in _CONTENT_KINDS else \
            "content" if "content" in last.fact_types else "topic" if "topic" in last.fact_types else None
        if refers == "content":
            return f"Which video is number {rank} of your top content?" if rank > 0 else \
                f"Which video is {_bottom(rank)} of your top content?"
        if refers == "topic":
            return f"What is your topic number {rank}?" if rank > 0 else f"What is {_bottom(rank)} of your topics?"
    m = _CONTINUATION.match(q)
    if m and m.group(2):
        rest = m.group(2).rstrip(" ?.!")
        # "and in France?" after "and in Germany?" continues the question before both, not "... Germany France"
        base = next((t.question for t in reversed(history) if not _CONTINUATION.match(t.question)),
                    last.question).strip().rstrip(" ?.!")
        return f"{base} {rest}?"
    return _with_subject(q, history)


def _named_kind(question: str) -> str:
    """'content_top' or 'topics' when the question itself names titles or topics (not both), else ''."""
    content, topic = bool(_ASKS_CONTENT.search(question)), bool(_ASKS_TOPIC.search(question))
    return "content_top" if content and not topic else "topics" if topic and not content else ""


def _bottom(rank: int) -> str:
    """A place counted from the bottom (-1 the last, -2 the one above it) in words ordinal() reads back."""
    return _BOTTOM_WORDS.get(rank, "the last")


def _asks_more(question: str, span: tuple[int, int]) -> bool:
    """Whether the question asks something of the item it refers to ("how many views did the first one get?"),
    not just for the item ("what about the second one?")."""
    rest = question[:span[0]] + " " + question[span[1]:]
    return any(w not in _BARE for w in re.findall(r"[a-z']+", rest.lower()))


def _with_subject(question: str, history: Sequence[Turn]) -> str:
    if history and history[-1].subject and _PRONOUN.search(question) and history[-1].subject not in question:
        return f'{question.rstrip()} ("{history[-1].subject}")'
    return question

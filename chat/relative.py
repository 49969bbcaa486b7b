"""Places on a list named relative to the last one answered: "the next one", "the one just above it", "one
further down", "the previous one", "two places lower".

A small table of direction words (which way each moves on a ranked list, top = 1) and a few frames they sit
in, instead of one pattern per sentence. chat/followup.py turns the step into an explicit rank.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# Which way a word moves on a list ranked from the top (1 the biggest): +1 one place down, -1 one place up
DIRECTIONS: dict[str, int] = {
    "next": 1, "following": 1, "after": 1, "below": 1, "beneath": 1, "under": 1, "underneath": 1, "down": 1,
    "lower": 1, "subsequent": 1,
    "previous": -1, "preceding": -1, "prior": -1, "before": -1, "above": -1, "over": -1, "up": -1, "higher": -1,
}
# Words that stand for "the item" in a reference ("the one above it", "the topic below that")
_ITEMS = r"(?:one|item|entry|video|title|topic|genre|category|film|movie|clip|pick|place|spot|position|interest)"
_COUNTS = {"one": 1, "a": 1, "two": 2, "three": 3, "four": 4, "five": 5, "2": 2, "3": 3, "4": 4, "5": 5}
_COUNT = "|".join(_COUNTS)
# Only words that name a place in themselves may stand before the item ("the next one"); "the up one" is
# no reference, and "after"/"before"/"above"/"below" need an object or an item before them
_LEADING = ("next", "following", "previous", "preceding", "prior", "subsequent", "lower", "higher")
_TRAILING = ("after", "before", "above", "below", "beneath", "under", "underneath", "over")
_ADVERBS = ("down", "up")
_OBJ = r"(?:\s+(?:it|that|this|that one|this one|there|(?:on|in|of) (?:the|my|your) (?:list|ranking)))?"
_CLOSE = r"(?:just\s+|right\s+|directly\s+|immediately\s+)?"
_W = lambda words: "|".join(words)  # noqa: E731
_FRAMES: tuple[re.Pattern[str], ...] = (
    # "the one just above it", "the topic right below", "the one after that"
    re.compile(rf"\b(?:the\s+)?{_ITEMS}\s+{_CLOSE}(?P<d>{_W(_TRAILING)})\b{_OBJ}"),
    # "the next one", "the previous title", "the following genre", "and next?"
    re.compile(rf"\b(?:the\s+)?(?P<d>{_W(_LEADING)})\s+(?:{_ITEMS}\b|(?=\s*[?.!]*$))"),
    re.compile(rf"^\s*(?:and|what about|how about|then)?\s*(?:the\s+)?(?P<d>next|previous)\s*[?.!]*$"),
    # "two places lower", "one spot up", "a step down"
    re.compile(rf"\b(?P<n>{_COUNT})\s+(?:places?|spots?|steps?|positions?|rungs?|notch(?:es)?)\s+"
               rf"(?:further\s+|farther\s+)?(?P<d>{_W(_ADVERBS + ('lower', 'higher'))})\b{_OBJ}"),
    # "one further down", "further up the list", "lower down"
    re.compile(rf"\b(?:(?P<n>{_COUNT})\s+)?(?:further|farther|lower|higher)\s+(?P<d>down|up)\b{_OBJ}"),
    # "just above it", "after that", "below this one"
    re.compile(rf"\b{_CLOSE}(?P<d>{_W(_TRAILING)})\s+(?:it|that|this|that one|this one)\b"),
)


@dataclass(frozen=True)
class RelativePlace:
    """A reference to a place relative to the last one answered: ``step`` places down (negative: up)."""

    step: int
    start: int  # where the reference sits in the question
    end: int


def relative_place(question: str) -> RelativePlace | None:
    """The relative place a question names, or None: 'and the one just above it?' -> step -1."""
    q = question.lower()
    for frame in _FRAMES:
        m = frame.search(q)
        if m:
            n = _COUNTS.get(m.groupdict().get("n") or "one", 1)
            return RelativePlace(DIRECTIONS[m.group("d")] * n, m.start(), m.end())
    return None


def moved(rank: int, step: int) -> int:
    """The rank ``step`` places from ``rank``, kept on the list: never above the top (1) and, for places
    counted from the bottom (-1 the last, -2 the one above it), never below the last."""
    if rank > 0:
        return max(1, rank + step)
    return min(-1, rank + step)

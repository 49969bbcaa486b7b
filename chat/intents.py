"""The exact parts of reading a question: ordinals, quoted titles, named countries, topics and titles, chat
shorthand, and the Intent that chat/understanding.py returns (the kind itself is learned from examples)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from vocabulary import country_codes, country_name

_ORDINALS = {
    "first": 1, "1st": 1, "second": 2, "2nd": 2, "third": 3, "3rd": 3, "fourth": 4, "4th": 4, "fifth": 5,
    "5th": 5, "sixth": 6, "6th": 6, "seventh": 7, "7th": 7, "eighth": 8, "8th": 8, "ninth": 9, "9th": 9,
    "tenth": 10, "10th": 10, "last": -1,
}
_NUMBER_WORDS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
                 "ten": 10}
_ORDINAL = re.compile(r"\b(" + "|".join(_ORDINALS) + r")\b|\bnumber (\d+)\b|#(\d+)\b|"
                      r"\bnumber (" + "|".join(_NUMBER_WORDS) + r")\b")
# A title in quotes: double quotes anywhere; single quotes only as quote marks, never an apostrophe
# ("what's your favourite? don't ..." quotes nothing)
QUOTED = re.compile(r"[\"“]([^\"”]{3,200})[\"”]|(?:^|(?<=[\s(:]))['‘]([^'’]{3,200})['’](?=$|[\s?.!,;:)])")

@dataclass(frozen=True)
class Intent:
    """What a question asks: its kind (chat/kinds.py) and what it names exactly."""

    kind: str
    rank: int | None = None  # an ordinal the question names ("the second one" -> 2; "last" -> -1)
    quoted: str | None = None  # a title the question quotes
    score: float = 0.0  # the classifier's similarity for the kind it read (0.0: set by a rule alone)
    margin: float = 0.0  # its lead over the next-best kind
    learned: str = ""  # the kind the classifier read, before the exact rules
    source: str = "rule"  # 'classifier' or 'rule': what decided the kind
    item: str = ""  # a survey persona's item the question is about ('natenvir'; retrieval/survey_items.py)
    closest: tuple[str, ...] = ()  # the survey's items nearest the question, best first (when none matched)


# "last month", "the first time": a period or an occasion, not a place on a list
_NOT_A_RANK = re.compile(r"\s+(period|month|year|week|day|night|time|season|quarter|summer|winter|spring|autumn|"
                         r"fall|weekend|visit|upload|release)s?\b")


_COUNT_WORDS = {"second": 2, "2nd": 2, "third": 3, "3rd": 3, "fourth": 4, "4th": 4, "fifth": 5, "5th": 5}
_N = "|".join(_COUNT_WORDS)
# Places counted from the bottom of a list, as negative ranks (-1 the last, -2 the one above it): "second to
# last", "third from the bottom", "second-lowest", "penultimate", "the bottom one", "at the very bottom"
_FROM_BOTTOM = re.compile(
    rf"\b(?P<n>{_N})[\s-]*(?:(?:to|from)[\s-]+(?:the[\s-]+)?(?:very[\s-]+)?(?:last|bottom|end)|lowest|least|"
    rf"last|bottom)\b|\b(?P<pen>penultimate|next[\s-]to[\s-]last|one[\s-]before[\s-]last)\b|"
    r"\b(?P<one>(?:the|your|my)\s+(?:very\s+)?(?:bottom|lowest|last)[\s-]+(?:one|item|entry|place|spot|pick|topic|"
    r"genre|video|movie|film|title)s?|(?:at|near)\s+the\s+(?:very\s+)?(?:bottom|end|foot)\b|bottom\s+of\s+"
    r"(?:your|the|my)\s+(?:list|ranking|chart|pile|table))")


def ordinal(question: str) -> int | None:
    """A place on a list the question names: 1 the first ... and from the bottom -1 the last, -2 the one above
    it; None when it names none ("last month" is a period, not a place)."""
    q = question.lower()
    b = _FROM_BOTTOM.search(q)
    if b:
        return -_COUNT_WORDS[b.group("n")] if b.group("n") else -2 if b.group("pen") else -1
    m = next((m for m in _ORDINAL.finditer(q)
              if not (m.group(1) in ("last", "first") and _NOT_A_RANK.match(q, m.end()))), None)
    if not m:
        return None
    if m.group(1):
        return _ORDINALS[m.group(1)]
    if m.group(4):
        return _NUMBER_WORDS[m.group(4)]
    return int(m.group(2) or m.group(3))


# A new title or subject named after a word for a piece of content ("a fresh upload about restoring an old
# sailboat", "a series named Backyard Astronomy"): the span ends at a clause boundary or a clause's verb
_CONTENT_NOUN = (r"(?:video|upload|clip|documentary|doc|film|movie|episode|series|show|short|vlog|stream|thumbnail|"
                 r"reel|piece|special|tutorial|podcast)s?")
_NAMED_SPAN = re.compile(
    rf"\b{_CONTENT_NOUN}\s+(?:\w+\s+)?(?:called|titled|entitled|named|about|on|covering|featuring|saying|showing)\s+"
    r"(?!(?:it|this|that|them|those|these)\b)(?P<span>[^,;:?!—–()]+?)"
    r"(?=\s*(?:[,;:?!—–()]|$|\s(?:would|will|could|should|do|does|did|is|are|was|came|come|comes|if|and|or|for "
    r"you|for your)\b))", re.IGNORECASE)
TITLE_MASK = "it"


def mask_titles(question: str) -> str:
    """The question with a title it names replaced by "it", so that the classifier reads the question's frame
    ("would you watch a new video called it?"), not the title's words, which no example can anticipate and
    which pull the embedding away from every example. Quoted titles first; else a span after a content word
    ("a documentary on deep-sea mining")."""
    masked = QUOTED.sub(TITLE_MASK, question)
    if masked != question:
        return masked
    return _NAMED_SPAN.sub(lambda m: m.group(0)[:m.start("span") - m.start()] + TITLE_MASK, question)


def quoted(question: str) -> str | None:
    m = QUOTED.search(question)
    return (m.group(1) or m.group(2)).strip() if m else None


@lru_cache(maxsize=1)
def _country_names() -> dict[str, tuple[str, str]]:
    """lower-case name -> (alpha-2, name), from the shared table."""
    names = {name: (code, country_name(code)) for name, code in country_codes().items()}
    names["us"] = ("US", "United States")  # read only as "US": countries_named skips the pronoun
    return names


def countries_named(question: str) -> list[tuple[str, str]]:
    """Countries a question names, as (alpha-2 code, name): 'and in Germany?' -> [('DE', 'Germany')]."""
    names = _country_names()
    words = re.findall(r"[A-Za-z][A-Za-z'.-]*", question)
    found: list[tuple[str, str]] = []
    for size in (4, 3, 2, 1):
        for i in range(len(words) - size + 1):
            phrase = " ".join(words[i:i + size])
            key = phrase.lower()
            if size == 1 and (key == "us" and phrase != "US"):  # the pronoun "us"
                continue
            if key in names and names[key] not in found:
                found.append(names[key])
    return found


def topic_named(topic: str, text: str) -> re.Match[str] | None:
    """Where a lowercase question names a topic: 'drama', 'dramas', 'comedies' (Comedy), 'westerns', and for a
    one-word topic a word that shares all but its last two letters, at least five ('romantic' ~ Romance)."""
    t = topic.lower()
    base = t[:-1] if t.endswith("s") and not t.endswith(("ss", "ws")) else t  # 'car videos' names Cars
    m = re.search(rf"(?<![\w-]){re.escape(base)}(?:s|es)?(?![\w-])", text)
    if m or " " in t or len(t) < 5:
        return m
    need = max(5, len(t) - 2)
    for w in re.finditer(r"[a-z][a-z'-]*", text):
        word = w.group()
        if (t.endswith("y") and word == t[:-1] + "ies") or (len(word) >= need and word[:need] == t[:need]):
            return w
    return None


# Chat shorthand read as the words it stands for ("who r u", "whats ur fav genre")
_SHORTHAND = {"u": "you", "r": "are", "ur": "your", "ya": "you", "wat": "what", "wht": "what", "whats": "what's",
              "fav": "favourite", "fave": "favourite", "pls": "please", "plz": "please", "y": "why"}
# whole words only: "U.S.", "R&B" and the title "U Turn" keep their letters
_SHORT_WORD = re.compile(r"(?<![\w.&'])(" + "|".join(_SHORTHAND) + r")(?![\w.&'])")


def plain(question: str) -> str:
    """The question in lowercase with chat shorthand spelled out."""
    return _SHORT_WORD.sub(lambda m: _SHORTHAND[m.group(1)], question.lower().strip())




def title_forms(title: str) -> set[str]:
    """How a question names a title without its year or moved article: 'Godfather, The (1972)' -> 'the
    godfather', 'godfather'; 'Star Wars (1977)' -> 'star wars'."""
    bare = re.sub(r"\s*\(\d{4}\)$", "", title.lower())
    m = re.match(r"(.*), (the|a|an)$", bare)
    forms = {bare, f"{m.group(2)} {m.group(1)}", m.group(1)} if m else {bare}
    return {f for f in forms if len(f) >= 5}


def title_named(title: str, question: str) -> bool:
    """Whether a question (as typed) names a title, whole or in one of its forms."""
    asked = question.lower()
    t = title.lower()
    return t in asked or any(re.search(rf"\b{re.escape(f)}\b", asked) for f in title_forms(t))

"""Offensive language in a quote: better_profanity's word list and its letter substitutions ("@" or "4" for "a",
"$" for "s", "1" for "i" ...), matched by compiled patterns keyed by first letter.

The same words, the same substitutions and the same reading of words and word pairs as the package's own
``contains_profanity`` (tests/test_offensive.py compares the two), which compares every word of a text with all
916 list entries one by one: 17 ms a comment, two of the demo set's eight seconds. This takes well under 1 ms.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

# better_profanity's substitutions: a list entry's letter -> what may stand for it in a text
SUBSTITUTES: dict[str, str] = {"a": "a@*4", "i": "i*l1", "o": "o*0@", "u": "u*v", "v": "v*u", "l": "l1",
                               "e": "e*3", "s": "s$5", "t": "t7"}


def _spelling(word: str) -> str:
    return "".join(f"[{re.escape(SUBSTITUTES[c])}]" if c in SUBSTITUTES else re.escape(c) for c in word)


@dataclass(frozen=True)
class _Lexicon:
    by_first: dict[str, re.Pattern[str]]  # a text's first character -> the entries that can start with it
    longest: int  # characters of the longest entry
    combinations: int  # how many following words may complete an entry (its count of separators)
    allowed: frozenset[str]  # the characters words are made of (the rest separate words)

    def matches(self, word: str) -> bool:
        pattern = self.by_first.get(word[:1])
        return pattern is not None and len(word) <= self.longest and pattern.fullmatch(word) is not None


@lru_cache(maxsize=1)
def _lexicon() -> _Lexicon:
    from better_profanity import profanity
    from better_profanity.constants import ALLOWED_CHARACTERS
    from better_profanity.utils import read_wordlist

    words = sorted({w.lower() for w in read_wordlist(profanity._default_wordlist_filename)})
    groups: dict[str, list[str]] = {}
    for w in words:
        for first in SUBSTITUTES.get(w[0], w[0]):
            groups.setdefault(first, []).append(_spelling(w))
    allowed = frozenset(ALLOWED_CHARACTERS)
    return _Lexicon(
        by_first={c: re.compile("|".join(p)) for c, p in groups.items()},
        longest=max(len(w) for w in words),
        combinations=max(1, max(sum(c not in allowed for c in w) for w in words)),
        allowed=allowed,
    )


def _words(text: str, allowed: frozenset[str]) -> list[tuple[int, int]]:
    spans, start = [], None
    for i, ch in enumerate(text):
        if ch in allowed:
            start = i if start is None else start
        elif start is not None:
            spans.append((start, i))
            start = None
    if start is not None:
        spans.append((start, len(text)))
    return spans


def is_offensive(text: str) -> bool:
    """Whether ``text`` holds a word, or a run of up to a few words, from the offensive-word list."""
    lex = _lexicon()
    low = text.lower()
    spans = _words(low, lex.allowed)
    for i, (start, end) in enumerate(spans):
        if lex.matches(low[start:end]):
            return True
        joined = low[start:end]
        for s, e in spans[i + 1:i + 1 + lex.combinations]:
            joined += low[s:e]
            if len(joined) > lex.longest and e - start > lex.longest:
                break
            if lex.matches(joined) or lex.matches(low[start:e]):
                return True
    return False

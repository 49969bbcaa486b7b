"""Words the checker needs to read answers: stop words, synonyms, cue words, genders and countries.

Kept apart from the logic so that a reader can see (and extend) exactly which wordings the deterministic
checker understands. Everything here is plain data plus two tiny helpers; nothing is downloaded.
"""

from __future__ import annotations

import re
from functools import lru_cache

import vocabulary as _vocab
from vocabulary import human_claim, states_human  # noqa: F401  (claims to be a real human: the shared table)

STOP = frozenset(["a", "an", "the", "and", "or", "but", "of", "to", "in", "on", "at", "for", "with", "by", "from", "as", "is", "are", "was", "were", "be", "been", "being", "am", "do", "does", "did", "doing", "it", "its", "it's", "this", "that", "these", "those", "there", "here", "than", "then", "so", "such", "into", "onto", "over", "about", "which", "who", "whom", "whose", "what", "when", "where", "why", "how", "i", "me", "my", "mine", "myself", "we", "us", "our", "ours", "ourselves", "you", "your", "yours", "he", "him", "his", "she", "her", "hers", "they", "them", "their", "theirs", "one", "ones", "also", "really", "quite", "very", "just", "bit", "lot", "lots", "much", "many", "some", "any", "each", "every", "has", "have", "had", "having", "get", "gets", "got", "can", "could", "would", "should", "will", "shall", "may", "might", "must", "let", "lets", "let's", "i'm", "i've", "i'd", "we're", "we've", "you're", "that's", "there's", "it'll", "i'll", "like", "s", "t"])

# Words that only point at the persona ("people like me", "my group"), never content of their own.
SELF_WORDS = frozenset(["i", "me", "my", "mine", "myself", "we", "us", "our", "ours", "ourselves", "self"])

# Canonical forms, so that paraphrases meet the fact sentences' words. Keys are stems (see ``stem``).
SYNONYMS = {
    "viewer": "people", "user": "people", "person": "people", "member": "people", "folk": "people",
    "individual": "people", "subscriber": "subscriber", "audience": "audience",
    "watch": "view", "watched": "view", "watching": "view", "view": "view", "viewed": "view", "play": "view",
    "segment": "group", "demographic": "group", "cohort": "group", "group": "group",
    "genre": "topic", "category": "topic", "subject": "topic", "theme": "topic", "topic": "topic",
    "video": "content", "item": "content", "title": "content", "clip": "content", "movie": "content",
    "film": "content", "content": "content", "show": "content",
    "favourite": "top", "favorite": "top", "top": "top", "most": "top", "main": "top", "biggest": "top",
    "largest": "top", "highest": "top", "mostly": "top", "primarily": "top", "mainly": "top", "best": "top",
    "popular": "top", "leading": "top", "first": "top",
    "comment": "comment", "commented": "comment", "said": "comment", "wrote": "comment", "posted": "comment",
    "share": "share", "percent": "share", "percentage": "share", "proportion": "share", "fraction": "share",
    "total": "total", "overall": "total", "altogether": "total", "whole": "all", "entire": "all", "all": "all",
    "month": "month", "monthly": "month", "peak": "peak", "busiest": "peak",
    "like": "like", "likes": "like", "liked": "like",
    "old": "age", "aged": "age", "age": "age", "year": "year",
}

# Superlatives and rank words: a claim carrying one must match a ranking in the data.
SUPERLATIVE = re.compile(
    r"\b(favou?rite|top|most(?:ly)?|main(?:ly)?|biggest|largest|highest|primarily|best|number (?:one|1)|#1|"
    r"no\.? ?1|first|leading|least|smallest|lowest|fewest|second|third|fourth|fifth|"
    r"number \d+(?![\d,.])|#\d+(?![\d,.])|\d+(?:st|nd|rd|th))\b",
    re.IGNORECASE,
)
LOW_SUPERLATIVE = re.compile(r"\b(least|smallest|lowest|fewest)\b", re.IGNORECASE)

NEGATION = re.compile(
    r"\b(not|never|no|none|neither|nor|nothing|don't|doesn't|didn't|isn't|aren't|wasn't|weren't|won't|"
    r"can't|cannot|hardly|barely|rarely|seldom)\b|n't\b",
    re.IGNORECASE,
)

# Genders, countries and demonyms come from the project's shared tables (``vocabulary``); the checker adds
# the subject pronouns, which in a claim about "she" or "he" name the persona's gender.
GENDER_WORDS = {**_vocab.GENDER_WORDS, **_vocab.FAMILY_GENDER_WORDS, "she": "female", "he": "male"}
GENDER_RE = re.compile(r"\b(" + "|".join(sorted(GENDER_WORDS, key=len, reverse=True)) + r")\b", re.IGNORECASE)


# Demonym form (lower case, plurals too) -> ISO alpha-2; ``canonical_country`` gives the country's name.
DEMONYMS = _vocab.demonym_forms()


@lru_cache(maxsize=1)
def countries() -> dict[str, str]:
    """Lower-case country name or alias -> canonical name."""
    return {k: _vocab.country_name(code) for k, code in _vocab.country_codes().items()}


@lru_cache(maxsize=1)
def country_re() -> re.Pattern[str]:
    keys = sorted((k for k in countries() if len(k) > 2), key=len, reverse=True)
    return re.compile(r"\b(" + "|".join(re.escape(k) for k in keys) + r")\b", re.IGNORECASE)


def canonical_country(text: str) -> str | None:
    return _vocab.canonical_country(text)


_SUFFIXES = (("ies", "y"), ("ing", ""), ("ed", ""), ("es", ""), ("s", ""))


@lru_cache(maxsize=20000)
def stem(word: str) -> str:
    """A deliberately crude stemmer (plural, -ing, -ed), then synonyms: enough for fact-style sentences."""
    w = word.lower().strip("'")
    w = w.removesuffix("'s")
    if w in SYNONYMS:
        return SYNONYMS[w]
    base = w
    for suf, rep in _SUFFIXES:
        if len(w) > len(suf) + 3 and w.endswith(suf) and not w.endswith("ss"):
            base = w[: -len(suf)] + rep
            break
    return SYNONYMS.get(base, base)


_WORD = re.compile(r"[A-Za-zÀ-ÿ][A-Za-zÀ-ÿ'’-]*")


def content_tokens(text: str) -> set[str]:
    """Stemmed content words (no stop words, no numbers, no self-reference)."""
    out = set()
    for m in _WORD.finditer(text):
        w = m.group(0).replace("’", "'").lower().strip("'-")
        w = w.removesuffix("'s")
        if not w or w in STOP or w in SELF_WORDS or len(w) < 2:
            continue
        for part in w.split("-"):
            if part and part not in STOP:
                out.add(stem(part))
    return out

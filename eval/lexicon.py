"""Words the checker needs to read answers: stop words, synonyms, cue words, genders and countries.

Kept apart from the logic so that a reader can see (and extend) exactly which wordings the deterministic
checker understands. Everything here is plain data plus two tiny helpers; nothing is downloaded.
"""

from __future__ import annotations

import re
from functools import lru_cache

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

GENDER_WORDS = {
    "female": "female", "woman": "female", "women": "female", "girl": "female", "lady": "female",
    "ladies": "female", "she": "female", "mother": "female", "mom": "female", "mum": "female",
    "male": "male", "man": "male", "men": "male", "guy": "male", "guys": "male", "boy": "male",
    "he": "male", "father": "male", "dad": "male", "gentleman": "male",
}
GENDER_RE = re.compile(r"\b(" + "|".join(sorted(GENDER_WORDS, key=len, reverse=True)) + r")\b", re.IGNORECASE)

# Demonyms people use for the countries an answer is most likely to name ("I'm Brazilian").
DEMONYMS = {
    "american": "United States", "brazilian": "Brazil", "german": "Germany", "french": "France",
    "british": "United Kingdom", "english": "United Kingdom", "indian": "India", "mexican": "Mexico",
    "spanish": "Spain", "italian": "Italy", "canadian": "Canada", "japanese": "Japan", "chinese": "China",
    "korean": "South Korea", "australian": "Australia", "dutch": "Netherlands", "polish": "Poland",
    "turkish": "Turkey", "russian": "Russia", "indonesian": "Indonesia", "filipino": "Philippines",
    "nigerian": "Nigeria", "egyptian": "Egypt", "argentinian": "Argentina", "argentine": "Argentina",
    "colombian": "Colombia", "swedish": "Sweden", "norwegian": "Norway", "portuguese": "Portugal",
    "vietnamese": "Vietnam", "thai": "Thailand", "pakistani": "Pakistan", "south african": "South Africa",
    "irish": "Ireland", "kenyan": "Kenya", "saudi": "Saudi Arabia", "chilean": "Chile", "peruvian": "Peru",
}
_COUNTRY_ALIASES = {
    "usa": "United States", "us": "United States", "u.s.": "United States", "america": "United States",
    "united states of america": "United States", "the states": "United States", "uk": "United Kingdom",
    "britain": "United Kingdom", "great britain": "United Kingdom", "england": "United Kingdom",
    "korea": "South Korea", "holland": "Netherlands", "russia": "Russia", "vietnam": "Vietnam",
    "turkey": "Turkey", "türkiye": "Turkey",
}


@lru_cache(maxsize=1)
def countries() -> dict[str, str]:
    """Lower-case country name or alias -> canonical name (pycountry when installed, else a short list)."""
    names: dict[str, str] = {}
    try:
        import pycountry  # lazy: about 0.1 s once per process

        for c in pycountry.countries:
            canon = getattr(c, "common_name", None) or c.name
            for n in {c.name, canon, getattr(c, "official_name", c.name)}:
                names[n.lower()] = canon
    except ImportError:  # the short list still covers the usual audience countries
        for n in ("Brazil", "Germany", "France", "India", "Mexico", "Spain", "Italy", "Canada", "Japan", "China",
                  "Australia", "Netherlands", "Poland", "Turkey", "Indonesia", "Philippines", "Nigeria", "Egypt",
                  "Argentina", "Colombia", "Sweden", "Norway", "Portugal", "United States", "United Kingdom"):
            names[n.lower()] = n
    names.update({k: names.get(v.lower(), v) for k, v in _COUNTRY_ALIASES.items()})
    return names


@lru_cache(maxsize=1)
def country_re() -> re.Pattern[str]:
    keys = sorted((k for k in countries() if len(k) > 2), key=len, reverse=True)
    return re.compile(r"\b(" + "|".join(re.escape(k) for k in keys) + r")\b", re.IGNORECASE)


def canonical_country(text: str) -> str | None:
    t = text.strip().lower()
    return countries().get(t) or (DEMONYMS.get(t) and countries().get(DEMONYMS[t].lower(), DEMONYMS[t]))


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

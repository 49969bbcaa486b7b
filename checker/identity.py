"""Who the persona is: name, gender, age bracket and country, read from whatever unit describes the segment.

Age brackets are read in any wording, in contexts and claims alike: "25-34", "25 to 34", "between 25 and 34",
"aged 65+", "65 or older", "over 65", "under 18", "in their thirties", "early 30s", "27 years old".
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from vocabulary import AGE_DECADES, AGE_OPEN_ABOVE, AGE_OPEN_BELOW

from .lexicon import DEMONYMS, GENDER_RE, GENDER_WORDS, canonical_country, country_re
from .reader import Unit

AGE_MAX = 120
_OPEN_ABOVE = "|".join(re.escape(w) for w in sorted(AGE_OPEN_ABOVE, key=len, reverse=True))
_OPEN_BELOW = "|".join(re.escape(w) for w in sorted(AGE_OPEN_BELOW, key=len, reverse=True))
_DECADE_WORDS = "|".join(AGE_DECADES)
# Each pattern: (regex, how to read its groups). Tables of wordings rather than branches.
_AGE_FORMS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"\bbetween (\d{1,2}) and (\d{1,3})\b", re.I), "range"),
    (re.compile(r"\b(?:aged |ages |age )?(\d{1,2})\s*(?:-|–|—|to|through)\s*(\d{1,3})(?!\d|[.,]\d|\s*%)(?:\s*(?:years?|yrs?|y/o))?",
                re.I), "range"),
    (re.compile(rf"\b(\d{{1,2}})\s*(?:\+|{_OPEN_ABOVE})(?![\w%])", re.I), "above"),
    (re.compile(r"\b(?:over|above|older than|at least)\s+(\d{1,2})\b(?!\d|[.,]\d|\s*%)(?!\s*(?:times|x|%))", re.I),
     "over"),
    (re.compile(rf"\b(\d{{1,2}})\s*(?:{_OPEN_BELOW})\b", re.I), "below"),
    (re.compile(r"\b(?:under|below|younger than)\s+(\d{1,2})(?:s\b|\b)(?!\d|[.,]\d|\s*%)(?!\s*(?:times|x|%))", re.I),
     "under"),
    (re.compile(rf"\b(?:(early|mid|late)[- ])?({_DECADE_WORDS})\b", re.I), "decade"),
    (re.compile(r"\b(?:(early|mid|late)[- ])?(\d)0'?s\b", re.I), "decade_digits"),
    (re.compile(r"\b(\d{1,2})[- ]years?[- ]olds?\b|\baged (\d{1,2})\b(?![-–\d])", re.I), "single"),
)
_PART = {"early": (0, 3), "mid": (3, 6), "late": (7, 9), None: (0, 9)}
_AGE_CUE = re.compile(r"\b(?:age[sd]?|years?|old|olds|bracket|between|in (?:my|our|their|his|her) |under|over|"
                      r"older|younger|plus|\+)", re.I)


@dataclass(frozen=True)
class Bracket:
    lo: int
    hi: int
    span: tuple[int, int]


def find_brackets(text: str) -> list[Bracket]:
    """Age brackets a text states, in any of the wordings above (the widest reading of each span)."""
    return list(_brackets(text))


@lru_cache(maxsize=8192)
def _brackets(text: str) -> tuple[Bracket, ...]:
    out: list[Bracket] = []
    taken: list[tuple[int, int]] = []
    for pattern, how in _AGE_FORMS:
        for m in pattern.finditer(text):
            if any(a < m.end() and m.start() < b for a, b in taken):
                continue
            lohi = _read(m, how)
            if lohi is None:
                continue
            lo, hi = lohi
            if how in ("range",) and not (10 <= lo < hi <= AGE_MAX and hi - lo <= 30):
                continue
            if how in ("over", "under") and not _AGE_CUE.search(text[max(0, m.start() - 30):m.end() + 12]):
                continue
            taken.append(m.span())
            out.append(Bracket(lo, hi, m.span()))
    return tuple(sorted(out, key=lambda b: b.span))


def _read(m: re.Match[str], how: str) -> tuple[int, int] | None:
    g = m.groups()
    if how == "range":
        return int(g[0]), int(g[1])
    if how == "above":
        return int(g[0]), AGE_MAX
    if how == "over":
        return int(g[0]) + 1, AGE_MAX
    if how == "below":
        return 0, int(g[0])
    if how == "under":
        return 0, int(g[0]) - 1
    if how in ("decade", "decade_digits"):
        base = AGE_DECADES[g[1].lower()][0] if how == "decade" else int(g[1]) * 10
        if how == "decade_digits" and base < 10:
            return None
        if base < 20:  # teens
            return 13, 19
        a, b = _PART[g[0].lower() if g[0] else None]
        return base + a, base + b
    if how == "single":
        age = int(g[0] or g[1])
        return age, age
    return None


@dataclass
class Identity:
    name: str | None = None
    name_parts: set[str] = field(default_factory=set)
    gender: str | None = None
    bracket: tuple[int, int] | None = None  # the age bracket the segment stands for
    age: int | None = None  # a single age, when the contexts give one ("38 years old")
    country: str | None = None
    unit: Unit | None = None  # the unit that says so (evidence)


_NAME_FORMS = (
    re.compile(r"\bpersona(?:'s)? name(?: is)?\s*[:=]?\s*([A-Z][\w'’-]+(?: [A-Z][\w'’-]+)?)"),
    re.compile(r"\b(?:named|called)\s+([A-Z][\w'’-]+(?: [A-Z][\w'’-]+)?)"),
    re.compile(r"^(?:name|persona)\s*[:=]\s*([A-Z][\w'’-]+(?: [A-Z][\w'’-]+)?)\s*$", re.I),
    re.compile(r"^(?:Meet\s+)?([A-Z][\w'’-]+(?: [A-Z][\w'’-]+)?),? (?:is|represents|stands for|describes)\b"),
    re.compile(r"^(?:Meet|Introducing|This is)\s+([A-Z][\w'’-]+(?: [A-Z][\w'’-]+)?)\b"),
    re.compile(r"\bpersona\s*[:=]?\s+([A-Z][\w'’-]+(?: [A-Z][\w'’-]+)?)\b"),
    re.compile(r"\b([A-Z][a-zà-ÿ]+(?: [A-Z][a-zà-ÿ]+)?)'s (?:own )?(?:group|segment|audience)\b"),
)
_ABOUT_OTHERS = re.compile(r"\W*(?:the )?(?:other|another|others|similar)\b", re.IGNORECASE)
_NOT_NAMES = re.compile(r"^(?:The|This|That|It|Its|Our|My|Segment|Persona|Audience|Group|Users?|People|Name|"
                        r"Volume|Average|Gender|Age|Country|Female|Male|Women|Men|Top|Each|Every)$")
_IDENTITY_KEYS = re.compile(r"\b(?:segment|persona|gender|sex|age|country|location|market|demographics?|who|"
                            r"profile|identity|name|group)\b", re.I)


def _name_in(text: str) -> str | None:
    for pattern in _NAME_FORMS:
        if m := pattern.search(text):
            cand = m.group(1).strip()
            first = cand.split()[0]
            if _NOT_NAMES.match(first) or canonical_country(cand) or cand.lower() in DEMONYMS:
                continue
            if len(cand.split()) == 2 and _NOT_NAMES.match(cand.split()[1]):
                cand = first
            return cand
    return None


def read_identity(units: list[Unit], name_hint: str | None = None) -> Identity:
    ident = Identity(name=name_hint)
    if name_hint is None:
        ident.name = next((n for u in units if (n := _name_in(u.text) or (_name_in(u.value) if u.key else None))),
                          None)
    parts = [p for p in (ident.name or "").split() if len(p) > 2]
    # the units that name the persona first; never "Other groups that share ...: 25-34, male, US"
    units = sorted((u for u in units if not _ABOUT_OTHERS.match(u.text)),
                   key=lambda u: not any(p in u.text for p in parts))
    for u in units:
        text = u.text
        describes = bool(GENDER_RE.search(text) or find_brackets(text) or _IDENTITY_KEYS.search(u.key)
                         or any(_IDENTITY_KEYS.search(h) for h, _ in u.cells))
        if not describes:
            continue
        if ident.name is None and (name := _name_in(text) or (_name_in(u.value) if u.key else None)):
            ident.name = name
        if ident.gender is None and (m := GENDER_RE.search(text)) and m.group(1).lower() not in ("he", "she"):
            ident.gender = GENDER_WORDS[m.group(1).lower()]
            ident.unit = ident.unit or u
        for b in find_brackets(text):
            if b.lo == b.hi and ident.age is None:
                ident.age = b.lo
            elif b.lo != b.hi and ident.bracket is None:
                ident.bracket = (b.lo, b.hi)
            ident.unit = ident.unit or u
        if ident.country is None and (m := country_re().search(text)):
            word = m.group(1)
            if not (word.islower() and len(word) <= 4):  # "us" the pronoun
                ident.country = canonical_country(word)
                ident.unit = ident.unit or u
        if ident.country is None:
            for w in re.findall(r"[A-Z][a-z]+", text):
                if w.lower() in DEMONYMS:
                    ident.country = canonical_country(w)
                    break
    if ident.name:
        ident.name_parts = {w.lower() for w in ident.name.split()} | {ident.name.lower()}
    return ident

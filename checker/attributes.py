"""The persona's own attributes and rankings in a claim: name, country, gender, age, "my top topic".

"I" in an answer is the persona the contexts describe (``facts.Profile``); a claim about it is compared with
the profile, and a superlative or "number N" with the ranking of the topic or title it is attached to.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .facts import FactIndex, Sentence, find_bracket, find_country, find_gender
from .lexicon import DEMONYMS, GENDER_WORDS, LOW_SUPERLATIVE, SUPERLATIVE, canonical_country
from .numbers import Num

_NAME_CLAIM = re.compile(r"\b(?i:I'm|I am|my name is|call me|name's)\s+([A-Z][\w'-]+)")
_DECADES = {"teens": (13, 19), "twenties": (20, 29), "thirties": (30, 39), "forties": (40, 49),
            "fifties": (50, 59), "sixties": (60, 69), "seventies": (70, 79)}
_RANK_WORDS = {"second": 2, "third": 3, "fourth": 4, "fifth": 5, "2nd": 2, "3rd": 3, "4th": 4, "5th": 5}


# A claim whose subject is someone else than "I" ("Other groups that share my behaviour ...").
_ABOUT_OTHERS = re.compile(r"\W*(?:the )?(?:other|another|others)\b", re.IGNORECASE)


@dataclass
class Finding:
    label: str
    reason: str
    sentence: Sentence | None = None


@dataclass
class Parsed:
    text: str
    lower: str
    numbers: list[Num]
    quotes: list[str]
    anchors: list[str]  # topics, titles and entities the claim names (lower case)
    tokens: set[str]
    self_ref: bool
    negated: bool
    bare: str  # the text with quoted titles and comments blanked out
    subject: str | None = None  # another persona the claim is about (lower case), named in it; None: "I"


def _has(hay: str, needle: str) -> bool:
    return re.search(r"(?<![\w])" + re.escape(needle) + r"(?![\w])", hay) is not None


# ---------------------------------------------------------------------------------------------- attributes

def _is_attribute_word(word: str) -> bool:
    w = word.lower()
    return w in DEMONYMS or w in GENDER_WORDS or canonical_country(w) is not None or w in ("a", "an", "from")

def _sentence_with(index: FactIndex, needle: str) -> Sentence | None:
    n = needle.lower()
    return next((s for s in index.sentences if n in s.lower and (s.persona in (None, index.profile.name))), None)


def attribute_findings(c: Parsed, index: FactIndex, used: list[tuple[int, int]]) -> list[Finding]:
    """Name, country, gender and age of "I"; numbers they consume are added to ``used``."""
    p = index.profile
    out: list[Finding] = []
    if not c.self_ref or c.subject or _ABOUT_OTHERS.match(c.bare):
        return out  # "Other groups that share my behaviour: 25-34, male, US": their labels, not mine
    text = c.bare
    if p.name and (m := _NAME_CLAIM.search(text)) and not _is_attribute_word(m.group(1)):
        who = m.group(1).lower()
        if who in p.name_parts:
            out.append(Finding("supported", f"my name is {p.name}", _sentence_with(index, p.name.split()[0])))
        elif who not in index.entities and re.fullmatch(r"[A-Z][a-z]+", m.group(1)) and \
                not index.profile.topic_rank.get(who):
            out.append(Finding("contradicted", f"the persona is {p.name}, not {m.group(1)}",
                               _sentence_with(index, p.name.split()[0])))
    if p.country and re.search(r"\b(from|live|living|based|country|I'm|I am|we're|my group is)\b", text, re.IGNORECASE):
        found = find_country(text) + [(canonical_country(w) or w, 0, 0) for w in re.findall(r"[A-Za-z]+", text)
                                      if w.lower() in DEMONYMS and w[0].isupper()]
        for country, _, _ in found:
            s = _sentence_with(index, p.country)
            if country.lower() == p.country.lower():
                out.append(Finding("supported", f"I am from {p.country}", s))
            elif not any(country.lower() in x.lower for x in index.sentences if x.persona not in (None, p.name)):
                out.append(Finding("contradicted", f"the data says {p.country}, not {country}", s))
    if p.gender:
        for g, a, b in find_gender(text):
            if text[a:b].lower() in ("he", "she"):
                continue
            s = _sentence_with(index, f"gender {p.gender}") or _sentence_with(index, p.gender)
            if g == p.gender:
                out.append(Finding("supported", f"gender {p.gender}", s))
            else:
                out.append(Finding("contradicted", f"the data says {p.gender}, not {g}", s))
    age_m = re.search(r"(?<![\d–-])(?<![\d] )(?<!to )\b(\d{1,3})[- ]years?[- ]old\b|\baged? (\d{1,3})\b|\bI'?m (\d{2})\b(?![.,]\d|%| ?[a-z])|"
                      r"\bI am (\d{2})\b(?![.,]\d|%| ?[a-z])", text, re.IGNORECASE)
    if age_m and (p.age is not None or p.bracket):
        age = int(next(g for g in age_m.groups() if g))
        used.append(age_m.span())
        s = _sentence_with(index, f"{p.age} years old") if p.age is not None else None
        ok = age == p.age if p.age is not None else p.bracket[0] <= age <= p.bracket[1]  # type: ignore[index]
        out.append(Finding("supported" if ok else "contradicted",
                           f"age {p.age if p.age is not None else p.bracket}" + ("" if ok else f", not {age}"), s))
    dec = re.search(r"\bin (?:my|our) (?:early |late |mid-?)?(teens|twenties|thirties|forties|fifties|sixties|"
                    r"seventies|\d0s)\b", text, re.IGNORECASE)
    if dec and (p.age is not None or p.bracket):
        w = dec.group(1).lower()
        lo, hi = _DECADES.get(w) or (int(w[:2]), int(w[:2]) + 9)
        used.append(dec.span())
        if p.age is not None:
            ok = lo <= p.age <= hi
        else:
            ok = p.bracket[0] <= hi and lo <= p.bracket[1]  # type: ignore[index]
        out.append(Finding("supported" if ok else "contradicted", f"age {p.age or p.bracket}", None))
    br = find_bracket(text)
    if br and p.bracket and re.search(r"\b(age|aged|years|old|bracket|between|group|I'm|I am)\b", text, re.IGNORECASE) \
            and not re.search(r"\d{4}-\d", text):
        m = re.search(r"\b\d{1,2}\s*(?:-|–|to)\s*\d{1,2}\b|\b\d{2}\+", text)
        if m:
            used.append(m.span())
        ok = br == p.bracket or (br[0] <= p.bracket[0] and p.bracket[1] <= br[1] and br[1] - br[0] <= 20)
        s = _sentence_with(index, f"{p.bracket[0]}-{p.bracket[1]}")
        out.append(Finding("supported" if ok else "contradicted",
                           f"age bracket {p.bracket[0]}-{p.bracket[1]}" + ("" if ok else f", not {br[0]}-{br[1]}"), s))
    return out


# ---------------------------------------------------------------------------------------------- ranks

def _claimed_rank(c: Parsed) -> tuple[int | str, tuple[int, int]] | None:
    # "a third", "a fifth" of my views are fractions, not ranks
    fractions = [n.span for n in c.numbers if n.fraction]
    m = next((m for m in SUPERLATIVE.finditer(c.bare) if not any(a <= m.start() < b for a, b in fractions)), None)
    if not m:
        return None
    w = m.group(1).lower()
    if LOW_SUPERLATIVE.fullmatch(w):
        return "last", m.span()
    if w in _RANK_WORDS:
        return _RANK_WORDS[w], m.span()
    if mm := re.fullmatch(r"(?:number |#|no\.? ?)(\d+)|(\d+)(?:st|nd|rd|th)", w):
        return int(mm.group(1) or mm.group(2)), m.span()
    return 1, m.span()


def rank_findings(c: Parsed, index: FactIndex, used: list[tuple[int, int]]) -> list[Finding]:
    p = index.profile
    claimed = _claimed_rank(c)
    if claimed is None:
        return []
    rank, (a, _) = claimed
    if re.search(r"\bone of (my|our|the)\b|\btop \d+\b|\bamong\b", c.lower):
        return []  # "one of my top topics": membership, checked by the anchors
    # "Personal Finance is topic number 1 of Dhruv Sarraf": a ranking belongs to the persona the claim names;
    # the profile's rankings are those of "I" only.
    tables = (p.topic_rank, p.content_rank)
    who = c.subject
    if who is not None:
        tables = index.other_ranks.get(who, ({}, {}))
    candidates = []
    for name, table in (("topic", tables[0]), ("content", tables[1])):
        for e in c.anchors + c.quotes:
            if e in table:
                pos = c.lower.find(e)
                candidates.append((abs(pos - a), e, table[e], name, table))
    if not candidates:
        if p.audience_rank and not (c.anchors or c.quotes) and re.search(
                r"\b(biggest|largest|smallest|second[- ]biggest|second[- ]largest|third[- ]biggest|third[- ]largest)"
                r"\b.{0,25}\b(audience|group|persona|segment)s?\b", c.lower):
            want = rank if rank != "last" else None
            ok = want == p.audience_rank if want else False
            return [Finding("supported" if ok ^ c.negated else "contradicted",
                            f"rank {p.audience_rank} by audience size", _sentence_with(index, "by audience size"))]
        return []
    _, e, actual, kind, table = min(candidates)
    for n in c.numbers:
        if n.kind == "rank":
            used.append(n.span)
    wanted = max(table.values()) if rank == "last" else rank
    ok = actual == wanted or (table is p.content_rank and wanted in p.title_ranks.get(e, ()))
    if c.negated:
        ok = not ok
    s = _sentence_with(index, e)
    what = f"{e!s} is {kind} number {actual}" + (f" of {who}" if tables[0] is not p.topic_rank else "") + " in the data"
    return [Finding("supported" if ok else "contradicted", what, s)]

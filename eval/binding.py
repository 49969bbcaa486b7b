"""One claim against the facts: numbers bound to what they belong to, entities, attributes, ranks, negation.

Each check yields a finding (supported / contradicted / unsupported, a reason, the fact sentence); the claim's
label is the worst finding. A claim none of whose parts could be found in the data is ``unsupported``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from itertools import combinations

from .claims import QUOTED, is_claimless, quoted_spans
from .facts import FactIndex, Sentence, entities_in, find_bracket, find_country, find_gender
from .lexicon import LOW_SUPERLATIVE, NEGATION, SUPERLATIVE, content_tokens, stem
from .numbers import Num, compatible, parse_numbers, same_quantity

_SELF = re.compile(r"\b(I|I'm|I've|me|my|mine|we|us|our|people like me)\b", re.I)
_COMPARE = re.compile(r"\b(more|less|fewer|than|times|twice|half|difference|gap|ratio|combined|together|"
                      r"total|sum|share|percent|of all|of my|of our)\b|%", re.I)
_CUE_TOKENS = {"top", "most", "least", "number", "rank", "only", "never", "not", "no", "also", "really", "mostly",
               "love", "like", "enjoy", "into", "prefer", "lot", "huge", "big", "fan", "people", "group", "around",
               "nearly", "almost", "over", "under", "roughly", "approximately", "some", "about", "exactly", "than",
               "more", "less", "fewer", "time", "second", "third", "fourth", "fifth", "first", "place", "spot",
               "come", "go", "make", "account", "amount", "figure", "stand", "represent", "get", "sit", "rank",
               "put", "comes", "then", "followed", "after", "while", "way", "far", "percent", "share", "view",
               "content", "topic", "count", "number", "total", "all", "whole", "said", "comment", "write", "say",
               # plain chat wording around a fact
               "everything", "channel", "together", "list", "average", "times", "compared", "overall", "usual",
               "typical", "watcher", "anyone", "someone", "else", "thing", "stuff", "kind", "type", "one",
               "half", "third", "quarter", "roughly", "close", "little", "big", "small", "large", "part",
               "portion", "chunk", "slice", "piece", "bunch", "check", "tell", "know", "think", "guess", "see",
               "seem", "look", "show", "data", "figure", "pretty", "definitely", "actually", "basically",
               "clearly", "favourite", "favorite", "love", "enjoy", "spend", "time", "hit", "reach", "end",
               "come", "came", "leave", "left", "put", "give", "gave", "take", "took", "add", "up", "out"}
_CUE_TOKENS |= {stem(w) for w in _CUE_TOKENS} | {"says", "said", "writes", "wrote"}
_DECADES = {"teens": (13, 19), "twenties": (20, 29), "thirties": (30, 39), "forties": (40, 49),
            "fifties": (50, 59), "sixties": (60, 69), "seventies": (70, 79)}
_RANK_WORDS = {"second": 2, "third": 3, "fourth": 4, "fifth": 5, "2nd": 2, "3rd": 3, "4th": 4, "5th": 5}
NOVEL_SHARE = 0.34  # a single unknown word makes a claim unsupported when it is over a third of its content

_MEASURES = {"lift", "weight", "stability", "rank", "number", "score", "of"}
ORDER = {"supported": 0, "unsupported": 1, "contradicted": 2}


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


def _has(hay: str, needle: str) -> bool:
    return re.search(r"(?<![\w])" + re.escape(needle) + r"(?![\w])", hay) is not None


def parse_claim(text: str, index: FactIndex) -> Parsed | None:
    """The claim's parts, or None when the sentence states nothing that can be checked."""
    masked = quoted_spans(text)
    lower = text.lower()
    numbers = parse_numbers(text, masked)
    quotes = [(m.group(1) or m.group(2)).strip().lower() for m in QUOTED.finditer(text)]
    bare = QUOTED.sub(" ", text)
    anchors: list[str] = []
    for t in index.topics | index.titles:
        if len(t) > 2 and _has(lower, t) and not any(t in q for q in quotes):
            anchors.append(t)
    for ent, start, _ in entities_in(bare):
        e = ent.lower()
        e = e[:-2] if e.endswith("'s") else e
        if index.profile.name_parts and (e in index.profile.name_parts
                                         or all(w in index.profile.name_parts for w in e.split())):
            continue
        if start == 0 and e not in index.entities and e not in index.topics:
            # A capitalised first word is an entity only if the data knows it as one.
            words = e.split()
            if len(words) == 1:
                continue
            e = " ".join(words[1:])
        if any(e == a or e in a for a in anchors):
            continue
        anchors.append(e)
    plain = list(bare)
    for n in numbers:  # number words ("thousand", "twice") are the number's business, not content
        plain[n.span[0]:n.span[1]] = " " * (n.span[1] - n.span[0])
    tokens = content_tokens("".join(plain))
    if index.profile.name_parts:
        tokens -= {w for w in index.profile.name_parts if " " not in w}
    self_ref = bool(_SELF.search(bare))
    negated = bool(NEGATION.search(bare))
    checkable = bool(numbers or quotes or anchors or SUPERLATIVE.search(bare) or find_gender(bare)
                     or (negated and tokens))
    if is_claimless(text, bool(numbers or quotes or anchors)):
        return None
    if not checkable and not tokens:
        return None
    return Parsed(text, lower, numbers, quotes, anchors, tokens, self_ref, negated, bare)


# ---------------------------------------------------------------------------------------------- attributes

def _sentence_with(index: FactIndex, needle: str) -> Sentence | None:
    n = needle.lower()
    return next((s for s in index.sentences if n in s.lower and (s.persona in (None, index.profile.name))), None)


def attribute_findings(c: Parsed, index: FactIndex, used: list[tuple[int, int]]) -> list[Finding]:
    """Name, country, gender and age of "I"; numbers they consume are added to ``used``."""
    p = index.profile
    out: list[Finding] = []
    if not c.self_ref:
        return out
    text = c.bare
    if p.name and (m := re.search(r"\b(?:I'm|I am|my name is|call me|name's)\s+([A-Z][\w'-]+)", text)):
        who = m.group(1).lower()
        if who in p.name_parts:
            out.append(Finding("supported", f"my name is {p.name}", _sentence_with(index, p.name.split()[0])))
        elif who not in index.entities and re.fullmatch(r"[A-Z][a-z]+", m.group(1)) and \
                not index.profile.topic_rank.get(who):
            out.append(Finding("contradicted", f"the persona is {p.name}, not {m.group(1)}",
                               _sentence_with(index, p.name.split()[0])))
    if p.country and re.search(r"\b(from|live|living|based|country|I'm|I am|we're|my group is)\b", text, re.I):
        for country, _, _ in find_country(text):
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
                      r"\bI am (\d{2})\b(?![.,]\d|%| ?[a-z])", text, re.I)
    if age_m and (p.age is not None or p.bracket):
        age = int(next(g for g in age_m.groups() if g))
        used.append(age_m.span())
        s = _sentence_with(index, f"{p.age} years old") if p.age is not None else None
        ok = age == p.age if p.age is not None else p.bracket[0] <= age <= p.bracket[1]  # type: ignore[index]
        out.append(Finding("supported" if ok else "contradicted",
                           f"age {p.age if p.age is not None else p.bracket}" + ("" if ok else f", not {age}"), s))
    dec = re.search(r"\bin (?:my|our) (?:early |late |mid-?)?(teens|twenties|thirties|forties|fifties|sixties|"
                    r"seventies|\d0s)\b", text, re.I)
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
    if br and p.bracket and re.search(r"\b(age|aged|years|old|bracket|between|group|I'm|I am)\b", text, re.I) \
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
    m = SUPERLATIVE.search(c.bare)
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
    candidates = []
    for name, table in (("topic", p.topic_rank), ("content", p.content_rank)):
        for e in c.anchors + c.quotes:
            if e in table:
                pos = c.lower.find(e)
                candidates.append((abs(pos - a), e, table[e], name, table))
    if not candidates:
        if p.audience_rank and re.search(r"\b(audience|group|persona|segment)s?\b", c.lower) and \
                re.search(r"\b(biggest|largest|most|top|smallest|second|third)\b", c.lower) and \
                not (c.anchors or c.quotes):
            want = rank if rank != "last" else None
            ok = want == p.audience_rank if want else False
            return [Finding("supported" if ok ^ c.negated else "contradicted",
                            f"rank {p.audience_rank} by audience size", _sentence_with(index, "by audience size"))]
        return []
    _, e, actual, kind, table = min(candidates)
    for n in c.numbers:
        if n.kind == "rank":
            used.append(n.span)
    ok = actual == (max(table.values()) if rank == "last" else rank)
    if c.negated:
        ok = not ok
    s = _sentence_with(index, e)
    what = f"{e!s} is {kind} number {actual} in the data"
    return [Finding("supported" if ok else "contradicted", what, s)]


# ---------------------------------------------------------------------------------------------- numbers

def _own_anchors(s: Sentence, index: FactIndex) -> set[str]:
    """What a fact sentence is about, besides the persona: its topics, titles and other entities."""
    p = index.profile
    own = {x for x in (p.country, p.gender) if x}
    out = {e for e in s.entities if e not in {o.lower() for o in own}}
    out |= {t for t in index.topics if t in s.lower}
    out |= set(s.quotes)
    return out


def _mentioned(anchor: str, c: Parsed) -> bool:
    return anchor in c.lower or any(anchor in q or q in anchor for q in c.quotes) or \
        any(anchor in a or a in anchor for a in c.anchors)


def bound(c: Parsed, s: Sentence, n: Num, m: Num) -> bool:
    """``m`` in ``s`` states the claim's number ``n`` for the thing the claim talks about."""
    if not compatible(n, m):
        return False
    if n.unit and not m.unit and (n.unit not in s.tokens or m.lead in _MEASURES):
        return False  # '1,739 likes' is not the bare '1,739' of a monthly series about views
    owner = s.owner(m)
    return owner is None or _mentioned(owner, c) or not (c.anchors or c.quotes)


def score_sentence(c: Parsed, s: Sentence, index: FactIndex, numbers: list[Num]) -> float:
    hits = sum(1 for a in c.anchors + c.quotes if a in s.lower)
    nums = sum(1 for n in numbers if any(bound(c, s, n, m) for m in s.numbers))
    overlap = len(c.tokens & s.tokens)
    stray = sum(1 for a in _own_anchors(s, index) if not _mentioned(a, c))
    score = 3.0 * hits + 2.0 * nums + overlap - 1.5 * min(stray, 2)
    if c.self_ref and s.persona is not None and index.profile.name and s.persona != index.profile.name:
        score -= 3.0
    return score


def _derived(n: Num, sents: list[Sentence]) -> str | None:
    """A difference, ratio, sum or share of two numbers in the best-matching facts that gives the claim."""
    pool = [m for s in sents for m in s.numbers if m.kind in ("num", "pct", "mult")]
    for a, b in combinations(pool, 2):
        if a.value == 0 or b.value == 0:
            continue
        big, small = (a, b) if a.value >= b.value else (b, a)
        cands = []
        if big.kind == small.kind:
            cands += [("difference", big.value - small.value, big.kind), ("sum", big.value + small.value, big.kind)]
        if big.kind == small.kind or n.kind == "mult":
            cands.append(("ratio", big.value / small.value, "mult"))
        if big.kind == small.kind == "num":
            cands.append(("share", 100 * small.value / big.value, "pct"))
        for what, v, kind in cands:
            prec = 10 ** (len(str(int(abs(v)))) - 3) if abs(v) >= 1000 else 0.0
            probe = Num(v, kind if n.kind != "num" or kind == "num" else n.kind, "", prec, "", (0, 0), "")
            if (kind == n.kind or (kind == "mult" and n.kind == "num")) and compatible(n, probe, check_units=False):
                return f"{what} of {a.text.strip()} and {b.text.strip()}"
    return None


def number_findings(c: Parsed, index: FactIndex, numbers: list[Num]) -> tuple[list[Finding], Sentence | None]:
    ranked = sorted(index.sentences, key=lambda s: -score_sentence(c, s, index, numbers))
    best = ranked[0] if ranked and score_sentence(c, ranked[0], index, numbers) > 0 else None
    out: list[Finding] = []
    for n in numbers:
        if best is not None and any(bound(c, best, n, m) for m in best.numbers):
            out.append(Finding("supported", f"{n.text.strip()} matches the data", best))
            continue
        between = _COMPARE.search(c.text) and len(c.anchors) >= 2 and re.search(r"\bthan\b|\bas\b.*\bas\b", c.lower)
        how = _derived(n, [s for s in ranked[:6] if any(a in s.lower for a in c.anchors)]) if between else None
        if how:
            out.append(Finding("supported", f"{n.text.strip()} is the {how}", best))
            continue
        slot = next((m for m in best.numbers if same_quantity(n, m) and m.kind == n.kind
                     and best.owner(m) in (None, *c.anchors, *c.quotes)), None) if best else None
        if best is not None and slot is None and n.unit and n.kind == "num":
            slot = next((m for m in best.numbers if m.kind == "num" and not m.unit and best.lower.count(n.unit) and
                         abs(m.value - n.value) / max(n.value, 1) < 0.5), None)
        elsewhere = [s for s in ranked if any(bound(c, s, n, m) or (compatible(n, m) and s.owner(m)) for m in s.numbers)]
        if slot is not None:
            out.append(Finding("contradicted", f"the data says {slot.text.strip()}, not {n.text.strip()}", best))
            continue
        if elsewhere:
            s = elsewhere[0]
            owners = [s.owner(m) for m in s.numbers if compatible(n, m)]
            stray = [o for o in owners if o and not _mentioned(o, c)] or \
                [a for a in _own_anchors(s, index) if not _mentioned(a, c)]
            other = c.self_ref and s.persona not in (None, index.profile.name) and index.profile.name
            if other:
                out.append(Finding("contradicted", f"{n.text.strip()} belongs to {s.persona}, not to me", s))
            elif stray and (c.anchors or c.quotes):
                out.append(Finding("contradicted", f"{n.text.strip()} belongs to {stray[0]} in the data", s))
            else:
                out.append(Finding("supported", f"{n.text.strip()} matches the data", s))
            continue
        how = _derived(n, ranked[:3]) if _COMPARE.search(c.text) else None
        if how:
            out.append(Finding("supported", f"{n.text.strip()} is the {how}", best))
        else:
            out.append(Finding("unsupported", f"{n.text.strip()} is not in the data", best))
    return out, best


# ---------------------------------------------------------------------------------------------- the claim

def verify(c: Parsed, index: FactIndex) -> list[Finding]:
    used: list[tuple[int, int]] = []
    findings = attribute_findings(c, index, used)
    findings += rank_findings(c, index, used)
    numbers = [n for n in c.numbers if not any(a <= n.span[0] < b for a, b in used)]
    for q in c.quotes:
        s = next((s for s in index.sentences if q in s.lower), None)
        findings.append(Finding("supported", "quoted in the data", s) if s else
                        Finding("unsupported", f"\"{q}\" is not in the data"))
    nf, best = number_findings(c, index, numbers)
    findings += nf
    attr_words = {x.lower() for x in (index.profile.country, index.profile.gender) if x}
    for a in c.anchors:
        if a in index.lower_all or a in attr_words:
            continue
        if any(f.label == "contradicted" for f in findings):
            continue
        findings.append(Finding("unsupported", f"{a} is not in the data"))
    if best is None:
        ranked = sorted(index.sentences, key=lambda s: -score_sentence(c, s, index, []))
        best = ranked[0] if ranked else None
    # Negated content: "I never watch X" while the data shows X.
    if c.negated and not findings_have_rank(findings) and best is not None:
        named = [a for a in c.anchors if a in best.lower]
        if named and not best.negated:
            findings.append(Finding("contradicted", f"the data shows {named[0]}", best))
        elif not named and best.negated != c.negated and len(c.tokens & best.tokens) >= max(2, len(c.tokens) // 2):
            findings.append(Finding("contradicted", "the data says the opposite", best))
    # Words the data never uses: an invented detail ("... watches with subtitles on"), even next to a
    # number that happens to occur somewhere in the data.
    novel = sorted(t for t in c.tokens - index.vocab if t not in _CUE_TOKENS and len(t) > 2)
    content = [t for t in c.tokens if t not in _CUE_TOKENS]
    if novel and (len(novel) >= 2 or len(novel) > NOVEL_SHARE * len(content)) and \
            not any(f.label == "contradicted" for f in findings):
        findings.append(Finding("unsupported", "not in the data: " + ", ".join(novel[:4]), best))
    if not findings:
        if best is not None and c.tokens and len(c.tokens & best.tokens) >= 0.6 * len(c.tokens):
            if best.negated != c.negated:
                findings.append(Finding("contradicted", "the data says the opposite", best))
            else:
                findings.append(Finding("supported", "the data says so", best))
        else:
            findings.append(Finding("unsupported", "nothing in the data says so", best))
    return findings


def findings_have_rank(findings: list[Finding]) -> bool:
    return any(" number " in f.reason and " in the data" in f.reason for f in findings)

"""Answers into atomic claims: citation markers out, sentences, then coordinated clauses; spans kept.

A sentence that states nothing checkable (a greeting, an offer to help, a question back, "I'm a data-driven
persona", an honest "my data doesn't tell me that") is not a claim. Everything else that names a number, an
entity, a quote, an attribute, a superlative or a negated content statement is.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from vocabulary import REFUSAL_VERBS

CITATION = re.compile(r"\s*\[(?:\d+|[a-z]?\d+(?:\s*[,;-–]\s*\d+)*)\](?:\[\d+\])*")
QUOTED = re.compile(r"[\"“”]([^\"“”]{2,}?)[\"“”]|(?<![A-Za-z])'([^']{3,}?)'(?![A-Za-z])")

_ABBREV = re.compile(r"(?:\b(?:e\.g|i\.e|vs|etc|Mr|Mrs|Ms|Dr|St|No|approx|Inc|Ltd|Jr|Sr|U\.S|U\.K)\.|\b[A-Z]\.)$")
_END = re.compile(r"[.!?]+[\"”')\]]*(?=\s+|$)|\n+")

# Clause boundaries: only where an independent clause with its own subject and verb follows.
_CLAUSE = re.compile(r";\s+|,\s+(?:and|but|while|whereas|so)\s+|\s+(?:but|whereas|while)\s+|\s+and\s+(?=(?:I|I'm|my|we|our|it|it's|that|they|their|he|she|his|her)\b)")
_VERB = re.compile(r"\b(is|are|was|were|am|has|have|had|make|makes|made|account|accounts|watch|watches|"
                   r"watched|love|like|likes|prefer|enjoy|comes?|came|holds?|gets?|got|do|does|did|wrote|writes|"
                   r"said|says|live|lives|left)\b|'s\b|'m\b|'re\b", re.IGNORECASE)

NO_CLAIM = re.compile(
    r"(doesn'?t|does not|don'?t|do not|can'?t|cannot|didn'?t) (tell|say|show|know|include|contain|cover|have)|"
    r"\bno (data|information|record|figures?|facts?) (on|about|for)|not (in|part of) (my|the|our) data|"
    r"\bI (don'?t|do not) know\b|\bnot sure\b|\bno way to (tell|know)|\bnot something (my|the) data|"
    r"\b(hi|hello|hey|thanks|thank you|you'?re welcome|happy to|glad to|feel free|let me know|ask me|"
    r"good question|great question|sure|of course|nice to meet)\b|"
    r"\bdata-driven persona\b|\bnot (a|one) real (person|individual)\b|\bmade up\b|\bI (represent|stand for) "
    r"(a|many|real) (group|viewers|people)",
    re.IGNORECASE,
)


# An honest refusal: what the data does NOT cover ("My data doesn't tell me that for Germany"). It names
# things only to say they are missing, so it is no claim about them; what follows its colon is a claim.
REFUSAL = re.compile(
    r"^(?:(?:but|sorry|so|no|unfortunately)\W+)?(?:(?:my|the|our) (?:data|facts|numbers)|I|it|that|this)\s+"
    r"(?:doesn'?t|does not|don'?t|do not|can'?t|cannot|didn'?t|did not)\s+"
    r"(?:" + "|".join(REFUSAL_VERBS) + r")\b|"
    r"^(?:that|this|it)\b[^:]{0,60}\b(?:isn'?t|is not|wasn'?t|was not) (?:in|part of) (?:my|the|our) data\b",
    re.IGNORECASE,
)

# Words of statements about the conversation itself ("I can only answer from my group's data") and of
# hedged opinions ("Going by that, I'd probably watch it"): with nothing else in a sentence, it is no claim.
# Stemmed forms, as ``lexicon.content_tokens`` gives them.
META_WORDS = frozenset(["data", "answer", "only", "group", "view", "going", "go", "probably", "likely", "maybe",
                        "perhaps", "skip", "guess", "think", "try", "ask", "question", "tell", "know", "say",
                        "sound", "based", "judging", "judge", "way", "give", "chance", "would", "i'd", "we'd",
                        "can", "able", "help", "reply", "respond"])


@dataclass(frozen=True)
class Segment:
    text: str
    span: tuple[int, int]  # in the answer as given (markers included)
    explains_refusal: bool = False  # the part after "My data doesn't tell me that: ..."


def strip_citations(answer: str) -> tuple[str, list[int]]:
    """The answer without [n] markers, and for each kept character its offset in the original answer."""
    keep: list[int] = []
    out: list[str] = []
    pos = 0
    for m in CITATION.finditer(answer):
        for i in range(pos, m.start()):
            out.append(answer[i])
            keep.append(i)
        pos = m.end()
    for i in range(pos, len(answer)):
        out.append(answer[i])
        keep.append(i)
    return "".join(out), keep


# "I", "me", "my": the answer speaks as someone (not "Phase I", "World War I").
_FIRST_PERSON = re.compile(r"(?<!Phase )(?<!Type )(?<!War )(?<!Class )(?<!Part )(?<!Tier )(?<!Level )"
                           r"\b(?:I|I'm|I’m|I've|I'd|I'll|[Mm]e|[Mm]y|[Mm]ine|[Mm]yself)\b")


def first_person(answer: str) -> bool:
    """The answer speaks in the first person (outside quotes): a persona's answer, whatever the contexts."""
    return bool(_FIRST_PERSON.search(QUOTED.sub(" ", answer)))


def quoted_spans(text: str) -> list[tuple[int, int]]:
    return [(m.start(), m.end()) for m in QUOTED.finditer(text)]


def _inside(spans: list[tuple[int, int]], i: int) -> bool:
    return any(a < i < b for a, b in spans)


def sentences(text: str) -> list[tuple[int, int]]:
    """Sentence spans; never splits inside quotes, decimals ('12.4%') or abbreviations ('e.g.')."""
    quotes = quoted_spans(text)
    ends = []
    for m in _END.finditer(text):
        if _inside(quotes, m.start()):
            continue
        if m.group(0)[0] == "." and _ABBREV.search(text, 0, m.start() + 1):
            continue
        ends.append(m.end())
    # A quoted comment can end a sentence without a full stop: 'says: "Great video" Next sentence'.
    for a, b in quotes:
        if re.match(r"\s+[A-Z]", text[b:]) and re.search(r"(:|\bsays?|\bwrote|\bcommented)\s*$", text[:a]):
            ends.append(b)
    spans: list[tuple[int, int]] = []
    start = 0
    for end in sorted(set(ends)):
        if end <= start:
            continue
        spans.append((start, end))
        start = end
    spans.append((start, len(text)))
    out = []
    for a, b in spans:
        while a < b and text[a].isspace():
            a += 1
        while b > a and text[b - 1].isspace():
            b -= 1
        if b > a:
            out.append((a, b))
    return out


def clauses(text: str, span: tuple[int, int]) -> list[tuple[int, int]]:
    """Split a sentence at coordinators that join two full clauses (each side keeps a verb)."""
    a, b = span
    sent = text[a:b]
    quotes = quoted_spans(sent)
    cuts = [(m.start(), m.end()) for m in _CLAUSE.finditer(sent) if not _inside(quotes, m.start())]
    if not cuts:
        return [span]
    parts: list[tuple[int, int]] = []
    prev = 0
    for s, e in cuts:
        left, right = sent[prev:s], sent[e:]
        if sent[s:e].strip() == ";" or (_VERB.search(left) and _VERB.search(right.split(";")[0])
                                         and len(left.split()) >= 3):
            parts.append((prev, s))
            prev = e
    parts.append((prev, len(sent)))
    return [(a + x, a + y) for x, y in parts if sent[x:y].strip(" ,;.")]


def is_claimless(text: str, checkable: bool) -> bool:
    """Questions, courtesy and honest "my data doesn't say" sentences state nothing to check."""
    t = text.strip()
    if not t or not re.search(r"[A-Za-z0-9]", t):
        return True
    if t.endswith("?"):
        return True
    if NO_CLAIM.search(t) and not checkable:
        return True
    return bool(REFUSAL.match(t) and not re.search(r"\d", QUOTED.sub("", t)))


def refusal_cut(text: str, span: tuple[int, int]) -> list[tuple[int, int]]:
    """"<refusal>: <what the data does say>" -> the two parts, so that the second is checked on its own."""
    a, b = span
    part = text[a:b]
    if not REFUSAL.match(part):
        return [span]
    quotes = quoted_spans(part)
    colon = next((m.start() for m in re.finditer(r":\s+", part) if not _inside(quotes, m.start())), None)
    if colon is None:
        return [span]
    return [(a, a + colon), (a + colon + 1, b)]


def split_claims(answer: str) -> tuple[str, list[Segment], list[int]]:
    """(answer without markers, claim-sized segments with spans in the original answer, offset map)."""
    clean, offsets = strip_citations(answer)
    segs: list[Segment] = []
    for sent in sentences(clean):
        parts = [(p, i > 0) for c in clauses(clean, sent) for i, p in enumerate(refusal_cut(clean, c))]
        for (a, b), after in parts:
            txt = clean[a:b].strip()
            if not txt:
                continue
            lead = len(clean[a:b]) - len(clean[a:b].lstrip())
            a2 = a + lead
            b2 = a2 + len(txt)
            segs.append(Segment(txt, (offsets[a2] if a2 < len(offsets) else len(answer),
                                      offsets[b2 - 1] + 1 if b2 - 1 < len(offsets) else len(answer)), after))
    return clean, segs, offsets

"""A claim read as typed statements: which quantity of which subject it states, and with what value.

The claim is read with the same tables as the contexts (``checker.quantities``, ``checker.identity``): a
figure takes the subject the claim names next to it and the kind its words give; rank words, comparisons,
sums, trend words, months, negations, names, genders, age brackets and countries are statements of their own.
``checker.judgement`` compares each statement with the facts.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from .claims import QUOTED
from .identity import find_brackets
from .lexicon import DEMONYMS, GENDER_RE, GENDER_WORDS, NEGATION, canonical_country, country_re
from .numbers import Num, parse_numbers
from .quantities import (DOWN, LOW, MONTH_RE, PEAK, PERIOD, RANK_RE, RANK_WORDS, UP, is_month_at, kind_of,
                         normal_month, sample_share)
from .labels import GENERIC, PERIOD_LABEL, group_label, is_period
from .survey_shares import answer_labels, answer_subject, compared_reference, pair_subject, said_answer
from .typed_facts import Facts

# "After A come B and C", "A, followed by B", "B comes right after A", "A ranks above B", "more A than B".
_AFTER = re.compile(r"\bafter\b|\bfollowed by\b|\bthen\b|\bnext (?:is|comes)\b|\bbehind\b|\bbelow\b|\btrails\b", re.I)
_ABOVE = re.compile(r"\b(?:ranks?|comes?|sits?|is|are) (?:above|ahead of|before)\b|\bbeats?\b|\boutranks?\b|"
                    r"\bmore than\b|\bbigger than\b|\blarger than\b|\bahead of\b|\bover\b", re.I)
_MORE_THAN = re.compile(r"\b(?:more|bigger|larger|greater|higher)\b(?P<mid>.{0,60}?)\bthan\b", re.I)
_LESS_THAN = re.compile(r"\b(?:less|fewer|smaller|lower)\b(?P<mid>.{0,60}?)\bthan\b", re.I)
_TOGETHER = re.compile(r"\b(?:together|combined|in total|between them|add(?:s|ed)? up|sum|jointly|put together|"
                       r"taken together|altogether)\b", re.I)
_DIFFERENCE = re.compile(r"\b(?:points?|pp|percentage points?)\b.{0,20}\b(?:more|less|fewer|higher|lower|ahead|"
                         r"behind|above|below)\b|\bgap\b|\bdifference\b|\b(?:leads?|trails?|beats?|ahead of|behind|"
                         r"outdoes|outsells|tops)\b.{0,60}\bby\b|\d\s+(?:\w+\s+)?(?:more|fewer|less)\b.{0,40}\bthan\b", re.I)
_NAME_CLAIM = re.compile(r"\b(?:I'm|I am|my name is|call me|name's|they call me|this is)\s+([A-Z][a-zà-ÿ'’-]+)")
_SELF = re.compile(r"\b(?:(?i:I|I'm|I've|me|my|mine|we|our|people like me)|us|Us)\b")  # "US" is a country
_COUNTRY_CUE = re.compile(r"\b(?:from|live|living|lives|based|country|nationality|I'm|I am|we're|we are|"
                          r"my group is|stand for|represent|people in)\b", re.I)
_SAID = re.compile(r"\b(?:wrote|writes|said|says|commented|comments?|posted|left|replied|asked)\b", re.I)
_NEVER = re.compile(r"\b(?:never|don'?t|do not|doesn'?t|does not|didn'?t|no longer|not into|not a fan of|"
                    r"avoid|skip|hate|dislike|zero)\b", re.I)


@dataclass
class Statement:
    kind: str  # 'quantity', 'rank', 'order', 'sum', 'difference', 'ratio', 'month', 'trend', 'negation',
    #            'name', 'gender', 'age', 'country', 'title'
    subjects: list[str]
    quantity: str = ""  # for 'quantity': the fact kind it states (share, count, users, ...)
    value: Num | None = None
    rank: int = 0
    role: str = ""  # 'month_peak' / 'month_low'; for 'trend' 'up' / 'down'; for 'name' etc. the word said
    text: str = ""


@dataclass
class ClaimReading:
    text: str
    statements: list[Statement] = field(default_factory=list)
    consumed: list[tuple[int, int]] = field(default_factory=list)  # spans the statements explain
    self_ref: bool = False


def _mentions(text: str, facts: Facts) -> list[tuple[str, int, int]]:
    """Subjects a claim names: quoted titles, months and the contexts' labels, longest first, no overlaps."""
    found: list[tuple[str, int, int]] = []
    for m in QUOTED.finditer(text):
        found.append(((m.group(1) or m.group(2)).strip().lower(), m.start(), m.end()))
    bare = QUOTED.sub(lambda m: " " * len(m.group(0)), text)
    low = bare.lower()
    if facts.labels:
        pattern = plural_labels(frozenset(facts.labels))
        for m in pattern.finditer(low):
            if not any(a < m.end() and m.start() < b for _, a, b in found):
                found.append((m.group(1), m.start(), m.end()))
    for m in MONTH_RE.finditer(bare):
        if is_month_at(bare, m) and not any(a < m.end() and m.start() < b for _, a, b in found):
            found.append((normal_month(m.group(1)), m.start(), m.end()))
    for m in PERIOD_LABEL.finditer(bare):
        if not any(a < m.end() and m.start() < b for _, a, b in found):
            found.append((m.group(0).lower(), m.start(), m.end()))
    found += _loose_mentions(low, facts, found)
    return sorted(found, key=lambda x: x[1])


def _loose_mentions(low: str, facts: Facts, found: list[tuple[str, int, int]]) -> list[tuple[str, int, int]]:
    """Labels named in another form: a word form ("commute" for Commuting) or the head of a longer label
    ("leisure" for Leisure rides), when only one label fits."""
    out: list[tuple[str, int, int]] = []
    for m in re.finditer(r"[a-zà-ÿ][a-zà-ÿ-]{4,}", low):
        if any(a < m.end() and m.start() < b for _, a, b in found + out) or m.group(0) in GENERIC:
            continue
        w = m.group(0)
        fits = [lab for lab in facts.labels if lab not in facts.titles and _same_word(w, lab.split()[0])]
        if len(fits) == 1:
            out.append((fits[0], m.start(), m.end()))
    return out


def _same_word(w: str, head: str) -> bool:
    if len(head) < 5:
        return False
    n = 0
    for a, b in zip(w, head):
        if a != b:
            break
        n += 1
    return n >= 5 and n >= min(len(w), len(head)) - 3


@lru_cache(maxsize=256)
def plural_labels(labels: frozenset[str]) -> re.Pattern[str]:
    alts = "|".join(re.escape(x) for x in sorted(labels, key=len, reverse=True))
    return re.compile(r"(?<![\w])(" + alts + r")(?:s)?(?![\w])")


def _nearest(mentions: list[tuple[str, int, int]], at: int, before_only: bool = False) -> str:
    before = [m for m in mentions if m[2] <= at]
    if before:
        return before[-1][0]
    if before_only:
        return ""
    after = [m for m in mentions if m[1] >= at]
    return after[0][0] if after else ""


def read_claim(text: str, facts: Facts) -> ClaimReading:
    r = ClaimReading(text, self_ref=bool(_SELF.search(QUOTED.sub(" ", text))))
    bare = QUOTED.sub(lambda m: " " * len(m.group(0)), text)
    mentions = _mentions(text, facts)
    r.consumed += [(a, b) for _, a, b in mentions]
    periods = [m.span() for m in PERIOD.finditer(bare)]
    ages = [(b.span[0], b.span[1]) for b in find_brackets(bare)]
    masked = [(m.start(), m.end()) for m in QUOTED.finditer(text)] + periods + ages
    numbers = [n for n in parse_numbers(text, masked) if n.kind != "rank"
               and not RANK_RE.fullmatch(n.text.strip())]
    if not any(group_label(bare[:n.span[0]], facts.identity) for n in numbers):
        _identity(r, bare, facts, mentions)  # "25-34, female, US (2.6%)" describes that group, not me
    r.consumed += periods
    _numbers(r, text, bare, numbers, mentions, facts)
    _ranks(r, bare, mentions, numbers)
    _months_and_trend(r, bare, mentions, numbers)
    _negation(r, bare, mentions)
    quoted = [m for m in mentions if text[m[1]] in "\"“”'" and m[0] in facts.labels]
    between = text[quoted[0][2]:quoted[1][1]] if len(quoted) >= 2 else ""
    if len(quoted) >= 2 and _SAID.search(bare) and len(between) <= 40 and \
            re.search(r"\b(?:under|on|for|about|below|beneath|to)\b", between, re.I):
        # "someone wrote "<comment>" under "<title>"": the comment must be on that title
        r.statements.append(Statement("pair", [quoted[0][0], quoted[1][0]], text=text[quoted[0][1]:quoted[1][2]]))
    for title, a, b in mentions:
        if text[a] in "\"“”'" and title not in facts.labels:
            r.statements.append(Statement("title", [title], text=text[a:b]))
    return r


def _identity(r: ClaimReading, bare: str, facts: Facts, mentions: list[tuple[str, int, int]]) -> None:
    if not r.self_ref:
        return
    if (m := _NAME_CLAIM.search(bare)) and not _not_a_name(m.group(1), facts):
        r.statements.append(Statement("name", [], role=m.group(1), text=m.group(0)))
        r.consumed.append(m.span(1))
    for m in GENDER_RE.finditer(bare):
        word = m.group(1).lower()
        if word in ("he", "she"):
            continue
        r.statements.append(Statement("gender", [], role=GENDER_WORDS[word], text=m.group(0)))
        r.consumed.append(m.span())
    for b in find_brackets(bare):
        r.statements.append(Statement("age", [], rank=b.lo, value=None, role=f"{b.lo}-{b.hi}", text=bare[b.span[0]:b.span[1]]))
        r.consumed.append(b.span)
    # A country said of "me" ("I'm from", "I live in", "my country") is my country; one only named ("in
    # France") is a place the data must name.
    said_of_me = bool(_COUNTRY_CUE.search(bare))
    for m in country_re().finditer(bare):
        word = m.group(1)
        if word.islower() and len(word) <= 4:
            continue
        r.statements.append(Statement("country", [], role=canonical_country(word) or word, text=word,
                                      rank=0 if said_of_me else -1))
        r.consumed.append(m.span())
    for m in re.finditer(r"\b[A-Z][a-z]+(?: [A-Z][a-z]+)?\b", bare):
        if m.group(0).lower() in DEMONYMS and not any(a <= m.start() < b for a, b in r.consumed):
            r.statements.append(Statement("country", [], role=canonical_country(m.group(0)) or m.group(0),
                                          text=m.group(0)))
            r.consumed.append(m.span())


def _not_a_name(word: str, facts: Facts) -> bool:
    w = word.lower()
    return (w in DEMONYMS or w in GENDER_WORDS or canonical_country(word) is not None or w in GENERIC
            or w in facts.labels or any(lab.startswith(w + " ") for lab in facts.labels)
            or w in ("a", "an", "the", "in", "into", "from", "part", "one", "quite", "very", "mostly", "also",
                     "not", "really", "based", "here", "happy", "glad", "sure", "sorry", "afraid"))


def _numbers(r: ClaimReading, text: str, bare: str, numbers: list[Num], mentions: list[tuple[str, int, int]],
             facts: Facts) -> None:
    together = _TOGETHER.search(bare)
    named = [m for m in mentions]
    count_units = {f.value.unit for f in facts.facts if f.kind == "count" and f.value and f.value.unit}
    for n in numbers:
        r.consumed.append(n.span)
        cues = _local(bare, n)
        subject = _subject_of(bare, named, n)
        if n.kind == "mult" and len(named) >= 2 and re.search(r"\bthan\b|\bas\b.{0,40}\bas\b", bare) and \
                not re.search(r"\baverage\b|\beveryone\b|\boverall\b|\btypical\b|\bthe rest\b", bare, re.I):
            r.statements.append(Statement("ratio", [named[0][0], named[1][0]], value=n, text=n.text))
            continue
        if together and len(named) >= 2 and n.kind in ("pct", "num"):
            r.statements.append(Statement("sum", [x for x, _, _ in named], value=n, text=n.text))
            continue
        if len(named) >= 2 and _DIFFERENCE.search(bare) and n.kind in ("pct", "num"):
            r.statements.append(Statement("difference", [named[0][0], named[1][0]], value=n, text=n.text))
            continue
        if not subject and (group := group_label(bare[:n.span[0]], facts.identity)):
            subject = group  # "25-34, female, IN (2.6%)": that group's figure
        kind = kind_of(cues, n, bool(subject))
        if n.kind == "num" and 0 < n.value < 1 and "." in n.text and subject and kind == "count":
            kind = "share"  # "0.342 of my views"
        if kind == "users" and n.unit and n.unit in count_units:
            kind = "count"  # "19,758 views from people like me": views, whoever watched them
        if kind in ("users", "rate", "stability", "change") or (kind == "total_share" and not subject):
            subject = ""
        elif kind == "total_share" and subject:
            kind = "share"
        if sample_share(n, bare[n.span[1]:]) and (subject or compared_reference(bare[:n.span[0]])):
            kind = "sample_share"  # "..., against 68.0% of all respondents": the whole sample's share of it
        if subject.startswith("group: "):
            kind = next((f.kind for f in facts.facts if f.subject == subject), kind)
        if kind == "count" and subject and not is_period(subject) and subject not in facts.labels:
            subject = ""
        r.statements.append(Statement("quantity", [subject] if subject else [], quantity=kind, value=n,
                                      text=n.text, role=_direction(bare)))
    _survey_pair(r, facts)
    _survey_answers(r, bare, facts)


def _survey_pair(r: ClaimReading, facts: Facts) -> None:
    """'71% of my group say too little, against 68% of all respondents': the item that holds both shares."""
    loose = [s for s in r.statements if s.kind == "quantity" and not s.subjects and s.value is not None
             and s.value.kind == "pct"]
    reference = [s for s in loose if s.quantity == "sample_share"]
    if not reference:
        return
    own = [s for s in loose if s.quantity != "sample_share"]
    subject = pair_subject([s.value for s in own if s.value], [s.value for s in reference if s.value], facts)
    if subject:
        for s in loose:
            s.subjects = [subject]
            s.quantity = "sample_share" if s in reference else "share"


def _survey_answers(r: ClaimReading, bare: str, facts: Facts) -> None:
    """A survey share is of the answer the claim says: "71% say too much" is judged against the item's
    'too much' share, not whichever answer holds 71%; its sample's share ("against 68% of all respondents")
    is of the same answer."""
    shares = [s for s in r.statements if s.kind == "quantity" and len(s.subjects) == 1 and s.value is not None
              and s.quantity in ("share", "sample_share") and answer_labels(facts, s.subjects[0])]
    answer, prev = "", 0
    for i, s in enumerate(shares):
        item, labels = s.subjects[0], answer_labels(facts, s.subjects[0])
        start, end = s.value.span
        if s.quantity == "share":
            nxt = shares[i + 1].value.span[0] if i + 1 < len(shares) else len(bare)
            answer = said_answer(bare[end:nxt], labels) or said_answer(bare[prev:start], labels)
        if answer:
            s.subjects = [answer_subject(item, answer)]
        prev = end


_SELF_PHRASE = re.compile(r"\b(?:from |by |among )?people like (?:me|us)\b|\bpeople in my group\b(?=\s+(?:watch|"
                          r"listen|read|buy|play|use))", re.I)
_WINDOW_WORDS = 6


def _local(bare: str, n: Num) -> str:
    """The words around a figure (six each side), "people like me" left out: it names who, not what."""
    before = bare[:n.span[0]].split()[-_WINDOW_WORDS:]
    after = bare[n.span[1]:].split()[:_WINDOW_WORDS]
    # the noun right after the figure stays a cue ("1,234 people like me watch ...": people)
    return _SELF_PHRASE.sub(" ", " ".join(before) + " " + n.text + " " + " ".join(after)) + " " + n.unit


_CLAUSE_START = re.compile(r",\s+(?:and|but|while)\s+|;\s+|\s+and\s+(?=(?:it|it's|that|this|which|they)\b)", re.I)
_PRONOUN_START = re.compile(r"\s*(?:it|it's|that|that's|this|which|they|they're)\b", re.I)


def _subject_of(bare: str, named: list[tuple[str, int, int]], n: Num) -> str:
    """The subject of a figure: the nearest one named in its clause; in a clause that opens with "it" or
    "that" and names none, the sentence's first subject ("Ranked leads, and it's over half of my play")."""
    start = max((m.end() for m in _CLAUSE_START.finditer(bare, 0, n.span[0])), default=0)
    inside = [x for x in named if x[1] >= start]
    if start and not [x for x in inside if x[2] <= n.span[0]] and _PRONOUN_START.match(bare[start:]):
        before = [x for x in named if x[2] <= start]
        if before:
            return before[0][0]
    before = [x for x in (inside or named) if x[2] <= n.span[0]]
    if before:
        return before[-1][0]
    # a subject after the figure only when the figure is its own ("12 views on "Title"", "41% for Sports",
    # "1.6x as into Sports"); "with 312,056 views, mostly into Gaming" is the whole group's
    after = [x for x in named if x[1] >= n.span[1]]
    if after and re.fullmatch(r"[\s%x]*(?:[a-z]+\s+){0,8}(?:on|for|of|in|from|to|at|into|as much)?\s*[\"“]?",
                              bare[n.span[1]:after[0][1]].lower()) and \
            not re.search(r"[,;:()]|\bmostly\b|\band\b", bare[n.span[1]:after[0][1]]):
        return after[0][0]
    return ""


def _direction(bare: str) -> str:
    down, up = DOWN.search(bare), UP.search(bare)
    return "down" if down and not up else "up" if up and not down else ""


def _ranks(r: ClaimReading, bare: str, mentions: list[tuple[str, int, int]], numbers: list[Num]) -> None:
    months = {normal_month(m.group(1)) for m in MONTH_RE.finditer(bare) if is_month_at(bare, m)} | \
        {m.group(0).lower() for m in PERIOD_LABEL.finditer(bare)}
    named = [m for m in mentions if m[0] not in months]
    fraction_spans = [n.span for n in numbers if n.fraction]
    matches = list(RANK_RE.finditer(bare))
    # "second favourite", "third most popular": the ordinal says the rank, the superlative what is ranked
    ordinals = [m for m in matches if RANK_WORDS[m.group(1).lower()] >= 2]
    matches = [m for m in matches if RANK_WORDS[m.group(1).lower()] != 1
               or not any(0 <= m.start() - o.end() <= 3 for o in ordinals)]
    for m in matches:
        word = m.group(1).lower()
        if any(a <= m.start() < b for a, b in fraction_spans) or not named:
            continue
        if word in ("most", "least") and re.match(r"\s+(?:active|of|popular)\b", bare[m.end():]) and \
                not re.match(r"\s+popular", bare[m.end():]):
            continue  # "most active in May" is a month's role; "most of my time" no rank
        if word == "first" and re.search(r"\bfirst (?:time|half)\b", bare[m.start():m.end() + 6], re.I):
            continue
        if re.search(r"\bone of (?:my|our|the)\b|\btop \d+\b|\bamong\b", bare, re.I):
            continue  # membership, not a rank
        target = _attach(named, m.start(), m.end(), bare)
        negated = bool(NEGATION.search(bare[max(0, m.start() - 16):m.start()]))  # "not my top topic"
        r.statements.append(Statement("rank", [target], rank=RANK_WORDS[word], text=m.group(0),
                                      role="negated" if negated else ""))
        r.consumed.append(m.span())
    if len(named) >= 2 and (mm := _AFTER.search(bare)):
        # "After A come B and C": B is next after A, C after B; "A, followed by B (and C)"
        head = [x for x in named if x[2] <= mm.start()]
        tail = [x for x in named if x[1] >= mm.end()]
        if re.match(r"\s*after\b", bare[mm.start():], re.I) and not head and len(tail) >= 2:
            head, tail = tail[:1], tail[1:]
        if head and tail:
            chain, role = [head[-1][0]] + [x for x, _, _ in tail], "next"
            if re.search(r"\bbehind\b|\bbelow\b|\btrails\b", mm.group(0), re.I):
                chain, role = [tail[0][0], head[-1][0]], "above"  # "X trails Y": Y ranks above X
            elif re.match(r"after\b", mm.group(0), re.I) and head[-1][2] <= mm.start() and \
                    not re.match(r"\s*after\b", bare[:mm.start()].split(",")[0] + " ", re.I) and \
                    bare[:mm.start()].strip():
                chain = [tail[0][0], head[-1][0]]  # "X comes (right) after Y": Y, then X
            r.statements.append(Statement("order", chain, role=role, text=mm.group(0)))
            r.consumed.append(mm.span())
    for pattern, flip in ((_MORE_THAN, False), (_LESS_THAN, True)):
        for mm in pattern.finditer(bare):
            before = [x for x in named if x[1] < mm.end()]
            after = [x for x in named if x[1] >= mm.end()]
            inside = [x for x in named if mm.start() <= x[1] < mm.end()]
            first = (inside or before)
            if first and after and first[-1][0] != after[0][0]:
                pair = [first[-1][0], after[0][0]]
                r.statements.append(Statement("order", pair[::-1] if flip else pair, role="above",
                                              text=mm.group(0)))
                r.consumed.append(mm.span())
    if len(named) >= 2 and (mm := re.search(r"\b(?:ranks?|comes?|sits?|is|are|places?) (above|ahead of|before|"
                                            r"below|behind|after|under)\b|\b(beats?|outranks?|trails?)\b", bare, re.I)):
        a = [x for x in named if x[2] <= mm.start()]
        b = [x for x in named if x[1] >= mm.end()]
        if a and b:
            pair = [a[-1][0], b[0][0]]
            if re.search(r"below|behind|after|under|trails?", mm.group(0), re.I):
                pair = pair[::-1]
            r.statements.append(Statement("order", pair, role="above", text=mm.group(0)))


def _attach(named: list[tuple[str, int, int]], a: int, b: int, bare: str) -> str:
    """The subject a rank word belongs to: "X is my top topic", "my top topic is X", "my number one is "X""."""
    best = min(named, key=lambda x: min(abs(x[1] - b), abs(a - x[2])) * (1.0 if x[1] >= b else 1.2))
    return best[0]


def _months_and_trend(r: ClaimReading, bare: str, mentions: list[tuple[str, int, int]], numbers: list[Num]) -> None:
    months = [normal_month(m.group(1)) for m in MONTH_RE.finditer(bare) if is_month_at(bare, m)]
    months += [m.group(0).lower() for m in PERIOD_LABEL.finditer(bare)]
    if months:
        if PEAK.search(bare) and not LOW.search(bare):
            r.statements.append(Statement("month", [months[0]], role="month_peak"))
        elif LOW.search(bare) and not PEAK.search(bare):
            r.statements.append(Statement("month", [months[0]], role="month_low"))
    has_change = any(s.kind == "quantity" and s.quantity == "change" for s in r.statements)
    if not has_change and (d := _direction(bare)) and not months and \
            re.search(r"\b(?:went|gone|go|going|grew|rose|fell|dropped|trend|over the|since|compared|than before|"
                      r"previous|last)\b", bare, re.I) and not any(s.kind == "order" for s in r.statements):
        r.statements.append(Statement("trend", [], role=d))


def _negation(r: ClaimReading, bare: str, mentions: list[tuple[str, int, int]]) -> None:
    if not (m := _NEVER.search(bare)) or NEGATION.search(bare) is None and not m:
        return
    after = [x for x in mentions if x[1] >= m.end()]
    if after and not re.search(r"\bdoesn'?t (?:say|tell|show)|\bdon'?t (?:know|have data)", bare, re.I):
        r.statements.append(Statement("negation", [after[0][0]], text=m.group(0)))

"""Labels: what figures are about, found by layout rather than by name.

A label is a quoted title, a month or dated period, a table's label cell, or the words right before a figure
in a list ("Sports 41%", "Baking (44%)"), cut where prose goes on ("Commuting dominates at 47%" names
Commuting). A demographic label before a figure ("25-34, male, US (6.9%)") names a group. The subject of a
figure is the nearest label before it in its clause.
"""

from __future__ import annotations

import re
from functools import lru_cache

from .claims import QUOTED
from .facts import _read_sentence
from .identity import Identity, find_brackets
from .lexicon import GENDER_RE, GENDER_WORDS, STOP, canonical_country
from .numbers import Num, parse_numbers
from .quantities import MONTH_RE, RANK_RE, is_month_at, normal_month
from .reader import Unit

# Capitalised words that open keys and sentences in analytics text without naming a thing. Plain English,
# not any data set's labels: a label is what is left.
GENERIC = frozenset("""this the it its by on in relative compared segment segments volume users user top average change busiest
quietest lift persona topic topics shares share metric value values rank ranking count month months total
overall audience group activity trend stability over versus vs since during after before most least second
third first people their they she he her his our my we i a an and or of for with per interest interests
category categories genre genres favourite favorite main followed among across about around roughly nearly
almost some each every all one two three here there that these those when where which who what how if as at
from to is was are were has had have highlights summary profile key figures facts period previous last year
week day up down field attribute column row region position no number percent lifted index multiplier quiet
peak busy also while whereas then next finally overall meanwhile however yes not none other others rest""".split())
_VERB_TAIL = re.compile(r"\s+(?:takes|take|is|are|was|makes up|make up|accounts? for|represents?|holds?|gets?|"
                        r"has|have|with|at|on|=|comes? to|stands? at|sits? at|reaches|reached|claims?|draws?|"
                        r"earns?|gets|got|leads?|scores?)\s*$|\s*[:=–—-]\s*$", re.IGNORECASE)
SEPARATOR = re.compile(r"[;,()\[\]]|\bfollowed by\b|\bthen\b|\band\b|\bwhile\b|\bwhereas\b|\bbut\b|\bthe "
                        r"quietest\b|\bthe lowest\b", re.IGNORECASE)
PERIOD_LABEL = re.compile(r"\b(?:\d{4}-\d{2}(?:-\d{2})?|Q[1-4] \d{4}|(?:week|wk) \d{1,2})\b", re.IGNORECASE)


def is_label(fragment: str, cell: bool = False, listed: bool = False) -> bool:
    """``listed``: the fragment stands right before a figure in a list ("Italian 25%"), where even a
    country's word names a thing (a cuisine, a market)."""
    words = fragment.split()
    if not words or len(words) > 5 or not fragment[0].isupper():
        return False
    if all(w.lower().strip("'’s") in GENERIC or w.lower() in STOP for w in words):
        return False
    first = words[0].lower().strip("'’s")
    if not cell and ((first in GENERIC and len(words) >= 3) or any(w.lower() in STOP for w in words)):
        return False  # "This segment generated", "Compared with the previous": a clause, not a label
    low = fragment.lower()
    return not ((canonical_country(fragment) and not listed) or low in GENDER_WORDS or MONTH_RE.fullmatch(fragment)
                or re.search(r"\d", fragment))


# Words that end a label in prose: "Commuting dominates at 47%", "Leisure rides second at 29%", "Deliveries a
# distant third at 11%" name Commuting, Leisure rides and Deliveries.
_LABEL_END = frozenset("""a an the at with by on in of for to is are was were comes come ranks ranked sits sit leads
lead dominates dominate tops top follows follow trails trail takes take makes make accounts account gets get holds hold
stands stand represents represent claims claim draws draw earns earn reaches reach adds add brings bring sees see
distant close just only second third fourth fifth first next then also alone vs versus compared against""".split())


def label_head(fragment: str) -> str:
    words = fragment.split()
    for i, w in enumerate(words[1:], 1):
        if w.lower() in _LABEL_END or RANK_RE.fullmatch(w):
            return " ".join(words[:i])
    return fragment


def list_labels(unit: Unit, masked: list[tuple[int, int]]) -> set[str]:
    """Labels a unit uses next to its figures: "Sports 41%", "Sports (41%)", "Sports: 41%", table cells."""
    out: set[str] = set()
    if unit.cells:
        for _, cell in unit.cells:
            c = QUOTED.sub(lambda m: m.group(1) or m.group(2), cell).strip()
            if is_label(c, cell=True) and not parse_numbers(c):
                out.add(c.lower())
        return out
    text = unit.text
    for n in numbers_in(text):
        head = text[:n.span[0]]
        cut = max((m.end() for m in SEPARATOR.finditer(head)), default=0)
        cut = max(cut, head.rfind(":") + 1)
        frag = _VERB_TAIL.sub("", head[cut:]).strip(" -–—:=\t")
        frag = re.sub(r"^(?:by \w+|and|or|then|followed by|with|while|whereas|plus)\s+", "", frag, flags=re.IGNORECASE)
        frag = label_head(frag)
        listed = bool(re.match(r"\s*\(?\s*$", text[head.rfind(frag) + len(frag):n.span[0]])) if frag else False
        if is_label(frag, listed=listed) and not QUOTED.search(frag):
            out.add(frag.lower())
    return out


def subject_in(window: str, labels: set[str], after: str) -> str:
    """The label nearest before the figure in its clause (a quoted title, a month, a known label); or one
    right after it ("1.6x on Sports")."""
    best, at = "", -1
    for m in QUOTED.finditer(window):
        if m.start() > at:
            best, at = (m.group(1) or m.group(2)).strip().lower(), m.start()
    for m in MONTH_RE.finditer(window):
        if m.start() > at and is_month_at(window, m):  # "may" the verb, "David May" are no months
            best, at = normal_month(m.group(1)), m.start()
    for m in PERIOD_LABEL.finditer(window):  # "2024-03: 4,528", "Q2 2024", "week 12"
        if m.start() > at:
            best, at = m.group(0).lower(), m.start()
    low = QUOTED.sub(lambda m: " " * len(m.group(0)), window).lower()  # a label inside a title is the title's
    if labels:
        pattern, after_pattern = label_patterns(frozenset(labels))
        for m in pattern.finditer(low):
            if m.start() > at:
                best, at = m.group(1), m.start()
        if best:
            return best
        if m := after_pattern.match(after.lower()):
            return m.group(1)  # "1,203 views on "Title"", "1.6x on Sports"
    return best


def is_period(label: str) -> bool:
    """A month ("march") or a dated period ("2025-05", "q2 2024")."""
    return bool(MONTH_RE.fullmatch(label) or PERIOD_LABEL.fullmatch(label))


@lru_cache(maxsize=256)
def label_patterns(labels: frozenset[str]) -> tuple[re.Pattern[str], re.Pattern[str]]:
    """One pattern for all labels (longest first), and one for a label right after a figure ("on Sports")."""
    alts = "|".join(re.escape(x) for x in sorted(labels, key=len, reverse=True))
    return (re.compile(r"(?<![\w])(" + alts + r")(?![\w])"),
            re.compile(r"\s*(?:[a-z]+\s+){0,2}(?:on|for|in|of|from|to)\s+[\"“]?(" + alts + r")(?![\w])"))


@lru_cache(maxsize=4096)
def numbers_in(text: str) -> tuple[Num, ...]:
    """The figures of a unit, its quoted titles' digits left out."""
    found = _read_sentence(text)[0]  # the word-level index parses the same sentences: one parse for both
    # "half-year", "one-off": a word, not a figure
    return tuple(n for n in found if not re.match(r"-[A-Za-z]", text[n.span[1]:n.span[1] + 2]))


def clause_window(text: str, n: Num, prev_end: int) -> tuple[str, str]:
    """The clause piece before the figure (from the last separator or figure) and a few words after it."""
    head = text[:n.span[0]]
    cut = max([prev_end] + [m.end() for m in SEPARATOR.finditer(head)])
    tail = text[n.span[1]:]
    stop = SEPARATOR.search(tail)
    return text[cut:n.span[0]], tail[:stop.start() if stop else len(tail)][:60]


def group_label(before: str, ident: Identity) -> str:
    """A demographic label right before a figure ("25-34, male, US (", "women 18-24: ") names a group; the
    persona's own group ("Ana's group (female, 35-44, Brazil) has ...") is the persona."""
    # only the label itself: the text after the previous item of a list ("...US (6.9%); 25-34, female, IN (")
    tail = re.split(r"[;)]|\.\s", before)[-1][-40:]
    g, b = GENDER_RE.search(tail), find_brackets(tail)
    if not (g or b):
        return ""
    # canonical, so that a claim naming the same group in other words meets it
    country = next((c for w in re.findall(r"[A-Za-z][A-Za-z .]+?(?=[,;()]|$)", tail)
                    if (c := canonical_country(w.strip()))), "")
    same_gender = g is None or GENDER_WORDS.get(g.group(1).lower()) == ident.gender
    same_age = not b or (b[0].lo, b[0].hi) == ident.bracket
    same_country = not country or not ident.country or country == ident.country
    if same_gender and same_age and same_country:
        return ""
    gender = GENDER_WORDS.get(g.group(1).lower(), "") if g else ""
    age = f"{b[-1].lo}-{b[-1].hi}" if b else ""
    return f"group: {gender}|{age}|{country}"


def subjects_in(text: str, labels: set[str]) -> set[str]:
    low = text.lower()
    return {lab for lab in labels if lab in low} | \
        {normal_month(m.group(1)) for m in MONTH_RE.finditer(text) if is_month_at(text, m)} | \
        {(m.group(1) or m.group(2)).strip().lower() for m in QUOTED.finditer(text)}

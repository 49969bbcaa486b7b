"""Numbers as people write them, normalised to values that can be compared with a documented tolerance.

Recognised: ``45,210`` / ``45.2k`` / ``about 45 thousand`` / ``1.2 million`` / ``12%`` / ``0.12`` /
``twelve percent`` / ``a third`` / ``3.1x`` / ``twice`` / ``three times`` / ``$300`` / years / age brackets.

Tolerance (``compatible``), with ``u`` the unit of the last digit the claim states (``45.2k`` -> 100,
``45,000`` -> 1,000, ``12.4%`` -> 0.1) and ``x`` the value in the data:

* plain number: ``x`` rounds to the claim at the coarser of the two stated precisions (|x - c| <= u/2);
* ``about / around / roughly / approximately / some / ~``: |x - c| <= max(u, 2% of c);
* ``nearly / almost / close to / just under``: x <= c and c - x <= max(u, 10% of c);
* ``over / more than / above / at least``: c <= x <= 2c (more than twice the claim is misleading);
* ``under / less than / fewer than / below / at most / up to``: c/2 <= x <= c;
* fraction words (``a third``, ``half``): within 3.5 percentage points (5 with a hedge);
* a percentage may meet a plain share in the data (``12%`` == ``0.12``) and a share a percentage (``0.12 of my
  views`` == ``12%``), and a multiplier (``3x``) a plain ratio (``lift 3.05``);
* "percentage points", "pp" and "points" before a comparison ("14.1 points more") are percentages.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .lexicon import stem

_ONES = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15,
    "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19,
}
_TENS = {"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80,
         "ninety": 90}
_SCALE = {"hundred": 100, "thousand": 1e3, "k": 1e3, "million": 1e6, "m": 1e6, "mn": 1e6, "mio": 1e6,
          "billion": 1e9, "bn": 1e9, "b": 1e9}
_FRACTIONS = {
    "half": 50.0, "a half": 50.0, "one half": 50.0, "a third": 100 / 3, "one third": 100 / 3,
    "two thirds": 200 / 3, "two-thirds": 200 / 3, "a quarter": 25.0, "one quarter": 25.0,
    "three quarters": 75.0, "three-quarters": 75.0, "a fifth": 20.0, "one fifth": 20.0, "a tenth": 10.0,
    "one tenth": 10.0,
}
_ORDINALS = {"first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7,
             "eighth": 8, "ninth": 9, "tenth": 10}

HEDGES = {
    "about": "approx", "around": "approx", "roughly": "approx", "approximately": "approx", "approx.": "approx",
    "some": "approx", "~": "approx", "circa": "approx", "an estimated": "approx",
    "nearly": "nearly", "almost": "nearly", "close to": "nearly", "just under": "nearly", "not quite": "nearly",
    "over": "over", "more than": "over", "above": "over", "at least": "over", "upwards of": "over",
    "just over": "over", "well over": "over", "north of": "over",
    "under": "under", "less than": "under", "fewer than": "under", "below": "under", "at most": "under",
    "up to": "under",
}
_HEDGE_RE = "|".join(re.escape(h) for h in sorted(HEDGES, key=len, reverse=True))
_WORDNUM = "|".join(sorted([*_ONES, *_TENS, "hundred", "thousand", "million", "billion", "a"], key=len, reverse=True))

NUMBER_RE = re.compile(
    rf"(?:(?P<hedge>{_HEDGE_RE})\s+)?"
    r"(?:(?P<frac>a half|one half|half|a third|one third|two[- ]thirds|a quarter|one quarter|three[- ]quarters|"
    r"a fifth|one fifth|a tenth|one tenth)\b"
    r"|(?P<twice>twice|double|triple|thrice)\b"
    r"|(?P<cur>[$€£])?(?P<num>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?|\.\d+)"
    r"(?:\s*(?P<scale>k|thousand|million|mn|mio|m|billion|bn)\b)?"
    rf"|(?P<words>(?:(?:{_WORDNUM})[\s-]+)*(?:{'|'.join([*_ONES, *_TENS])})(?:[\s-]+(?:hundred|thousand|million|billion))*)\b)"
    r"(?P<suffix>\s*(?:%|percent\b|per cent\b|percentage points?\b|pp\b|x\b|times\b|-fold\b|fold\b|"
    # "14.1 points more than Travel": percentage points, when a comparison follows
    r"points?(?=\s+(?:more|less|fewer|higher|lower|above|below|ahead|behind|bigger|smaller|larger|greater)\b)))?",
    re.IGNORECASE,
)
_RANK_BEFORE = re.compile(r"(?:\bnumber|\brank(?:ed)?|\bno\.|#|\btop)\s*$", re.IGNORECASE)
_UNIT_RE = re.compile(r"\s*(?:more\s+|fewer\s+|less\s+)?([A-Za-z][A-Za-z-]*)(?:\s+([a-z]+))?")


@dataclass(frozen=True)
class Num:
    value: float  # percentages in percent (12.4 for 12.4%)
    kind: str  # 'pct' | 'mult' | 'num' | 'year' | 'money'
    unit: str  # the stemmed noun after the number ('view', 'people', 'minute'), '' when none
    precision: float  # unit of the last stated digit, in value units
    hedge: str  # '' | 'approx' | 'nearly' | 'over' | 'under'
    span: tuple[int, int]
    text: str
    fraction: bool = False
    lead: str = ""  # the word just before the number ('lift', 'weight'): what a bare number measures


def _words_value(text: str) -> float | None:
    total, current = 0.0, 0.0
    seen = False
    for w in re.split(r"[\s-]+", text.lower()):
        if w in ("a", "and", ""):
            if w == "a":
                current = max(current, 1)
            continue
        if w in _ONES:
            current += _ONES[w]
            seen = True
        elif w in _TENS:
            current += _TENS[w]
            seen = True
        elif w == "hundred":
            current = max(current, 1) * 100
        elif w in ("thousand", "million", "billion"):
            total += max(current, 1) * _SCALE[w]
            current = 0
        else:
            return None
    return total + current if seen else None


def _decimals_precision(digits: str) -> float:
    if "." in digits:
        return 10.0 ** -len(digits.split(".")[1])
    plain = digits.replace(",", "").lstrip("0") or "0"
    # Trailing zeros of a round number of thousands are read as rounding ("45,000" is about 45 thousand);
    # "45,210" or "300" are taken as exact.
    zeros = len(plain) - len(plain.rstrip("0"))
    if zeros < 2 or len(plain) < 4:
        return 1.0
    return 10.0 ** min(zeros, len(plain) - 1)


# A survey answer said by its code on a numeric scale ("... say 5, against 23.7% of all respondents")
_ANSWER_VERB = re.compile(r"\b(?:say|says|said|answer(?:s|ed)?|chose|choose|pick(?:s|ed)?)\s+$", re.IGNORECASE)
_ANSWER_END = re.compile(r"\s*(?:[,;:)]|$|\.(?!\d)|(?:against|compared|versus|vs)\b)", re.IGNORECASE)


def _answer_code(text: str, start: int, end: int) -> bool:
    return bool(_ANSWER_VERB.search(text[max(0, start - 12):start]) and _ANSWER_END.match(text, end))


def parse_numbers(text: str, masked: list[tuple[int, int]] | None = None, points_as_pp: bool = True) -> list[Num]:
    """Every number in ``text`` outside the ``masked`` spans (quoted titles keep their own numbers).

    ``points_as_pp``: "14.1 points more" is percentage points (persona answers about shares); plain documents
    pass False, where "won by 7 points more" counts points."""
    out: list[Num] = []
    for m in NUMBER_RE.finditer(text):
        if masked and any(a <= m.start() < b for a, b in masked):
            continue
        # A number glued to letters or to a date/range is not a quantity of its own ("2025-05", "18-24").
        before = text[m.start() - 1] if m.start() else " "
        if before.isalpha() or (m.group("num") and before in "-–/:" and m.start() > 1 and text[m.start() - 2].isdigit()):
            continue
        after = text[m.end(): m.end() + 2]
        if m.group("num") and not m.group("suffix") and after[:1] in "-–/:" and after[1:2].isdigit():
            continue
        if m.group("num") and not m.group("suffix") and _answer_code(text, m.start(), m.end()):
            continue  # "46.1% of my group say 5, against ...": the code names the answer, it is no figure
        hedge = HEDGES.get((m.group("hedge") or "").lower(), "")
        suffix = (m.group("suffix") or "").strip().lower()
        kind = "num"
        fraction = False
        if m.group("frac"):
            value, precision, kind, fraction = _FRACTIONS[m.group("frac").lower().replace("-", " ")], 1.0, "pct", True
        elif m.group("twice"):
            value = {"twice": 2.0, "double": 2.0, "triple": 3.0, "thrice": 3.0}[m.group("twice").lower()]
            precision, kind = 0.2, "mult"
        elif m.group("num"):
            digits = m.group("num")
            value = float(digits.replace(",", ""))
            precision = _decimals_precision(digits)
            if m.group("scale"):
                scale = _SCALE[m.group("scale").lower()]
                # "m" after a number is usually million, but "5 m" could be metres: accept it only glued.
                value, precision = value * scale, precision * scale
                if "." not in digits:
                    precision = scale
            if m.group("cur"):
                kind = "money"
        else:
            words = m.group("words")
            if words.lower().strip() in ("a", "one") and not suffix:
                continue  # "one of my ..." is not a quantity
            v = _words_value(words)
            if v is None:
                continue
            value, precision = v, _decimals_precision(str(int(v)))
        if suffix in ("point", "points") and not points_as_pp:
            kind = "num"
        elif suffix in ("%", "percent", "per cent", "point", "points") or suffix.startswith("percentage") \
                or suffix == "pp":
            kind = "pct"
        elif suffix == "times" and not re.match(r"\s+(as|more|less|fewer|higher|bigger|larger|greater|the|that|"
                                                r"what|over|above|below|faster|slower)\b", text[m.end():], re.IGNORECASE):
            # "watched it 4,469 times" is a count of views, not a multiplier.
            kind = "num"
        elif suffix in ("x", "times", "-fold", "fold"):
            kind = "mult"
        elif kind == "num" and _RANK_BEFORE.search(text, 0, m.start()):
            kind = "rank"
        elif kind == "num" and 1900 <= value <= 2100 and float(value).is_integer() and not m.group("scale") \
                and m.group("num") and "," not in m.group("num"):
            kind = "year"
        unit = ""
        um = _UNIT_RE.match(text, m.end())
        if suffix in ("point", "points") and kind == "num":
            unit = "point"
        elif suffix == "times" and kind == "num":
            unit = "view" if re.search(r"\b(watch|view|play|stream)", text, re.IGNORECASE) else ""
        elif um and kind in ("num", "money"):
            w = um.group(1).lower()
            if w in ("watch", "view") and um.group(2) in ("minutes", "hours", "time"):
                w = um.group(2)
            unit = stem(w) if w not in ("of", "and", "or", "in", "on", "to", "from", "is", "are", "was",
                                        "per", "by", "with", "the", "a", "an", "for", "at", "which") else ""
        lead = re.search(r"([A-Za-z]+)\W{0,2}$", text[max(0, m.start() - 20):m.start()])
        out.append(Num(value, kind, unit, precision, hedge, (m.start(), m.end()), m.group(0), fraction,
                       lead.group(1).lower() if lead else ""))
    return out


def _kinds_meet(claim: Num, data: Num) -> tuple[bool, float]:
    """Whether two kinds can be compared, and the factor that brings the data value to the claim's units."""
    if claim.kind == data.kind:
        return True, 1.0
    if claim.kind == "pct" and data.kind == "num" and 0 <= data.value <= 1:
        return True, 100.0
    if claim.kind == "num" and data.kind == "pct" and _share(claim):
        return True, 0.01  # "0.342 of my views" for 34.2%
    if claim.kind == "mult" and data.kind == "num":
        return True, 1.0
    if claim.kind == "num" and data.kind in ("mult", "money", "year"):
        return True, 1.0
    if claim.kind == "money" and data.kind == "num":
        return True, 1.0
    return False, 1.0


def _share(n: Num) -> bool:
    """A plain number written as a share ("0.12", ".342"): a count is never a fraction of one."""
    return 0 < n.value < 1 and "." in n.text


def units_meet(claim: Num, data: Num) -> bool:
    """Two counts of different things ('1,234 people' vs '45,210 views') are different quantities."""
    return not claim.unit or not data.unit or claim.unit == data.unit


def compatible(claim: Num, data: Num, check_units: bool = True) -> bool:
    """Whether the data value makes the claim's number true, under the tolerance in the module docstring."""
    ok, factor = _kinds_meet(claim, data)
    if not ok or (check_units and not units_meet(claim, data)):
        return False
    x = data.value * factor
    c = claim.value
    u = max(claim.precision, data.precision * factor)
    eps = 1e-9 * max(1.0, abs(c))
    if claim.fraction:
        return abs(x - c) <= (5.0 if claim.hedge else 3.5)
    if claim.hedge == "approx":
        return abs(x - c) <= max(u, 0.02 * abs(c)) + eps
    if claim.hedge == "nearly":
        return x <= c + eps and c - x <= max(u, 0.1 * abs(c)) + eps
    if claim.hedge == "over":
        return c - eps <= x <= 2 * c + eps
    if claim.hedge == "under":
        return c / 2 - eps <= x <= c + eps
    return abs(x - c) <= u / 2 + eps


def same_quantity(claim: Num, data: Num) -> bool:
    """Whether ``data`` states the quantity the claim talks about (same kind and unit), true or not."""
    ok, _ = _kinds_meet(claim, data)
    if not ok or claim.kind == "year" or data.kind == "year":
        return ok and claim.kind == data.kind
    if claim.kind == "num" and data.kind == "pct" and _share(claim):
        return True  # "0.5 of my views" against the 34.2% the sentence gives
    if claim.kind != data.kind and not (claim.kind == "pct" and data.kind == "num"):
        return False
    if claim.kind in ("money", "num") and data.value and not 1 / 3 <= claim.value / data.value <= 3 \
            and not (claim.unit and claim.unit == data.unit):
        return False  # "$971 million" and "$3.69" are not the same quantity, whatever the sentence
    if claim.kind == data.kind == "money" and claim.unit == data.unit:
        return True  # "$4.5 billion" against the "$4.2 billion" of the same sentence
    return bool(claim.unit and data.unit and claim.unit == data.unit) or claim.kind in ("pct", "mult")

"""Document mode's figures: every number, date, time or price a claim writes must be one the document writes.

* a number the document does not state, at the precision the claim gives (a more precise figure that
  rounds to it counts: "$1.6 billion" for "$1.648 billion"); whole numbers get no tolerance, since an edit
  that moves a figure a little ("$999" -> "$1000") is what this catches;
* a price, percentage or scaled figure must be stated as that value ("$1.65 million" is not "$1.65
  billion", nor "$30 million" the "30" of "September 30"), informal writing's bare figures aside ("it's 20");
* a bound must not be the opposite one ("fewer than 100" for "over 100");
* a count in words ("two friends") the document lacks, unless it is the number of a dialogue's speakers.
"""

from __future__ import annotations

import re
from functools import lru_cache

from .doc_alignment import DocFinding
from .facts import FactIndex, Sentence
from .lexicon import STOP
from .numbers import Num, same_quantity

DIGITS = re.compile(r"\d+(?:[.,:]\d+)*")
_SCALED = re.compile(r"\d\s*(?:k|thousand|million|mn|mio|m|billion|bn)\b", re.IGNORECASE)
_MONEY_UNITS = frozenset(["dollar", "usd", "euro", "eur", "pound", "gbp", "quid", "cent", "buck", "grand", "yen",
                          "rupee"])
# A dialogue's turns: "Name: ..." at the start of the text or after a sentence's end.
_TURN = re.compile(r"(?:^|[.!?]\s+|\n)\s*([A-Z][\w'’-]*(?: [A-Z][\w'’-]*)?):\s")
_MONTHS = frozenset("january february march april may june july august september october november december "
                    "jan feb mar apr jun jul aug sep sept oct nov dec".split())
_FACTORS = (1, 1e3, 1e6, 1e9, 1e-3, 0.01, 100)


@lru_cache(maxsize=256)
def _speakers(texts: tuple[str, ...]) -> frozenset[str]:
    """The people who speak in a dialogue ("Two friends, Steve and Carly, ..." counts them); empty for prose,
    which has fewer than two turns."""
    names = [m.group(1).lower() for t in texts for m in _TURN.finditer(t)]
    return frozenset(names) if len(names) >= 2 else frozenset()


def _same_value(a: Num, b: Num) -> bool:
    return abs(a.value - b.value) <= 1e-9 * max(1.0, abs(a.value))


def rounds_to(claim: Num, data: Num) -> bool:
    """The same value, or a more precise one that rounds to the claim at the decimals it gives."""
    if _same_value(claim, data):
        return True
    digits = DIGITS.search(claim.text)
    decimals = _decimals(claim.text)
    if not digits or _decimals(data.text) <= decimals:
        return False
    base = float(digits.group(0).replace(",", "").rstrip(".:") or 0)
    scale = claim.value / base if base else 1.0
    return abs(claim.value - data.value) <= 0.5 * 10.0 ** -decimals * scale * (1 + 1e-9)


def _bare(d: Num, text: str) -> bool:
    """A figure with nothing that says what it counts ("it's 20", "ok 40 then", "20$"): informal writing
    leaves a price's or a share's unit out, so a bare figure neither backs nor contradicts one. A day
    ("September 30"), an ordinal or label ("20th", "5G", "30-day") or a count of things ("1,000 businesses",
    "5 minutes") is not bare."""
    if d.kind != "num" or _SCALED.search(d.text) or d.lead in _MONTHS:
        return False
    after = text[d.span[1]:]
    if re.match(r"-?[A-Za-z]", after):
        return False
    word = re.match(r"\s+([a-z]+)\b", after.lower())
    return not (word and len(word.group(1)) > 3 and word.group(1).endswith("s") and word.group(1) not in STOP)


def _value_stated(n: Num, doc_numbers: list[tuple[Num, str]]) -> bool:
    """A price, percentage or scaled figure ("$30 million", "1.65 billion", "20%") must be stated as that
    value: the same digits as a day ("September 30"), in other units ("$1.65 billion") or as a plain count
    ("1,000 businesses" for "$1000") do not back it."""
    scaled = bool(_SCALED.search(n.text))
    for d, text in doc_numbers:
        if not rounds_to(n, d) or (n.kind == "pct" and d.kind != "pct"):
            continue
        # a price may meet a bare figure ("it's 20" / "20$"), not a count of something else
        if n.kind == "money" and d.kind != "money" and not (
                d.kind == "num" and (scaled or _SCALED.search(d.text) or d.unit in _MONEY_UNITS or _bare(d, text))):
            continue
        return True
    return False


def _written(raw: str, doc_lower: str) -> bool:
    return bool(re.search(r"(?<![\d.,])" + re.escape(raw) + r"(?![\d]|[.,]\d)", doc_lower))


def _digits_of(n: Num) -> str:
    m = DIGITS.search(n.text)
    return m.group(0).rstrip(".,:") if m else ""


def _figure_stated(raw: str, doc_lower: str, doc_values: set[float], doc_numbers: list[Num]) -> bool:
    """The document writes this figure: the same digits, the same value written otherwise ("1,650" /
    "1650", "$1.65 billion" / "1,650 million"), or a more precise figure that rounds to it at the decimals
    the claim gives ("$1.6 billion" for "$1.648 billion"). Whole numbers get no tolerance: an edit that moves
    a figure a little ("$999" -> "$1000") is what this catches."""
    if _written(raw, doc_lower):
        return True
    plain = raw.replace(",", "")
    if ":" in plain:
        return False
    try:
        v = float(plain)
    except ValueError:
        return False
    if any(round(v * f, 6) in doc_values for f in _FACTORS):
        return True
    if "." not in plain:
        return False
    decimals = len(plain.split(".")[1])
    return any(_decimals(d.text) > decimals and abs(v * f - d.value) <= 0.5 * 10.0 ** -decimals * f * (1 + 1e-9)
               for d in doc_numbers for f in _FACTORS)


@lru_cache(maxsize=8192)
def _decimals(text: str) -> int:
    m = re.search(r"\d\.(\d+)", text)
    return len(m.group(1)) if m else 0


def number_findings(bare: str, claim_numbers: list[Num], index: FactIndex,
                    best: Sentence | None) -> list[DocFinding]:
    """Every figure of the claim (``bare``: quoted titles blanked out) that the document does not write, in
    digits or in words, then the figures stated as another value or with the opposite bound."""
    doc = index.lower_all
    out: list[DocFinding] = []
    doc_numbers = [m for s in index.sentences for m in s.numbers]
    doc_values = {round(m.value, 6) for m in doc_numbers}
    for m in DIGITS.finditer(bare):
        raw = m.group(0).rstrip(".,:")
        if m.start() and bare[m.start() - 1].isalpha():
            continue  # "Q2", "H1": a period's name
        if bare[m.end():m.end() + 1].isalpha() and not re.match(r"(?:st|nd|rd|th|k|m|bn|x|pm|am)\b",
                                                                  bare[m.end():m.end() + 3], re.IGNORECASE):
            continue  # glued to letters ("4Q 2020"): a label, not a figure
        if not _figure_stated(raw, doc, doc_values, doc_numbers):
            # the aligned sentence gives the same quantity another value: "$4.5 billion" for "$4.2 billion"
            n = next((n for n in claim_numbers if n.span[0] <= m.start() < n.span[1]), None)
            slot = next((x for x in best.numbers if same_quantity(n, x)), None) if n and best else None
            out.append(DocFinding("contradicted", f"the document says {slot.text.strip()}, not {n.text.strip()}",
                                  best) if slot and n else
                       DocFinding("unsupported", f"{raw} is not in the document", best))
    for n in claim_numbers:
        if n.text.strip().lower() in ("one", "a", "an") or DIGITS.search(n.text) or n.kind != "num" \
                or n.fraction:
            continue
        if round(n.value, 6) not in doc_values and not re.search(rf"\b{re.escape(n.text.strip().lower())}\b", doc) \
                and n.value != len(_speakers(tuple(s.text for s in index.sentences))):
            out.append(DocFinding("unsupported", f"{n.text.strip()} is not in the document", best))
    return out + _figure_findings(claim_numbers, index, best)


def _figure_findings(claim_numbers: list[Num], index: FactIndex, best: Sentence | None) -> list[DocFinding]:
    """A figure whose digits the document has, but not as this value, or only with the opposite bound
    ("fewer than 100" where the document says "over 100")."""
    doc_numbers = [(m, s.text) for s in index.sentences for m in s.numbers]
    out = []
    for n in claim_numbers:
        if not DIGITS.search(n.text) or n.kind == "year":
            continue
        if (n.kind in ("money", "pct") or _SCALED.search(n.text)) and not _value_stated(n, doc_numbers):
            raw = DIGITS.search(n.text).group(0).rstrip(".,:")  # type: ignore[union-attr]
            same_digits = [(d, t) for d, t in doc_numbers if _digits_of(d) == raw]
            other = next((d for d, t in same_digits if not _bare(d, t)), None)
            if other is not None:  # the document states these digits, as another value or kind
                out.append(DocFinding("contradicted", f"the document says {other.text.strip()}, not "
                                                      f"{n.text.strip()}", best))
            elif not same_digits and not _written(raw, index.lower_all):  # "3-5%": digits in a range
                out.append(DocFinding("unsupported", f"{n.text.strip()} is not in the document", best))
        opposite = {"over": "under", "under": "over"}.get(n.hedge)
        same = [d for d, _ in doc_numbers if _same_value(n, d) and d.kind == n.kind]
        if opposite and same and all(d.hedge == opposite for d in same):
            out.append(DocFinding("contradicted", f"the document says {same[0].text.strip()}, not "
                                                  f"{n.text.strip()}", best))
    return out

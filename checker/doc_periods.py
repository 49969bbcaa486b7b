"""Document mode's periods: a quarter, year or comparison period swapped by an edit.

A quarter is named "Q3", "3Q", "third quarter", "third-quarter", "quarter three"; a claim that names a
quarter the document never names, compares with a kind of period the document never compares with
("quarter-over-quarter", "last month"), or binds a figure to a quarter or year other than the one the
document's sentences state it for, has had its period swapped.
"""

from __future__ import annotations

import re
from functools import lru_cache

from .doc_alignment import DocFinding
from .doc_figures import DIGITS, rounds_to
from .facts import FactIndex, Sentence
from .numbers import parse_numbers

_ORD = {"first": 1, "1st": 1, "second": 2, "2nd": 2, "third": 3, "3rd": 3, "fourth": 4, "4th": 4,
        "fifth": 5, "5th": 5, "one": 1, "two": 2, "three": 3, "four": 4}
_QUARTER = re.compile(r"\bq([1-4])\b|\b([1-4])q\b|\b(first|second|third|fourth|fifth|1st|2nd|3rd|4th|5th)[- ]"
                      r"(?:fiscal[- ])?quarter|\bquarter (one|two|three|four)\b", re.IGNORECASE)
_YEAR = re.compile(r"(?<![\d.,$€£])((?:19|20)\d\d)(?![\d%]|[.,]\d)")
# A comparison with an earlier period: "year-over-year", "prior quarter", "last month", "a year ago", "sequentially".
_UNIT = r"(year|quarter|month|week|day)"
_COMPARED = re.compile(rf"\b{_UNIT}[- ](?:over|on)[- ]\1\b|\b(?:last|prior|previous|preceding|year-ago)[- ]{_UNIT}\b"
                       rf"|\b{_UNIT}s?[- ](?:ago|earlier)\b|\b(sequential)(?:ly)?\b", re.IGNORECASE)
# Clause boundaries within a claim (not the comma of "2,400"): a period binds the figures of its own clause.
_CLAUSE = re.compile(r"(?<!\d)[,;:]\s*|[,;:](?!\d)\s*|\s+(?:but|while|whereas|however|although|though)\s+",
                     re.IGNORECASE)


@lru_cache(maxsize=8192)
def _quarters(text: str) -> frozenset[int]:
    out = set()
    for m in _QUARTER.finditer(text):
        g = next(x for x in m.groups() if x)
        out.add(int(g) if g.isdigit() else _ORD[g.lower()])
    return frozenset(out)


@lru_cache(maxsize=8192)
def _years(text: str) -> frozenset[int]:
    return frozenset(int(y) for y in _YEAR.findall(text))


def _compared_units(text: str) -> set[str]:
    return {(next((g for g in m.groups() if g), "") or "quarter").lower().replace("sequential", "quarter")
            for m in _COMPARED.finditer(text)}


@lru_cache(maxsize=256)
def _doc_compares(doc: str, unit: str) -> bool:
    """The document compares with an earlier ``unit`` somewhere (or, for years, names a year)."""
    if re.search(rf"\b{unit}[- ](?:over|on)[- ]{unit}\b|\b(?:last|prior|previous|preceding|past|same|a|this|"
                 rf"that)[- ]{unit}s?\b|\b{unit}s?[- ](?:ago|earlier)\b", doc):
        return True
    if unit == "quarter" and re.search(r"sequential|linked[- ]quarter", doc):
        return True
    return unit == "year" and bool(_YEAR.search(doc))


def period_findings(bare: str, index: FactIndex, best: Sentence | None) -> list[DocFinding]:
    """A quarter the document does not name, a comparison with a kind of period the document never
    compares with, or a figure bound to another quarter or year than the one the document states it for."""
    doc = index.lower_all
    out = []
    doc_q, claim_q = _quarters(doc), _quarters(bare)
    if claim_q and doc_q and not claim_q <= doc_q:
        out.append(DocFinding("contradicted", f"the document names quarter {sorted(doc_q)}, not "
                                              f"{sorted(claim_q - doc_q)}", best))
    for unit in sorted(_compared_units(bare)):
        if not _doc_compares(doc, unit):
            out.append(DocFinding("unsupported", f"the document makes no comparison with the previous {unit}",
                                  best))
    pos = 0
    bounds = [(m.start(), m.end()) for m in _CLAUSE.finditer(bare)] + [(len(bare), len(bare))]
    for a, b in bounds:
        clause, pos = bare[pos:a], b
        clause_q, clause_y = _quarters(clause), _years(clause)
        if not clause_q and not clause_y:
            continue
        for n in parse_numbers(clause, points_as_pp=False):
            if not DIGITS.search(n.text) or n.kind == "year":
                continue
            stating = [s for s in index.sentences if any(rounds_to(n, d) and d.kind != "year" for d in s.numbers)]
            if not stating:
                continue
            q = frozenset().union(*(_quarters(s.text) for s in stating))
            y = frozenset().union(*(_years(s.text) for s in stating))
            if clause_q and q and not clause_q & q or clause_y and y and not clause_y & y:
                out.append(DocFinding("contradicted", f"the document states {n.text.strip()} for another period",
                                      stating[0]))
    return out

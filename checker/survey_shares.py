"""A survey's pair of shares in one claim: the segment's share of an answer and the whole sample's.

"71% of my group say too little, against 68% of all respondents" names no item; the pair itself says which
one it is about: the item whose facts give the segment 71% and the sample 68%. Reading the claim's
subject-less percentages as that item's shares lets each be judged against its own fact; a pair that no item
holds (the two swapped, or one figure wrong) keeps no subject and is judged as it reads.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from .numbers import Num, compatible

if TYPE_CHECKING:  # typed_facts reads the answers with this module's helpers
    from .typed_facts import Facts

# "..., against 68% of all respondents": the reference share follows a word that compares
_COMPARING = re.compile(r"\b(?:against|compared (?:with|to)|versus|vs\.?)\s*$", re.IGNORECASE)


def compared_reference(before: str) -> bool:
    """Whether the figure after ``before`` is said as the reference of a comparison ('..., against')."""
    return bool(_COMPARING.search(before))


def _holds(facts: Facts, subject: str, kind: str, n: Num) -> bool:
    return any(f.subject == subject and f.kind == kind and f.value is not None and
               compatible(n, f.value, check_units=False) for f in facts.facts)


def pair_subject(own: list[Num], reference: list[Num], facts: Facts) -> str:
    """The item (a fact subject) whose segment shares include ``own`` and sample shares ``reference``."""
    subjects = dict.fromkeys(f.subject for f in facts.facts if f.kind == "sample_share" and f.subject
                             and ANSWER_MARK not in f.subject)
    fits = [s for s in subjects if all(_holds(facts, s, "sample_share", n) for n in reference)
            and all(_holds(facts, s, "share", n) for n in own)]
    return fits[0] if len(fits) == 1 else ""


# The answer a survey share is of. Facts say it one way ("71.0% of Ana's group say too little, against ..."):
# the words after the verb up to the comparison are the answer's label, whatever the codebook calls it.
_FACT_ANSWER = re.compile(r"^\s*(?:of [^,;]{0,80}?\s)?(?:say|said|answer(?:ed)?|chose|gave|give)\s+(.+?),\s*"
                          r"(?:against|compared (?:with|to)|versus|vs\.?)\s", re.IGNORECASE)
ANSWER_MARK = " | answer: "


def fact_answer(after: str) -> str:
    """The answer label a fact's share is said of, from the text right after the figure ('' if none)."""
    m = _FACT_ANSWER.match(after)
    return m.group(1).strip().lower() if m else ""


def answer_subject(item: str, label: str) -> str:
    """The subject of an item's share of one answer: the item and the answer together."""
    return f"{item}{ANSWER_MARK}{label}"


def answer_labels(facts: Facts, item: str) -> list[str]:
    """The answers the facts give shares of for ``item``, longest first (so 'strongly agree' before 'agree')."""
    prefix = item + ANSWER_MARK
    found = {f.subject[len(prefix):] for f in facts.facts if f.subject.startswith(prefix)}
    return sorted(found, key=lambda s: (-len(s), s))


def said_answer(text: str, labels: list[str]) -> str:
    """The first of ``labels`` that ``text`` says (whole words), or ''."""
    best: tuple[int, str] | None = None
    for lab in labels:
        m = re.search(rf"(?<![\w-]){re.escape(lab)}(?![\w-])", text, re.IGNORECASE)
        if m and (best is None or m.start() < best[0]):
            best = (m.start(), lab)
    return best[1] if best else ""

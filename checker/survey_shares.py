"""A survey's pair of shares in one claim: the segment's share of an answer and the whole sample's.

"71% of my group say too little, against 68% of all respondents" names no item; the pair itself says which
one it is about: the item whose facts give the segment 71% and the sample 68%. Reading the claim's
subject-less percentages as that item's shares lets each be judged against its own fact; a pair that no item
holds (the two swapped, or one figure wrong) keeps no subject and is judged as it reads.
"""

from __future__ import annotations

import re

from .numbers import Num, compatible
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
    subjects = dict.fromkeys(f.subject for f in facts.facts if f.kind == "sample_share" and f.subject)
    fits = [s for s in subjects if all(_holds(facts, s, "sample_share", n) for n in reference)
            and all(_holds(facts, s, "share", n) for n in own)]
    return fits[0] if len(fits) == 1 else ""

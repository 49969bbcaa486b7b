"""Document mode's common ground: the finding a rule reports, and which document sentences a claim restates.

A summary restates a few of the document's sentences; the rules of document mode (``eval/documents.py``)
compare a claim with those sentences, found here by shared content words weighted by rarity, so that words
every sentence has (a dialogue's speaker names, the company's name) do not decide it.
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass

from .claims import QUOTED
from .facts import FactIndex, Sentence
from .lexicon import NEGATION, content_tokens

ALIGN_TOP = 2  # the claim's negation / antonym is compared with this many best-aligned sentences


@dataclass(frozen=True)
class DocFinding:
    label: str
    reason: str
    sentence: Sentence | None


def aligned_sentences(tokens: set[str], index: FactIndex, k: int = ALIGN_TOP) -> list[Sentence]:
    """The ``k`` document sentences that share the most (rarity-weighted) content words with ``tokens``."""
    tokens = {t for t in tokens if not NEGATION.fullmatch(t)}  # aligned on content, not on "not"
    # Words shared with every sentence (a dialogue's speaker names, the company's name) say little about
    # which sentence a claim restates: each shared word weighs by how few sentences have it.
    df = _sentence_frequency(index)
    n = len(index.sentences)
    # fsum: a sum exact whatever the order of the set, so that equal scores tie and keep the document's order
    # (a plain sum over a set made ties depend on the process's hash seed)
    scored = sorted(index.sentences, key=lambda s: -math.fsum(math.log(1 + n / df[t]) for t in tokens & s.tokens))
    return [s for s in scored[:k] if tokens & s.tokens]


_DF_CACHE: dict[int, tuple[FactIndex, Counter[str]]] = {}


def _sentence_frequency(index: FactIndex) -> Counter[str]:
    """How many of the index's sentences hold each token (cached for the index in hand)."""
    hit = _DF_CACHE.get(id(index))
    if hit is None or hit[0] is not index:
        _DF_CACHE.clear()
        hit = (index, Counter(t for s in index.sentences for t in s.tokens))
        _DF_CACHE[id(index)] = hit
    return hit[1]


def aligned(text: str, index: FactIndex) -> Sentence | None:
    """The document sentence that shares the most content words with the claim."""
    found = aligned_sentences(content_tokens(QUOTED.sub(" ", text)), index, 1)
    return found[0] if found else None

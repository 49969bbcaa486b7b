"""Document mode: a claim checked against plain documents (an article, an email, a dialogue), not persona facts.

Summaries of a document paraphrase it freely (new words are the rule, not a sign of invention), so the
persona rules that count unknown words would flag most faithful summaries. Here a claim is judged only on
the signals that minimal factual edits leave and paraphrase does not (measured on the dev half of SummEdits,
``benchmarks/checker_summedits.py``):

* a number (or date, time, price) that the document does not state, at the precision the claim gives
  (a more precise figure that rounds to it counts: "$1.6 billion" for "$1.648 billion"); a price,
  percentage or scaled figure must be stated as that value ("$1.65 million" is not "$1.65 billion", nor
  "$30 million" the "30" of "September 30"), and a bound must not be the opposite one ("fewer than 100"
  for "over 100");
* a period swapped: a quarter the document never names, a comparison with a kind of period the
  document never compares with ("quarter-over-quarter", "last month"), or a figure whose clause names
  another quarter or year than the document's sentences stating that figure;
* a negation ("not", "no", "never", "n't") where the best-aligned document sentences have none, or none
  where both of them deny something;
* a word whose antonym ("increase" / "decrease") is in the aligned sentences while the word is not in
  the document; likewise a word on one pole of an axis (up / down / unchanged, exact / approximate, in
  any inflection) whose pole the aligned sentences lack while they carry another, a direction also
  being read from figures ("$76.2 million, compared to $88.5 million" is a fall); and a prefix that
  negates or reverses a word of the document ("non-taxable", "certainty" for "uncertainty",
  "post-pandemic" for "pre-pandemic");
* a capitalised name or a quoted title that the document does not contain.

Sentences are aligned with the claim by shared content words weighted by rarity, so that words every
sentence has (a dialogue's speaker names) do not decide it; in a dialogue the number of speakers backs a
count ("two friends").

Anything else is ``supported``, with the best-aligned sentence as evidence. Deterministic, offline, no
model: the sentence-embedding alignment that was tried (all-MiniLM-L6-v2) separated consistent from edited
summaries no better than chance on the dev half, so it is not used.

The rules live by kind: figures in ``doc_figures``, periods in ``doc_periods``, negations, opposites and
prefixes in ``doc_polarity``, the alignment and the finding type in ``doc_alignment``; names and titles here.
"""

from __future__ import annotations

import re

from .claims import QUOTED
from .doc_alignment import DocFinding, aligned, aligned_sentences
from .doc_figures import number_findings
from .doc_periods import period_findings
from .doc_polarity import antonym_findings, negation_findings, pole_findings, prefix_findings
from .facts import FactIndex, Sentence
from .lexicon import canonical_country, content_tokens
from .numbers import parse_numbers

__all__ = ["DocFinding", "aligned", "document_findings", "is_document"]

_CAP = re.compile(r"(?<![\w'’])[A-Z][\w'’&.-]*[A-Za-z0-9]|(?<![\w'’])[A-Z]\b")
# Capitalised words that are not names: days and months are checked, these are not.
_NOT_NAMES = frozenset(["i", "i'm", "i've", "i'd", "i'll", "ok", "okay", "mr", "mrs", "ms", "dr"])


def is_document(index: FactIndex, first_person: bool = False) -> bool:
    """Contexts that are not about a persona (no persona name found), checked for an answer that does not
    speak as one: a first-person answer ("I", "my") is a persona's, checked by the persona rules (binding,
    rankings, unsupported content) whatever the contexts call the persona, or if they name nobody."""
    return index.profile.name is None and not first_person


def document_findings(text: str, index: FactIndex) -> list[DocFinding]:
    """Every signal of an edit in one claim; an empty list means supported."""
    lower = text.lower()
    doc = index.lower_all
    tokens = content_tokens(QUOTED.sub(" ", text))
    aligned = aligned_sentences(tokens, index)
    best = aligned[0] if aligned else None
    # Numbers, dates, times, prices: every figure the claim writes must be one the document writes.
    bare = QUOTED.sub(lambda q: " " * len(q.group(0)), text)
    out = number_findings(bare, parse_numbers(bare, points_as_pp=False), index, best)
    out += period_findings(bare, index, best)
    out += negation_findings(text, aligned, best)
    out += antonym_findings(lower, aligned, index, best)
    out += pole_findings(QUOTED.sub(" ", text), aligned, doc, best)
    out += prefix_findings(lower, doc, best)
    return out + _name_findings(text, doc, best)


def _name_findings(text: str, doc: str, best: Sentence | None) -> list[DocFinding]:
    """Quoted titles and capitalised names the document does not contain; a country where the aligned
    sentence names another is a contradiction."""
    out = []
    for q in QUOTED.finditer(text):
        t = (q.group(1) or q.group(2) or "").strip().lower()
        if t and t not in doc:
            out.append(DocFinding("unsupported", f"\"{t}\" is not in the document", best))
    for m in _CAP.finditer(QUOTED.sub(lambda x: " " * len(x.group(0)), text)):
        word = re.sub(r"['’]s$", "", m.group(0).rstrip(".")).lower()
        if any(ch.isdigit() for ch in word):
            continue  # "Q2", "4Q": periods, checked as numbers
        start = m.start()
        if start == 0 or re.search(r"[.!?:]\s*[\"“']?$", text[:start]) or word in _NOT_NAMES:
            continue  # a sentence's first word is capitalised anyway
        if re.search(r"(?<![a-z])" + re.escape(word), doc):
            continue
        kind_in_best = best is not None and canonical_country(word) and any(
            canonical_country(e) for e in best.entities)
        out.append(DocFinding("contradicted" if kind_in_best else "unsupported",
                              f"{m.group(0)} is not in the document", best))
    return out

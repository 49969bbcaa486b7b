"""Document mode: a claim checked against plain documents (an article, an email, a dialogue), not persona facts.

Summaries of a document paraphrase it freely (new words are the rule, not a sign of invention), so the
persona rules that count unknown words would flag most faithful summaries. Here a claim is judged only on
the signals that minimal factual edits leave and paraphrase does not (measured on the dev half of SummEdits,
``benchmarks/checker_summedits.py``):

* a number (or date, time, price) that the document does not state, at the precision the claim gives;
* a negation ("not", "no", "never", "n't") where the best-aligned document sentences have none;
* a word whose antonym ("increase" / "decrease") is in the aligned sentences while the word is not in
  the document;
* a capitalised name or a quoted title that the document does not contain.

Anything else is ``supported``, with the best-aligned sentence as evidence. Deterministic, offline, no
model: the sentence-embedding alignment that was tried (all-MiniLM-L6-v2) separated consistent from edited
summaries no better than chance on the dev half, so it is not used.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .claims import QUOTED
from .facts import FactIndex, Sentence
from .lexicon import NEGATION, STOP, canonical_country, content_tokens, stem
from .numbers import parse_numbers, same_quantity

ALIGN_TOP = 2  # the claim's negation / antonym is compared with this many best-aligned sentences

# Opposites an edit swaps in ("increase" -> "decrease"); both directions are used. Stemmed on lookup.
_ANTONYM_PAIRS = [
    ("increase", "decrease"), ("increase", "decline"), ("increase", "reduce"), ("increase", "fall"),
    ("rise", "fall"), ("rise", "decline"), ("grow", "shrink"), ("growth", "decline"), ("gain", "loss"),
    ("up", "down"), ("higher", "lower"), ("more", "less"), ("more", "fewer"), ("high", "low"),
    ("strong", "weak"), ("stronger", "weaker"), ("positive", "negative"), ("improve", "worsen"),
    ("improvement", "deterioration"), ("above", "below"), ("expand", "contract"), ("before", "after"),
    ("early", "late"), ("earlier", "later"), ("accept", "reject"), ("accept", "decline"), ("agree", "disagree"),
    ("agree", "refuse"), ("like", "dislike"), ("love", "hate"), ("happy", "unhappy"), ("happy", "sad"),
    ("good", "bad"), ("better", "worse"), ("best", "worst"), ("new", "old"), ("open", "close"),
    ("start", "end"), ("begin", "end"), ("first", "last"), ("win", "lose"), ("buy", "sell"), ("remember", "forget"),
    ("arrive", "leave"), ("come", "go"), ("include", "exclude"), ("inside", "outside"), ("within", "outside"),
    ("easy", "difficult"), ("easy", "hard"), ("cheap", "expensive"), ("free", "paid"), ("always", "never"),
    ("all", "none"), ("success", "failure"), ("successful", "unsuccessful"), ("profit", "loss"),
    ("encourage", "discourage"), ("allow", "prevent"), ("available", "unavailable"), ("possible", "impossible"),
    ("likely", "unlikely"), ("increasing", "decreasing"), ("large", "small"), ("big", "small"), ("long", "short"),
    ("fast", "slow"), ("morning", "evening"), ("night", "day"), ("today", "tomorrow"), ("yesterday", "tomorrow"),
    ("approve", "deny"), ("confirm", "deny"), ("present", "absent"), ("upgrade", "downgrade"),
    ("maximize", "minimize"), ("maximum", "minimum"), ("public", "private"), ("export", "import"),
    ("online", "offline"), ("optimistic", "pessimistic"), ("favorable", "unfavorable"), ("headwind", "tailwind"),
]


def _antonyms() -> dict[str, set[str]]:
    out: dict[str, set[str]] = {}
    for a, b in _ANTONYM_PAIRS:
        out.setdefault(stem(a), set()).add(stem(b))
        out.setdefault(stem(b), set()).add(stem(a))
    return out


ANTONYMS = _antonyms()
_DIGITS = re.compile(r"\d+(?:[.,:]\d+)*")
_CAP = re.compile(r"(?<![\w'’])[A-Z][\w'’&.-]*[A-Za-z0-9]|(?<![\w'’])[A-Z]\b")
# Capitalised words that are not names: days and months are checked, these are not.
_NOT_NAMES = frozenset(["i", "i'm", "i've", "i'd", "i'll", "ok", "okay", "mr", "mrs", "ms", "dr"])


@dataclass(frozen=True)
class DocFinding:
    label: str
    reason: str
    sentence: Sentence | None


def is_document(index: FactIndex) -> bool:
    """Contexts that are not about a persona (no persona name found and no stats): plain documents."""
    return index.profile.name is None


def _aligned(tokens: set[str], index: FactIndex, k: int = ALIGN_TOP) -> list[Sentence]:
    tokens = {t for t in tokens if not NEGATION.fullmatch(t)}  # aligned on content, not on "not"
    scored = sorted(index.sentences, key=lambda s: -len(tokens & s.tokens))
    return [s for s in scored[:k] if tokens & s.tokens]


def _figure_stated(raw: str, doc_lower: str, doc_values: set[float]) -> bool:
    """The document writes this figure: the same digits, or the same value written otherwise ("1,650" /
    "1650", "$1.65 billion" / "1,650 million"). No rounding tolerance: an edit that moves a figure a little
    ("$999" -> "$1000") is what this catches."""
    if re.search(r"(?<![\d.,])" + re.escape(raw) + r"(?![\d]|[.,]\d)", doc_lower):
        return True
    plain = raw.replace(",", "")
    if ":" in plain:
        return False
    try:
        v = float(plain)
    except ValueError:
        return False
    return any(round(v * f, 6) in doc_values for f in (1, 1e3, 1e6, 1e9, 1e-3, 0.01, 100))


def aligned(text: str, index: FactIndex) -> Sentence | None:
    """The document sentence that shares the most content words with the claim."""
    found = _aligned(content_tokens(QUOTED.sub(" ", text)), index, 1)
    return found[0] if found else None


def document_findings(text: str, index: FactIndex) -> list[DocFinding]:
    """Every signal of an edit in one claim; an empty list means supported."""
    lower = text.lower()
    doc = index.lower_all
    tokens = content_tokens(QUOTED.sub(" ", text))
    aligned = _aligned(tokens, index)
    best = aligned[0] if aligned else None
    out: list[DocFinding] = []
    # Numbers, dates, times, prices: every figure the claim writes must be one the document writes.
    doc_values = {round(m.value, 6) for s in index.sentences for m in s.numbers}
    bare = QUOTED.sub(lambda q: " " * len(q.group(0)), text)
    claim_numbers = parse_numbers(bare)
    for m in _DIGITS.finditer(bare):
        raw = m.group(0).rstrip(".,:")
        if m.start() and bare[m.start() - 1].isalpha():
            continue  # "Q2", "H1": a period's name
        if bare[m.end():m.end() + 1].isalpha() and not re.match(r"(?:st|nd|rd|th|k|m|bn|x|pm|am)\b",
                                                                  bare[m.end():m.end() + 3], re.IGNORECASE):
            continue  # glued to letters ("4Q 2020"): a label, not a figure
        if not _figure_stated(raw, doc, doc_values):
            # the aligned sentence gives the same quantity another value: "$4.5 billion" for "$4.2 billion"
            n = next((n for n in claim_numbers if n.span[0] <= m.start() < n.span[1]), None)
            slot = next((x for x in best.numbers if same_quantity(n, x)), None) if n and best else None
            out.append(DocFinding("contradicted", f"the document says {slot.text.strip()}, not {n.text.strip()}",
                                  best) if slot and n else
                       DocFinding("unsupported", f"{raw} is not in the document", best))
    for n in claim_numbers:
        if n.text.strip().lower() in ("one", "a", "an") or _DIGITS.search(n.text) or n.kind != "num" \
                or n.fraction:
            continue
        if round(n.value, 6) not in doc_values and not re.search(rf"\b{re.escape(n.text.strip().lower())}\b", doc):
            out.append(DocFinding("unsupported", f"{n.text.strip()} is not in the document", best))
    # Negation the aligned sentences do not have.
    neg = NEGATION.search(QUOTED.sub(" ", text))
    if neg and aligned and not any(s.negated for s in aligned):
        out.append(DocFinding("contradicted", f"the document does not say \"{neg.group(0)}\" here", best))
    # A word swapped for its opposite.
    words = {stem(w) for w in re.findall(r"[a-z]+", lower) if w not in STOP}
    doc_words = index.vocab | {stem(w) for s in aligned for w in re.findall(r"[a-z]+", s.lower)}
    for w in sorted(words):
        if w in doc_words or w not in ANTONYMS:
            continue
        opp = next((a for a in sorted(ANTONYMS[w]) if any(a in {stem(x) for x in re.findall(r"[a-z]+", s.lower)}
                                                          for s in aligned)), None)
        if opp:
            out.append(DocFinding("contradicted", f"the document says {opp}, not {w}", best))
            break
    # Names and titles the document does not contain.
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

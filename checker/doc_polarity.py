"""Document mode's polarity: a negation added or dropped, a word swapped for its opposite, a prefix that negates.

* a negation ("not", "no", "never", "n't", or "dont" as chat messages write it) where the best-aligned
  document sentences have none, or none where both of them deny something;
* a word whose antonym ("increase" / "decrease") is in the aligned sentences while the word is not in the
  document; likewise a word on one pole of an axis (up / down / unchanged, exact / approximate, in any
  inflection) whose pole the aligned sentences lack while they carry another, a direction also being read
  from figures ("$76.2 million, compared to $88.5 million" is a fall);
* a prefix that negates or reverses a word of the document ("non-taxable", "certainty" for "uncertainty",
  "post-pandemic" for "pre-pandemic").
"""

from __future__ import annotations

import re
from functools import lru_cache

from .claims import QUOTED
from .doc_alignment import ALIGN_TOP, DocFinding
from .doc_figures import DIGITS
from .facts import FactIndex, Sentence
from .lexicon import NEGATION, STOP, stem
from .numbers import parse_numbers

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

# Words that place a change on one pole of an axis: an edit that flips the pole ("grew" -> "shrank",
# "approximately" -> "exactly", "improved" -> "remained unchanged") leaves a claim word whose pole the
# aligned sentences lack while they carry the opposite one. Matched on lemmas (``_lemma``), so inflections
# and the common irregular forms count.
_POLES = {
    ("direction", "up"): "increase rise grow growth gain higher improve improvement raise strengthen expand "
                         "expansion climb jump surge soar boost accelerate upturn spike upward",
    ("direction", "down"): "decrease decline fall shrink shrinkage drop lower reduce reduction weaken contract "
                           "contraction dip slump plunge slow decelerate downturn downward deteriorate "
                           "deterioration worsen",
    ("direction", "flat"): "unchanged flat stagnant",
    ("precision", "exact"): "exactly precisely",
    ("precision", "approx"): "approximately roughly nearly almost",  # not "about" / "around": prepositions too
}
POLE_OF: dict[str, set[tuple[str, str]]] = {}
for _pole, _words in _POLES.items():
    for _w in _words.split():
        POLE_OF.setdefault(_w, set()).add(_pole)
_IRREGULAR = {"grew": "grow", "grown": "grow", "rose": "rise", "risen": "rise", "fell": "fall", "fallen": "fall",
              "shrank": "shrink", "shrunk": "shrink", "won": "win", "lost": "lose", "sold": "sell",
              "bought": "buy", "began": "begin", "begun": "begin", "came": "come", "went": "go", "gone": "go",
              "left": "leave", "forgot": "forget", "forgotten": "forget"}
_KNOWN = frozenset(POLE_OF)


@lru_cache(maxsize=20000)
def _lemma(word: str) -> str:
    """The pole word an inflected form stands for ("declined" -> "decline", "shrank" -> "shrink"), else the
    word itself; only the pole words matter, so a suffix is stripped only where that leaves one."""
    w = _IRREGULAR.get(word, word)
    if w in _KNOWN:
        return w
    for suf in ("ing", "ied", "ies", "ed", "es", "s", "d", "ly"):
        if w.endswith(suf) and len(w) > len(suf) + 2:
            r = w[: -len(suf)]
            for c in (r, r + "e", r + "y", r[:-1] if r[-1] == r[-2] else ""):
                if c in _KNOWN:
                    return c
    return w


def _plain_words(text: str) -> list[str]:
    """Lower-case words outside hyphenated compounds ("cutting-edge", "low-cost" are names of things)."""
    return [m.group(0) for m in re.finditer(r"(?<![\w-])[a-z]+(?![\w-])", text.lower())]


def _poles(text: str) -> dict[tuple[str, str], set[str]]:
    out: dict[tuple[str, str], set[str]] = {}
    for w in _plain_words(text):
        for pole in POLE_OF.get(_lemma(w), ()):
            out.setdefault(pole, set()).add(w)
    return out


# Negations written without the apostrophe, as chat messages do ("dont", "doesnt").
_CASUAL_NEGATION = re.compile(r"\b(?:dont|doesnt|didnt|isnt|arent|wasnt|werent|wont|cant|couldnt|shouldnt|"
                              r"wouldnt|havent|hasnt|hadnt|aint|nope|nah)\b")
_NEG_PREFIXES = ("non-", "non", "un")
_SWAP_PREFIXES = {"pre-": "post-", "post-": "pre-"}
_COMPOUND = re.compile(r"[a-z][a-z-]*[a-z]")


@lru_cache(maxsize=256)
def _doc_words(doc: str) -> tuple[frozenset[str], frozenset[str]]:
    """The document's words with hyphenated compounds whole, and every part of those compounds."""
    whole = frozenset(_COMPOUND.findall(doc))
    return whole, frozenset(p for w in whole for p in w.split("-"))


def negation_findings(text: str, aligned: list[Sentence], best: Sentence | None) -> list[DocFinding]:
    """A negation the aligned sentences do not have, or one they both have that the claim dropped."""
    out: list[DocFinding] = []
    neg = NEGATION.search(QUOTED.sub(" ", text))
    if neg and aligned and not any(s.negated or _CASUAL_NEGATION.search(s.lower) for s in aligned):
        out.append(DocFinding("contradicted", f"the document does not say \"{neg.group(0)}\" here", best))
    return out + _dropped_negation(neg is not None, aligned, best)


def _dropped_negation(negated: bool, aligned: list[Sentence], best: Sentence | None) -> list[DocFinding]:
    """A negation dropped: the claim denies nothing where both best-aligned sentences deny something."""
    if not negated and len(aligned) == ALIGN_TOP and all(s.negated or _CASUAL_NEGATION.search(s.lower)
                                                          for s in aligned):
        return [DocFinding("contradicted", "the document denies this", best)]
    return []


def antonym_findings(lower: str, aligned: list[Sentence], index: FactIndex, best: Sentence | None) -> list[DocFinding]:
    """A word the document does not use whose opposite is in the aligned sentences."""
    words = {stem(w) for w in re.findall(r"[a-z]+", lower) if w not in STOP}
    doc_words = index.vocab | {stem(w) for s in aligned for w in re.findall(r"[a-z]+", s.lower)}
    for w in sorted(words):
        if w in doc_words or w not in ANTONYMS:
            continue
        opp = next((a for a in sorted(ANTONYMS[w]) if any(a in {stem(x) for x in re.findall(r"[a-z]+", s.lower)}
                                                          for s in aligned)), None)
        if opp:
            return [DocFinding("contradicted", f"the document says {opp}, not {w}", best)]
    return []


@lru_cache(maxsize=256)
def _doc_lemmas(doc: str) -> frozenset[str]:
    return frozenset(_lemma(w) for w in _plain_words(doc))


_VERSUS = re.compile(r"\b(?:compared? (?:to|with)|compares (?:to|with)|versus|vs\.?)\s", re.IGNORECASE)


def _derived_direction(text: str) -> tuple[str, str] | None:
    """The direction a sentence states in figures rather than words: the figures before "compared to" /
    "versus" against those after it, paired in order and of the same kind ("$0.21 in Q1 versus $0.02 a year
    ago": up). None when there is no such comparison or the pairs disagree."""
    m = _VERSUS.search(text)
    if not m:
        return None
    figures = [n for n in parse_numbers(text, points_as_pp=False) if n.kind in ("money", "pct", "num") and DIGITS.search(n.text)]
    before = [n for n in figures if n.span[1] <= m.start()]
    after = [n for n in figures if n.span[0] >= m.end()]
    signs = {(a.value > b.value) - (a.value < b.value) for a, b in zip(before, after) if a.kind == b.kind}
    if len(signs) != 1 or 0 in signs:
        return None
    return ("up" if signs == {1} else "down"), f"{before[0].text.strip()} against {after[0].text.strip()}"


def pole_findings(text: str, aligned: list[Sentence], doc: str, best: Sentence | None) -> list[DocFinding]:
    """A claim word on one pole of an axis (up / down / flat; exact / approximate) that the document does not
    use, where the aligned sentences carry the opposite pole and not this one."""
    if not aligned:
        return []
    claim, here = _poles(text), _poles(" ".join(s.text for s in aligned))
    if not any(a == "direction" for a, _ in here):
        for s in aligned:  # "$94.8 million, that compares to $106.6 million": down, in figures
            d = _derived_direction(s.text)
            if d:
                here.setdefault(("direction", d[0]), set()).add(f"{'a rise' if d[0] == 'up' else 'a fall'} ({d[1]})")
    known = _doc_lemmas(doc)
    for (axis, pole), words in sorted(claim.items()):
        if (axis, pole) in here or all(_lemma(w) in known for w in words):
            continue
        opposite = sorted(w for (a, p), ws in here.items() if a == axis and p != pole for w in ws)
        if opposite:
            return [DocFinding("contradicted", f"the document says {opposite[0]}, not {sorted(words)[0]}", best)]
    return []


def prefix_findings(lower: str, doc: str, best: Sentence | None) -> list[DocFinding]:
    """A word negated by a prefix the document does not use ("non-taxable" for "taxable", "certainty" for
    "uncertainty"), or "post-" swapped for "pre-"."""
    whole, parts = _doc_words(doc)
    for w in _COMPOUND.findall(lower):
        if w in whole:
            continue
        for p in _NEG_PREFIXES:
            root = w[len(p):]
            if w.startswith(p) and len(root) >= 4 and root in parts and not any(
                    q + root in whole for q in _NEG_PREFIXES if q != p):
                return [DocFinding("contradicted", f"the document says {root}, not {w}", best)]
        for p, q in _SWAP_PREFIXES.items():
            if w.startswith(p) and q + w[len(p):] in whole:
                return [DocFinding("contradicted", f"the document says {q + w[len(p):]}, not {w}", best)]
        if w in parts:
            continue  # a part of one of the document's compounds
        for p in _NEG_PREFIXES:
            if len(w) >= 4 and p + w in whole:
                return [DocFinding("contradicted", f"the document says {p + w}, not {w}", best)]
    return []

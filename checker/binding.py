"""One claim against the facts: numbers bound to what they belong to, entities, attributes, ranks, negation.

Each check yields a finding (supported / contradicted / unsupported, a reason, the fact sentence); the claim's
label is the worst finding. A claim none of whose parts could be found in the data is ``unsupported``.
"""

from __future__ import annotations

import math
import re
from itertools import combinations

from .attributes import _NAME_CLAIM, Finding, Parsed, _has, attribute_findings, rank_findings
from .claims import META_WORDS, QUOTED, is_claimless, quoted_spans
from .facts import FactIndex, Sentence, entities_in, find_gender
from .lexicon import DEMONYMS, GENDER_WORDS, NEGATION, SUPERLATIVE, canonical_country, content_tokens, stem
from .numbers import Num, compatible, parse_numbers, same_quantity, units_meet

_SELF = re.compile(r"\b(I|I'm|I've|me|my|mine|we|us|our|people like me)\b", re.IGNORECASE)
_COMPARE = re.compile(r"\b(more|less|fewer|than|times|twice|half|difference|gap|ratio|combined|together|"
                      r"total|sum|share|percent|of all|of my|of our)\b|%", re.IGNORECASE)
_CUE_TOKENS = {"own", "persona", "driven", "real", "individual", "top", "most", "least", "number", "rank", "only", "never", "not", "no", "also", "really", "mostly",
               "love", "like", "enjoy", "into", "prefer", "lot", "huge", "big", "fan", "people", "group", "around",
               "nearly", "almost", "over", "under", "roughly", "approximately", "some", "about", "exactly", "than",
               "more", "less", "fewer", "time", "second", "third", "fourth", "fifth", "first", "place", "spot",
               "come", "go", "make", "account", "amount", "figure", "stand", "represent", "get", "sit", "put", "comes", "then", "followed", "after", "while", "way", "far", "percent", "share", "view",
               "content", "topic", "count", "total", "all", "whole", "said", "comment", "write", "say",
               # plain chat wording around a fact
               "everything", "channel", "together", "list", "average", "times", "compared", "overall", "usual",
               "typical", "watcher", "anyone", "someone", "else", "thing", "stuff", "kind", "type", "one",
               "half", "quarter", "close", "little", "small", "large", "part",
               "portion", "chunk", "slice", "piece", "bunch", "check", "tell", "know", "think", "guess", "see",
               "seem", "look", "show", "data", "pretty", "definitely", "actually", "basically",
               "clearly", "favourite", "favorite", "spend", "hit", "reach", "end",
               "came", "leave", "left", "give", "gave", "take", "took", "add", "up", "out"}
_CUE_TOKENS |= {"early", "late", "mid", "teen", "twenties", "thirties", "forties", "fifties", "sixties", "year",
                "age", "old", "aged", "young", "live", "living", "based", "name", *GENDER_WORDS, *DEMONYMS}
_CUE_TOKENS |= {stem(w) for w in _CUE_TOKENS} | {"says", "said", "writes", "wrote"}
NOVEL_SHARE = 0.34  # a single unknown word makes a claim unsupported when it is over a third of its content

_MEASURES = {"lift", "weight", "stability", "rank", "number", "score", "of"}
NOVEL_MIN = 2  # this many unknown words make a claim unsupported whatever its length
GENERIC_NOVEL_MIN, GENERIC_NOVEL_SHARE = 5, 0.7  # the same for contexts that are not about a persona
COVERAGE = 0.6  # share of a claim's words the contexts must use when no number or rank pins it down
ORDER = {"supported": 0, "unsupported": 1, "contradicted": 2}


def parse_claim(text: str, index: FactIndex, explains_refusal: bool = False) -> Parsed | None:
    """The claim's parts, or None when the sentence states nothing that can be checked.

    ``explains_refusal``: the text follows a refusal's colon ("My data doesn't tell me why: it records what
    my group watched, not its reasons"); it is a claim only when it names a number, a quote or an entity.
    """
    masked = quoted_spans(text)
    lower = text.lower()
    numbers = parse_numbers(text, masked)
    quotes = [(m.group(1) or m.group(2)).strip().lower() for m in QUOTED.finditer(text)]
    bare = QUOTED.sub(lambda m: " " * len(m.group(0)), text)  # same length: number spans stay valid
    anchors: list[str] = []
    for t in index.topics | index.titles:
        if len(t) > 2 and _has(lower, t) and not any(t in q for q in quotes):
            anchors.append(t)
    for ent, start, _ in entities_in(bare):
        e = ent.lower()
        e = e.removesuffix("'s")
        if index.profile.name_parts and (e in index.profile.name_parts
                                         or all(w in index.profile.name_parts for w in e.split())):
            continue
        if start == 0 and e not in index.entities and e not in index.topics:
            # A capitalised first word is an entity only if the data knows it as one.
            words = e.split()
            if len(words) == 1:
                continue
            e = " ".join(words[1:])
        if any(e == a or e in a for a in anchors):
            continue
        anchors.append(e)
    plain = list(bare)
    for n in numbers:  # number words ("thousand", "twice") are the number's business, not content
        plain[n.span[0]:n.span[1]] = " " * (n.span[1] - n.span[0])
    tokens = content_tokens("".join(plain))
    if index.profile.name_parts:
        tokens -= {w for w in index.profile.name_parts if " " not in w}
    self_ref = bool(_SELF.search(bare))
    negated = bool(NEGATION.search(bare))
    checkable = bool(numbers or quotes or anchors or SUPERLATIVE.search(bare) or find_gender(bare)
                     or (negated and tokens) or _NAME_CLAIM.search(bare))
    if is_claimless(text, bool(numbers or quotes or anchors)):
        return None
    if explains_refusal and not (numbers or quotes or anchors or find_gender(bare)):
        return None
    if not checkable and tokens <= META_WORDS:
        return None  # a statement about the conversation, or a hedged opinion with nothing in it to check
    # A claim that names another persona is about that persona, unless it also speaks of "my"/"our".
    subject = None if re.search(r"\b(my|our|I|I'm|me)\b", bare) else \
        next((o for o in index.others if _has(lower, o)), None)
    return Parsed(text, lower, numbers, quotes, anchors, tokens, self_ref, negated, bare, subject)


# ---------------------------------------------------------------------------------------------- numbers

def _own_anchors(s: Sentence, index: FactIndex) -> set[str]:
    """What a fact sentence is about, besides the persona: its topics, titles and other entities."""
    p = index.profile
    own = {x for x in (p.country, p.gender) if x}
    out = {e for e in s.entities if e not in {o.lower() for o in own}}
    out |= {t for t in index.topics if t in s.lower}
    out |= set(s.quotes)
    return out


def _mentioned(anchor: str, c: Parsed) -> bool:
    words = [w for w in anchor.split() if len(w) >= 4]
    if len(words) > 1 and any(_has(c.lower, w) for w in words):
        return True  # "Acme" names "Acme Corp"
    return anchor in c.lower or any(anchor in q or q in anchor for q in c.quotes) or \
        any(anchor in a or a in anchor for a in c.anchors)


def bound(c: Parsed, s: Sentence, n: Num, m: Num) -> bool:
    """``m`` in ``s`` states the claim's number ``n`` for the thing the claim talks about."""
    if not compatible(n, m):
        return False
    if c.subject and s.persona is not None and s.persona.lower() != c.subject:
        return False  # "Bruno's group has 45,210 views": a figure of another persona's fact
    if n.unit and not m.unit and (n.unit not in s.tokens or m.lead in _MEASURES):
        return False  # '1,739 likes' is not the bare '1,739' of a monthly series about views
    owner = s.owner(m)
    return owner is None or _mentioned(owner, c) or not (c.anchors or c.quotes)


def score_sentence(c: Parsed, s: Sentence, index: FactIndex, numbers: list[Num]) -> float:
    hits = sum(1 for a in c.anchors + c.quotes if a in s.lower)
    nums = sum(1 for n in numbers if any(bound(c, s, n, m) for m in s.numbers))
    overlap = len(c.tokens & s.tokens)
    stray = sum(1 for a in _own_anchors(s, index) if not _mentioned(a, c))
    score = 3.0 * hits + 2.0 * nums + overlap - 2.5 * min(stray, 2)
    if c.self_ref and s.persona is not None and index.profile.name and s.persona != index.profile.name:
        score -= 3.0
    if c.subject and s.persona is not None and s.persona.lower() != c.subject:
        score -= 3.0
    return score


def _clean_enough(c: Parsed, s: Sentence, n: Num, index: FactIndex) -> bool:
    """No other persona's fact, and no anchor of the claim's kind that belongs to something else."""
    if c.self_ref and index.profile.name and s.persona not in (None, index.profile.name):
        return False
    owners = [s.owner(m) for m in s.numbers if bound(c, s, n, m)]
    return any(o is None or _mentioned(o, c) for o in owners) and \
        all(a in s.lower for a in c.anchors + c.quotes if a in index.topics or a in index.titles)


def _clean(c: Parsed, s: Sentence, n: Num, index: FactIndex) -> bool:
    """``s`` states the number for exactly what the claim names: all its anchors, none of another's."""
    if c.self_ref and index.profile.name and s.persona not in (None, index.profile.name):
        return False
    if not all(a in s.lower for a in c.anchors + c.quotes):
        return False
    return any(bound(c, s, n, m) and (s.owner(m) is None or _mentioned(s.owner(m), c)) for m in s.numbers) and \
        not any(a for a in _own_anchors(s, index) if not _mentioned(a, c)) if c.anchors or c.quotes else \
        any(bound(c, s, n, m) for m in s.numbers) and not _own_anchors(s, index)


def _derived(n: Num, sents: list[Sentence]) -> str | None:
    """A difference, ratio, sum or share of two numbers in the best-matching facts that gives the claim."""
    pool = [m for s in sents for m in s.numbers if m.kind in ("num", "pct", "mult")]
    for a, b in combinations(pool, 2):
        if a.value == 0 or b.value == 0:
            continue
        big, small = (a, b) if a.value >= b.value else (b, a)
        cands = []
        if big.kind == small.kind:
            cands += [("difference", big.value - small.value, big.kind), ("sum", big.value + small.value, big.kind)]
        if big.kind == small.kind or n.kind == "mult":
            cands.append(("ratio", big.value / small.value, "mult"))
        if big.kind == small.kind == "num":
            cands.append(("share", 100 * small.value / big.value, "pct"))
        for what, v, kind in cands:
            prec = 10 ** (len(str(int(abs(v)))) - 3) if abs(v) >= 1000 else 0.0
            probe = Num(v, kind if n.kind != "num" or kind == "num" else n.kind, "", prec, "", (0, 0), "")
            if (kind == n.kind or (kind == "mult" and n.kind == "num")) and compatible(n, probe, check_units=False):
                return f"{what} of {a.text.strip()} and {b.text.strip()}"
    return None


_TOGETHER = re.compile(r"\b(?:together|combined|in total|between them|add up|adds up|added up|sum)\b")


def _parts(c: Parsed, n: Num, index: FactIndex) -> list[tuple[Num, Sentence]] | None:
    """For a claim that adds up what it names ("Cooking and Travel together are 54.3%"), the figure of the
    claim's kind the data gives each of them; None when the claim adds nothing up or one has no figure."""
    if len(c.anchors) < 2 or not _TOGETHER.search(c.lower):
        return None
    parts = []
    for a in c.anchors:
        own = sorted((s for s in index.sentences if a in s.lower), key=lambda s: not s.lower.startswith(a))
        hit = next(((m, s) for s in own for m in s.numbers if m.kind == n.kind and units_meet(n, m)
                    and s.owner(m) in (None, a)), None)
        if hit is None:
            return None
        parts.append(hit)
    return parts


def _sum_finding(c: Parsed, n: Num, index: FactIndex, several: bool) -> Finding | None:
    """The claim's figure against the sum of the parts it names, within the parts' rounding; a figure that
    is one of the parts, in a claim with several figures, is left to the other checks."""
    parts = _parts(c, n, index)
    if parts is None or (several and any(compatible(n, m) for m, _ in parts)):
        return None
    total = sum(m.value for m, _ in parts)
    probe = Num(total, n.kind, n.unit, sum(m.precision for m, _ in parts), "", (0, 0), "")
    terms = " + ".join(m.text.strip() for m, _ in parts)
    if compatible(n, probe, check_units=False):
        return Finding("supported", f"{n.text.strip()} is the sum {terms}", parts[0][1])
    shown = f"{total:,.{max(0, -round(math.log10(probe.precision))) if probe.precision < 1 else 0}f}"
    return Finding("contradicted", f"together they are {shown}{'%' if n.kind == 'pct' else ''} ({terms}), "
                                   f"not {n.text.strip()}", parts[0][1])


def number_findings(c: Parsed, index: FactIndex, numbers: list[Num]) -> tuple[list[Finding], Sentence | None]:
    ranked = sorted(index.sentences, key=lambda s: -score_sentence(c, s, index, numbers))
    best = ranked[0] if ranked and score_sentence(c, ranked[0], index, numbers) > 0 else None
    out: list[Finding] = []
    for n in numbers:
        if n.kind != "year" and (summed := _sum_finding(c, n, index, len(numbers) > 1)) is not None:
            out.append(summed)
            continue
        if best is not None and any(bound(c, best, n, m) for m in best.numbers):
            out.append(Finding("supported", f"{n.text.strip()} matches the data", best))
            continue
        if n.kind == "year":  # a year is a date, not a measured quantity: found or not
            s_year = next((s for s in ranked if any(m.kind == "year" and m.value == n.value for m in s.numbers)), None)
            out.append(Finding("supported", f"{n.text.strip()} is in the data", s_year) if s_year else
                       Finding("unsupported", f"{n.text.strip()} is not in the data", best))
            continue
        # A claim with several numbers may take each from its own sentence.
        own = sorted(ranked[:12], key=lambda s: -score_sentence(c, s, index, [n]))
        hit = next((s for s in own[:3] if score_sentence(c, s, index, [n]) > 0
                    and any(bound(c, s, n, m) for m in s.numbers) and _clean_enough(c, s, n, index)), None)
        if hit is not None:
            out.append(Finding("supported", f"{n.text.strip()} matches the data", hit))
            continue
        between = _COMPARE.search(c.text) and len(c.anchors) >= 2 and re.search(r"\bthan\b|\bas\b.*\bas\b", c.lower)
        how = _derived(n, [s for s in ranked[:6] if any(a in s.lower for a in c.anchors)]) if between else None
        if how:
            out.append(Finding("supported", f"{n.text.strip()} is the {how}", best))
            continue
        clean = next((s for s in ranked[:8] if _clean(c, s, n, index)), None)
        if clean is not None:
            out.append(Finding("supported", f"{n.text.strip()} matches the data", clean))
            continue
        slot = next((m for m in best.numbers if same_quantity(n, m) and (m.kind == n.kind or m.kind == "pct")
                     and best.owner(m) in (None, *c.anchors, *c.quotes)), None) if best else None
        if best is not None and slot is None and n.unit and n.kind == "num":
            slot = next((m for m in best.numbers if m.kind == "num" and not m.unit and best.lower.count(n.unit) and
                         abs(m.value - n.value) / max(n.value, 1) < 0.5), None)
        elsewhere = [s for s in ranked if any(bound(c, s, n, m) or (compatible(n, m) and (
            s.owner(m) or (c.subject and s.persona and s.persona.lower() != c.subject))) for m in s.numbers)]
        if slot is not None:
            out.append(Finding("contradicted", f"the data says {slot.text.strip()}, not {n.text.strip()}", best))
            continue
        if elsewhere:
            s = elsewhere[0]
            owners = [s.owner(m) for m in s.numbers if compatible(n, m)]
            stray = [o for o in owners if o and not _mentioned(o, c)] or \
                [a for a in _own_anchors(s, index) if not _mentioned(a, c)]
            other = c.self_ref and s.persona not in (None, index.profile.name) and index.profile.name
            if other:
                out.append(Finding("contradicted", f"{n.text.strip()} belongs to {s.persona}, not to me", s))
            elif c.subject and s.persona is not None and s.persona.lower() != c.subject:
                out.append(Finding("contradicted", f"{n.text.strip()} belongs to {s.persona}, not to {c.subject}",
                                   s))
            elif stray and (c.anchors or c.quotes):
                out.append(Finding("contradicted", f"{n.text.strip()} belongs to {stray[0]} in the data", s))
            else:
                out.append(Finding("supported", f"{n.text.strip()} matches the data", s))
            continue
        how = _derived(n, ranked[:3]) if _COMPARE.search(c.text) else None
        if how:
            out.append(Finding("supported", f"{n.text.strip()} is the {how}", best))
        else:
            out.append(Finding("unsupported", f"{n.text.strip()} is not in the data", best))
    return out, best


# ---------------------------------------------------------------------------------------------- the claim

_WS = re.compile(r"\s+")


def _norm(text: str) -> str:
    return _WS.sub(" ", text.lower().replace("’", "'")).strip(" .;,:!")


def restated(c: Parsed, index: FactIndex) -> Sentence | None:
    """The fact sentence the claim repeats word for word, reading "my"/"I" as the persona's name.

    A claim that copies (part of) a fact states exactly what the fact states, whatever the names, labels and
    numbers in it are ("Other groups that share my behaviour ...: 25-34, female, US (2.6%)" restates the
    "shared" fact: the group labels listed there are not the speaker's attributes). At least four words, and
    not right after a negation in the fact, so that a fragment cannot flip or lose what the fact says.
    """
    claim = _norm(c.text)
    if len(claim.split()) < 4:
        return None
    forms = {claim}
    name = index.profile.name
    if name and c.self_ref:
        n = name.lower()
        swapped = re.sub(r"\b(?:i'm|i am)\b", f"{n} is", claim)
        swapped = re.sub(r"\b(?:my|our)\b", f"{n}'s", swapped)
        forms.add(swapped)
    for s in index.sentences:
        low = _norm(s.text)
        for f in forms:
            at = low.find(f)
            if at < 0:
                continue
            end = at + len(f)
            if (at and low[at - 1].isalnum()) or (end < len(low) and low[end].isalnum()):
                continue  # not on word boundaries
            if NEGATION.search(low[max(0, at - 12):at]):
                continue
            if any(a < end and at < b for a, b in quoted_spans(low)):
                # Words inside a quoted comment or title are what someone wrote, not what the data says: an
                # answer repeating a comment's claim ("this channel has 10 million subscribers") is not backed
                # by it. Quoting the comment, in quotes, is (the quote rule in verify).
                continue
            return s
    return None


def verify(c: Parsed, index: FactIndex) -> list[Finding]:
    if (s := restated(c, index)) is not None:
        return [Finding("supported", "it repeats the data", s)]
    used: list[tuple[int, int]] = []
    findings = attribute_findings(c, index, used)
    findings += rank_findings(c, index, used)
    numbers = [n for n in c.numbers if not any(a <= n.span[0] < b for a, b in used)]
    for q in c.quotes:
        s = next((s for s in index.sentences if q in s.lower), None)
        findings.append(Finding("supported", "quoted in the data", s) if s else
                        Finding("unsupported", f"\"{q}\" is not in the data"))
    nf, best = number_findings(c, index, numbers)
    findings += nf
    attr_words = {x.lower() for x in (index.profile.country, index.profile.gender) if x}
    for a in c.anchors:
        if a in index.lower_all or a in attr_words or a in index.topics or a in index.titles:
            continue
        if index.profile.country and canonical_country(a) == canonical_country(index.profile.country):
            continue  # "Brazilian" for a persona from Brazil
        if (a in DEMONYMS or canonical_country(a)) and any(f.reason.startswith(("I am from", "the data says"))
                                                            for f in findings):
            continue  # a country the attribute check already judged
        if any(f.label == "contradicted" for f in findings):
            continue
        findings.append(Finding("unsupported", f"{a} is not in the data"))
    if best is None:
        ranked = sorted(index.sentences, key=lambda s: -score_sentence(c, s, index, []))
        best = ranked[0] if ranked else None
    # Negated content: "I never watch X" while the data shows X.
    if c.negated and not findings_have_rank(findings) and best is not None:
        named = [a for a in c.anchors if a in best.lower and (a in index.topics or a in index.titles)]
        if named and not best.negated:
            findings.append(Finding("contradicted", f"the data shows {named[0]}", best))
        elif not named and best.negated != c.negated and len(c.tokens & best.tokens) >= max(2, len(c.tokens) // 2):
            findings.append(Finding("contradicted", "the data says the opposite", best))
    # Words the data never uses: an invented detail ("... watches with subtitles on"), even next to a
    # number that happens to occur somewhere in the data.
    novel = sorted(t for t in c.tokens if not index.knows(t) and t not in _CUE_TOKENS and len(t) > 2)
    content = [t for t in c.tokens if t not in _CUE_TOKENS]
    # Text not about a persona (a document, an email) is paraphrased more freely: there, new words count
    # only against claims that nothing else pinned down, and need to be more of them.
    persona = index.profile.name is not None
    lo, share = (NOVEL_MIN, NOVEL_SHARE) if persona else (GENERIC_NOVEL_MIN, GENERIC_NOVEL_SHARE)
    pinned = any(f.label == "supported" for f in findings)
    if novel and (persona or not pinned) and (len(novel) >= lo or len(novel) > share * len(content)) and \
            not any(f.label == "contradicted" for f in findings):
        findings.append(Finding("unsupported", "not in the data: " + ", ".join(novel[:4]), best))
    if not findings:
        # Nothing to bind: the claim stands if its words come from one fact sentence, or, when it names
        # things the data names (every anchor found), from the contexts as a whole.
        known = sum(1 for t in c.tokens if index.knows(t))
        if c.anchors and c.tokens and known >= COVERAGE * len(c.tokens) and not c.negated:
            return [Finding("supported", "every name and word of it is in the data", best)]
        if best is not None and c.tokens and len(c.tokens & best.tokens) >= 0.6 * len(c.tokens):
            if best.negated != c.negated:
                findings.append(Finding("contradicted", "the data says the opposite", best))
            else:
                findings.append(Finding("supported", "the data says so", best))
        else:
            findings.append(Finding("unsupported", "nothing in the data says so", best))
    return findings


def findings_have_rank(findings: list[Finding]) -> bool:
    return any(" number " in f.reason and " in the data" in f.reason for f in findings)

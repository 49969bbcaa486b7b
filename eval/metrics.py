"""Scores of one answer against its question's gold, and their summaries over a question set.

Correctness is deliberately simple and model-free: every gold value (or any one, for quotes) must appear in the
answer. Numbers are compared after normalisation (45,210 / 45.2k / 1.2 million / 12.4% / 0.124) and may be
rounded to the precision the answer states; text is matched case-insensitively on word boundaries.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from typing import Any

from checker.numbers import Num, compatible, parse_numbers
from .questions import Gold, Question

# ----------------------------------------------------------------------------------------------- numbers
# The checker's number reading (eval/numbers.py), so that correctness and faithfulness agree on what
# '45.2k', 'about 12%' or 'a third' say and on the rounding they allow.


def numbers(text: str) -> list[Num]:
    return parse_numbers(text)


def number_matches(gold: float, found: Num) -> bool:
    """Whether ``found`` (a number in the answer) states the exact value ``gold``: a share (a fraction)
    matches '12.4%' and '0.124'; rounding to the precision the answer states and its hedges are allowed."""
    exact = Num(float(gold), "num", "", 1e-12, "", (0, 0), str(gold))
    return compatible(found, exact, check_units=False)


# ----------------------------------------------------------------------------------------------- text

_MONTHS = ("january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
           "november", "december")


def normalise(text: str) -> str:
    """Lower case, straight quotes, no accents, single spaces: so 'Limón' and 'Limon' match."""
    text = text.replace("\u2019", "'").replace("\u2018", "'").replace("\u201c", '"').replace("\u201d", '"')
    text = unicodedata.normalize("NFKD", text)
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return re.sub(r"\s+", " ", text).strip().lower()


def text_matches(gold: str, answer: str) -> bool:
    g, a = normalise(gold), normalise(answer)
    if not g:
        return False
    return re.search(rf"(?<!\w){re.escape(g)}(?!\w)", a) is not None


def period_matches(gold: str, answer: str) -> bool:
    """'2024-05' matches '2024-05', 'May 2024' and 'May of 2024'."""
    if text_matches(gold, answer):
        return True
    m = re.fullmatch(r"(\d{4})-(\d{2})", gold.strip())
    if not m:
        return False
    year, month = m.group(1), _MONTHS[int(m.group(2)) - 1]
    a = normalise(answer)
    return re.search(rf"\b({month}|{month[:3]})\.?\s+(of\s+)?{year}\b", a) is not None


def gold_found(gold: Gold, answer: str, found: Sequence[Num] | None = None) -> bool:
    if gold.type in ("number", "share"):
        nums = numbers(answer) if found is None else found
        return any(number_matches(float(gold.value), n) for n in nums)
    if gold.type == "period":
        return period_matches(str(gold.value), answer)
    return any(text_matches(t, answer) for t in (str(gold.value), *gold.alternatives))


_YES = re.compile(r"\b(yes|i'?d (probably |likely |definitely |happily )?(watch|click|enjoy|like)|i would (probably |"
                  r"likely |definitely )?(watch|click|enjoy|like)|probably (watch|yes)|sounds like my thing)\b",
                  re.IGNORECASE)
_NO = re.compile(r"\b(no|skip|not my thing|not for me|wouldn't|would not|unlikely|probably not|pass on)\b",
                 re.IGNORECASE)


def stance_matches(stance: str, answer: str) -> bool:
    """Whether the answer takes ``stance`` on watching: the first sentence that says yes or no decides
    ('Going by that, I'd probably skip it' is a no). Sentences about what the data covers ('that video isn't
    in my data') are no stance."""
    for sentence in re.split(r"(?<=[.!?])\s+", answer.replace("\u2019", "'")):
        if re.search(r"\bmy data\b", sentence, re.IGNORECASE):
            continue
        if _NO.search(sentence):
            return stance == "no"
        if _YES.search(sentence):
            return stance == "yes"
    return False


def correct(q: Question, answer: str) -> bool | None:
    """Whether the answer states the gold; None when the question has no gold to compare with."""
    if q.expect_refusal:
        return None
    golds = list(q.gold_values)
    if not golds and q.gold_answer:
        golds = gold_from_answer(q.gold_answer)
    if not golds:
        return None
    found = numbers(answer)
    hits = [gold_found(g, answer, found) for g in golds]
    ok = all(hits) if q.gold_match == "all" else any(hits)
    if ok and q.stance is not None:
        ok = stance_matches(q.stance, answer)
    return ok


def gold_from_answer(text: str) -> list[Gold]:
    """A reference answer in words as gold values: its numbers when it has any (they carry the facts), else
    the whole reference as text ('Brazil')."""
    golds = [Gold(n.value / 100 if n.kind == "pct" else n.value, "share" if n.kind == "pct" else "number")
             for n in numbers(text) if n.kind not in ("rank", "year")]
    if golds:
        return golds
    return [Gold(text.strip().rstrip("."))]


# ----------------------------------------------------------------------------------------------- refusals

_REFUSAL = re.compile(
    r"my data doesn't tell|my data does not tell|isn't in my data|is not in my data|not in the data|"
    r"(data|facts) (don't|do not|doesn't|does not) (say|cover|show|include|contain|tell)|"
    r"i (don't|do not) (know|have (that|this|any|data|information))|i can't (tell|say|answer)|"
    r"i cannot (tell|say|answer)|no (data|information) (on|about)|not something my data",
    re.IGNORECASE,
)


def is_refusal(answer: str) -> bool:
    """Whether the answer declines for lack of data (the grounded responder's wording and common LLM ones).
    Only its first two sentences count: an answer that gives the facts and then adds "that video itself isn't
    in my data" has answered."""
    text = answer.replace("\u2019", "'").strip()
    head = " ".join(re.split(r"(?<=[.!?])\s+", text)[:2])
    return bool(_REFUSAL.search(head))


# ----------------------------------------------------------------------------------------------- retrieval


def reciprocal_rank(gold_ids: Iterable[str], ranked_ids: Sequence[str]) -> float:
    gold = set(gold_ids)
    for i, fid in enumerate(ranked_ids, start=1):
        if fid in gold:
            return 1.0 / i
    return 0.0


def percentile(values: Sequence[float], q: float) -> float | None:
    """Linear-interpolated percentile (numpy's default), without numpy for a handful of values."""
    if not values:
        return None
    xs = sorted(values)
    pos = (len(xs) - 1) * q / 100
    lo, hi = math.floor(pos), math.ceil(pos)
    return xs[lo] + (xs[hi] - xs[lo]) * (pos - lo)


# ----------------------------------------------------------------------------------------------- summaries


@dataclass(frozen=True)
class Summary:
    """Metrics over a group of results. Rates are None where no result of the group had what they need."""

    n: int
    errors: int  # answers where the responder failed
    faithfulness: float | None  # mean checker score
    faithful_share: float | None  # share of answers with no contradicted and no unsupported claim
    n_relevance: int  # questions of a kind with a fixed expectation (eval/relevance.py)
    relevance: float | None  # share of those whose answer addresses the kind asked
    n_gold: int  # questions with gold values
    correctness: float | None
    n_out_of_data: int
    refusal_accuracy: float | None  # out-of-data questions refused without any unsupported claim
    false_refusals: float | None  # in-data questions (with gold) answered with a refusal
    n_gold_facts: int
    recall_at_1: float | None
    recall_at_k: float | None
    mrr: float | None
    latency_p50_ms: float | None
    latency_p95_ms: float | None

    def to_json(self) -> dict[str, Any]:
        return {k: (round(v, 4) if isinstance(v, float) else v) for k, v in asdict(self).items()}


def _mean(xs: Sequence[float]) -> float | None:
    return sum(xs) / len(xs) if xs else None


def summarise(results: Sequence[Any]) -> Summary:
    """``results``: runner.Result objects (duck-typed here so this module does not import the runner)."""
    scored = [r for r in results if r.faithfulness_score is not None]
    gold = [r for r in results if r.correct is not None]
    ood = [r for r in results if r.question.expect_refusal]
    with_ids = [r for r in results if r.question.gold_fact_ids]
    totals = [r.timings.get("total") for r in results if r.timings.get("total") is not None]
    judged = [r for r in results if getattr(r, "relevant", None) is not None]
    return Summary(
        n=len(results),
        errors=sum(1 for r in results if r.error),
        faithfulness=_mean([r.faithfulness_score for r in scored]),
        faithful_share=_mean([1.0 if r.faithful else 0.0 for r in scored]),
        n_relevance=len(judged),
        relevance=_mean([1.0 if r.relevant else 0.0 for r in judged]),
        n_gold=len(gold),
        correctness=_mean([1.0 if r.correct else 0.0 for r in gold]),
        n_out_of_data=len(ood),
        refusal_accuracy=_mean([1.0 if r.refusal_ok else 0.0 for r in ood]),
        false_refusals=_mean([1.0 if r.refused else 0.0 for r in gold]),
        n_gold_facts=len(with_ids),
        recall_at_1=_mean([1.0 if r.reciprocal_rank == 1.0 else 0.0 for r in with_ids]),
        recall_at_k=_mean([1.0 if r.reciprocal_rank > 0 else 0.0 for r in with_ids]),
        mrr=_mean([r.reciprocal_rank for r in with_ids]),
        latency_p50_ms=percentile(totals, 50),
        latency_p95_ms=percentile(totals, 95),
    )


def breakdown(results: Sequence[Any], key: str) -> dict[str, Summary]:
    """Summaries per value of ``key`` ('kind' or 'persona_id' of the question), in first-seen order."""
    groups: dict[str, list[Any]] = {}
    for r in results:
        groups.setdefault(str(getattr(r.question, key)), []).append(r)
    return {k: summarise(v) for k, v in groups.items()}

"""Each typed statement of a claim against the typed facts: supported, contradicted or unsupported.

A statement is bound to the fact of its quantity and subject and compared value with value (with the
tolerances of ``checker.numbers``). A value the contexts give only to another quantity or subject is
contradicted; a value they do not have at all is unsupported.
"""

from __future__ import annotations

from dataclasses import dataclass
from difflib import SequenceMatcher

from .numbers import Num, compatible
from .reader import Unit
from .statements import Statement
from .typed_facts import Fact, Facts

# Claim quantity -> the fact kinds that state it (a "count" of the segment is its volume; "share" may be the
# segment's share of everything when the claim names no subject).
_STATED_BY = {"share": ("share",), "total_share": ("total_share",), "count": ("count",), "users": ("users",),
              "lift": ("lift",), "rate": ("rate",), "change": ("change",), "stability": ("stability",)}


@dataclass(frozen=True)
class Verdict:
    label: str  # 'supported' | 'contradicted' | 'unsupported'
    reason: str
    unit: Unit | None = None


def _num(f: Fact) -> str:
    return f.value.text.strip() if f.value else f.subject


def _same_unit(n: Num, f: Fact) -> bool:
    """'47,901 likes' is not the '47,901 views' of the data: counts of different things never meet."""
    return f.kind != "count" or not n.unit or not f.value or not f.value.unit or n.unit == f.value.unit


def _close(claim: Num, fact: Fact) -> bool:
    return fact.value is not None and compatible(claim, fact.value, check_units=False)


def judge(s: Statement, facts: Facts) -> Verdict:
    return _JUDGES[s.kind](s, facts)


def _quantity(s: Statement, facts: Facts) -> Verdict:
    n = s.value
    assert n is not None
    subject = s.subjects[0] if s.subjects else ""
    kinds = _STATED_BY.get(s.quantity, (s.quantity,))
    own = [f for f in facts.facts if f.kind in kinds and f.subject == subject and _same_unit(n, f)]
    if s.quantity == "count" and subject and not own:
        own = [f for f in facts.facts if f.subject == subject and f.kind in ("count", "share")]
    if s.quantity in ("share", "portion") and not subject:
        own = [f for f in facts.facts if f.kind in ("total_share", "portion")]
    if s.quantity == "change" and n.kind == "pct":
        for f in own:
            if _close(n, f):
                if s.role and f.sign and (s.role == "up") != (f.sign > 0):
                    return Verdict("contradicted", f"the data says it went {'up' if f.sign > 0 else 'down'}",
                                   f.unit)
                return Verdict("supported", f"{n.text.strip()} matches the data", f.unit)
    elif any(_close(n, f) for f in own):
        f = next(f for f in own if _close(n, f))
        return Verdict("supported", f"{n.text.strip()} matches the data", f.unit)
    if s.quantity == "users" and n.unit and n.unit not in facts.words and n.unit not in ("people", "person"):
        return Verdict("unsupported", f"the data counts no {n.unit}s")  # "5,000 subscribers" against viewers
    if s.quantity == "count" and n.unit and _unknown_unit(n.unit, facts):
        return Verdict("unsupported", f"the data counts no {n.unit}s")
    elsewhere = [f for f in facts.facts if f.value is not None and _close(n, f) and f not in own
                 and (f.value.kind == n.kind or n.kind == "num")]
    if own:
        f = own[0]
        what = f"{subject}'s {s.quantity}" if subject else s.quantity
        return Verdict("contradicted", f"the data gives {what} as {_num(f)}, not {n.text.strip()}", f.unit)
    if elsewhere:
        f = elsewhere[0]
        who = f" of {f.subject}" if f.subject else ""
        return Verdict("contradicted", f"{n.text.strip()} is the {f.kind}{who} in the data", f.unit)
    return Verdict("unsupported", f"{n.text.strip()} is not in the data")


def _unknown_unit(unit: str, facts: Facts) -> bool:
    """A count of something the data never counts ("5,000 subscribers" against views)."""
    units = {f.value.unit for f in facts.facts if f.kind == "count" and f.value and f.value.unit}
    return bool(units) and unit not in units and unit not in facts.words


def _sum(s: Statement, facts: Facts) -> Verdict:
    assert s.value is not None
    kind = "share" if s.value.kind == "pct" else "count"
    parts = []
    for subject in s.subjects:
        f = next((f for f in facts.facts if f.subject == subject and f.kind == kind), None)
        if f is None or f.value is None:
            return Verdict("unsupported", f"the data gives no {kind} for {subject}")
        parts.append(f)
    total = sum(f.value.value for f in parts if f.value)
    precision = sum(f.value.precision for f in parts if f.value)
    probe = Num(total, s.value.kind, "", precision, "", (0, 0), f"{total:g}")
    if compatible(s.value, probe, check_units=False):
        return Verdict("supported", f"{s.value.text.strip()} is the sum of " + " + ".join(_num(f) for f in parts),
                       parts[0].unit)
    shown = f"{total:g}%" if kind == "share" else f"{total:,.0f}"
    return Verdict("contradicted", f"together they are {shown}, not {s.value.text.strip()}", parts[0].unit)


def _pair_values(s: Statement, facts: Facts) -> tuple[Fact, Fact] | None:
    for kind in ("share", "count", "lift"):
        a = next((f for f in facts.facts if f.subject == s.subjects[0] and f.kind == kind), None)
        b = next((f for f in facts.facts if f.subject == s.subjects[1] and f.kind == kind), None)
        if a and b and a.value and b.value:
            return a, b
    return None


def _difference(s: Statement, facts: Facts) -> Verdict:
    pair = _pair_values(s, facts)
    if pair is None or s.value is None:
        return Verdict("unsupported", "the data gives no figures to compare")
    a, b = pair
    diff = abs(a.value.value - b.value.value)  # type: ignore[union-attr]
    probe = Num(diff, s.value.kind, "", a.value.precision + b.value.precision, "", (0, 0), "")  # type: ignore[union-attr]
    ok = compatible(s.value, probe, check_units=False)
    return Verdict("supported" if ok else "contradicted", f"the difference is {diff:g}", a.unit)


def _ratio(s: Statement, facts: Facts) -> Verdict:
    pair = _pair_values(s, facts)
    if pair is None or s.value is None:
        return Verdict("unsupported", "the data gives no figures to compare")
    a, b = pair
    if not b.value.value:  # type: ignore[union-attr]
        return Verdict("unsupported", "nothing to divide by")
    ratio = a.value.value / b.value.value  # type: ignore[union-attr]
    probe = Num(ratio, "mult", "", 0.1, "", (0, 0), "")
    ok = compatible(s.value, probe, check_units=False) or abs(ratio - s.value.value) <= 0.05 * ratio + 0.05
    return Verdict("supported" if ok else "contradicted", f"the ratio is {ratio:.2f}", a.unit)


def _rank(s: Statement, facts: Facts) -> Verdict:
    v = _rank_as_said(s, facts)
    if s.role != "negated" or v.label == "unsupported":
        return v
    flipped = "contradicted" if v.label == "supported" else "supported"  # "Cooking is not my top topic"
    return Verdict(flipped, v.reason, v.unit)


def _rank_as_said(s: Statement, facts: Facts) -> Verdict:
    subject = s.subjects[0]
    found = facts.rank_of(subject)
    if found is None:
        if any(f.kind in ("month_peak", "month_low") and f.subject == subject for f in facts.facts):
            return _month(Statement("month", [subject], role="month_peak" if s.rank == 1 else "month_low"), facts)
        return Verdict("unsupported", f"the data ranks no {subject}")
    rank, lst = found
    want = lst.rank(len(lst.labels) - 1) if s.rank == -1 else s.rank
    if want in facts.ranks_of(subject):
        rank = want
    if rank == want:
        return Verdict("supported", f"{subject} is number {rank} in the data", lst.unit)
    return Verdict("contradicted", f"{subject} is number {rank} in the data, not {want}", lst.unit)


def _order(s: Statement, facts: Facts) -> Verdict:
    """"A above B" (role 'above') or "after A come B, C" (role 'next': consecutive ranks)."""
    ranks = [facts.rank_of(x) for x in s.subjects]
    if any(r is None for r in ranks):
        pair = _pair_values(s, facts) if len(s.subjects) == 2 else None
        if pair and s.role == "above":
            ok = pair[0].value.value > pair[1].value.value  # type: ignore[union-attr]
            return Verdict("supported" if ok else "contradicted", "by the figures the data gives", pair[0].unit)
        return Verdict("unsupported", "the data does not rank these")
    positions = [r[0] for r in ranks if r]
    lst = ranks[0][1] if ranks[0] else None
    if s.role == "next":
        ok = all(b == a + 1 for a, b in zip(positions, positions[1:]))
    else:
        ok = positions[0] < positions[1]
    order = ", ".join(f"{x} {p}" for x, p in zip(s.subjects, positions))
    return Verdict("supported" if ok else "contradicted", f"ranks in the data: {order}", lst.unit if lst else None)


def _month(s: Statement, facts: Facts) -> Verdict:
    month = s.subjects[0]
    stated = [f for f in facts.facts if f.kind == s.role]
    if not stated:
        lst = next((x for x in facts.lists if x.kind == "month" and len(x.labels) >= 3 and month in x.labels),
                   None) or next((x for x in facts.lists if x.kind == "month" and len(x.labels) >= 3), None)
        if lst is None:
            return Verdict("unsupported", "the data names no such month")
        best = lst.labels[0] if s.role == "month_peak" else lst.labels[-1]
        ok = best == month
        return Verdict("supported" if ok else "contradicted", f"the data's {'busiest' if s.role == 'month_peak' else 'quietest'} month is {best}", lst.unit)
    f = stated[0]
    word = "busiest" if s.role == "month_peak" else "quietest"
    if f.subject == month:
        return Verdict("supported", f"{month} is the {word} month in the data", f.unit)
    return Verdict("contradicted", f"the {word} month in the data is {f.subject}, not {month}", f.unit)


def _trend(s: Statement, facts: Facts) -> Verdict:
    change = [f for f in facts.facts if f.kind == "change" and f.sign]
    if not change:
        return Verdict("unsupported", "the data gives no trend")
    f = change[0]
    ok = (s.role == "up") == (f.sign > 0)
    return Verdict("supported" if ok else "contradicted", f"the data says it went {'up' if f.sign > 0 else 'down'}",
                   f.unit)


def _negation(s: Statement, facts: Facts) -> Verdict:
    subject = s.subjects[0]
    has = [f for f in facts.facts if f.subject == subject and f.value is not None and f.value.value > 0]
    if has:
        return Verdict("contradicted", f"the data shows {subject} ({_num(has[0])})", has[0].unit)
    return Verdict("supported", f"the data gives {subject} nothing", None)


def _similar(a: str, b: str) -> bool:
    return SequenceMatcher(None, a.lower(), b.lower()).ratio() >= 0.7


def _name(s: Statement, facts: Facts) -> Verdict:
    ident = facts.identity
    if not ident.name:
        return Verdict("unsupported", "the data names no persona")
    said = s.role.lower()
    if said in ident.name_parts:
        return Verdict("supported", f"the persona is {ident.name}", ident.unit)
    how = "misspelt" if any(_similar(said, p) for p in ident.name_parts) else "another name"
    return Verdict("contradicted", f"the persona is {ident.name}, not {s.role} ({how})", ident.unit)


def _gender(s: Statement, facts: Facts) -> Verdict:
    g = facts.identity.gender
    if g is None:
        return Verdict("unsupported", "the data gives no gender")
    return Verdict("supported" if g == s.role else "contradicted", f"the data says {g}", facts.identity.unit)


def _age(s: Statement, facts: Facts) -> Verdict:
    lo, hi = (int(x) for x in s.role.split("-"))
    age = facts.identity.age
    if age is not None and (lo == hi or facts.identity.bracket is None):
        ok = lo <= age <= hi and (lo == hi or hi - lo <= 20)
        return Verdict("supported" if ok else "contradicted", f"the data says {age} years old", facts.identity.unit)
    br = facts.identity.bracket
    if br is None:
        return Verdict("unsupported", "the data gives no age")
    same = (lo, hi) == br
    # a single age inside the bracket ("I'm 27" in 25-34), or a decade in words that mostly falls in it ("in my
    # late thirties" in 35-44); a range in digits must be the bracket ("35-42" is not 35-44)
    in_words = not any(ch.isdigit() for ch in s.text) or "0s" in s.text
    overlap = min(hi, br[1]) - max(lo, br[0]) + 1
    inside = (lo == hi and br[0] <= lo <= br[1]) or (in_words and overlap >= (hi - lo + 1) / 2)
    wider = lo <= br[0] and br[1] <= hi and hi - lo <= 20 and hi < 120  # "in my thirties" round a 30-39 bracket
    ok = same or inside or wider
    shown = f"{br[0]}+" if br[1] >= 120 else f"{br[0]}-{br[1]}"
    return Verdict("supported" if ok else "contradicted", f"the data says aged {shown}", facts.identity.unit)


def _country(s: Statement, facts: Facts) -> Verdict:
    c = facts.identity.country
    if c is None:
        return Verdict("unsupported", "the data gives no country")
    if c != s.role and s.rank == -1:
        return Verdict("unsupported", f"{s.role} is not in the data (it says {c})", facts.identity.unit)
    return Verdict("supported" if c == s.role else "contradicted", f"the data says {c}", facts.identity.unit)


def _title(s: Statement, facts: Facts) -> Verdict:
    return Verdict("unsupported", f"\"{s.subjects[0]}\" is not in the data")


def _pair(s: Statement, facts: Facts) -> Verdict:
    a, b = s.subjects
    both = next((u for u in facts.units if a in u.text.lower() and b in u.text.lower()), None)
    if both is not None:
        return Verdict("supported", "the data puts them together", both)
    where = next((u for u in facts.units if a in u.text.lower()), None)
    return Verdict("contradicted", f"\"{a}\" is not said of \"{b}\" in the data", where)


_JUDGES = {"pair": _pair, "quantity": _quantity, "sum": _sum, "difference": _difference, "ratio": _ratio,
           "rank": _rank,
           "order": _order, "month": _month, "trend": _trend, "negation": _negation, "name": _name,
           "gender": _gender, "age": _age, "country": _country, "title": _title}

"""Units read into typed facts: what each figure is about (its subject), what it measures, and its value.

The same reading for every layout (``checker.reader`` has made units of them): the subject of a figure is
the label nearest before it in its clause (a quoted title, a month, or a label the contexts use in a list,
"Sports 41%", "| Sports | 41% |"); what it measures comes from the words around it, its key or its table
header (``checker.quantities``); lists of labels give ranks (numbered, a rank column, or the order of the
figures they carry, largest first). Who the persona is (name, gender, age bracket, country) comes from the
unit that describes the segment, in whatever wording (``checker.identity``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .claims import QUOTED
from .facts import _read_sentence
from .labels import (GENERIC, PERIOD_LABEL, clause_window, group_label, is_period, list_labels, numbers_in,
                     subject_in, subjects_in)
from .identity import Identity, find_brackets, read_identity
from .lexicon import stem
from .numbers import Num, parse_numbers
from .quantities import (DOWN, KINDS, LOW, MONTH_RE, PEAK, PERIOD, RANK_RE, RANK_WORDS, UP, is_month_at, kind_of,
                         normal_month, sample_share)
from .reader import KEY_HEADERS, Unit
from .survey_shares import answer_subject, fact_answer

_RANK_MARK = re.compile(r"(?:^|[\s:;,(])(?:#|no\.\s?|rank\s)?(\d{1,2})[.)]\s+(?=\S)|(?:^|[\s:;,(])#(\d{1,2})\b",
                        re.IGNORECASE)
_RANK_HEADER = re.compile(r"^\s*(?:rank|#|no\.?|position|place|pos\.?)\s*$", re.IGNORECASE)
_SIGN = re.compile(r"(?:^|[\s:(=])([+\-−–])\s?$")


@dataclass(frozen=True)
class Fact:
    kind: str  # see quantities.KIND_NAMES
    subject: str  # lower-case label ('' = the persona's segment as a whole)
    value: Num | None  # None for a month role (the month is the subject)
    unit: Unit
    sign: int = 0  # for a change: +1 up, -1 down, 0 not said


@dataclass
class RankedList:
    """Labels in the order the data ranks them (first = biggest)."""

    labels: list[str]
    kind: str  # the quantity that orders them ('share', 'count', or 'order' when only the order is given)
    unit: Unit
    rows: list[tuple[str, int | None, float | None]] = field(default_factory=list)  # a table's (label, rank, value)
    positions: list[int] = field(default_factory=list)  # the ranks stated, when they are (parallel to labels)

    def rank(self, i: int) -> int:
        return self.positions[i] if self.positions else i + 1


@dataclass
class Facts:
    facts: list[Fact] = field(default_factory=list)
    lists: list[RankedList] = field(default_factory=list)
    labels: set[str] = field(default_factory=set)  # lower-case subjects the contexts name
    identity: Identity = field(default_factory=Identity)
    others: set[str] = field(default_factory=set)  # other personas the contexts describe (lower case)
    titles: set[str] = field(default_factory=set)  # quoted labels
    explicit: list[tuple[str, int]] = field(default_factory=list)  # (label, rank) stated one fact at a time
    words: set[str] = field(default_factory=set)  # stemmed content words of the contexts
    units: list[Unit] = field(default_factory=list)  # the persona's units, for what must stand together

    def about(self, subject: str, kind: str | None = None) -> list[Fact]:
        return [f for f in self.facts if f.subject == subject and (kind is None or f.kind == kind)]

    def of_kind(self, kind: str) -> list[Fact]:
        return [f for f in self.facts if f.kind == kind]

    def rank_of(self, label: str) -> tuple[int, RankedList] | None:
        # ranks the data states ("topic number 2") before ranks read from the order of figures
        for lst in sorted(self.lists, key=lambda x: not x.positions):
            if label in lst.labels:
                return lst.rank(lst.labels.index(label)), lst
        return None

    def ranks_of(self, label: str) -> list[int]:
        """Every rank of a label: two items may share one title."""
        lst = self.rank_of(label)
        return [lst[1].rank(i) for i, x in enumerate(lst[1].labels) if x == label] if lst else []


_OTHER = re.compile(r"\b([A-Z][a-zà-ÿ]+(?: [A-Z][a-zà-ÿ]+)?)'s (?:own )?(?:group|segment|audience|persona)\b|"
                    r"^([A-Z][a-zà-ÿ]+(?: [A-Z][a-zà-ÿ]+)?) is (?:the|a|another) persona\b")
_ORDER_CUE = re.compile(r"\btop\b|\bmost\b|\bfavou?rite|\bfollowed by\b|\bthen\b|\branke?d?\b|\bbest\b|"
                        r"\bbiggest\b|\bpopular\b|\bleading\b|\d[.)]\s", re.IGNORECASE)


def read_facts(units: list[Unit], name_hint: str | None = None) -> Facts:
    out = Facts()
    out.identity = read_identity(units, name_hint)
    mine = out.identity.name_parts
    for u in units:
        for m in _OTHER.finditer(u.text):
            who = (m.group(1) or m.group(2)).lower()
            if who not in mine and not (set(who.split()) & mine):
                out.others.add(who)
    # another persona's facts are theirs: a claim of "I" never binds to them, nor is "I" who they are
    units = [u for u in units if not _others_unit(u, out)]
    if out.others:
        name, parts = out.identity.name, out.identity.name_parts
        out.identity = read_identity(units, name)
        out.identity.name_parts = parts or out.identity.name_parts
    for u in units:
        out.words |= _read_sentence(u.text)[1]
        out.titles |= {(m.group(1) or m.group(2)).strip().lower() for m in QUOTED.finditer(u.text)}
        out.labels |= list_labels(u, [(m.start(), m.end()) for m in QUOTED.finditer(u.text)])
    out.labels |= out.titles
    # what the figures count ("58,900 trips", "Trips were down 9%") is their unit, not a thing they are about
    counted = {n.unit for u in units for n in numbers_in(u.text) if n.unit}
    out.labels = {x for x in out.labels if x in out.titles or stem(x) not in counted}
    out.labels = {x for x in out.labels if not (set(x.replace("'s", "").split()) & mine)
                  and not any(o in x for o in out.others)}
    out.units = units
    for u in units:
        _read_unit(u, out)
    _global_lists(out)
    return out


def _others_unit(u: Unit, out: Facts) -> bool:
    low = u.text.lower()
    named = [o for o in out.others if o in low]
    return bool(named) and not any(p in low.split() or p in low for p in out.identity.name_parts if len(p) > 2)


def _global_lists(out: Facts) -> None:
    """Facts stated one per sentence ("Cooking is 34% ..., topic number 1") rank across units: by the ranks
    they state, else by their figures."""
    listed = {lab for lst in out.lists for lab in lst.labels}
    for titles in (True, False):
        exp = [(lab, r) for lab, r in out.explicit if (lab in out.titles) == titles]
        if exp and any(lab not in listed for lab, _ in exp):
            exp = sorted(exp, key=lambda x: x[1])
            order = [lab for lab, _ in exp]
            unit = next((f.unit for f in out.facts if f.subject == order[0]), out.facts[0].unit if out.facts else None)
            if unit is not None:
                out.lists.append(RankedList(order, "order", unit, positions=[r for _, r in exp]))
            listed |= set(order)
    for kind in ("share", "count"):
        facts = [f for f in out.facts if f.kind == kind and f.subject and f.value and not MONTH_RE.fullmatch(f.subject)
                 and f.subject not in listed]
        if len({f.subject for f in facts}) >= 2:
            order = [f.subject for f in sorted(facts, key=lambda f: -f.value.value)]  # type: ignore[union-attr]
            out.lists.append(RankedList(_dedupe(order), kind, facts[0].unit))
            listed |= set(order)


def _read_unit(u: Unit, out: Facts) -> None:
    if u.cells:
        _read_row(u, out)
        return
    text = u.text
    masked = [(m.start(), m.end()) for m in QUOTED.finditer(text)]
    ranks = {m.end(): int(m.group(1) or m.group(2)) for m in _RANK_MARK.finditer(text)}
    rank_spans = [(m.start(), m.end()) for m in _RANK_MARK.finditer(text)]
    ages = [b.span for b in find_brackets(text)] + [m.span() for m in PERIOD.finditer(text)]
    numbers = [n for n in numbers_in(text) if not any(a <= n.span[0] < b for a, b in rank_spans + ages)
               and not re.match(r"-[A-Za-z]", text[n.span[1]:n.span[1] + 2])]
    key_cues = u.key
    key_subject = subject_in(u.key, out.labels, "") if u.key else ""
    listed: list[tuple[str, Fact | None, int | None]] = []
    prev = 0
    answer = ""  # the answer the last survey share was of (its sample's share follows it)
    last_share = ""  # the subject of the last share read (a reference share that follows is of the same item)
    only = subjects_in(text, out.labels)
    single = next(iter(only)) if len(only) == 1 else ""
    for n in numbers:
        before, after = clause_window(text, n, prev)
        # the subject may stand before a bracket or separator ('"Title" (31,265 reads)', 'April (20,548)'), or
        # be the one thing the whole unit is about ("Cooking is 34% of views, 3.1x the share of everyone")
        subject = subject_in(before, out.labels, after) or subject_in(text[prev:n.span[0]], out.labels, "") or \
            key_subject or single
        if not subject and (group := group_label(text[prev:n.span[0]], out.identity)):
            subject = group  # "25-34, male, US (6.9%)": a figure of the group it labels, not of the persona
        prev = n.span[1]
        if n.kind == "rank":
            if subject:  # "number 2 of the top content", "topic number 1 by share"
                out.explicit.append((subject, int(n.value)))
            continue
        cues = QUOTED.sub(" ", f"{key_cues} {before} {n.text} {after}")  # a title's words are not cues
        kind = kind_of(cues, n, bool(subject), u.key)
        if not subject and last_share and sample_share(n, text[n.span[1]:]):
            subject = last_share  # "46.1% say 5, against 23.7% of all respondents": the share before it's item
        if subject and sample_share(n, text[n.span[1]:]):
            kind = "sample_share"  # "87.3% of the group say too little, against 60.7% of all respondents"
        if kind in ("users", "total_share", "rate", "stability", "change") and subject and \
                subject not in subjects_in(before, out.labels) and subject != key_subject:
            subject = ""  # a segment-wide figure in a clause that names a month or title further back
        if kind in ("users", "rate", "stability", "change", "total_share"):
            subject = "" if kind != "total_share" or not subject else subject
        sign = _sign_of(text, n, cues) if kind == "change" else 0
        f = Fact(kind, subject, n, u, sign)
        out.facts.append(f)
        last_share = subject if kind == "share" and subject else last_share
        if subject and kind in ("share", "sample_share"):
            # a survey share is of one answer: the item and the answer are its subject too ("say too little")
            answer = fact_answer(text[n.span[1]:]) if kind == "share" else answer
            if answer:
                out.facts.append(Fact(kind, answer_subject(subject, answer), n, u))
        if subject and kind in ("share", "count") and not subject.startswith("group: "):  # a lift ranks nothing
            rank = next((r for end, r in ranks.items() if end <= n.span[0] and
                         text[end:n.span[0]].lower().find(subject[:10]) >= 0), None)
            listed.append((subject, f, rank))
    _month_roles(u, out)
    _ordered(u, listed, out, text, ranks)
    if single and not any(lab == single for lab, _ in out.explicit):
        # "Cooking is 34% of the views, her top topic": a rank word in a unit about one thing
        m = RANK_RE.search(QUOTED.sub(" ", text))
        if m and m.group(1).lower() not in ("most", "least", "last") and RANK_WORDS[m.group(1).lower()] > 0:
            out.explicit.append((single, RANK_WORDS[m.group(1).lower()]))


def _sign_of(text: str, n: Num, cues: str) -> int:
    if m := _SIGN.search(text[:n.span[0]]):
        return 1 if m.group(1) == "+" else -1
    if DOWN.search(cues):
        return -1
    if UP.search(cues):
        return 1
    return 0


def _month_roles(u: Unit, out: Facts) -> None:
    """"busiest month was February", "Peak: Feb", "the quietest was April": months in their role."""
    text = u.text
    pieces = re.split(r"[;.]|\bwhile\b|\bwhereas\b|\bbut\b", text) if not u.cells else [text]
    for piece in pieces:
        months = [normal_month(m.group(1)) for m in MONTH_RE.finditer(piece) if is_month_at(piece, m)] + \
            [m.group(0).lower() for m in PERIOD_LABEL.finditer(piece)]
        if not months:
            continue
        head = f"{u.key} {piece}"
        if PEAK.search(head) and not LOW.search(head):
            out.facts.append(Fact("month_peak", months[0], None, u))
        elif LOW.search(head) and not PEAK.search(head):
            out.facts.append(Fact("month_low", months[0], None, u))
        elif PEAK.search(head) and LOW.search(head):
            # "busiest: April; quietest: March" in one piece: each month takes the role word before it
            for m in MONTH_RE.finditer(piece):
                if not is_month_at(piece, m):
                    continue
                before = piece[:m.start()]
                p, lo = [x.end() for x in PEAK.finditer(before)], [x.end() for x in LOW.finditer(before)]
                role = "month_peak" if (p[-1] if p else -1) > (lo[-1] if lo else -1) else "month_low"
                out.facts.append(Fact(role, normal_month(m.group(1)), None, u))


def _ordered(u: Unit, listed: list[tuple[str, Fact | None, int | None]], out: Facts, text: str,
             ranks: dict[int, int]) -> None:
    """A unit that gives several labels their figures ranks them: by explicit rank, else largest first.
    A unit listing quoted titles with no figures ranks them in the order given ("top: "A", then "B")."""
    if len(listed) >= 2:
        by_kind: dict[str, list[tuple[str, Fact | None, int | None]]] = {}
        for item in listed:
            by_kind.setdefault(item[1].kind if item[1] else "order", []).append(item)
        for kind, items in by_kind.items():
            if len({x for x, _, _ in items}) < 2:
                continue  # one label with two figures ("34%, 3.1x the share") is no ranking
            if all(r is not None for _, _, r in items):
                order = [s for s, _, _ in sorted(items, key=lambda x: x[2])]
            else:
                order = [s for s, _, _ in sorted(items, key=lambda x: -(x[1].value.value if x[1] and x[1].value
                                                                         else 0))]
            if all(is_period(x) for x in order):
                kind = "month"
            out.lists.append(RankedList(_dedupe(order), kind, u))
        return
    titles = [(m.group(1) or m.group(2)).strip().lower() for m in QUOTED.finditer(text)]
    if len(titles) >= 2 and _ORDER_CUE.search(QUOTED.sub(" ", text)) and not any(f.unit is u and f.kind in ("share", "count") for f in out.facts):
        out.lists.append(RankedList(_dedupe(titles), "order", u))


def _dedupe(labels: list[str]) -> list[str]:
    seen: list[str] = []
    for x in labels:
        if x not in seen:
            seen.append(x)
    return seen


# ---------------------------------------------------------------------------------------------- tables

def _read_row(u: Unit, out: Facts) -> None:
    """One table row. Two-column rows of a metric table ("| Users | 15,591 |") read as key-value lines; in other
    rows the label cell is the subject and each figure takes its column's header as its cue."""
    cells = list(u.cells)
    rank = None
    label = ""
    for h, c in cells:
        plain = QUOTED.sub(lambda m: m.group(1) or m.group(2), c).strip()
        if _RANK_HEADER.match(h) and re.fullmatch(r"#?\d{1,2}\.?", plain):
            rank = int(plain.strip("#."))
        elif not label and not parse_numbers(plain) and plain and not re.fullmatch(r"[-–—+]?\s*\d.*", plain):
            label = plain.lower()
    if label and MONTH_RE.fullmatch(label):
        label = normal_month(label)
    elif label and (label in GENERIC or any(k.words.search(label) for k in KINDS) or PEAK.search(label)
                    or LOW.search(label) or all(w in GENERIC for w in label.split()) or KEY_HEADERS.match(cells[0][0])):
        # a metric table ("| Users | 15,591 |", "| Lift on Sports | 1.6x |"): the row is a key-value line; in a
        # wide one ("| Share | 41% | 31% |" under "| Metric | Sports | History |") each column is a subject
        if len(cells) >= 3 and all(parse_numbers(c) for _, c in cells[1:]):
            rest = "; ".join(f"{h} {c}" for h, c in cells[1:])
            out.labels |= {h.lower() for h, _ in cells[1:]}
        else:
            rest = "; ".join(c for h, c in cells if c.lower() != label)
        _read_unit(Unit(f"{label}: {rest}", u.context_index, u.span, label, rest), out)
        return
    listed = []
    for h, c in cells:
        if _RANK_HEADER.match(h):
            continue
        masked = [(m.start(), m.end()) for m in QUOTED.finditer(c)]
        for n in parse_numbers(c, masked):
            if re.fullmatch(r"\d{1,3}\s*[-–]\s*\d{1,3}|\d{2}\+", c.strip()):
                continue
            subject = label
            cues = f"{h} {c}"
            kind = kind_of(cues, n, bool(subject), h)
            if kind in ("users", "rate", "stability", "change"):
                subject = ""
            f = Fact(kind, subject, n, u, _sign_of(c, n, cues) if kind == "change" else 0)
            out.facts.append(f)
            if subject and kind in ("share", "count"):
                listed.append(f)
    if label:
        _row_ranks(u, label, rank, listed, out)


def _row_ranks(u: Unit, label: str, rank: int | None, listed: list[Fact], out: Facts) -> None:
    """Rows of one table form one ranked list, kept up to date as rows are read."""
    lst = next((x for x in out.lists if x.unit.table == u.table and x.unit.cells), None)
    entry = (label, rank, listed[0].value.value if listed and listed[0].value else None)
    if lst is None:
        lst = RankedList([], listed[0].kind if listed else "order", u)
        out.lists.append(lst)
    lst.rows.append(entry)
    ranked = lst.rows
    if all(r is not None for _, r, _ in ranked):
        order = [x for x, _, _ in sorted(ranked, key=lambda e: e[1])]
    elif all(v is not None for _, _, v in ranked):
        order = [x for x, _, _ in sorted(ranked, key=lambda e: -e[2])]
    else:
        order = [x for x, _, _ in ranked]
    lst.labels = _dedupe(order)
    if all(is_period(x) for x in lst.labels):
        lst.kind = "month"

"""A persona as documents: one profile document and one short, self-contained sentence per fact.

Each fact names the persona and carries its numbers (formatted for people), and its metadata carries the
same numbers unformatted, so an answer can cite the text and a checker can read the exact value back.
Ids are stable (``<persona id>:<fact type>:<key>``), so indexing the same set again is idempotent.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field
from typing import Any

from personas import formatting as fmt
from personas.profile import Persona

from .survey_documents import SURVEY_FACT_TYPES, add_survey_facts

FACT_TYPES = ("profile", "demographics", "audience", "topic", "content", "quote", "rate", "trend", "shared", "quality",
              *SURVEY_FACT_TYPES)

Meta = dict[str, str | int | float | bool]

_FIGURES = re.compile(r"\d[\d,.]*")


@dataclass(frozen=True)
class FactDoc:
    id: str
    text: str
    fact_type: str
    metadata: Meta = field(default_factory=dict)


def _slug(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8")).hexdigest()[:10]


def is_average(column: str, count_name: str) -> bool:
    """A count column whose total means nothing on its own (the sum of ratings): its per-interaction value is
    an average ('an average rating of 3.6'), not a rate ('0.05 likes per view')."""
    col = fmt.noun(column).lower()
    return col == fmt.noun(count_name, 1).lower() or any(w in col for w in ("rating", "score", "stars"))


def vector_text(doc: FactDoc) -> str:
    """What a fact's vector is computed from: its text with the persona's name as "the persona" and every
    figure as "N".

    A fact's vector stands for what it is about, which is the same for two personas' facts that differ only in
    whose they are and how many: the chat filters by persona before it compares vectors, and the figures are
    matched by BM25 and read back from the metadata. So facts that share a wording share one vector, embedded
    once per set (and from the store's cache after): MovieLens k = 100 has 2,500 facts and 631 such wordings.
    """
    name = doc.metadata.get("persona_name")
    text = doc.text.replace(name, "the persona") if isinstance(name, str) and name else doc.text
    return _FIGURES.sub("N", text)


def persona_documents(p: Persona) -> list[FactDoc]:
    """Every fact of a persona, profile first."""
    s = p.stats
    words = fmt.noun(p.count_name)
    base: Meta = {"persona_id": p.id, "persona_name": p.name, "set_name": p.set_name, "set_version": p.set_version}
    docs: list[FactDoc] = []

    def add(fact_type: str, key: str, text: str, json_only: dict[str, Any] | None = None, **numbers: Any) -> None:
        meta = dict(base)
        meta["fact_type"] = fact_type
        values = {k: v for k, v in numbers.items() if v is not None}
        meta.update(values)
        # Chroma may round a float's last bit on the way through; the JSON copy reads back exactly (and holds
        # what metadata cannot: lists, such as a survey item's shares of every answer).
        meta["values_json"] = json.dumps({**values, **(json_only or {})}, ensure_ascii=False)
        docs.append(FactDoc(f"{p.id}:{fact_type}:{key}", text, fact_type, meta))

    add("profile", "description", p.description, rank=p.rank)

    demo_bits = [f"{k} {v}" for k, v in p.group.items()]
    who = [f"{p.name} is {p.age} years old" if p.age is not None else f"{p.name}'s age is not in the data"]
    who.append(f"gender {p.gender}" if p.gender else "gender not in the data")
    who.append(f"from {p.country}" if p.country else "country not in the data")
    add("demographics", "group",
        f"{'; '.join(who)}. {p.name} stands for the demographic group {', '.join(demo_bits)} ({p.group_label}).",
        age=p.age, gender=p.gender, country=p.country, group_label=p.group_label,
        **{f"group_{k}": v for k, v in p.group.items()})

    users = f", from {fmt.count(s.group_users)} people" if s.group_users is not None else ""
    add("audience", "size",
        f"{p.name}'s group ({p.group_label}) has {fmt.count(s.group_interactions)} {words} in total{users}, "
        f"which is {fmt.share(s.audience_share)} of all {words} (rank {p.rank} by audience size in the set).",
        group_interactions=s.group_interactions, audience_share=s.audience_share, group_users=s.group_users,
        rank=p.rank)

    for i, t in enumerate(s.topics, start=1):
        add("topic", _slug(t.topic),
            f"{t.topic} is {fmt.share(t.share)} of {p.name}'s group's {words} ({fmt.count(t.count)} {words}), "
            f"{fmt.lift(t.lift)} the share of the whole audience (lift {t.lift:.2f}); it is topic number {i} "
            f"of {p.name} by share.",
            topic=t.topic, count=t.count, share=t.share, lift=t.lift, rank=i)

    for i, c in enumerate(s.top_content, start=1):
        add("content", _slug(c.content_id),
            f"{p.name}'s group has {fmt.count(c.count)} {fmt.noun(p.count_name, c.count)} on \"{c.title}\" "
            f"(number {i} of {p.name}'s top content; weight {fmt.share(c.weight)} of the behaviour).",
            content_id=c.content_id, title=c.title, count=c.count, weight=c.weight, rank=i)

    for i, q in enumerate(p.quotes, start=1):
        add("quote", f"{i}", f"A viewer from {p.name}'s group commented on \"{q.title}\": \"{q.text}\"",
            content_id=q.content_id, title=q.title, rank=i)

    for r in s.rates:
        if is_average(r.column, p.count_name):
            text = (f"{p.name}'s group gives an average {fmt.noun(r.column)} of {r.per_primary:.3g} "
                    f"(over its {fmt.count(s.group_interactions)} {words}).")
        else:
            text = (f"{p.name}'s group has {fmt.count(r.total)} {fmt.noun(r.column)} in total, "
                    f"{r.per_primary:.3g} {fmt.noun(r.column)} per {fmt.noun(p.count_name, 1)}.")
        add("rate", _slug(r.column), text, column=r.column, total=r.total, per_primary=r.per_primary)

    if s.trend:
        peak = max(s.trend, key=lambda t: (t.count, t.period))
        first, last = s.trend[0], s.trend[-1]
        series = "; ".join(f"{t.period}: {fmt.count(t.count)}" for t in s.trend)
        add("trend", "monthly",
            f"{p.name}'s group's {words} by month: {series}. The peak month is {peak.period} with "
            f"{fmt.count(peak.count)} {words}; the data runs from {first.period} to {last.period}.",
            peak_period=peak.period, peak_count=peak.count, first_period=first.period, last_period=last.period,
            months=len(s.trend))

    if s.shared_with:
        groups = "; ".join(f"{', '.join(g.group.values())} ({fmt.share(g.weight)})" for g in s.shared_with)
        add("shared", "groups",
            f"Other groups that share {p.name}'s behaviour, with their share of it: {groups}. "
            f"{p.name}'s own group holds {fmt.share(s.own_weight)} of it.",
            own_weight=s.own_weight)

    if p.survey is not None:  # a survey segment: its positions instead of a behaviour pattern's stability
        add_survey_facts(p, p.survey, add)
        for i, q in enumerate(p.survey.quotes, start=1):
            add("quote", f"{i}", f"A respondent from {p.name}'s group wrote in the survey: \"{q}\"", rank=i)
        return docs
    add("quality", "stability",
        f"{fmt.share(s.behaviour_share)} of the activity of {p.name}'s group follows {p.name}'s behaviour "
        f"pattern, which has a stability of {s.stability:.2f} across repeated NMF runs (1.00 = identical every time).",
        behaviour_share=s.behaviour_share, stability=s.stability)
    return docs

"""The persona set as the tables of a workbook (`personas export --format xlsx`): pure, frames in, no I/O.

Sheets: ``personas`` (one row each: APG's columns, name, age, gender, country, topics of interest, audience
size, then one column per group column), and one sheet per list, long form, keyed by persona id:
``top_content``, ``topics``, ``quotes``, ``trend``, ``shared_groups``, ``positions`` (survey sets: each
persona's share of every answer next to the sample's), and ``quality`` (the set's metrics)."""

from __future__ import annotations

import pandas as pd

from .sets import PersonaSet


def workbook_frames(pset: PersonaSet) -> dict[str, pd.DataFrame]:
    group_cols = list(pset.params.get("group_by") or (pset.personas[0].group if pset.personas else []))
    rows = []
    for p in pset.personas:
        s = p.stats
        rows.append({
            "id": p.id, "name": p.name, "age": p.age, "gender": p.gender, "country": p.country,
            "topics of interest": ", ".join(p.topic_names), "audience size": s.group_interactions,
            "audience share": s.audience_share, "people": s.group_users, "stability": s.stability,
            **{f"group: {c}": p.group.get(c) for c in group_cols}, "description": p.description,
        })
    content = [{"persona": p.id, "rank": i, "content_id": c.content_id, "title": c.title,
                p.count_name: c.count, "weight": c.weight}
               for p in pset.personas for i, c in enumerate(p.stats.top_content, start=1)]
    topics = [{"persona": p.id, "rank": i, "topic": t.topic, "count": t.count, "share": t.share, "lift": t.lift}
              for p in pset.personas for i, t in enumerate(p.stats.topics, start=1)]
    quotes = [{"persona": p.id, "text": q.text, "content_id": q.content_id, "title": q.title}
              for p in pset.personas for q in p.quotes]
    trend = [{"persona": p.id, "period": t.period, "count": t.count} for p in pset.personas for t in p.stats.trend]
    shared = [{"persona": p.id, "group": ", ".join(g.group.values()), "weight": g.weight}
              for p in pset.personas for g in p.stats.shared_with]
    frames = {
        "personas": pd.DataFrame(rows),
        "top_content": pd.DataFrame(content, columns=["persona", "rank", "content_id", "title",
                                                      pset.params.get("count_name", "count"), "weight"]),
        "topics": pd.DataFrame(topics, columns=["persona", "rank", "topic", "count", "share", "lift"]),
        "quotes": pd.DataFrame(quotes, columns=["persona", "text", "content_id", "title"]),
        "trend": pd.DataFrame(trend, columns=["persona", "period", "count"]),
        "shared_groups": pd.DataFrame(shared, columns=["persona", "group", "weight"]),
    }
    if any(p.survey is not None for p in pset.personas):  # survey sets: one row per persona, item and answer
        frames["positions"] = pd.DataFrame([
            {"persona": p.id, "item": i.item, "statement": i.statement, "kind": i.kind, "difference": i.difference,
             "mean": i.mean, "sample_mean": i.sample_mean, "answered": i.answered, "missing": i.missing,
             "code": a.code, "label": a.label, "share": a.share, "sample_share": a.sample_share, "count": a.count}
            for p in pset.personas if p.survey is not None for i in p.survey.items for a in (i.answers or [None])
            if a is not None])
    frames["quality"] = quality_frame(pset)
    return frames


def quality_frame(pset: PersonaSet) -> pd.DataFrame:
    q = pset.quality
    sq = q.get("set") or {}
    # a survey set has no NMF error (and may have no stability): the metrics it has
    items = [(k, q[k]) for k in ("k", "stability", "relative_error", "silhouette", "bic", "respondents",
                                 "imputed_answers") if k in q]
    items += [(k, sq[k]) for k in ("diversity", "fairness", "consistency", "coverage_direct",
                                   "coverage_by_behaviour", "coverage_threshold", "representativeness") if k in sq]
    change = q.get("change_from_previous")
    if change:
        items += [("change_rate_from_previous", change["change_rate"]),
                  ("behaviour_change_rate_from_previous", change["behaviour_change_rate"])]
    for a in sq.get("attributes", []):
        items += [(f"{m} ({a['attribute']})", a[m]) for m in ("diversity", "fairness", "representativeness")]
    return pd.DataFrame(items, columns=["metric", "value"])

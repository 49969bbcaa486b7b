"""Persona sets for people: terminal tables, Markdown profiles, and the JSON/CSV/Markdown exports."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

from . import formatting as fmt
from .profile import Persona
from .sets import PersonaSet


def export_text(pset: PersonaSet, kind: str) -> str:
    """The set as JSON (array of personas), CSV (one row per persona) or Markdown (one profile each)."""
    if kind == "json":
        return json.dumps([p.to_export() for p in pset.personas], ensure_ascii=False, indent=2) + "\n"
    if kind == "csv":
        return _csv(pset)
    if kind == "md":
        head = f"# Personas: {pset.ref}\n\n{_set_summary(pset)}\n\n"
        return head + "\n\n".join(persona_markdown(p) for p in pset.personas) + "\n"
    raise ValueError(kind)


def _csv(pset: PersonaSet) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([
        "id", "name", "age", "gender", "country", "group", "group_interactions", "audience_share",
        "group_users", "topics", "top_content", "quotes", "description", "stability",
    ])
    for p in pset.personas:
        s = p.stats
        writer.writerow([
            p.id, p.name, "" if p.age is None else p.age, p.gender or "", p.country or "",
            json.dumps(p.group, ensure_ascii=False), _plain(s.group_interactions), repr(s.audience_share),
            "" if s.group_users is None else s.group_users,
            "; ".join(f"{t.topic} {t.share!r}" for t in s.topics),
            "; ".join(f"{c.title} ({_plain(c.count)})" for c in s.top_content),
            " | ".join(q.text for q in p.quotes), p.description, repr(s.stability),
        ])
    return out.getvalue()


def _plain(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else repr(x)


def _set_summary(pset: PersonaSet) -> str:
    q = pset.quality
    if q.get("survey"):
        from .surveys.describe import set_summary

        return set_summary(pset)
    m = q["matrix"]
    return (
        f"Source: {pset.source}. {m['groups']:,} groups x {m['content']:,} content items, "
        f"{fmt.count(m['total'])} {fmt.noun(pset.params['count_name'])}. k = {q['k']}, "
        f"stability {q['stability']:.3f} over {len(q['stability_seeds']) + 1} runs, "
        f"relative reconstruction error {q['relative_error']:.3f}."
    )


def persona_markdown(p: Persona, with_avatar: bool = True) -> str:
    s = p.stats
    words = fmt.noun(p.count_name)
    lines = [f"## {p.name} ({p.id})", ""]
    if with_avatar and p.avatar:
        lines += [f"![{p.name}]({p.avatar})", ""]
    facts = [("Age", p.age), ("Gender", p.gender), ("Country", p.country)]
    lines.append(" · ".join(f"{k}: {v}" for k, v in facts if v is not None) or "(no age, gender or country in the data)")
    lines.append(f"Group: {', '.join(f'{k}={v}' for k, v in p.group.items())}")
    users = f", {fmt.count(s.group_users)} people" if s.group_users is not None else ""
    lines.append(
        f"Audience: {fmt.count(s.group_interactions)} {words} ({fmt.share(s.audience_share)} of all){users}; "
        f"stability {s.stability:.2f}"
    )
    lines += ["", p.description, ""]
    if p.survey is not None:
        from .surveys.describe import profile_lines

        lines += profile_lines(p.survey)
    if s.topics:
        lines.append("Topics: " + ", ".join(f"{t.topic} {fmt.share(t.share)} (lift {fmt.lift(t.lift)})" for t in s.topics))
    if s.top_content:
        lines.append("Top content:")
        lines += [f"- {c.title}: {fmt.count(c.count)} {fmt.noun(p.count_name, c.count)}" for c in s.top_content]
    if p.quotes:
        lines.append("Quotes:")
        lines += [f"- \"{q.text}\" (on {q.title})" for q in p.quotes]
    if s.rates:
        lines.append("Rates: " + ", ".join(f"{r.column} {fmt.count(r.total)} ({r.per_primary:.3g} per {fmt.noun(p.count_name, 1)})" for r in s.rates))
    if s.shared_with:
        lines.append("Shares the behaviour with: " + "; ".join(
            f"{', '.join(g.group.values())} ({fmt.share(g.weight)})" for g in s.shared_with))
    return "\n".join(lines)


def print_generated(pset: PersonaSet) -> None:
    print(f"persona set {pset.ref} is now active")
    print(_set_summary(pset))
    for note in pset.notes:
        print(f"note: {note}")
    print()
    print_persona_table(pset)


def print_persona_table(pset: PersonaSet) -> None:
    rows = [("id", "name", "age", "group", "share", "top topics", "stab.")]
    for p in pset.personas:
        s = p.stats
        rows.append((
            p.id, p.name, "" if p.age is None else str(p.age), p.group_label, fmt.share(s.audience_share),
            ", ".join(t.topic for t in s.topics[:3]), f"{s.stability:.2f}",
        ))
    _print_table(rows)


def print_sets(sets: list[dict[str, Any]]) -> None:
    if not sets:
        print("no persona sets yet; run `personas generate --demo`")
        return
    rows = [("set", "version", "personas", "created", "source", "")]
    for s in sets:
        rows.append((s["name"], str(s["version"]), str(s["quality"]["k"]), s["created_at"], s["source"],
                     "active" if s["active"] else ""))
    _print_table(rows)


def _print_table(rows: list[tuple[str, ...]]) -> None:
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    for r in rows:
        print("  ".join(cell.ljust(w) for cell, w in zip(r, widths)).rstrip())

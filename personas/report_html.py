"""The shareable report of a persona set: one self-contained HTML document (styles, charts and avatars inline;
it opens offline and prints to PDF with one persona per page). Pure: a set in, text out."""

from __future__ import annotations

from html import escape
from typing import Any

from . import formatting as fmt
from .charts import columns, hbar
from .profile import Persona
from .sets import PersonaSet

CSS = """
body { font-family: "DejaVu Sans", Arial, sans-serif; color: #1d2733; margin: 0; font-size: 12px; }
section { padding: 14px 24px; page-break-after: always; break-after: page; }
section:last-child { page-break-after: auto; break-after: auto; }
h1 { font-size: 28px; margin: 0 0 6px; } h2 { font-size: 19px; margin: 0 0 6px; } h3 { font-size: 13px; margin: 10px 0 4px; }
table { border-collapse: collapse; margin: 6px 0 10px; } td, th { border: 1px solid #d5dce4; padding: 2px 6px; text-align: left; }
th { background: #eef2f6; } td.n { text-align: right; font-variant-numeric: tabular-nums; }
.head { display: flex; gap: 18px; align-items: center; } .head img { width: 84px; height: 84px; border-radius: 8px; }
.cols { display: grid; grid-template-columns: 1fr 1fr; gap: 18px; } .cols table { width: 100%; }
table.wide { width: 100%; font-size: 11px; } h3 { break-after: avoid; }
.muted { color: #5b6876; } .cover { padding-top: 90px; } blockquote { margin: 4px 0; color: #3c4a58; font-style: italic; }
@page { size: A4; margin: 12mm; }
"""


def report_html(pset: PersonaSet) -> str:
    """The whole report: cover, the set's figures, one page per persona, then the method and quality (a survey
    set's sections: personas/report_survey.py)."""
    if pset.params.get("survey"):
        from .report_survey import survey_sections

        sections = survey_sections(pset)
    else:
        sections = [_cover(pset), _figures(pset), *(_persona(p) for p in pset.personas), _method(pset)]
    return (f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Personas: {escape(pset.ref)}</title>'
            f"<style>{CSS}</style></head><body>{''.join(sections)}</body></html>\n")


def _set_q(pset: PersonaSet) -> dict[str, Any] | None:
    return pset.quality.get("set")


def _cover(pset: PersonaSet) -> str:
    q, sq = pset.quality, _set_q(pset)
    m = q["matrix"]
    words = fmt.noun(pset.params["count_name"])
    covered = (f"<p>The personas' own groups hold {fmt.share(sq['coverage_direct'])} of all {escape(words)}; "
               f"with the groups whose activity a persona's behaviour explains by at least "
               f"{fmt.share(sq['coverage_threshold'])}, they cover {fmt.share(sq['coverage_by_behaviour'])}.</p>"
               if sq else "")
    return (
        f'<section class="cover"><h1>Personas: {escape(pset.ref)}</h1>'
        f'<p class="muted">Made {escape(pset.created_at[:10])} from {escape(pset.source)}</p>'
        f"<p><b>{q['k']} personas</b> from {fmt.count(m['total'])} {escape(words)} of {fmt.count(m['groups'])} "
        f"audience groups on {fmt.count(m['content'])} content items.</p>{covered}"
        f"<h3>How these personas were made</h3><p>{escape(plain_method(pset))}</p></section>"
    )


def plain_method(pset: PersonaSet) -> str:
    p, q = pset.params, pset.quality
    groups = fmt.join(list(p["group_by"]))
    return (
        f"The audience was split into groups by {groups}, and we counted how often each group engaged with each "
        f"content item ({fmt.noun(p['count_name'])}). A matrix factorisation (non-negative matrix factorisation, "
        f"as in Automatic Persona Generation) found {q['k']} patterns of behaviour: sets of content that the same "
        f"groups engage with together. Each pattern became a persona, standing on the group that both the pattern "
        f"defines and that drives it most, among groups with at least {fmt.share(p['min_support'])} of all "
        f"interactions. The name, picture and age are illustrative; every number (audience size, topics, top "
        f"content, quotes, trend) is the data's own for that group."
    )


def _figures(pset: PersonaSet) -> str:
    ps = pset.personas
    names = [f"{p.name} ({p.group_label})" for p in ps]
    sq = _set_q(pset) or {}
    rep = sq.get("represented_share", {})
    rows = "".join(
        f"<tr><td>{escape(p.name)}</td><td>{escape(p.group_label)}</td><td class='n'>{fmt.count(p.stats.group_interactions)}</td>"
        f"<td class='n'>{fmt.share(p.stats.audience_share)}</td>"
        f"<td class='n'>{fmt.share(rep[p.id]) if p.id in rep else ''}</td>"
        f"<td>{escape(', '.join(p.topic_names[:3]))}</td><td class='n'>{p.stats.stability:.2f}</td></tr>"
        for p in ps
    )
    rep_chart = (f"<h3>Share of the audience each persona represents</h3><p class='muted'>Each group counts for the "
                 f"persona whose behaviour explains most of its activity.</p>"
                 + hbar(names, [rep.get(p.id, 0.0) for p in ps], fmt.share, title="represented share")) if rep else ""
    return (
        "<section><h2>The set at a glance</h2><h3>Audience share of each persona's own group</h3>"
        + hbar(names, [p.stats.audience_share for p in ps], fmt.share, title="audience share")
        + rep_chart
        + f"<table class='wide'><tr><th>Persona</th><th>Group</th><th>{escape(fmt.noun(pset.params['count_name']))}</th>"
          "<th>Audience share</th><th>Represents</th><th>Top topics</th><th>Stability</th></tr>"
        + rows + "</table></section>"
    )


def _persona(p: Persona) -> str:
    s = p.stats
    words = fmt.noun(p.count_name)
    demo = [("Age", p.age), ("Gender", p.gender), ("Country", p.country),
            ("Group", ", ".join(f"{k} {v}" for k, v in p.group.items()))]
    demo_rows = "".join(f"<tr><th>{escape(str(k))}</th><td>{escape(str(v))}</td></tr>" for k, v in demo if v is not None)
    users = f" by {fmt.count(s.group_users)} people" if s.group_users is not None else ""
    img = f'<img src="{escape(p.avatar)}" alt="{escape(p.name)}">' if p.avatar else ""
    out = [f'<section class="persona"><div class="head">{img}<div><h2>{escape(p.name)}</h2>'
           f'<div class="muted">{escape(p.group_label)} · {escape(p.id)}</div>'
           f"<p><b>{fmt.share(s.audience_share)}</b> of the audience: {fmt.count(s.group_interactions)} "
           f"{escape(words)}{users}.</p></div></div><p>{escape(p.description)}</p>"
           f"<table>{demo_rows}</table><div class='cols'><div>"]
    if s.topics:
        out.append("<h3>Topics (share of the group's " + escape(words) + ", lift against the whole audience)</h3>")
        out.append(hbar([f"{t.topic} ({fmt.lift(t.lift)})" for t in s.topics], [t.share for t in s.topics], fmt.share,
                        title="topics", width=340, label_width=150))
    if s.top_content:
        out.append(f"<h3>Top content</h3><table><tr><th>Title</th><th>{escape(words)}</th></tr>" + "".join(
            f"<tr><td>{escape(c.title)}</td><td class='n'>{fmt.count(c.count)}</td></tr>" for c in s.top_content)
            + "</table>")
    out.append("</div><div>")
    if p.quotes:
        out.append("<h3>In their words</h3>" + "".join(
            f"<blockquote>“{escape(q.text)}” <span class='muted'>on {escape(q.title)}</span></blockquote>"
            for q in p.quotes))
    if s.trend:
        out.append(f"<h3>Trend ({escape(words)} per month)</h3>")
        out.append(columns([t.period for t in s.trend], [t.count for t in s.trend], fmt.count, title="trend", width=340, height=130))
    if s.shared_with:
        out.append("<h3>Groups that share this behaviour</h3><table><tr><th>Group</th><th>Share of the behaviour's "
                   "loading</th></tr>" + "".join(
                       f"<tr><td>{escape(', '.join(g.group.values()))}</td><td class='n'>{fmt.share(g.weight)}</td></tr>"
                       for g in s.shared_with) + "</table>")
    out.append("</div></div></section>")
    return "".join(out)


def _method(pset: PersonaSet) -> str:
    q, p = pset.quality, pset.params
    sq = _set_q(pset)
    rows = [("k (personas)", str(q["k"])), ("Scaling", p["scaling"]), ("Impactful-group rule", p["impact_rule"]),
            ("Minimum support", fmt.share(p["min_support"])), ("Seed", str(p["seed"])),
            ("Mean stability", f"{q['stability']:.3f} over {len(q['stability_seeds']) + 1} runs"),
            ("Relative reconstruction error", f"{q['relative_error']:.3f}")]
    if sq:
        cons = "not measured (fewer than two of k = 5, 10, 15 fit the data)" if sq["consistency"] is None else \
            f"{sq['consistency']:.3f} (k = {', '.join(map(str, sq['consistency_ks']))})"
        rows += [("Diversity (share of demographic values covered)", f"{sq['diversity']:.3f}"),
                 ("Fairness (mean |statistical parity|, lower is fairer)", f"{sq['fairness']:.3f}"),
                 ("Consistency (overlap of persona groups across k)", cons),
                 ("Coverage: personas' own groups", fmt.share(sq["coverage_direct"])),
                 (f"Coverage: with groups a behaviour explains by at least {fmt.share(sq['coverage_threshold'])}",
                  fmt.share(sq["coverage_by_behaviour"])),
                 ("Representativeness (1 - distance of the demographic mix)", f"{sq['representativeness']:.3f}")]
    change = q.get("change_from_previous")
    if change:
        rows.append((f"Change rate from {change['previous']} (personas whose group is new or gone)",
                     fmt.share(change["change_rate"])))
    table = "".join(f"<tr><th>{escape(k)}</th><td>{escape(v)}</td></tr>" for k, v in rows)
    per_attr = ""
    if sq:
        per_attr = ("<h3>By attribute</h3><table><tr><th>Attribute</th><th>Values in data</th><th>In the set</th>"
                    "<th>Diversity</th><th>Fairness</th><th>Representativeness</th></tr>" + "".join(
                        f"<tr><td>{escape(a['attribute'])}</td><td class='n'>{a['values_in_data']}</td>"
                        f"<td class='n'>{a['values_in_set']}</td><td class='n'>{a['diversity']:.3f}</td>"
                        f"<td class='n'>{a['fairness']:.3f}</td><td class='n'>{a['representativeness']:.3f}</td></tr>"
                        for a in sq["attributes"]) + "</table>")
    notes = "".join(f"<li>{escape(n)}</li>" for n in pset.notes)
    return (f"<section><h2>Method and quality</h2><p>{escape(plain_method(pset))}</p><table>{table}</table>{per_attr}"
            + (f"<h3>Notes</h3><ul>{notes}</ul>" if notes else "")
            + "<p class='muted'>How each metric is computed: docs/reports.md of the data-personas project.</p></section>")

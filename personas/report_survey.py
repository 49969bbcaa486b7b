"""The report's sections for a survey persona set (personas/report_html.py puts them in the same document,
with the same styles, as an analytics set's): the cover, the set at a glance, one page per segment (its size,
demographics, the answers it gives more and less than the whole sample, a chart of the segment's shares next
to the sample's on its most distinctive items, every position), then the method and every candidate
segmentation. Pure: a set in, HTML out. Every number is the set's own, formatted by personas/formatting.py."""

from __future__ import annotations

from html import escape

from . import formatting as fmt
from .charts import hbar, paired_hbar
from .profile import Persona
from .sets import PersonaSet
from .survey_profile import AnswerShare, ItemPosition, SurveyProfile
from .surveys.describe import position_phrase

LEANINGS = 5  # answers given most above (and below) the sample's share, per segment
CHART_ITEMS = 6  # distinctive items in each segment's chart
METHOD_WORDS = {
    "kmeans": "k-means on the standardised answers (numeric, Likert, scale and yes/no items)",
    "gmm": "a Gaussian mixture (diagonal covariances) on the standardised answers",
    "kprototypes": "k-prototypes (the kmodes package) on numeric and categorical answers together",
    "kmodes": "k-modes (the kmodes package) on categorical answers",
    "groups": "demographic groups as personas (Survey2Persona), each described by where its answers depart "
              "most from the whole sample",
}


def survey_sections(pset: PersonaSet) -> list[str]:
    return [_cover(pset), _figures(pset), *(_persona(p) for p in pset.personas), _method(pset)]


def _profile(p: Persona) -> SurveyProfile:
    assert p.survey is not None, f"{p.id} is not a survey persona"
    return p.survey


def plain_method(pset: PersonaSet) -> str:
    p, q = pset.params, pset.quality
    how = METHOD_WORDS.get(p["method"], p["method"])
    return (f"Each respondent answered {len(p['items'])} items. The respondents were split into {q['k']} segments "
            f"by {how}; {q['rule']}. Each segment became a persona: its demographics are the segment's most common "
            f"values (the median for age), its positions the weighted share of the segment giving each answer, "
            f"next to the whole sample's. Missing answers are left out of every share. The name, picture and age "
            f"are illustrative; every number is the survey's own for that segment.")


def _cover(pset: PersonaSet) -> str:
    q, p = pset.quality, pset.params
    missing = (f"<p>{fmt.count(q['respondents_with_missing'])} respondents left at least one item unanswered "
               f"({fmt.count(q['imputed_answers'])} answers).</p>" if q.get("respondents_with_missing") else "")
    return (f'<section class="cover"><h1>Personas: {escape(pset.ref)}</h1>'
            f'<p class="muted">Made {escape(pset.created_at[:10])} from {escape(pset.source)}</p>'
            f"<p><b>{q['k']} survey personas</b>: segments of {fmt.count(q['respondents'])} respondents on "
            f"{fmt.count(len(p['items']))} items, segmented by {escape(p['method'])}.</p>{missing}"
            f"<h3>How these personas were made</h3><p>{escape(plain_method(pset))}</p></section>")


def _figures(pset: PersonaSet) -> str:
    ps = pset.personas
    names = [f"{p.name} ({p.group_label})" for p in ps]
    rows = "".join(_glance_row(p) for p in ps)
    return ("<section><h2>The set at a glance</h2><h3>Weighted share of the sample in each segment</h3>"
            + hbar(names, [_profile(p).weighted_share for p in ps], fmt.share, title="weighted share")
            + "<table class='wide'><tr><th>Persona</th><th>Segment's most common demographics</th>"
              "<th>Respondents</th><th>Weighted share</th><th>Where it differs most from the sample</th></tr>"
            + rows + "</table></section>")


def _glance_row(p: Persona) -> str:
    s = _profile(p)
    where = escape(position_phrase(s.items[0])) if s.items else ""
    return (f"<tr><td>{escape(p.name)}</td><td>{escape(p.group_label)}</td><td class='n'>{fmt.count(s.respondents)}"
            f"</td><td class='n'>{fmt.share(s.weighted_share)}</td><td>{where}</td></tr>")


def _leanings(items: list[ItemPosition], above: bool) -> list[tuple[ItemPosition, AnswerShare]]:
    """The answers the segment gives most above (or below) the sample's share, one per item, largest first."""
    pairs = []
    for pos in items:
        if not pos.answers:
            continue
        pick = max if above else min
        a = pick(pos.answers, key=lambda x: x.share - x.sample_share)
        gap = a.share - a.sample_share
        if (gap > 0) if above else (gap < 0):
            pairs.append((pos, a))
    pairs.sort(key=lambda pa: -abs(pa[1].share - pa[1].sample_share))
    return pairs[:LEANINGS]


def _answer_table(title: str, pairs: list[tuple[ItemPosition, AnswerShare]]) -> str:
    if not pairs:
        return ""
    rows = "".join(f"<tr><td>{escape(pos.statement)}</td><td>{escape(a.label)}</td>"
                   f"<td class='n'>{fmt.share(a.share)}</td><td class='n'>{fmt.share(a.sample_share)}</td>"
                   f"<td class='n'>{fmt.points(a.share - a.sample_share)}</td></tr>" for pos, a in pairs)
    return (f"<h3>{escape(title)}</h3><table class='wide'><tr><th>Item</th><th>Answer</th><th>Segment</th>"
            f"<th>All respondents</th><th>Difference</th></tr>{rows}</table>")


def _chart(s: SurveyProfile) -> str:
    chosen = [(pos, pos.most_over) for pos in s.items[:CHART_ITEMS] if pos.most_over is not None]
    if not chosen:
        return ""
    return ("<h3>Its most distinctive items: the segment's share next to all respondents'</h3>"
            + paired_hbar([pos.statement for pos, _ in chosen], [a.share for _, a in chosen],
                          [a.sample_share for _, a in chosen], fmt.share,
                          sublabels=[f"answer: {a.label}" for _, a in chosen],
                          names=("segment", "all respondents"),
                          title="segment vs sample", width=700, label_width=300))


def _all_positions(s: SurveyProfile) -> str:
    rows = []
    for pos in s.items:
        answers = "; ".join(f"{escape(a.label)} {fmt.share(a.share)} (all {fmt.share(a.sample_share)})"
                            for a in pos.answers)
        if pos.mean is not None and pos.sample_mean is not None:
            answers = (answers + "; " if answers else "") + f"mean {pos.mean:.2f} (all {pos.sample_mean:.2f})"
        rows.append(f"<tr><td>{escape(pos.statement)}</td><td>{answers}</td>"
                    f"<td class='n'>{fmt.count(pos.answered)}</td></tr>")
    return ("<h3>Every position, most distinctive first</h3><table class='wide'><tr><th>Item</th><th>Segment "
            "(all respondents)</th><th>Answered</th></tr>" + "".join(rows) + "</table>")


def _persona(p: Persona) -> str:
    s = _profile(p)
    demo = [("Age", p.age), ("Gender", p.gender), ("Country", p.country), *s.demographics.items()]
    demo_rows = "".join(f"<tr><th>{escape(str(k))}</th><td>{escape(str(v))}</td></tr>"
                        for k, v in demo if v is not None)
    img = f'<img src="{escape(p.avatar)}" alt="{escape(p.name)}">' if p.avatar else ""
    quotes = "".join(f"<blockquote>“{escape(q)}”</blockquote>" for q in s.quotes)
    return (f'<section class="persona"><div class="head">{img}<div><h2>{escape(p.name)}</h2>'
            f'<div class="muted">{escape(p.group_label)} · {escape(p.id)}</div>'
            f"<p><b>{fmt.share(s.weighted_share)}</b> of the weighted sample: {fmt.count(s.respondents)} of "
            f"{fmt.count(s.sample_size)} respondents, segmented by {escape(s.method)}.</p></div></div>"
            f"<p>{escape(p.description)}</p><div class='cols'><div><h3>Demographics (the segment's most common "
            f"values)</h3><table>{demo_rows}</table></div><div>"
            + (f"<h3>In their words</h3>{quotes}" if quotes else "") + "</div></div>"
            + _chart(s)
            + _answer_table("Answers the segment gives more than the sample", _leanings(s.items, above=True))
            + _answer_table("Answers the segment gives less than the sample", _leanings(s.items, above=False))
            + _all_positions(s) + "</section>")


def _method(pset: PersonaSet) -> str:
    q, p = pset.quality, pset.params
    rows = [("Method", f"{p['method']} (asked: {p['method_asked']})"), ("k (segments)", str(q["k"])),
            ("How k and the method were chosen", q["rule"]), ("Seed", str(p["seed"])),
            ("Respondents", fmt.count(q["respondents"])), ("Items", ", ".join(p["items"])),
            ("Demographics", ", ".join(p["demographics"]) or "none")]
    if q.get("silhouette") is not None:
        rows.append(("Silhouette", f"{q['silhouette']:.3f}"))
    if q.get("bic") is not None:
        rows.append(("BIC", fmt.count(round(q["bic"]))))
    if q.get("stability") is not None:
        rows.append((f"Stability (adjusted Rand index over {len(q['stability_seeds']) + 1} seeds)",
                     f"{q['stability']:.3f}"))
    rows.append(("Missing answers (filled for the segmentation only)",
                 f"{fmt.count(q['imputed_answers'])} from {fmt.count(q['respondents_with_missing'])} respondents"))
    table = "".join(f"<tr><th>{escape(k)}</th><td>{escape(v)}</td></tr>" for k, v in rows)
    cands = "".join(
        f"<tr><td>{escape(c['method'])}{' (chosen)' if c['method'] == p['method'] and c['k'] == q['k'] else ''}</td>"
        f"<td class='n'>{c['k']}</td><td>{escape(', '.join(fmt.count(n) for n in c['sizes']))}</td>"
        f"<td class='n'>{'' if c['silhouette'] is None else format(c['silhouette'], '.3f')}</td>"
        f"<td class='n'>{'' if c['bic'] is None else fmt.count(round(c['bic']))}</td>"
        f"<td class='n'>{'' if c['stability'] is None else format(c['stability'], '.3f')}</td></tr>"
        for c in p.get("candidates", []))
    cand_table = ("<h3>Every candidate segmentation</h3><table class='wide'><tr><th>Method</th><th>k</th>"
                  f"<th>Sizes</th><th>Silhouette</th><th>BIC</th><th>Stability</th></tr>{cands}</table>"
                  if cands else "")
    notes = "".join(f"<li>{escape(n)}</li>" for n in pset.notes)
    return (f"<section><h2>Method and quality</h2><p>{escape(plain_method(pset))}</p><table>{table}</table>{cand_table}"
            + (f"<h3>Notes</h3><ul>{notes}</ul>" if notes else "")
            + "<p class='muted'>How each statistic is defined: docs/surveys.md of the data-personas project.</p>"
              "</section>")

"""How things look: personas, search hits and chat answers as HTML, Markdown and tables. Pure functions of the
library's result objects; no decisions about the data are made here."""

from __future__ import annotations

import html
import re
from typing import Any

import pandas as pd

from personas.formatting import count, noun, share
from personas.profile import Persona

from .survey_views import card_positions, positions_html

CSS = """
.persona-card {display:flex; gap:12px; align-items:flex-start; padding:6px 2px;}
.persona-card img {width:72px; height:72px; border-radius:50%; flex:none; background:#eef;}
.persona-card h3 {margin:0 0 2px 0; font-size:1.05em;}
.persona-card .meta {color:var(--body-text-color-subdued); font-size:0.9em;}
.persona-card .quote {font-style:italic; font-size:0.9em; margin-top:4px;}
.persona-card .topics span {display:inline-block; border:1px solid var(--border-color-primary); border-radius:10px;
  padding:0 6px; margin:2px 2px 0 0; font-size:0.8em;}
.profile-head {display:flex; gap:16px; align-items:flex-start;}
.profile-head img {width:128px; height:128px; border-radius:50%; flex:none;}
.why li {font-size:0.9em;}
.badge-ok {color:#137333; font-weight:600;} .badge-bad {color:#b3261e; font-weight:600;}
"""


def _e(text: Any) -> str:
    return html.escape(str(text), quote=True)


# Markdown punctuation that can make links, images (tracking beacons), emphasis, code, headings, tables or
# formulas. Answers and fact texts carry untrusted words (comment bodies become quotes; an LLM can echo them).
_MD_SPECIAL = re.compile(r"([\\`*_\[\]()!#|~$:])")


def md_text(text: Any) -> str:
    """Untrusted text for a Markdown message: HTML escaped and every Markdown construct backslash-escaped, so it
    shows as the characters it is. Citation markers like [1] still read as [1] on the page."""
    return _MD_SPECIAL.sub(r"\\\1", html.escape(str(text), quote=False))


def demographics(p: Persona) -> str:
    parts = [str(p.age) if p.age is not None else None, p.gender, p.country]
    return ", ".join(x for x in parts if x) or p.group_label


def audience(p: Persona) -> str:
    s = p.stats
    users = f", {count(s.group_users)} users" if s.group_users else ""
    return f"{count(s.group_interactions)} {noun(p.count_name)} ({share(s.audience_share)} of the audience{users})"


def persona_card(p: Persona) -> str:
    topics = "".join(f"<span>{_e(t)}</span>" for t in p.topic_names[:3]) + card_positions(p)
    quote = f'<div class="quote">“{_e(p.quotes[0].text)}”</div>' if p.quotes else ""
    return (
        f'<div class="persona-card"><img alt="portrait of {_e(p.name)}" src="{_e(p.avatar)}">'
        f"<div><h3>{_e(p.name)}</h3><div class=\"meta\">{_e(demographics(p))} · {_e(p.id)}</div>"
        f'<div class="meta">{_e(audience(p))}</div><div class="topics">{topics}</div>{quote}</div></div>'
    )


def persona_choices(personas: list[Persona]) -> list[tuple[str, str]]:
    """Dropdown choices: (label, persona id)."""
    return [(f"{p.name} — {demographics(p)} ({p.id})", p.id) for p in personas]


def set_choices(sets: list[dict[str, Any]]) -> list[tuple[str, str]]:
    out = []
    for m in sets:
        ref = f"{m['name']}@v{m['version']}"
        label = f"{ref}{' (active)' if m.get('active') else ''} — {m.get('source', '')}"
        out.append((label, ref))
    return out


def profile_html(p: Persona) -> str:
    s = p.stats
    rates = "".join(
        f"<li>{_e(noun(r.column))}: {_e(count(r.total))} ({r.per_primary:.3g} per {_e(noun(p.count_name, 1))})</li>"
        for r in s.rates
    )
    quotes = "".join(f"<li>“{_e(q.text)}” <span class=\"meta\">on {_e(q.title)}</span></li>" for q in p.quotes)
    return (
        f'<div class="profile-head"><img alt="portrait of {_e(p.name)}" src="{_e(p.avatar)}"><div>'
        f"<h2 style=\"margin:0\">{_e(p.name)}</h2>"
        f"<div class=\"meta\">{_e(demographics(p))} · group {_e(p.group_label)} · {_e(p.id)} "
        f"(set {_e(p.set_name)}@v{p.set_version}, rank {p.rank})</div>"
        f"<p>{_e(p.description)}</p></div></div>"
        f"<ul><li>Audience: {_e(audience(p))}</li>"
        + ("" if p.survey is not None else f"<li>This behaviour explains {share(s.behaviour_share)} of the group's "
           f"activity; stability across NMF runs {s.stability:.2f}</li>") + f"{rates}</ul>"
        + (f"<h4>Quotes</h4><ul>{quotes}</ul>" if quotes else "") + positions_html(p)
    )


def topics_frame(p: Persona) -> pd.DataFrame:
    return pd.DataFrame(
        {"topic": [t.topic for t in p.stats.topics], "share %": [round(t.share * 100, 2) for t in p.stats.topics],
         "count": [t.count for t in p.stats.topics], "lift": [round(t.lift, 2) for t in p.stats.topics]}
    )


def content_frame(p: Persona) -> pd.DataFrame:
    return pd.DataFrame(
        {"content_id": [c.content_id for c in p.stats.top_content], "title": [c.title for c in p.stats.top_content],
         p.count_name: [c.count for c in p.stats.top_content],
         "weight": [round(c.weight, 4) for c in p.stats.top_content]}
    )


def content_plot_frame(p: Persona) -> pd.DataFrame:
    top = p.stats.top_content
    return pd.DataFrame({"title": [c.title for c in top], "count": [c.count for c in top]})


def shared_frame(p: Persona) -> pd.DataFrame:
    rows = [(p.group_label + " (this persona)", round(p.stats.own_weight, 4))]
    rows += [(", ".join(g.group.values()), round(g.weight, 4)) for g in p.stats.shared_with]
    return pd.DataFrame(rows, columns=["group", "share of loading"])


def trend_frame(p: Persona) -> pd.DataFrame:
    return pd.DataFrame({"month": [t.period for t in p.stats.trend], p.count_name: [t.count for t in p.stats.trend]})


def persona_summary(p: Persona) -> dict[str, Any]:
    """The /list_personas row: the export without the picture and the nested statistics."""
    return {
        "id": p.id, "name": p.name, "age": p.age, "gender": p.gender, "country": p.country,
        "group_label": p.group_label, "count_name": p.count_name,
        "audience": p.stats.group_interactions, "audience_share": p.stats.audience_share,
        "topics": p.topic_names[:5], "quote": p.quotes[0].text if p.quotes else None, "description": p.description,
    }


# ---------------------------------------------------------------------------- search


def hit_card(hit: Any, persona: Persona | None, rank: int) -> str:
    why = "".join(f"<li>{_e(w)}</li>" for w in hit.why)
    head = persona_card(persona) if persona is not None else f"<h3>{_e(hit.name)}</h3>"
    return f"<div><b>#{rank}</b> · score {hit.score:.2f}{head}<ul class=\"why\">{why}</ul></div>"


# ---------------------------------------------------------------------------- chat


def _claims(result: Any) -> list[Any]:
    return list(getattr(result, "claims", None) or [])


def faithfulness_badge(answer: Any) -> str:
    result = answer.faithfulness
    if result is None:
        return '<span class="badge-none">faithfulness not checked</span>'
    claims = _claims(result)
    bad = [c for c in claims if getattr(c, "label", "supported") != "supported"]
    score = getattr(result, "score", None)
    score_text = f" (score {score:.2f})" if isinstance(score, (int, float)) else ""
    if getattr(result, "faithful", False):
        if not claims:  # a refusal or small talk: nothing to check, nothing unsupported
            return '<span class="badge-ok">FAITHFUL: no factual claims</span>'
        return f'<span class="badge-ok">FAITHFUL{score_text}: {len(claims)} of {len(claims)} claims supported</span>'
    return (f'<span class="badge-bad">NOT FAITHFUL{score_text}: {len(bad)} of {len(claims)} claims '
            "unsupported or contradicted</span>")


def _highlight(text: str, answer: Any) -> str:
    """The answer as safe Markdown, its failing claims marked (both escaped alike, so a claim is found again)."""
    shown = md_text(text)
    for claim in _claims(answer.faithfulness):
        label = getattr(claim, "label", "supported")
        ctext = md_text(getattr(claim, "text", ""))
        if label != "supported" and ctext and ctext in shown:
            shown = shown.replace(ctext, f"<mark title=\"{_e(label)}\">{ctext}</mark>", 1)
    return shown


def pending_markdown(policy: str) -> str:
    """What a turn shows before any text arrives: under 'fallback' and 'strict' nothing is shown before the
    faithfulness gate has checked the whole answer."""
    if policy in ("fallback", "strict"):
        return f"*Checking the answer against the facts ({md_text(policy)} gate)…*"
    return "*Thinking…*"


def streaming_markdown(text: str) -> str:
    """The answer while it streams in, not checked yet."""
    return md_text(text)


def answer_markdown(answer: Any) -> str:
    """One assistant message: the answer (failing claims highlighted), a badge, notes and the cited facts.
    Every text that comes from the data or a model is escaped (see md_text); only our own markup is live."""
    parts = [_highlight(answer.answer, answer), "", faithfulness_badge(answer)]
    if answer.gate is not None and answer.gate.note and answer.gate.action != "passed":
        parts.append(f"\n*Gate ({md_text(answer.gate.policy)}): {md_text(answer.gate.action)} — "
                     f"{md_text(answer.gate.note)}*")
    style = getattr(answer, "style", None)  # the styled responder: which answer is shown, and why
    if style is not None:
        parts.append(f"\n*Styled: showing the {md_text(style.shown)} answer — {md_text(style.reason)}*")
    if answer.error:
        parts.append(f"\n*The {md_text(answer.responder or 'configured')} responder failed: {md_text(answer.error)}*")
    bad = [c for c in _claims(answer.faithfulness) if getattr(c, "label", "supported") != "supported"]
    for c in bad:
        reason = getattr(c, "reason", "")
        parts.append(f"\n- <mark>{md_text(c.label)}</mark>: {md_text(c.text)}"
                     + (f" — {md_text(reason)}" if reason else ""))
    if answer.citations:
        parts.append("\n**Sources**")
        parts += [f"\n<small>[{int(c.marker)}] {md_text(c.text)} <code>{_e(c.id)}</code></small>"
                  for c in answer.citations]
    else:
        parts.append("\n*No facts cited.*")
    return "\n".join(parts)


def answer_details(answer: Any) -> dict[str, Any]:
    """The /chat API result: the answer as JSON."""
    return answer.to_json()

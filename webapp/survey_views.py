"""A survey persona in the app: its segment and positions on its card and profile (webapp/views.py calls these).

Numbers as the facts write them (personas/formatting.py): each share next to the whole sample's."""

from __future__ import annotations

from html import escape

from personas.formatting import count, share
from personas.profile import Persona

CARD_POSITIONS = 2  # the card's chips: the most distinctive items


def _e(text: object) -> str:
    return escape(str(text), quote=True)


def segment_line(p: Persona) -> str:
    s = p.survey
    assert s is not None
    return (f"{count(s.respondents)} of {count(s.sample_size)} respondents ({share(s.weighted_share)} of the weighted "
            f"sample), segmented by {s.method}")


def card_positions(p: Persona) -> str:
    """Chips for the card: 'Spending on welfare: too much 71.7% (all 33.4%)'."""
    if p.survey is None:
        return ""
    chips = []
    for pos in p.survey.items[:CARD_POSITIONS]:
        a = pos.most_over
        if a is not None:
            chips.append(f"<span>{_e(pos.statement)}: {_e(a.label)} {share(a.share)} "
                         f"(all {share(a.sample_share)})</span>")
    return "".join(chips)


def positions_html(p: Persona) -> str:
    """The profile's positions: every item, most distinctive first, every answer's share next to the sample's."""
    if p.survey is None:
        return ""
    rows = []
    for pos in p.survey.items:
        answers = "; ".join(f"{_e(a.label)} {share(a.share)} (all {share(a.sample_share)})" for a in pos.answers)
        rows.append(f"<tr><td>{_e(pos.statement)}</td><td>{answers}</td><td>{count(pos.answered)}</td></tr>")
    quotes = "".join(f"<li>“{_e(q)}”</li>" for q in p.survey.quotes)
    return (f"<h4>Positions</h4><p class=\"meta\">{_e(segment_line(p))}</p><table class=\"positions\"><thead><tr>"
            f"<th>item</th><th>my group (all respondents)</th><th>answered</th></tr></thead><tbody>{''.join(rows)}"
            f"</tbody></table>" + (f"<h4>Open-ended answers</h4><ul>{quotes}</ul>" if quotes else ""))

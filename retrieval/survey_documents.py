"""A survey persona's facts: its segment, one position per item, where it differs most, its open-ended answers.

Like every fact (retrieval/documents.py), each is one self-contained sentence that names the persona and states
its numbers formatted for people ("71.0% of Ana's group say too little, against 68.0% of all respondents"),
and its metadata carries the exact values (``values_json``: the item, the shares of every answer, the
difference). The chat's opinion answers (chat/responders/answers_survey.py) and search's opinion ranking
(retrieval/search.py) read those values back; the checker reads the text.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from personas import formatting as fmt
from personas.profile import Persona
from personas.survey_profile import AnswerShare, ItemPosition, SurveyProfile

SURVEY_FACT_TYPES = ("position", "distinctive", "segment")
DISTINCTIVE_ITEMS = 3  # items the 'distinctive' fact names, largest |difference| first

Add = Callable[..., None]


def answer_words(a: AnswerShare) -> str:
    """'71.0% say too little, against 68.0% of all respondents' (the segment's share of one answer)."""
    return f"{fmt.share(a.share)} say {a.label}, against {fmt.share(a.sample_share)} of all respondents"


def answers_json(pos: ItemPosition) -> list[dict[str, Any]]:
    return [{"code": a.code, "label": a.label, "share": a.share, "sample_share": a.sample_share, "count": a.count}
            for a in pos.answers]


def _means(pos: ItemPosition) -> str:
    if pos.mean is None or pos.sample_mean is None:
        return ""
    return f" The group's average answer is {pos.mean:.2f}; the whole sample's average is {pos.sample_mean:.2f}."


def add_survey_facts(p: Persona, s: SurveyProfile, add: Add) -> None:
    """Calls ``add(fact_type, key, text, json_only=..., **values)`` once per survey fact of ``p``."""
    add("segment", "size",
        f"{p.name} stands for a segment of {fmt.count(s.respondents)} of the survey's {fmt.count(s.sample_size)} "
        f"respondents, {fmt.share(s.weighted_share)} of the weighted sample (segmented by {s.method}).",
        respondents=s.respondents, weighted_share=s.weighted_share, sample_size=s.sample_size, method=s.method,
        json_only={"demographics": dict(s.demographics)})
    for rank, pos in enumerate(s.items, start=1):
        if not pos.answers:
            continue
        top, over = pos.top, pos.most_over
        others = "; ".join(answer_words(a) for a in pos.answers if a is not top)
        text = (f"Asked in the survey about \"{pos.statement}\" ({pos.item}), {fmt.share(top.share)} of {p.name}'s "
                f"group say "
                f"{top.label}, against {fmt.share(top.sample_share)} of all respondents"
                f"{'; ' + others if others else ''}. {fmt.count(pos.answered)} of the group answered it"
                f"{f' and {fmt.count(pos.missing)} did not' if pos.missing else ''}.{_means(pos)}")
        add("position", pos.item, text, item=pos.item, statement=pos.statement, kind=pos.kind,
            top_label=top.label, top_share=top.share, top_sample_share=top.sample_share,
            over_label=over.label, over_share=over.share, over_sample_share=over.sample_share,
            difference=pos.difference, answered=pos.answered, missing=pos.missing, mean=pos.mean,
            sample_mean=pos.sample_mean, rank=rank, json_only={"answers": answers_json(pos)})
    answered = [pos for pos in s.items if pos.answers]
    ranked = answered[:DISTINCTIVE_ITEMS]
    united = sorted(answered, key=lambda pos: -pos.top.share)[:DISTINCTIVE_ITEMS]
    if ranked:
        bits = [f"on \"{pos.statement}\" {fmt.share(pos.most_over.share)} say {pos.most_over.label}, against "
                f"{fmt.share(pos.most_over.sample_share)} of all respondents" for pos in ranked]
        alike = [f"on \"{pos.statement}\" {fmt.share(pos.top.share)} say {pos.top.label}" for pos in united]
        add("distinctive", "items",
            f"Where {p.name}'s group differs most from all respondents: {'; '.join(bits)}.", aspect="differs", rank=1,
            json_only={"items": [{"item": pos.item, "statement": pos.statement, "label": pos.most_over.label,
                                  "share": pos.most_over.share, "sample_share": pos.most_over.sample_share,
                                  "difference": pos.difference} for pos in ranked]})
        add("distinctive", "united",
            f"Where {p.name}'s group is most united (its most common answers): {'; '.join(alike)}.",
            aspect="united", rank=2,
            json_only={"items": [{"item": pos.item, "statement": pos.statement, "label": pos.top.label,
                                  "share": pos.top.share} for pos in united]})

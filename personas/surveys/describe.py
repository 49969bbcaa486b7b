"""Words for survey personas: the description, and the Markdown lines of a profile's positions.

Every number is one of the profile's own statistics, formatted by personas/formatting.py.
"""

from __future__ import annotations

from .. import formatting as fmt
from ..demographics import gender_noun
from ..survey_profile import ItemPosition, SurveyProfile

DESCRIBED_POSITIONS = 3


def position_phrase(p: ItemPosition) -> str:
    """'71.2% say "too little" on "Improving ... environment" (all respondents: 58.0%)', or the mean."""
    best = p.most_over
    if best is not None:
        return (f"{fmt.share(best.share)} answer \"{best.label}\" to \"{p.statement}\" "
                f"(all respondents: {fmt.share(best.sample_share)})")
    return f"a mean of {p.mean:.2f} on \"{p.statement}\" (all respondents: {p.sample_mean:.2f})"


def describe_survey(name: str, age: int | None, gender: str | None, country: str | None, label: str,
                    profile: SurveyProfile) -> str:
    first = name.split()[0]
    who = f"{name} is a {age}-year-old {gender_noun(gender, age)}" if age is not None else f"{name} is a {gender_noun(gender, age)}"
    who += f" from {country}." if country else "."
    parts = [who, f"{first} stands for a segment of {fmt.count(profile.respondents)} of the survey's "
                  f"{fmt.count(profile.sample_size)} respondents ({fmt.share(profile.weighted_share)} of the "
                  f"weighted sample), most often {label}."]
    tops = [position_phrase(p) for p in profile.items[:DESCRIBED_POSITIONS]]
    if tops:
        parts.append("Where the segment differs most from the sample: " + "; ".join(tops) + ".")
    return " ".join(parts)


def profile_lines(profile: SurveyProfile, limit: int = 8) -> list[str]:
    """Markdown lines for `personas show` and the Markdown export: demographics and the top positions."""
    lines = [f"Survey segment ({profile.method}): {fmt.count(profile.respondents)} of {fmt.count(profile.sample_size)} "
             f"respondents, {fmt.share(profile.weighted_share)} of the weighted sample",
             "Demographics: " + ", ".join(f"{k} {v}" for k, v in profile.demographics.items()),
             "Positions (largest difference from the sample first):"]
    for p in profile.items[:limit]:
        top = p.top
        head = f"- {p.statement} ({p.item}, {p.kind}; difference {p.difference:+.2f})"
        if top is not None:
            head += ": " + ", ".join(f"{a.label} {fmt.share(a.share)} (all {fmt.share(a.sample_share)})" for a in p.answers)
        elif p.mean is not None:
            head += f": mean {p.mean:.2f} (all {p.sample_mean:.2f})"
        lines.append(head)
    if profile.quotes:
        lines.append("Open answers:")
        lines += [f"- \"{q}\"" for q in profile.quotes]
    return lines


def set_summary(pset) -> str:  # type: ignore[no-untyped-def]
    """One paragraph on a survey set: source, respondents, method, k and why."""
    q, params = pset.quality, pset.params
    sil = f", silhouette {q['silhouette']:.3f}" if q.get("silhouette") is not None else ""
    bic = f", BIC {q['bic']:,.0f}" if q.get("bic") is not None else ""
    stab = f", stability {q['stability']:.3f} (adjusted Rand index across seeds)" if q.get("stability") is not None else ""
    return (f"Source: {pset.source}. {fmt.count(q['respondents'])} respondents, {len(params['items'])} items. "
            f"Method {params['method']}, k = {q['k']}{sil}{bic}{stab}; {q['rule']}.")

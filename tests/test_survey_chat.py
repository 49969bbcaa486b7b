"""Survey personas in the store and the chat: their facts (recomputed from the raw responses), opinion
questions answered from their positions with the numbers, through real Chroma, the real embedding model and
the real faithfulness gate; and the analytics understanding left exactly as it was."""

from __future__ import annotations

import json

import pytest
from survey_fixtures import ITEMS, LABELS, responses, survey_set

from chat.kinds import KINDS, LEARNED, SURVEY_KINDS
from chat.responders.grounded import is_refusal
from chat.service import ChatService
from chat.understanding import training_set
from checker import check
from personas import formatting as fmt
from retrieval.documents import FACT_TYPES, persona_documents
from usecases.settings import Settings
from usecases.store import open_store


@pytest.fixture(scope="module")
def survey(tmp_path_factory):
    settings = Settings(home=tmp_path_factory.mktemp("survey-chat") / "home", embedding_model=None)
    store = open_store(settings)
    pset = store.save(survey_set())
    return store, pset, ChatService(settings.chat, store, llm=settings.llm)


def _ask(service, persona, question):
    return service.ask(service.new_session(persona.id), question)


def _position(persona, item):
    return next(d for d in persona_documents(persona) if d.id.endswith(f":position:{item}"))


def test_survey_facts_state_every_share_recomputed_from_the_responses():
    pset, df = survey_set(), responses()
    for seg, p in enumerate(pset.personas):
        docs = persona_documents(p)
        assert {d.fact_type for d in docs} <= set(FACT_TYPES)
        assert all(p.name in d.text for d in docs if d.fact_type != "profile")
        rows = df[df["segment"] == seg]
        for item in ITEMS:
            d = _position(p, item)
            values = json.loads(str(d.metadata["values_json"]))
            answered = rows[item].dropna()
            assert values["answered"] == answered.size and values["missing"] == rows[item].isna().sum()
            for a in values["answers"]:
                mine = float((answered == a["code"]).mean())
                everyone = float((df[item].dropna() == a["code"]).mean())
                assert a["share"] == pytest.approx(mine) and a["sample_share"] == pytest.approx(everyone)
                assert a["label"] == LABELS[a["code"]]
                # the sentence states each share as people read it, next to the sample's
                assert f"{fmt.share(mine)} " in d.text and f"against {fmt.share(everyone)} of all respondents" in d.text
        seg_fact = next(d for d in docs if d.fact_type == "segment")
        assert f"{len(rows):,} of the survey's {len(df):,} respondents" in seg_fact.text


def test_the_checker_reads_a_share_against_the_samples_share_of_the_same_item():
    ctx = ['Asked in the survey about "Improving and protecting the environment" (natenvir), 71.0% of Ana Lima\'s '
           'group say too little, against 68.0% of all respondents; 20.0% say about right, against 22.5% of all '
           'respondents. 400 of the group answered it.',
           "Ana Lima's group has 412 respondents in total, which is 17.5% of all respondents."]
    assert check("71% of my group say too little, against 68% of all respondents [1].", ctx, None).faithful
    assert check('On "Improving and protecting the environment", 71% of my group say too little, against 68% '
                 'of all respondents [1].', ctx, None).faithful
    for wrong in ("68% of my group say too little, against 71% of all respondents [1].",
                  'On "Improving and protecting the environment", 71% of my group say too little, against 30% of '
                  'all respondents [1].',
                  'On "Improving and protecting the environment", 75% of my group say too little, against 68% of '
                  'all respondents [1].'):
        assert not check(wrong, ctx, None).faithful, wrong
    # the segment's own size is still its share of everyone
    assert check("My group is 17.5% of all respondents [2].", ctx, None).faithful


@pytest.mark.parametrize("question,item", [
    ("do you think we spend too little on the environment?", "natenvir"),
    ("is enough being spent on welfare?", "natfare"),
    ("do you support more money for the military?", "natarms"),
    ("what's your view on crime?", "natcrime"),
    ("do you agree that schools need more money?", "nateduc"),
])
def test_opinion_questions_are_answered_from_the_items_position_and_pass_the_gate(survey, question, item):
    store, pset, service = survey
    p = pset.personas[0]
    a = _ask(service, p, question)
    assert a.kind == "opinion" and a.gate.action == "passed" and a.faithfulness.faithful, a.answer
    pos = next(i for i in p.survey.items if i.item == item)
    top = pos.top
    assert f"{fmt.share(top.share)} of my group say {top.label}, against {fmt.share(top.sample_share)} of all " \
           f"respondents" in a.answer
    assert a.citations and a.citations[0].id == f"{p.id}:position:{item}"


def test_where_the_persona_differs_and_what_it_is_most_united_on(survey):
    store, pset, service = survey
    p = pset.personas[1]
    a = _ask(service, p, "where do you differ from everyone else?")
    assert a.kind == "distinctive" and a.faithfulness.faithful, a.answer
    for pos in p.survey.items[:3]:  # largest |difference| first
        said = f"\"{pos.statement}\", {fmt.share(pos.most_over.share)} of my group say {pos.most_over.label}"
        assert said in a.answer
    a = _ask(service, p, "what do you feel most strongly about?")
    assert a.kind == "strongest" and a.faithfulness.faithful, a.answer
    united = max(p.survey.items, key=lambda i: i.top.share)
    assert f"\"{united.statement}\", {fmt.share(united.top.share)} of my group say {united.top.label}" in a.answer


def test_a_subject_the_survey_did_not_ask_says_so_then_names_the_closest_items(survey):
    store, pset, service = survey
    p = pset.personas[0]
    for q in ("what do you think about immigration?", "do you like pizza?"):
        a = _ask(service, p, q)
        assert is_refusal(a.answer) and "the survey did not ask" in a.answer, a.answer
        assert "The survey asked my group about" in a.answer and a.faithfulness.faithful, a.answer


def test_who_a_survey_persona_is_and_how_big_its_segment_is(survey):
    store, pset, service = survey
    p = pset.personas[2]
    a = _ask(service, p, "who are you?")
    assert "segment of survey respondents" in a.answer and "viewers" not in a.answer and a.faithfulness.faithful
    a = _ask(service, p, "how many respondents are in your group?")
    assert f"{p.survey.respondents:,} respondents" in a.answer and a.faithfulness.faithful, a.answer


def test_the_analytics_understanding_learns_nothing_of_the_survey_kinds():
    texts, kinds = training_set()
    assert not set(kinds) & SURVEY_KINDS and not set(LEARNED) & SURVEY_KINDS
    assert all(KINDS[k].examples for k in SURVEY_KINDS if not KINDS[k].refuses)


def test_generated_survey_questions_carry_the_positions_shares_as_gold():
    from eval.questions import generated_set

    pset = survey_set()
    questions = generated_set(pset.personas)
    kinds = {q.kind for q in questions}
    assert {"opinion", "distinctive", "strongest"} <= kinds and "compare" not in kinds
    for q in questions:
        p = next(p for p in pset.personas if p.id == q.persona_id)
        values = [g.value for g in q.gold_values]
        if q.kind == "opinion":
            item = q.gold_fact_ids[0].split(":")[-1]
            pos = next(i for i in p.survey.items if i.item == item)
            assert values == [pos.top.share, pos.top.sample_share] and pos.statement[1:] in q.question
        elif q.kind == "distinctive":
            assert values == [p.survey.items[0].most_over.share]
        elif q.kind == "strongest":
            assert values == [max(i.top.share for i in p.survey.items)]

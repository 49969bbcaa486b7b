"""Survey personas in the app, through its handlers: the profile shows the segment and every position with the
sample's share, the card the most distinctive positions, search and chat answer by opinion."""

from __future__ import annotations

from survey_fixtures import survey_set

from personas.formatting import share
from retrieval.embeddings import HashEmbeddings
from usecases.settings import Settings
from webapp import handlers
from webapp.services import build_services


def test_profile_card_search_and_chat_of_a_survey_persona_through_the_handlers(home):
    services = build_services(Settings(home=home), HashEmbeddings())
    pset = services.store.save(survey_set())
    p = pset.personas[0]
    html = handlers.show_profile(services, p.id)[0]
    assert "Positions" in html and "NMF" not in html
    assert f"{p.survey.respondents:,} of {p.survey.sample_size:,} respondents" in html
    for pos in p.survey.items:
        for a in pos.answers:
            assert f"{a.label} {share(a.share)} (all {share(a.sample_share)})" in html
    assert "We need cleaner rivers in my town." in html
    _, _, card = handlers.start_chat(services, p.id)
    top = p.survey.items[0]
    assert f"{top.statement}: {top.most_over.label} {share(top.most_over.share)}" in card
    found = handlers.api_search(services, "people who think we spend too much on welfare")
    assert found["hits"][0]["why"][0].startswith('on "Welfare"'), found

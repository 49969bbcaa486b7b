"""Search by opinion over survey personas: the matching item and answer rank them by that answer's share,
with the share next to the whole sample's; who they are still filters."""

from __future__ import annotations

from conftest import open_test_store
from survey_fixtures import survey_set

from personas import formatting as fmt
from retrieval.search import search_personas


def _share(p, item, label):
    pos = next(i for i in p.survey.items if i.item == item)
    return next(a for a in pos.answers if a.label == label)


def test_people_who_think_we_spend_too_much_rank_by_that_answers_share(home):
    store = open_test_store(home)
    pset = store.save(survey_set())
    r = search_personas(store, "people who think we spend too much on welfare")
    over = [p for p in pset.personas
            if _share(p, "natfare", "too much").share > _share(p, "natfare", "too much").sample_share]
    best = max(over, key=lambda p: _share(p, "natfare", "too much").share)
    assert [h.persona_id for h in r.hits][0] == best.id and len(r.hits) == len(over)
    a = _share(best, "natfare", "too much")
    assert r.hits[0].why == [f'on "Welfare" {fmt.share(a.share)} of the group say too much, against '
                             f"{fmt.share(a.sample_share)} of all respondents"]
    shares = [_share(next(p for p in pset.personas if p.id == h.persona_id), "natfare", "too much").share
              for h in r.hits]
    assert shares == sorted(shares, reverse=True)


def test_an_opinion_with_who_filters_by_demographics_and_plain_queries_still_work(home):
    store = open_test_store(home)
    pset = store.save(survey_set())
    r = search_personas(store, "men who say too little is spent on the military")
    assert r.hits and all(next(p for p in pset.personas if p.id == h.persona_id).gender == "male" for h in r.hits)
    assert "The military, armaments and defense" in r.hits[0].why[0]
    r = search_personas(store, "women over 30")
    assert [h.name for h in r.hits] == ["Maya Green"]

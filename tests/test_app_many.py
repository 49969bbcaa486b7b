"""100 personas in the app: the picker, the cards, profiles and search through the handlers, with MovieLens
100K at k = 100 indexed with the real embedding model (the default backend)."""

from __future__ import annotations

import time

import pytest

from personas.data import load
from personas.datasets import movielens_spec
from personas.pipeline import GenerateOptions, generate
from usecases.settings import Settings
from webapp import handlers, views
from webapp.services import build_services

pytestmark = [pytest.mark.slow, pytest.mark.movielens]
K = 100


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    settings = Settings(home=tmp_path_factory.mktemp("many") / "home", embedding_model=None, min_support=0,
                        min_users=1)
    services = build_services(settings)
    pset = generate(load(movielens_spec()), settings.generation,
                    GenerateOptions(name="ml100", version=1, k=K, seed=0))
    services.store.save(pset)
    return services, pset, "ml100@v1"


def test_picker_offers_every_persona_once_with_labels_apart(app) -> None:
    services, pset, ref = app
    profile_dd, chat_dd = handlers.set_changed(services, ref)
    for dd in (profile_dd, chat_dd):
        labels = [label for label, _ in dd["choices"]]
        assert [pid for _, pid in dd["choices"]] == [p.id for p in pset.personas]
        assert len(labels) == K and len(set(labels)) == K  # a user can tell each of the 100 apart
    assert profile_dd["value"] == pset.personas[0].id


def test_cards_and_profiles_of_all_hundred(app) -> None:
    services, pset, ref = app
    t0 = time.perf_counter()
    cards = [views.persona_card(p) for p in handlers.personas_of(services, ref)]
    assert time.perf_counter() - t0 < 5.0  # the cards page renders them all at once
    assert len(cards) == K and all(p.name in c for p, c in zip(pset.personas, cards))
    last = pset.personas[-1]
    profile, *frames = handlers.show_profile(services, last.id)
    assert last.name in profile and not frames[0].empty
    listed = handlers.api_list_personas(services, ref)
    assert [row["id"] for row in listed] == [p.id for p in pset.personas]


def test_search_finds_the_group_among_a_hundred(app) -> None:
    services, pset, ref = app
    retired = {p.id for p in pset.personas if p.group.get("occupation") == "retired"}
    assert retired, "MovieLens at k = 100 holds a retired group"
    cards, note = handlers.ui_search(services, "retired people", 5, ref)
    # the occupation is read as a filter: only retired groups come back, however many personas there are
    assert cards and {c["persona_id"] for c in cards} <= retired, [c["name"] for c in cards]
    assert f"{len(cards)} persona" in note


def test_a_broad_query_ranks_many_of_the_hundred_by_score(app) -> None:
    """A query that names no group (no filter): hits come from across the set, best first, through the /search
    handler and the use case alike."""
    from usecases.search import search

    services, pset, ref = app
    ids = {p.id for p in pset.personas}
    for query, k in (("people who enjoy comedy and romance films", 10), ("fans of action movies", K)):
        found = handlers.api_search(services, query, k, ref)
        hits = found["hits"]
        assert found["set"] == ref and len(hits) >= min(k, 10), (query, found["message"])
        scores = [h["score"] for h in hits]
        assert scores == sorted(scores, reverse=True) and scores[0] > scores[-1]  # ordered, and not all equal
        assert len({h["persona_id"] for h in hits}) == len(hits) and {h["persona_id"] for h in hits} <= ids
        assert all(h["why"] for h in hits[:3])  # the best hits say what matched
        direct = search(services.store, query, k, ref)
        assert [h.persona_id for h in direct.hits] == [h["persona_id"] for h in hits]

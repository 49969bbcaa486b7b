"""Hybrid retrieval of a persona's facts, on real Chroma with the real embedding model."""

from __future__ import annotations

import pytest

from personas.data import load
from personas.datasets import demo_spec
from personas.errors import InputError, NotFoundError
from personas.pipeline import GenerateOptions, generate
from retrieval.retriever import HybridRetriever, PersonaFactRetriever, langchain_vectorstore, route
from usecases.settings import Settings
from usecases.store import open_store


@pytest.fixture(scope="module")
def real_store(tmp_path_factory):
    settings = Settings(home=tmp_path_factory.mktemp("real"), embedding_model=None)
    store = open_store(settings)
    pset = generate(load(demo_spec()), settings.generation, GenerateOptions(name="demo", version=1, k=10, seed=0))
    store.save(pset)
    return store, pset


def _questions(p):
    """Questions whose answer is one known fact, worded unlike the fact sentence."""
    top = p.stats.top_content
    topic = p.stats.topics[0].topic
    return [
        ("How big is your group?", f"{p.id}:audience:size"),
        ("How many views do you have in total?", f"{p.id}:audience:size"),
        ("Where are you from and how old are you?", f"{p.id}:demographics:group"),
        (f"How many times did your group watch \"{top[1].title}\"?", None),
        (f"Are you into {topic.lower()}?", None),
        ("Which month were you most active?", f"{p.id}:trend:monthly"),
    ], top[1], topic


def test_hybrid_finds_the_answer_fact_and_only_the_personas_facts(real_store):
    store, pset = real_store
    hybrid = HybridRetriever(store)
    for p in pset.personas:
        questions, item, topic = _questions(p)
        for question, expected in questions:
            results = hybrid.retrieve(p.id, question, k=5)
            assert {r.persona_id for r in results} == {p.id}
            assert all(r.fact.metadata["persona_id"] == p.id for r in results)
            top_ids = [r.id for r in results]
            if expected is None and "watch" in question:
                assert results[0].fact.metadata.get("content_id") == item.content_id, (question, top_ids)
            elif expected is None:
                assert results[0].fact.metadata.get("topic") == topic, (question, top_ids)
            else:
                assert expected in top_ids[:3], (question, top_ids)


def test_hybrid_beats_vector_only_on_ranks_and_numbers(real_store):
    """Vector search alone cannot tell 'number 3' from 'number 4', nor find 'how old' in a demographics fact."""
    store, pset = real_store
    modes = {m: HybridRetriever(store, mode=m) for m in ("vector", "hybrid")}
    hits = {m: 0 for m in modes}
    total = 0
    for p in pset.personas:
        cases = [(f"What is your number {i} video?", lambda r, c=c: r.fact.metadata.get("content_id") == c.content_id)
                 for i, c in enumerate(p.stats.top_content[:5], start=1)]
        cases.append(("How old are you?", lambda r: r.fact.fact_type == "demographics"))
        for question, correct in cases:
            total += 1
            for m, r in modes.items():
                hits[m] += correct(r.retrieve(p.id, question, k=1)[0])
    assert hits["hybrid"] / total >= 0.9, hits
    assert hits["hybrid"] >= hits["vector"] + total // 2, hits


def test_comparison_question_retrieves_the_other_persona_too(real_store):
    store, pset = real_store
    me, other = pset.personas[2], pset.personas[0]
    results = HybridRetriever(store).retrieve(me.id, f"How are you different from {other.name.split()[0]}?", k=4)
    assert {r.persona_id for r in results} == {me.id, other.id}
    assert sum(r.persona_id == other.id for r in results) == 4


def test_langchain_retriever_and_vectorstore(real_store):
    store, pset = real_store
    p = pset.personas[1]
    docs = PersonaFactRetriever(hybrid=HybridRetriever(store), persona_id=p.id, k=3).invoke("How big is your audience?")
    assert len(docs) == 3 and docs[0].metadata["fact_id"] == f"{p.id}:audience:size"
    assert docs[0].metadata["group_interactions"] == p.stats.group_interactions
    vs = langchain_vectorstore(store, pset.name, pset.version)
    found = vs.similarity_search(p.stats.topics[0].topic, k=2, filter={"persona_id": p.id})
    assert found and all(d.metadata["persona_id"] == p.id for d in found)


def test_bad_questions_and_unknown_persona(real_store):
    store, pset = real_store
    hybrid = HybridRetriever(store)
    with pytest.raises(InputError, match="empty"):
        hybrid.retrieve(pset.personas[0].id, "   ")
    with pytest.raises(NotFoundError, match="no persona"):
        hybrid.retrieve("demo-v9-99", "hello")
    long = "views " * 2000
    assert hybrid.retrieve(pset.personas[0].id, long, k=2)


def test_router_reads_the_question_kind():
    assert "audience" in route("How many people are in your group?")
    assert "trend" in route("How did this change over time?")
    assert "quote" in route("What did you say about it?")
    assert route("xyzzy") == {}


@pytest.mark.parametrize("first, question, named", [
    ("Will", "Will you watch a video about Japan?", False),  # the verb, not the persona
    ("Will", "How are you different from Will?", True),
    ("Will", "will you watch cooking?", False),
    ("May", "May I ask how old you are?", False),
    ("May", "Do you and May like the same videos?", True),
    ("Ana", "ana, how are you different?", True),  # an ordinary name counts in any case and place
    ("Ana", "How are you different from ana?", True),
    ("Ana", "Do you like banana bread?", False),
])
def test_first_names_that_are_everyday_words(first, question, named):
    from retrieval.retriever import _names_first

    assert _names_first(first, question) is named

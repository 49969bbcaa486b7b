"""The one factory for responders: a name from the settings in, a Responder out.

Backends are imported only when chosen, so the grounded default needs none of them, and a missing package
gives one line that names what to install.
"""

from __future__ import annotations

import os
from urllib.parse import urlparse

from chat.responders.base import Responder, ResponderError
from personas.errors import InputError
from personas.settings import RESPONDERS, Settings

OLLAMA_DEFAULT_URL = "http://127.0.0.1:11434"
# Local OpenAI-compatible servers (vLLM, llama.cpp server, LM Studio) need no key, but the OpenAI client
# refuses to start without one.
LOCAL_PLACEHOLDER_KEY = "not-needed-for-a-local-server"
# One retry absorbs a dropped connection or a 429 without making a dead endpoint cost many timeouts.
MAX_RETRIES = 1


def make_responder(name: str, settings: Settings, *, streaming: bool = True) -> Responder:
    """The responder called ``name`` ('grounded', 'openai', 'ollama', 'llamacpp'), configured by ``settings``.

    ``streaming=False`` makes the LLM responders ask for one complete reply instead of a token stream.
    """
    key = (name or "").strip().lower()
    if key == "grounded":
        from chat.responders.grounded import GroundedResponder

        return GroundedResponder()
    if key == "openai":
        return _openai(settings, streaming)
    if key == "ollama":
        return _ollama(settings, streaming)
    if key == "llamacpp":
        return _llamacpp(settings, streaming)
    raise InputError(f"unknown responder {name!r}: choose one of {', '.join(RESPONDERS)} (PERSONAS_RESPONDER)")


def _need(module: str, install: str) -> None:
    import importlib.util

    if importlib.util.find_spec(module) is None:
        raise ResponderError(f"the {module} package is not installed: {install}")


def _is_local(url: str) -> bool:
    host = (urlparse(url).hostname or "").lower()
    return host in ("localhost", "127.0.0.1", "::1", "0.0.0.0") or host.endswith(".local")


def _model(settings: Settings, responder: str, example: str) -> str:
    if not settings.llm_model:
        raise ResponderError(f"the '{responder}' responder needs a model name: set PERSONAS_LLM_MODEL "
                             f"(e.g. {example})")
    return settings.llm_model


def _openai(settings: Settings, streaming: bool) -> Responder:
    _need("langchain_openai", "pip install langchain-openai")
    from langchain_openai import ChatOpenAI

    from chat.responders.llm import LLMResponder

    model = _model(settings, "openai", "gpt-4o-mini, or the name your server serves")
    base_url = settings.llm_base_url or None
    api_key = settings.llm_api_key or os.environ.get("OPENAI_API_KEY")
    if not api_key:
        if base_url is None or not _is_local(base_url):
            raise ResponderError("the 'openai' responder needs an API key: set OPENAI_API_KEY or "
                                 "PERSONAS_LLM_API_KEY, or point PERSONAS_LLM_BASE_URL at a local server")
        api_key = LOCAL_PLACEHOLDER_KEY
    chat_model = ChatOpenAI(
        model=model,
        base_url=base_url,
        api_key=api_key,
        timeout=settings.llm_timeout,
        max_retries=MAX_RETRIES,
        temperature=settings.llm_temperature,
        max_tokens=settings.llm_max_tokens,
        streaming=streaming,
        disable_streaming=not streaming,
    )
    where = f"the OpenAI-compatible endpoint {base_url or 'https://api.openai.com/v1'} (model {model})"
    return LLMResponder(chat_model, "openai", settings, where=where, streaming=streaming)


def _ollama(settings: Settings, streaming: bool) -> Responder:
    _need("langchain_ollama", "pip install langchain-ollama")
    from langchain_ollama import ChatOllama

    from chat.responders.llm import LLMResponder

    model = _model(settings, "ollama", "llama3.2")
    base_url = settings.llm_base_url or OLLAMA_DEFAULT_URL
    chat_model = ChatOllama(
        model=model,
        base_url=base_url,
        temperature=settings.llm_temperature,
        num_predict=settings.llm_max_tokens,
        num_ctx=settings.llm_context_window,
        client_kwargs={"timeout": settings.llm_timeout},
    )
    where = f"the Ollama server {base_url} (model {model})"
    return LLMResponder(chat_model, "ollama", settings, where=where, streaming=streaming)


def _llamacpp(settings: Settings, streaming: bool) -> Responder:
    _need("llama_cpp", 'pip install "data-personas[llamacpp]"')
    from chat.responders.llamacpp import ChatLlamaCpp, model_path
    from chat.responders.llm import LLMResponder

    path = model_path(settings)
    chat_model = ChatLlamaCpp(
        model_path=str(path),
        n_ctx=settings.llm_context_window,
        temperature=settings.llm_temperature,
        max_tokens=settings.llm_max_tokens,
    )
    return LLMResponder(chat_model, "llamacpp", settings, where=f"the local model {path.name}", streaming=streaming)

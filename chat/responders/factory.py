"""The responders, registered by name in one table: name -> factory, the extra it needs, its help text.

The CLI's choices, the app's dropdown and the settings' allowed values all read ``REGISTRY``; a new responder
is one entry here. Backends are imported only when chosen, so the grounded default needs none of them, and a
missing package gives one line that names the extra to install (pip install "data-personas[llm]").
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING
from urllib.parse import urlparse

from personas.errors import InputError

if TYPE_CHECKING:  # importing this table stays cheap: the settings read its names
    from chat.responders.base import Responder
    from chat.settings import LLMSettings

OLLAMA_DEFAULT_URL = "http://127.0.0.1:11434"
# Local OpenAI-compatible servers (vLLM, llama.cpp server, LM Studio) need no key, but the OpenAI client
# refuses to start without one.
LOCAL_PLACEHOLDER_KEY = "not-needed-for-a-local-server"
# One retry absorbs a dropped connection or a 429 without making a dead endpoint cost many timeouts.
MAX_RETRIES = 1

Factory = Callable[["LLMSettings", bool], "Responder"]


@dataclass(frozen=True)
class Registration:
    """One responder: how to build it, the package it needs and the extra that installs it, what it is."""

    factory: Factory
    help: str
    module: str | None = None  # the import the backend needs (None: nothing beyond the core)
    extra: str | None = None  # the project's extra that installs it: pip install 'data-personas[EXTRA]'


def _need(registration: Registration) -> None:
    import importlib.util

    from chat.responders.base import ResponderError

    if registration.module and importlib.util.find_spec(registration.module) is None:
        raise ResponderError(f"the {registration.module} package is not installed: "
                             f'pip install "data-personas[{registration.extra}]"')


def _is_local(url: str) -> bool:
    host = (urlparse(url).hostname or "").lower()
    return host in ("localhost", "127.0.0.1", "::1", "0.0.0.0") or host.endswith(".local")


def _model(llm: LLMSettings, responder: str, example: str) -> str:
    from chat.responders.base import ResponderError

    if not llm.model:
        raise ResponderError(f"the '{responder}' responder needs a model name: set PERSONAS_LLM_MODEL "
                             f"(e.g. {example})")
    return llm.model


def _grounded(llm: LLMSettings, streaming: bool) -> Responder:
    from chat.responders.grounded import GroundedResponder

    return GroundedResponder()


def _openai(llm: LLMSettings, streaming: bool) -> Responder:
    from langchain_openai import ChatOpenAI

    from chat.responders.base import ResponderError
    from chat.responders.llm import LLMResponder

    model = _model(llm, "openai", "gpt-4o-mini, or the name your server serves")
    base_url = llm.base_url or None
    api_key = llm.api_key  # PERSONAS_LLM_API_KEY, else OPENAI_API_KEY (both read by the entry point's settings)
    if not api_key:
        if base_url is None or not _is_local(base_url):
            raise ResponderError("the 'openai' responder needs an API key: set OPENAI_API_KEY or "
                                 "PERSONAS_LLM_API_KEY, or point PERSONAS_LLM_BASE_URL at a local server")
        api_key = LOCAL_PLACEHOLDER_KEY
    chat_model = ChatOpenAI(
        model=model,
        base_url=base_url,
        api_key=api_key,
        timeout=llm.timeout,
        max_retries=MAX_RETRIES,
        temperature=llm.temperature,
        max_tokens=llm.max_tokens,
        streaming=streaming,
        disable_streaming=not streaming,
    )
    where = f"the OpenAI-compatible endpoint {base_url or 'https://api.openai.com/v1'} (model {model})"
    return LLMResponder(chat_model, "openai", llm, where=where, streaming=streaming)


def _ollama(llm: LLMSettings, streaming: bool) -> Responder:
    from langchain_ollama import ChatOllama

    from chat.responders.llm import LLMResponder

    model = _model(llm, "ollama", "llama3.2")
    base_url = llm.base_url or OLLAMA_DEFAULT_URL
    chat_model = ChatOllama(
        model=model,
        base_url=base_url,
        temperature=llm.temperature,
        num_predict=llm.max_tokens,
        num_ctx=llm.context_window,
        client_kwargs={"timeout": llm.timeout},
    )
    where = f"the Ollama server {base_url} (model {model})"
    return LLMResponder(chat_model, "ollama", llm, where=where, streaming=streaming)


def _llamacpp(llm: LLMSettings, streaming: bool) -> Responder:
    from chat.responders.llamacpp import ChatLlamaCpp, model_path
    from chat.responders.llm import LLMResponder

    path = model_path(llm)
    chat_model = ChatLlamaCpp(
        model_path=str(path),
        n_ctx=llm.context_window,
        temperature=llm.temperature,
        max_tokens=llm.max_tokens,
    )
    return LLMResponder(chat_model, "llamacpp", llm, where=f"the local model {path.name}", streaming=streaming)


def _styled(llm: LLMSettings, streaming: bool) -> Responder:
    """The grounded answer rewritten by the LLM responder ``llm.style_backend`` (chat/responders/styled.py)."""
    from chat import gate
    from chat.responders.styled import StyledResponder, llm_rewriter

    backend = make_responder(llm.style_backend, llm, streaming=False)
    chat_model, explain = getattr(backend, "chat_model", None), getattr(backend, "explain", None)
    if chat_model is None or explain is None:
        raise InputError(f"the 'styled' responder needs an LLM backend, not {llm.style_backend!r}: set "
                         f"PERSONAS_STYLE_BACKEND to llamacpp, openai or ollama")
    return StyledResponder(llm_rewriter(chat_model, explain), gate.check, gate.persona_stats)


REGISTRY: dict[str, Registration] = {
    "grounded": Registration(_grounded, "composed from the facts, no model"),
    "openai": Registration(_openai, "any OpenAI-compatible endpoint", "langchain_openai", "llm"),
    "ollama": Registration(_ollama, "an Ollama server", "langchain_ollama", "llm"),
    "llamacpp": Registration(_llamacpp, "a local GGUF model (llama.cpp)", "llama_cpp", "llamacpp"),
    # The backend's own registration names its package and extra (llamacpp by default: [llamacpp]).
    "styled": Registration(_styled, "the grounded answer in an LLM's voice, kept only if every claim survives"),
}
STYLE_BACKENDS: tuple[str, ...] = ("llamacpp", "openai", "ollama")
RESPONDERS: tuple[str, ...] = tuple(REGISTRY)


def make_responder(name: str, llm: LLMSettings, *, streaming: bool = True) -> Responder:
    """The responder called ``name`` (one of ``RESPONDERS``), configured by the LLM settings.

    ``streaming=False`` makes the LLM responders ask for one complete reply instead of a token stream.
    """
    key = (name or "").strip().lower()
    registration = REGISTRY.get(key)
    if registration is None:
        raise InputError(f"unknown responder {name!r}: choose one of {', '.join(RESPONDERS)} (PERSONAS_RESPONDER)")
    _need(registration)
    return registration.factory(llm, streaming)

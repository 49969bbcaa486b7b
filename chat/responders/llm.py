"""An LLM behind the Responder interface: any LangChain chat model (ChatOpenAI, ChatOllama, the llama.cpp
model in :mod:`chat.responders.llamacpp`), with the prompt budgeted to the model's context window.

Every way an endpoint can fail (down, slow, HTTP error, a reply that is not the API's format, an empty
answer) becomes one :class:`ResponderError` whose message says what went wrong and what to do, so the chain
can show it or fall back to the grounded responder.
"""

from __future__ import annotations

import json
import socket
from collections.abc import Iterator

from langchain_core.language_models import BaseChatModel

from chat import prompt as prompts
from chat import tokens
from chat.responders.base import ResponderError, ResponderRequest
from chat.settings import LLMSettings

# cl100k_base is not every model's tokenizer; leave a little room so a count that is a few per cent low
# still fits. SmolLM2's tokenizer, for one, needed 1,118 tokens where cl100k_base counted 1,002 (a typical
# persona prompt), 12% more.
TOKENIZER_MARGIN = 0.15


class LLMResponder:
    """Answers with a chat model. ``where`` names the endpoint or file for error messages."""

    def __init__(
        self,
        chat_model: BaseChatModel,
        name: str,
        settings: LLMSettings,
        *,
        where: str = "",
        streaming: bool = True,
        min_facts: int = 2,
    ) -> None:
        self.chat_model = chat_model
        self.name = name
        self.where = where or name
        self.streaming = streaming
        self.timeout = settings.timeout
        self.context_window = settings.context_window
        self.max_tokens = settings.max_tokens
        self.min_facts = min_facts

    def prepare(self, request: ResponderRequest) -> tokens.BudgetedPrompt:
        """The messages that :meth:`stream` sends for ``request``, and which facts and turns they hold."""
        return tokens.fit(
            lambda facts, history: prompts.build_messages(request, facts, history),
            request.facts,
            request.history,
            context_window=self.context_window,
            max_tokens=self.max_tokens,
            min_facts=self.min_facts,
            margin=TOKENIZER_MARGIN,
        )

    def stream(self, request: ResponderRequest) -> Iterator[str]:
        return self.stream_prepared(self.prepare(request))

    def stream_prepared(self, prompt: tokens.BudgetedPrompt) -> Iterator[str]:
        """Yield the answer in chunks as the model writes them; ResponderError on any failure."""
        produced = False
        try:
            if self.streaming:
                for chunk in self.chat_model.stream(prompt.messages):
                    text = chunk.text
                    if text:
                        produced = produced or bool(text.strip())
                        yield text
            else:
                # stream=False asks the endpoint for one JSON reply (some servers stream badly or not at all).
                text = self.chat_model.invoke(prompt.messages, stream=False).text
                produced = bool(text.strip())
                if produced:
                    yield text
        except ResponderError:
            raise
        except Exception as exc:  # every client failure becomes one clear line
            raise ResponderError(self.explain(exc)) from exc
        if not produced:
            raise ResponderError(
                f"the '{self.name}' responder got an empty answer from {self.where}: check that the model is "
                f"loaded and can chat, or use another model (PERSONAS_LLM_MODEL)"
            )

    def explain(self, exc: BaseException) -> str:
        return describe_failure(exc, self.name, self.where, self.timeout)


def _chain(exc: BaseException) -> list[BaseException]:
    """The exception and what caused it: clients wrap transport errors in their own types."""
    seen: list[BaseException] = []
    current: BaseException | None = exc
    while current is not None and current not in seen and len(seen) < 10:
        seen.append(current)
        current = current.__cause__ or current.__context__
    return seen


def _status(exc: BaseException) -> int | None:
    """The HTTP error status an exception carries (a 200 whose body was unreadable is not an HTTP error)."""
    for code in (getattr(exc, "status_code", None), getattr(getattr(exc, "response", None), "status_code", None)):
        if isinstance(code, int) and code >= 400:
            return code
    return None


def _body(exc: BaseException) -> str:
    """A short, single-line excerpt of what the server said."""
    text = getattr(exc, "error", None) or getattr(exc, "message", None) or str(exc)
    text = " ".join(str(text).split())
    return text[:160] + ("..." if len(text) > 160 else "")


def describe_failure(exc: BaseException, name: str, where: str, timeout: float) -> str:
    """One line: what went wrong with the endpoint, and what to do about it."""
    import httpx

    chain = _chain(exc)
    kinds = {type(e).__name__ for e in chain}
    who = f"the '{name}' responder"
    if any(isinstance(e, (httpx.TimeoutException, TimeoutError, socket.timeout)) for e in chain) or (
        "APITimeoutError" in kinds
    ):
        return (f"{who} timed out after {timeout:g} s waiting for {where}: check that the server is up and not "
                f"overloaded, or raise PERSONAS_LLM_TIMEOUT")
    for e in chain:
        code = _status(e)
        if code is None:
            continue
        if code in (401, 403):
            return (f"{who} was refused by {where} with HTTP {code} ({_body(e)}); set the API key "
                    f"(PERSONAS_LLM_API_KEY or OPENAI_API_KEY)")
        if code == 404:
            return (f"{who} got HTTP 404 from {where} ({_body(e)}); check the model name (PERSONAS_LLM_MODEL; "
                    f"for Ollama, `ollama pull` it) and the base URL (PERSONAS_LLM_BASE_URL)")
        return f"{who} got HTTP {code} from {where} ({_body(e)}); check the server's log, or try again later"
    if any(isinstance(e, (httpx.ConnectError, ConnectionError)) for e in chain) or "APIConnectionError" in kinds:
        return (f"{who} cannot connect to {where}: start the server or set PERSONAS_LLM_BASE_URL to where it "
                f"runs (or use PERSONAS_RESPONDER=grounded, which needs no model)")
    if any(isinstance(e, (json.JSONDecodeError, UnicodeDecodeError)) for e in chain) or kinds & {
        "APIResponseValidationError", "ValidationError", "RemoteProtocolError", "DecodingError"
    }:
        return (f"{who} got a reply from {where} that is not the API's format ({_body(exc)}); check that the "
                f"base URL points at an OpenAI-compatible or Ollama API, as configured")
    return f"{who} failed at {where}: {type(exc).__name__}: {_body(exc)}"

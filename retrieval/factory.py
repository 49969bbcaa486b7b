"""Build the store and the embeddings from their settings (the one place that knows the backends)."""

from __future__ import annotations

import importlib
import re
from functools import lru_cache
from pathlib import Path

from langchain_core.embeddings import Embeddings

from .embeddings import EmbeddingModelError, LocalEmbeddings
from .onnx_embeddings import OnnxEmbeddings, require_runtime
from .settings import EmbeddingSettings, StoreSettings, default_export_dir
from .store import ChromaSetStore, StoreConfig, connect

# MODULE:FACTORY, e.g. retrieval.embeddings:HashEmbeddings (a folder path holds a separator or no colon)
_FACTORY = re.compile(r"^[A-Za-z_][\w.]*:[A-Za-z_][\w.]*$")
# What `auto` picks: ONNX fp32 gives torch's vectors; int8 kept hybrid recall@5 but cost vector-only recall@5 up
# to 3.2 points (docs/store.md), and the chat's nearest-neighbour readers learn from these vectors
AUTO_BACKEND = "onnx"


@lru_cache(maxsize=8)
def _local_embeddings(backend: str, model: str | None, batch_size: int, threads: int, batch_threads: int,
                      export_dir: Path) -> Embeddings:
    # One model per process: loading it costs seconds, and it is safe to share. Nothing loads before the
    # first embedding (a command that never embeds never exports).
    def torch_model() -> LocalEmbeddings:
        return LocalEmbeddings(model, batch_size=batch_size, threads=threads, batch_threads=batch_threads)

    if backend == "torch":
        return torch_model()
    auto = backend == "auto"
    if not auto:
        require_runtime()  # chosen by name: a missing package is an error that names the extra
    return OnnxEmbeddings(model, cache_dir=export_dir, int8=(AUTO_BACKEND if auto else backend) == "onnx-int8",
                          batch_size=batch_size, threads=batch_threads, query_threads=threads,
                          fallback=torch_model if auto else None)


def _from_factory(spec: str) -> Embeddings:
    module_name, _, attr = spec.partition(":")
    try:
        target: object = importlib.import_module(module_name)
        for part in attr.split("."):
            target = getattr(target, part)
    except (ImportError, AttributeError) as exc:
        raise EmbeddingModelError(f"PERSONAS_EMBEDDING_MODEL {spec!r} names no importable factory ({exc}); give "
                                  "a sentence-transformers folder or MODULE:FACTORY") from None
    embeddings = target() if callable(target) else target
    if not isinstance(embeddings, Embeddings):
        raise EmbeddingModelError(f"PERSONAS_EMBEDDING_MODEL {spec!r} did not make a LangChain Embeddings")
    return embeddings


def make_embeddings(settings: EmbeddingSettings) -> Embeddings:
    """The configured embedding model: a sentence-transformers folder (default: the packaged MiniLM) run by
    the configured backend, or what a MODULE:FACTORY setting builds (any LangChain ``Embeddings`` with a
    ``name``). ONNX exports are cached in the export folder (default: the user's cache, shared by every home)."""
    if settings.model and _FACTORY.match(settings.model):
        return _from_factory(settings.model)
    export_dir = settings.export_dir or default_export_dir()
    return _local_embeddings(settings.backend, settings.model, settings.batch_size, settings.threads,
                             settings.batch_threads, export_dir)


def open_store(settings: StoreSettings, embeddings: EmbeddingSettings | Embeddings | None = None) -> ChromaSetStore:
    """The persona-set store: embedded under HOME/chroma, or the Chroma server the settings name. ``embeddings``
    is the embedding section (default: its defaults) or an ``Embeddings`` object to use as it is."""
    if not isinstance(embeddings, Embeddings):
        embeddings = make_embeddings(embeddings if embeddings is not None else EmbeddingSettings())
    config = StoreConfig(path=settings.home / "chroma", host=settings.chroma_host, port=settings.chroma_port)
    lock = None if config.host else config.path / ".write.lock"
    server = f"{config.host}:{config.port}" if config.host else None
    store = ChromaSetStore(connect(config), embeddings, model_dir=settings.home / "models",
                           lock_path=lock, server=server)
    store.swept = store.sweep()  # leftovers of builds that died; the front doors say what was removed
    return store

"""Build the store and the embeddings from the settings (the one place that knows the backends)."""

from __future__ import annotations

from functools import lru_cache

from personas.settings import Settings

from .embeddings import HashEmbeddings, LocalEmbeddings
from .store import ChromaSetStore, StoreConfig, connect


@lru_cache(maxsize=4)
def _local_embeddings(model: str | None, batch_size: int, threads: int) -> LocalEmbeddings:
    # One model per process: loading it costs seconds, and it is safe to share.
    return LocalEmbeddings(model, batch_size=batch_size, threads=threads)


def make_embeddings(settings: Settings) -> LocalEmbeddings | HashEmbeddings:
    if settings.embedding_model == "hash":
        return HashEmbeddings()
    return _local_embeddings(settings.embedding_model, settings.embedding_batch_size, settings.embedding_threads)


def open_store(settings: Settings) -> ChromaSetStore:
    config = StoreConfig(path=settings.home / "chroma", host=settings.chroma_host, port=settings.chroma_port)
    lock = None if config.host else config.path / ".write.lock"
    server = f"{config.host}:{config.port}" if config.host else None
    store = ChromaSetStore(connect(config), make_embeddings(settings), model_dir=settings.home / "models",
                           lock_path=lock, server=server)
    store.swept = store.sweep()  # leftovers of builds that died; the front doors say what was removed
    return store

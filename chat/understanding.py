"""Question understanding: which kind of answer a question asks for (chat/kinds.py), read from its sentence
embedding by nearest neighbours over the table's example questions, with exact rules only where exactness
matters (the injection guard, greetings, ordinals, quoted or named titles, named topics, named personas).

The embedding is the one retrieval computes for the question, so understanding costs no second model call;
the examples are embedded once per process through the store's embedding cache. A question whose nearest
kinds are too far or too close to call abstains (kind ``unknown``), and the responder then answers from the
words it can match, or says what its data covers.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from personas.profile import Persona

from .intents import Intent, ordinal, plain, quoted, topic_named, title_named
from .kinds import CONTENT_KINDS, KINDS, LEARNED, TOPIC_KINDS

# Exactness matters: an attempt to change the rules is never left to a similarity score
_GUARD = re.compile(
    r"\b(system prompt|your (hidden |secret )?(instructions|prompt|rules)|ignore (all |the |your )?(previous|prior|"
    r"above|earlier)?\s*(instructions|rules|data)|jailbreak|developer mode|pretend (to be|you('re| are))|"
    r"act as (a |an )?(real|actual|human)|role-?play|stay in character|make up (a|an|some) (number|figure|fact|stat)\w*|"
    r"invent(ed)? (a|an|some) \w+|fabricate\w*|fake (number|stat|quote)\w*)\b")
_GREETING = re.compile(r"^\s*(hi|hello|hey|hiya|good (morning|afternoon|evening)|thanks|thank you|cheers)\b"
                       r"[\s!.,]*(there|a lot|so much|again)?[\s!.,]*$")
_TOPIC_WORD = re.compile(r"\b(topics?|genres?|categor\w+|subjects?|themes?)\b")
_CONTENT_WORD = re.compile(r"\b(videos?|movies?|films?|titles?|items?|uploads?|clips?|episodes?|list|content)\b")
# Kinds whose answer uses a topic the question names in its own way; for any other kind, a named topic of the
# persona's data is what the question is about ("tell me about your interest in Tech Reviews")
_USES_TOPIC = frozenset(["would_watch", "advice", "why", "quotes", "compare", "meta", "greeting", "least",
                         "real_person", "shared", "quality", "trend", "peak", "regularity", "rates"])
_ABOUT_TITLE = frozenset(["topics", "content_top", "content_most", "unknown", "audience", "identity", "least"])


@dataclass(frozen=True)
class Reading:
    """What the classifier made of a question's embedding."""

    kind: str  # the best kind, or 'unknown' when it abstained
    best: str  # the best kind, even when it abstained
    score: float  # its similarity (the mean of its nearest examples)
    margin: float  # its lead over the next-best kind
    abstained: bool


class KindClassifier:
    """Nearest-neighbour classifier over labelled example questions (unit vectors; cosine = dot product).

    A kind's score is the mean similarity of its ``k`` nearest examples, which is steadier than the single
    nearest one; the prediction abstains when the best score is under ``min_similarity`` or leads the
    next-best kind by less than ``margin``.
    """

    def __init__(self, k: int = 2, min_similarity: float = 0.35, margin: float = 0.0) -> None:
        self.k = k
        self.min_similarity = min_similarity
        self.margin = margin

    def fit(self, X: np.ndarray, y: Sequence[str]) -> KindClassifier:
        """X: (n examples, dim) unit vectors; y: their kinds."""
        self.X_ = np.asarray(X, dtype=np.float32)
        self.y_ = np.asarray(list(y))
        self.classes_ = np.array(sorted(set(self.y_)))
        self.members_ = [np.flatnonzero(self.y_ == c) for c in self.classes_]
        return self

    def class_scores(self, x: np.ndarray) -> np.ndarray:
        """(n classes,) the mean similarity of each kind's k nearest examples to the unit vector x."""
        sims = self.X_ @ np.asarray(x, dtype=np.float32)
        out = np.empty(len(self.classes_))
        for i, idx in enumerate(self.members_):
            s = sims[idx]
            top = np.partition(s, len(s) - min(self.k, len(s)))[-self.k:] if len(s) > self.k else s
            out[i] = float(top.mean())
        return out

    def read(self, x: np.ndarray) -> Reading:
        scores = self.class_scores(x)
        order = np.argsort(-scores)
        best, second = order[0], order[1] if len(order) > 1 else order[0]
        margin = float(scores[best] - scores[second])
        abstain = bool(scores[best] < self.min_similarity or margin < self.margin)
        kind = str(self.classes_[best])
        return Reading("unknown" if abstain else kind, kind, float(scores[best]), margin, abstain)


def training_set() -> tuple[list[str], list[str]]:
    """The table's example questions and their kinds, as the classifier reads them (plain())."""
    texts, kinds = [], []
    for name in LEARNED:
        for q in KINDS[name].examples:
            texts.append(plain(q))
            kinds.append(name)
    return texts, kinds


class Understanding:
    """Reads a question into an Intent. ``embed`` turns texts into unit vectors (the store's cached embed)."""

    def __init__(self, embed: Callable[[list[str]], np.ndarray], classifier: KindClassifier | None = None) -> None:
        self.embed = embed
        self.classifier = classifier or KindClassifier()
        self._fitted = False

    def fit(self) -> Understanding:
        texts, kinds = training_set()
        self.classifier.fit(np.asarray(self.embed(texts), dtype=np.float32), kinds)
        self._fitted = True
        return self

    def vector(self, question: str) -> np.ndarray:
        return np.asarray(self.embed([plain(question)])[0], dtype=np.float32)

    def read(self, question: str, qvec: np.ndarray | None = None, persona: Persona | None = None,
             set_personas: Sequence[Persona] = (), mentioned: Sequence[Persona] = ()) -> Intent:
        if not self._fitted:
            self.fit()
        q = plain(question)
        rank, title = ordinal(question), quoted(question)
        if _GUARD.search(q):
            return Intent("meta", rank, title, source="rule")
        if _GREETING.match(q):
            return Intent("greeting", rank, title, source="rule")
        reading = self.classifier.read(self.vector(question) if qvec is None else qvec)
        kind = self._refine(reading.kind, q, question, rank, title, persona, set_personas, mentioned)
        return Intent(kind, rank, title, score=reading.score, margin=reading.margin, learned=reading.best,
                      source="classifier" if kind == reading.kind else "rule")

    @staticmethod
    def _refine(kind: str, q: str, question: str, rank: int | None, title: str | None, persona: Persona | None,
                set_personas: Sequence[Persona], mentioned: Sequence[Persona]) -> str:
        """The exact rules after the classifier: what the question names decides between related kinds."""
        if mentioned and kind not in ("meta", "shared", "quotes"):
            return "compare"  # "what separates you from Ana?" names another persona of the set
        topics = [t.topic for t in persona.stats.topics] if persona else []
        named = [t for t in topics if topic_named(t, q)]
        set_topics = list(dict.fromkeys(t.topic for o in (*set_personas, *([persona] if persona else []))
                                        for t in o.stats.topics))
        missing = [t for t in set_topics if t not in topics and topic_named(t, q)]
        if rank is not None and kind in TOPIC_KINDS | CONTENT_KINDS | {"unknown", "audience"} and not named:
            # the words decide between the n-th topic and the n-th title; the kind only when it names neither
            if re.search(r"\btop content\b", q) or (_CONTENT_WORD.search(q) and not _TOPIC_WORD.search(q)):
                return "content_rank"
            return "topic_rank" if _TOPIC_WORD.search(q) or kind in TOPIC_KINDS else "content_rank"
        if kind in CONTENT_KINDS and _TOPIC_WORD.search(q) and not title:
            kind = "topics"  # "which genres of film ...": the data's topics, whatever else it says of titles
        titles = [c.title for c in persona.stats.top_content] if persona else []
        if title and kind in _ABOUT_TITLE | {"content_title"}:
            return "content_title"
        if kind in _ABOUT_TITLE and any(title_named(t, question) for t in titles):
            return "content_title"
        if kind == "advice" and named:
            return "would_watch"  # "should we make more X?": X's share and lift, and what that suggests
        if kind == "least" and len(named) >= 2:
            return "topic_pair"  # "do you watch less X than Y?"
        if kind not in _USES_TOPIC:
            if len(named) >= 2:
                return "topic_pair"
            if named:
                return "topic"
            if missing and kind in _ABOUT_TITLE:
                return "topic_missing"
        return kind

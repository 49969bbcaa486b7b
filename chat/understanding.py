"""Question understanding: which kind of answer a question asks for (chat/kinds.py), read from its sentence
embedding by a linear classifier learned from the table's example questions, with exact rules only where exactness
matters (the injection guard, greetings, ordinals, quoted or named titles, named topics, named personas).

The embedding is the one retrieval computes for the question, so understanding costs no second model call;
the examples are embedded once through the store's embedding cache and the fitted classifier is kept next to
the store's models. A question whose best kinds are too unlikely or too close to call abstains (kind
``unknown``), and the responder then answers from the words it can match, or says what its data covers.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from personas.profile import Persona

from .intents import Intent, mask_titles, ordinal, plain, quoted, topic_named, title_named
from .kinds import CONTENT_KINDS, KINDS, LEARNED, SURVEY_LEARNED, SURVEY_REFUSED, TOPIC_KINDS
from retrieval.survey_items import match_item

# Exactness matters: an attempt to change the rules is never left to a similarity score
_GUARD = re.compile(
    r"\b(system prompt|your (hidden |secret )?(instructions|prompt|rules)|ignore (all |the |your )?(previous|prior|"
    r"above|earlier)?\s*(instructions|rules|data)|jailbreak|developer mode|pretend (to be|you('re| are))|"
    r"act as (a |an )?(real|actual|human)|role-?play|stay in character|"
    r"make up (a|an|some) (number|figure|fact|stat)\w*|"
    r"invent(ed)? (a|an|some) \w+|fabricate\w*|fake (number|stat|quote)\w*)\b")
_GREETING = re.compile(r"^\s*(hi|hello|hey|hiya|good (morning|afternoon|evening)|thanks|thank you|cheers)\b"
                       r"[\s!.,]*(there|a lot|so much|again)?[\s!.,]*$")
_TOPIC_WORD = re.compile(r"\b(topics?|genres?|categor\w+|subjects?|themes?|interests)\b")
# A measure of the data named with a quantity ("likes per view", "how many watch minutes"): its counts
_QUANTITY = re.compile(r"\b(how many|how much|per|rate|count|number of|total|average|figure)\b")
_CONTENT_WORD = re.compile(r"\b(videos?|movies?|films?|titles?|items?|uploads?|clips?|episodes?|list|content)\b")
# Kinds whose answer uses a topic the question names in its own way; for any other kind, a named topic of the
# persona's data is what the question is about ("tell me about your interest in Tech Reviews")
_USES_TOPIC = frozenset(["would_watch", "advice", "why", "quotes", "compare", "meta", "greeting", "least",
                         "real_person", "shared", "quality", "trend", "peak", "regularity"])
# Questions about the persona's own life ("how many children do you have?") stay what they are when a word of
# theirs is also a survey item's ("assistance for child care"): the answer says the survey did not record it
_ABOUT_THE_PERSONA = frozenset(["family", "contact", "location_detail"])
_ABOUT_TITLE = frozenset(["topics", "content_top", "content_most", "unknown", "audience", "identity", "least"])


@dataclass(frozen=True)
class Reading:
    """What the classifier made of a question's embedding."""

    kind: str  # the best kind, or 'unknown' when it abstained
    best: str  # the best kind, even when it abstained
    score: float  # its probability
    margin: float  # its lead over the next-best kind's probability
    abstained: bool


class KindClassifier:
    """A linear softmax classifier over the sentence embeddings of labelled example questions.

    Measured on the table's own examples (5-fold cross-validation, all-MiniLM-L6-v2): nearest neighbours
    0.63-0.65, nearest centroid 0.70, this model 0.79; see docs/chat.md. It abstains when the question is far
    from every example (nearest cosine under ``min_similarity``: "what's the weather?"), when the best kind's
    probability is under ``min_probability``, or when it leads the next-best kind by less than ``margin``.
    Learned state: ``coef_`` (n kinds, dim), ``intercept_`` (n kinds,), ``classes_``, ``examples_`` (the
    example vectors, for the distance check).
    """

    def __init__(self, C: float = 20.0, min_probability: float = 0.15, margin: float = 0.01,
                 min_similarity: float = 0.42, random_state: int = 0) -> None:
        self.C = C
        self.min_probability = min_probability
        self.margin = margin
        self.min_similarity = min_similarity
        self.random_state = random_state

    def fit(self, X: np.ndarray, y: Sequence[str]) -> KindClassifier:
        """X: (n examples, dim) unit vectors; y: their kinds."""
        from sklearn.linear_model import LogisticRegression  # lazy: only fitting needs it
        from threadpoolctl import threadpool_limits

        model = LogisticRegression(C=self.C, max_iter=3000, random_state=self.random_state)
        # One BLAS thread: on this small problem (hundreds of examples, 384 dimensions) threads only contend;
        # measured 0.2 s with one against 6-12 s with two on a loaded 2-core machine (docs/chat.md)
        with threadpool_limits(limits=1):
            model.fit(np.asarray(X, dtype=np.float64), list(y))
        self.coef_ = model.coef_.astype(np.float32)
        self.intercept_ = model.intercept_.astype(np.float32)
        self.classes_ = np.asarray(model.classes_)
        self.examples_ = np.asarray(X, dtype=np.float32)
        return self

    def set_state(self, coef: np.ndarray, intercept: np.ndarray, classes: Sequence[str],
                  examples: np.ndarray) -> KindClassifier:
        """Learned state saved by an earlier fit (the same examples, embedding model and parameters)."""
        self.coef_, self.intercept_, self.classes_ = coef, intercept, np.asarray(list(classes))
        self.examples_ = examples
        return self

    def predict_proba(self, X: np.ndarray) -> np.ndarray:
        """(n, n kinds) probabilities for (n, dim) vectors."""
        z = np.atleast_2d(np.asarray(X, dtype=np.float32)) @ self.coef_.T + self.intercept_
        z -= z.max(axis=1, keepdims=True)
        e = np.exp(z)
        return e / e.sum(axis=1, keepdims=True)

    def read(self, x: np.ndarray) -> Reading:
        p = self.predict_proba(x)[0]
        order = np.argsort(-p)
        best, second = order[0], order[1] if len(order) > 1 else order[0]
        margin = float(p[best] - p[second])
        near = float((self.examples_ @ np.asarray(x, dtype=np.float32)).max())
        abstain = bool(near < self.min_similarity or p[best] < self.min_probability or margin < self.margin)
        kind = str(self.classes_[best])
        return Reading("unknown" if abstain else kind, kind, float(p[best]), margin, abstain)


def training_set(learned: Sequence[str] = LEARNED) -> tuple[list[str], list[str]]:
    """The table's example questions and their kinds, as the classifier reads them (plain(), titles masked)."""
    texts, kinds = [], []
    for name in learned:
        for q in KINDS[name].examples:
            texts.append(plain(mask_titles(q)))
            kinds.append(name)
    return texts, kinds


class Understanding:
    """Reads a question into an Intent. ``embed`` turns texts into unit vectors (the store's cached embed);
    ``cache_dir``, when given, keeps the fitted classifier between processes (a fit takes seconds, a load
    milliseconds), under a name that changes with the examples, the embedding model and the parameters."""

    def __init__(self, embed: Callable[[list[str]], np.ndarray], classifier: KindClassifier | None = None,
                 cache_dir: Path | None = None, model_name: str = "") -> None:
        self.embed = embed
        self.classifier = classifier or KindClassifier()
        self.cache_dir = cache_dir
        self.model_name = model_name
        self._fitted = False
        self._lock = threading.Lock()
        # A survey persona's kinds (chat/kinds.py SURVEY_LEARNED): a classifier of their own, so the
        # analytics classifier, and every analytics answer, stays as it is
        self.survey: Understanding | None = None
        self.learned: Sequence[str] = LEARNED

    def _cache_file(self, texts: Sequence[str], kinds: Sequence[str]) -> Path | None:
        if self.cache_dir is None or not self.model_name:
            return None
        c = self.classifier
        key = json.dumps([self.model_name, list(texts), list(kinds), c.C, c.random_state])
        return self.cache_dir / f"question-kinds-{hashlib.sha256(key.encode()).hexdigest()[:16]}.npz"

    def fit(self) -> Understanding:
        with self._lock:
            if self._fitted:
                return self
            texts, kinds = training_set(self.learned)
            path = self._cache_file(texts, kinds)
            if path is not None and path.exists():
                with np.load(path, allow_pickle=False) as z:
                    self.classifier.set_state(z["coef"], z["intercept"], [str(x) for x in z["classes"]],
                                              z["examples"])
            else:
                self.classifier.fit(np.asarray(self.embed(texts), dtype=np.float32), kinds)
                if path is not None:
                    path.parent.mkdir(parents=True, exist_ok=True)
                    tmp = path.with_suffix(".tmp.npz")
                    np.savez(tmp, coef=self.classifier.coef_, intercept=self.classifier.intercept_,
                             classes=self.classifier.classes_.astype(str), examples=self.classifier.examples_)
                    os.replace(tmp, path)  # another process may be writing the same file
            self._fitted = True
        return self

    def vector(self, question: str) -> np.ndarray:
        return np.asarray(self.embed([plain(question)])[0], dtype=np.float32)

    def for_surveys(self) -> Understanding:
        """The understanding of survey personas' questions: the same embedding, its own kinds."""
        with self._lock:
            if self.survey is None:
                other = Understanding(self.embed, KindClassifier(self.classifier.C, self.classifier.min_probability,
                                                                 self.classifier.margin,
                                                                 self.classifier.min_similarity,
                                                                 self.classifier.random_state),
                                      self.cache_dir, self.model_name)
                other.learned = SURVEY_LEARNED
                self.survey = other
        return self.survey

    def read(self, question: str, qvec: np.ndarray | None = None, persona: Persona | None = None,
             set_personas: Sequence[Persona] = (), mentioned: Sequence[Persona] = ()) -> Intent:
        q = plain(question)
        rank, title = ordinal(question), quoted(question)
        if _GUARD.search(q):
            return Intent("meta", rank, title, source="rule")
        if _GREETING.match(q):
            return Intent("greeting", rank, title, source="rule")
        if persona is not None and persona.survey is not None:
            return self.for_surveys().read_survey(question, qvec, persona)
        if not self._fitted:
            self.fit()
        # A title the question names is masked for the reading (retrieval keeps the whole question's vector)
        masked = mask_titles(question)
        reading = self.classifier.read(self.vector(masked) if qvec is None or masked != question else qvec)
        kind = self._refine(reading.kind, q, question, rank, title, persona, set_personas, mentioned)
        return Intent(kind, rank, title, score=reading.score, margin=reading.margin, learned=reading.best,
                      source="classifier" if kind == reading.kind else "rule")

    @staticmethod
    def _refine(kind: str, q: str, question: str, rank: int | None, title: str | None, persona: Persona | None,
                set_personas: Sequence[Persona], mentioned: Sequence[Persona]) -> str:
        """The exact rules after the classifier: what the question names decides between related kinds."""
        if mentioned and kind not in ("meta", "shared", "quotes"):
            return "compare"  # "what separates you from Ana?" names another persona of the set
        if persona is not None and kind == "rates" and re.search(
                rf"\b(how many|total|in all|altogether|share of all) .*\b{re.escape(persona.count_name.lower())}\b|"
                rf"\b{re.escape(persona.count_name.lower())}\b.* in total\b", q) and \
                not re.search(r"\baverage|typical|\bmean\b", q):
            return "audience"  # "how many ratings ... in total?" counts the data's own unit, even where ratings are
            # also a measure (MovieLens)
        if persona is not None and kind not in ("rates", "meta") and _QUANTITY.search(q) and any(
                re.search(rf"\b{re.escape(r.column.replace('_', ' ').lower())}\b", q) for r in persona.stats.rates):
            return "rates"  # "what is your likes per view?": a measure of this persona's data, counted
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
        if len(named) >= 2 and kind not in ("compare", "meta", "greeting", "quotes"):
            return "topic_pair"  # "do you prefer X or Y?", "would you rather watch X than Y?"
        if kind == "advice" and named:
            return "would_watch"  # "should we make more X?": X's share and lift, and what that suggests
        # A kind the data cannot answer keeps its reading when the topic is only loosely named ("how many
        # children do you have?" is no question about the topic Children's); the topic's own name ("your
        # interest in Travel"), or the data's counts ("what share of your views is Parenting?"), win
        counted = persona is not None and bool(re.search(
            rf"\b({re.escape(persona.count_name.replace('_', ' ').lower().rstrip('s'))}s?|share|percent\w*)\b|%", q))
        exact = any(re.search(rf"(?<![\w-]){re.escape(t.lower())}(?![\w-])", q) for t in named)
        if kind not in _USES_TOPIC and (not KINDS[kind].refuses or counted or exact):
            if len(named) >= 2:
                return "topic_pair"
            if named:
                return "topic"
            if missing and kind in _ABOUT_TITLE:
                return "topic_missing"
        return kind

    def read_survey(self, question: str, qvec: np.ndarray | None, persona: Persona) -> Intent:
        """A survey persona's question: its kind, and the item it is about (by words, then by meaning)."""
        if not self._fitted:
            self.fit()
        qvec = self.vector(question) if qvec is None else qvec
        reading = self.classifier.read(qvec)
        kind = reading.kind
        survey = persona.survey
        assert survey is not None
        found = match_item(question, qvec, survey.items, self.embed)
        if kind == "opinion" and not found.item:
            kind = "item_missing"  # the survey did not ask that: say so, then the closest items it did ask
        elif found.how == "words" and kind in ("unknown", "quotes", "strongest", "distinctive", *SURVEY_REFUSED) \
                and kind not in _ABOUT_THE_PERSONA:
            kind = "opinion"  # "and crime?", "how much should go to welfare?": it names an item in its own words
        return Intent(kind, score=reading.score, margin=reading.margin, learned=reading.best,
                      source="classifier" if kind == reading.kind else "rule", item=found.item,
                      closest=found.closest)

"""Team-defined personas: learn which behaviours predict a team's own persona labels, then predict them.

A team has its own taxonomy ("small-business owner", "parent with young kids") and historical assignments
(customer -> label). Each customer's interactions become features in a persona set's space:

    f = [ a (p,) the customer's affinities to the set's behaviours (personas/detect.py's projection),
          x / sum(x) (c,) the customer's share of activity on each content item ]

and a multinomial logistic regression (scikit-learn, L2) learns label probabilities from them; its
probabilities flag ambiguity: a prediction whose top probability is below ``min_confidence`` is ambiguous
(downstream code should not condition on it). Cross-validated accuracy and macro F1 (stratified folds) are
reported against the majority class, with the confusion table. Overrides (a corrected label for one
customer) replace that customer's assignment at the next learn: override as training.

Pure math and results, no I/O: the model's state is plain arrays (``to_state`` / ``from_state``) that the use
case stores; nothing about a customer is kept in it beyond what the fitted coefficients aggregate.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import scipy.sparse as sp
from sklearn.base import BaseEstimator
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import accuracy_score, confusion_matrix, f1_score
from sklearn.model_selection import StratifiedKFold, cross_val_predict

from .detect import PersonaProjector
from .errors import InputError
from .sets import SetModel


def features(model: SetModel, X: sp.spmatrix) -> sp.csr_matrix:
    """(n, p + c) the customers' behaviour affinities and content shares (rows of X: counts, set order)."""
    W, _ = PersonaProjector().fit(model.H, model.column_scale, model.content_ids).transform(X)
    sums = W.sum(axis=1, keepdims=True)
    A = np.divide(W, sums, out=np.zeros_like(W), where=sums > 0)
    X = sp.csr_matrix(X, dtype=np.float64)
    totals = np.asarray(X.sum(axis=1)).ravel()
    shares = sp.diags(np.divide(1.0, totals, out=np.zeros_like(totals), where=totals > 0)) @ X
    return sp.hstack([sp.csr_matrix(A), shares], format="csr")


class TaxonomyClassifier(BaseEstimator):
    """Logistic regression over :func:`features`.

    Parameters
    ----------
    C : inverse L2 strength.
    min_confidence : below this top probability a prediction is ambiguous.
    random_state : for the folds of :meth:`cross_validate`.

    Attributes (after :meth:`fit`): classes_ (k,), coef_ (k, d), intercept_ (k,).
    """

    def __init__(self, C: float = 1.0, min_confidence: float = 0.5, random_state: int = 0) -> None:
        self.C = C
        self.min_confidence = min_confidence
        self.random_state = random_state

    def _estimator(self) -> LogisticRegression:
        return LogisticRegression(C=self.C, max_iter=2000)

    def fit(self, F: sp.spmatrix, labels: Sequence[str]) -> TaxonomyClassifier:
        y = np.asarray(labels, dtype=str)
        check_labels(y)
        lr = self._estimator().fit(F, y)
        self.classes_ = lr.classes_.astype(str)
        self.coef_ = lr.coef_ if len(self.classes_) > 2 else np.vstack([-lr.coef_[0], lr.coef_[0]]) / 2
        self.intercept_ = lr.intercept_ if len(self.classes_) > 2 else np.array([-lr.intercept_[0],
                                                                                  lr.intercept_[0]]) / 2
        return self

    def predict_proba(self, F: sp.spmatrix) -> np.ndarray:
        """(n, k) label probabilities (softmax of the linear scores)."""
        z = np.asarray(F @ self.coef_.T) + self.intercept_
        z -= z.max(axis=1, keepdims=True)
        e = np.exp(z)
        return e / e.sum(axis=1, keepdims=True)

    def cross_validate(self, F: sp.spmatrix, labels: Sequence[str], folds: int = 5) -> Evaluation:
        y = np.asarray(labels, dtype=str)
        check_labels(y)
        smallest = int(min(np.unique(y, return_counts=True)[1]))
        folds = max(2, min(folds, smallest))
        cv = StratifiedKFold(folds, shuffle=True, random_state=self.random_state)
        proba = cross_val_predict(self._estimator(), F, y, cv=cv, method="predict_proba")
        classes = np.unique(y)
        pred = classes[proba.argmax(axis=1)]
        values, counts = np.unique(y, return_counts=True)
        majority = values[counts.argmax()]
        sure = proba.max(axis=1) >= self.min_confidence
        return Evaluation(
            folds=folds, n=len(y), accuracy=float(accuracy_score(y, pred)),
            macro_f1=float(f1_score(y, pred, average="macro")),
            majority_label=str(majority), majority_accuracy=float(np.mean(y == majority)),
            majority_macro_f1=float(f1_score(y, np.full(len(y), majority), average="macro")),
            ambiguous_share=float(1 - sure.mean()),
            confident_accuracy=float(np.mean(pred[sure] == y[sure])) if sure.any() else 0.0,
            labels=[str(c) for c in classes], confusion=confusion_matrix(y, pred, labels=classes).tolist(),
        )

    def to_state(self) -> dict[str, Any]:
        return {"C": self.C, "min_confidence": self.min_confidence, "classes": self.classes_.tolist(),
                "coef": self.coef_.tolist(), "intercept": self.intercept_.tolist()}

    @classmethod
    def from_state(cls, state: dict[str, Any]) -> TaxonomyClassifier:
        clf = cls(C=state["C"], min_confidence=state["min_confidence"])
        clf.classes_ = np.asarray(state["classes"], dtype=str)
        clf.coef_ = np.asarray(state["coef"], dtype=np.float64)
        clf.intercept_ = np.asarray(state["intercept"], dtype=np.float64)
        return clf


def check_labels(y: np.ndarray) -> None:
    values, counts = np.unique(y, return_counts=True)
    if len(values) < 2:
        raise InputError(f"the assignments name only one persona ({values[0] if len(values) else 'none'}); a "
                         "taxonomy needs at least two to tell apart")
    if counts.min() < 2:
        lone = ", ".join(str(v) for v, n in zip(values, counts) if n < 2)
        raise InputError(f"persona {lone} has only one customer; each persona needs at least two assignments")


@dataclass(frozen=True)
class Evaluation:
    folds: int
    n: int
    accuracy: float
    macro_f1: float
    majority_label: str
    majority_accuracy: float
    majority_macro_f1: float
    ambiguous_share: float  # share of customers whose cross-validated top probability is below min_confidence
    confident_accuracy: float  # accuracy on the others
    labels: list[str]
    confusion: list[list[int]]  # rows: true label, columns: predicted, in ``labels`` order

    def to_json(self) -> dict[str, Any]:
        return {k: (round(v, 4) if isinstance(v, float) else v) for k, v in self.__dict__.items()}


@dataclass(frozen=True)
class LabelScore:
    label: str
    probability: float


@dataclass(frozen=True)
class TeamPrediction:
    id: str
    labels: list[LabelScore]  # most probable first
    ambiguous: bool
    why: str

    def to_json(self) -> dict[str, Any]:
        return {"id": self.id, "ambiguous": self.ambiguous, "why": self.why,
                "personas": [{"persona": s.label, "probability": round(s.probability, 6)} for s in self.labels]}


def predict_team(clf: TaxonomyClassifier, F: sp.spmatrix, ids: Sequence[str], known_items: Sequence[int]
                 ) -> list[TeamPrediction]:
    """The team's persona of each customer, with its probability and why."""
    P = clf.predict_proba(F)
    out = []
    for i, cid in enumerate(ids):
        order = np.argsort(-P[i], kind="stable")
        scores = [LabelScore(str(clf.classes_[j]), float(P[i, j])) for j in order]
        top, second = scores[0], scores[1]
        if known_items[i] == 0:
            out.append(TeamPrediction(cid, scores, True, "none of its content is known to the persona set; "
                                      "no team persona can be predicted"))
            continue
        ambiguous = top.probability < clf.min_confidence
        if ambiguous:
            why = (f"ambiguous: the most probable persona, {top.label}, has {top.probability:.0%} (below "
                   f"{clf.min_confidence:.0%}), then {second.label} {second.probability:.0%}")
        else:
            why = (f"{top.label} with {top.probability:.0%} over {known_items[i]} known content items "
                   f"(next: {second.label} {second.probability:.0%})")
        out.append(TeamPrediction(cid, scores, ambiguous, why))
    return out

"""Latent class analysis: the segmentation for categorical and mixed surveys (the ``stepmix`` package).

Why not only k-modes / k-prototypes: both describe a segment by its *mode* on each item and measure a respondent
by how many answers differ from it (simple matching). On an item where a segment has no typical answer, its
mode is a coin toss among near-equal shares, and that noise enters every distance to the segment; and a
match on a rare answer counts no more than a match on the answer nearly everyone gives. On the planted
survey this kept k-modes at an adjusted Rand index of 0.06-0.26 where the true segment profiles themselves
reach 0.89-0.92 (docs/surveys.md, "Measured"). A latent class model keeps each segment's full answer shares
per item and assigns a respondent to the segment under which its answers are most likely, which is exactly
what the planted (and any real) survey's segments differ by; it reaches the profiles' own figure.

Every item with at most ``CATEGORIES_MAX`` codes (Likert, 0-10 scales, yes/no, categories) is a categorical
indicator (its code; ordered scales lose nothing: each code keeps its own share); items with more distinct
numeric values are Gaussian indicators (diagonal). Multi-select items give one yes/no indicator per choice.
Missing answers are left missing: the model skips them in the likelihood (full-information), so nothing is
imputed for this method.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..errors import InputError
from .data import SurveyData

CATEGORIES_MAX = 11  # a 0-10 scale is still categories; more distinct values are a number (Gaussian)


@dataclass
class LatentInputs:
    codes: np.ndarray  # (n, a) float: the answer's code index per categorical indicator, nan when missing
    continuous: np.ndarray  # (n, b) float: standardised value per numeric indicator, nan when missing

    def rows(self, rows: np.ndarray | None) -> LatentInputs:
        return self if rows is None else LatentInputs(self.codes[rows], self.continuous[rows])


def latent_inputs(data: SurveyData) -> LatentInputs:
    codes, cont = [], []
    for it in data.items:
        if it.chosen is not None:
            answered = it.chosen.any(axis=1)
            for col in it.chosen.T:
                codes.append(np.where(answered, col.astype(np.float32), np.nan))
            continue
        if it.values is not None and len(it.codes) > CATEGORIES_MAX:
            v = it.values.astype(float)
            sd = np.nanstd(v)
            cont.append((v - np.nanmean(v)) / (sd if sd > 0 else 1.0))
            continue
        codes.append(np.where(it.index >= 0, it.index, np.nan).astype(np.float32))
    n = data.n
    return LatentInputs(np.column_stack(codes) if codes else np.zeros((n, 0), np.float32),
                        np.column_stack(cont) if cont else np.zeros((n, 0)))


class LatentClassSegmenter:
    """A latent class (mixture) model with k classes; fit sets labels_ (the most likely class) and bic_."""

    def __init__(self, k: int, random_state: int = 0, n_init: int = 3, max_iter: int = 300) -> None:
        self.k = k
        self.random_state = random_state
        self.n_init = n_init
        self.max_iter = max_iter

    def fit(self, x: LatentInputs) -> LatentClassSegmenter:
        try:
            from stepmix import StepMix
        except ImportError:
            raise InputError("latent class segmentation needs the stepmix package: "
                             "pip install 'stepmix>=3.0,<4'") from None
        import pandas as pd

        parts = [("codes", x.codes, "categorical_nan"), ("continuous", x.continuous, "gaussian_diag_nan")]
        parts = [p for p in parts if p[1].shape[1]]
        frame = pd.DataFrame(np.column_stack([p[1] for p in parts]))
        measurement = {name: {"model": model, "n_columns": arr.shape[1]} for name, arr, model in parts}
        # EM stops when the mean log-likelihood per respondent gains less than 1e-4 (the default, 1e-10,
        # runs every iteration on an over-large k for no change in the segments)
        model = StepMix(self.k, measurement=measurement, n_init=self.n_init, max_iter=self.max_iter,
                        abs_tol=1e-4, random_state=self.random_state, progress_bar=0, verbose=0)
        model.fit(frame)
        self.labels_ = np.asarray(model.predict(frame), dtype=np.int32)
        self.bic_ = float(model.bic(frame))
        return self

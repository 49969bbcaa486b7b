"""Positions: per segment and item, the weighted shares of each answer next to the whole sample's, the means,
and the difference (the definitions are in personas/survey_profile.py); and each segment's demographics.

Shares and means leave missing answers out of the denominator; weights are the survey's weight column (all 1
without one). A segment's demographics are its weighted modal value per column (missing values left out);
a numeric age column gives 'median 47 (45-54)' (the unweighted median of its respondents' ages).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..survey_profile import AnswerShare, ItemPosition
from .data import SurveyData, SurveyItem
from .groups import age_bracket

MAX_LISTED_ANSWERS = 11  # numeric items with more distinct answers show their mean only


def _shares(it: SurveyItem, labels: np.ndarray, k: int, w: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(k, m) weighted answer mass, (k, m) unweighted counts, (k,) weighted answered mass per segment."""
    m = len(it.codes)
    seg = labels >= 0
    if it.chosen is not None:
        ans = it.chosen.any(axis=1) & seg
        mass = np.zeros((k, m))
        counts = np.zeros((k, m), dtype=np.int64)
        for j in range(m):
            sel = it.chosen[:, j] & seg
            mass[:, j] = np.bincount(labels[sel], weights=w[sel], minlength=k)
            counts[:, j] = np.bincount(labels[sel], minlength=k)
        return mass, counts, np.bincount(labels[ans], weights=w[ans], minlength=k)
    ans = (it.index >= 0) & seg
    flat = labels[ans].astype(np.int64) * m + it.index[ans]
    mass = np.bincount(flat, weights=w[ans], minlength=k * m).reshape(k, m)
    counts = np.bincount(flat, minlength=k * m).reshape(k, m)
    return mass, counts, mass.sum(axis=1)


def item_positions(data: SurveyData, labels: np.ndarray, k: int) -> list[list[ItemPosition]]:
    """For each segment 0..k-1, its ItemPosition on every item, largest |difference| first."""
    w = data.weights
    everyone = np.zeros(data.n, dtype=np.int32)
    out: list[list[ItemPosition]] = [[] for _ in range(k)]
    for it in data.items:
        mass, counts, denom = _shares(it, labels, k, w)
        smass, _, sdenom = _shares(it, everyone, 1, w)
        share = np.divide(mass, denom[:, None], out=np.zeros_like(mass), where=denom[:, None] > 0)
        sshare = smass[0] / sdenom[0]
        answered = np.bincount(labels[it.answered & (labels >= 0)], minlength=k)
        size = np.bincount(labels[labels >= 0], minlength=k)
        means, smean, ssd = _means(it, labels, k, w)
        listed = len(it.codes) <= MAX_LISTED_ANSWERS or not it.ordered
        for s in range(k):
            answers = [AnswerShare(c, lab, float(share[s, j]), float(sshare[j]), int(counts[s, j]))
                       for j, (c, lab) in enumerate(zip(it.codes, it.labels))] if listed else []
            if it.ordered and smean is not None and means[s] is not None:
                diff = (means[s] - smean) / ssd if ssd > 0 else 0.0
            else:
                diff = _share_difference(share[s], sshare)
            out[s].append(ItemPosition(it.item, it.statement, it.kind, answers, float(diff), int(answered[s]),
                                       int(size[s] - answered[s]), means[s], smean))
    return [sorted(ps, key=lambda p: -abs(p.difference)) for ps in out]


def _share_difference(share: np.ndarray, sample_share: np.ndarray) -> float:
    """The standardised difference of the answer that departs most: (share - sample_share) over the sd of the
    answer's yes/no indicator in the sample, the same unit as an ordered item's standardised difference of means,
    so categorical and ordered items rank on one scale."""
    sd = np.sqrt(sample_share * (1 - sample_share))
    gaps = np.divide(share - sample_share, sd, out=np.zeros_like(share), where=sd > 0)
    return float(gaps[np.argmax(np.abs(gaps))]) if len(gaps) else 0.0


def _means(it: SurveyItem, labels: np.ndarray, k: int, w: np.ndarray) -> tuple[list[float | None], float | None, float]:
    if it.values is None:
        return [None] * k, None, 0.0
    ok = ~np.isnan(it.values)
    sw = w[ok].sum()
    smean = float((w[ok] * it.values[ok]).sum() / sw)
    ssd = float(np.sqrt((w[ok] * (it.values[ok] - smean) ** 2).sum() / sw))
    seg = ok & (labels >= 0)
    num = np.bincount(labels[seg], weights=w[seg] * it.values[seg], minlength=k)
    den = np.bincount(labels[seg], weights=w[seg], minlength=k)
    return [float(num[s] / den[s]) if den[s] > 0 else None for s in range(k)], smean, ssd


def segment_demographics(data: SurveyData, labels: np.ndarray, s: int) -> tuple[dict[str, str], dict[str, str], float | None]:
    """(group: column -> modal value, demographics for the profile, median age or None) of segment ``s``."""
    mask = labels == s
    age_col = (data.roles or {}).get("age")
    group: dict[str, str] = {}
    shown: dict[str, str] = {}
    median = None
    for col in data.demographics.columns:
        if col == age_col:
            ages = pd.to_numeric(data.raw_demographics[col][mask], errors="coerce").dropna()
            if len(ages) and pd.api.types.is_numeric_dtype(ages):
                median = float(np.median(ages))
                group[col] = age_bracket(median)
                shown[col] = f"median {median:g} ({group[col]})"
                continue
        vals = pd.Series(data.demographics[col].to_numpy()[mask])
        present = vals.notna().to_numpy()
        if not present.any():
            continue
        mass = pd.Series(data.weights[mask][present]).groupby(vals[present].to_numpy()).sum()
        mode = str(mass.sort_index().idxmax())
        group[col] = shown[col] = mode
    return group, shown, median

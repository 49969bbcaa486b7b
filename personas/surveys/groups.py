"""S2P's own segmentation: demographic groups as candidate personas (with a minimum group size).

Each combination of the demographic columns' values (numeric ages in brackets) is a candidate; groups below
the minimum size are left out (their respondents are in no persona; the set's notes say how many). The
personas are the largest groups (k of them, or every eligible group up to MAX_GROUPS with -k auto), each
described later by the items with the largest standardised difference from the sample (positions.py).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..errors import InputError
from .data import SurveyData
from .segment import Candidate, Features, Segmentation, silhouette

AGE_BRACKETS = (18, 25, 35, 45, 55, 65)
MAX_GROUPS = 12


def age_bracket(age: float) -> str:
    """47 -> '45-54'; 70 -> '65+'; 16 -> 'under 18'."""
    if age < AGE_BRACKETS[0]:
        return f"under {AGE_BRACKETS[0]}"
    for lo, hi in zip(AGE_BRACKETS, AGE_BRACKETS[1:]):
        if age < hi:
            return f"{lo}-{hi - 1}"
    return f"{AGE_BRACKETS[-1]}+"


def group_keys(data: SurveyData) -> pd.DataFrame:
    """The demographic value of each respondent for grouping: labels, numeric ages as brackets."""
    age = (data.roles or {}).get("age")
    out = data.demographics.copy()
    if age and age in out.columns:
        nums = pd.to_numeric(data.raw_demographics[age], errors="coerce")
        out[age] = [None if np.isnan(v) else age_bracket(v) for v in nums]
    return out


def demographic_groups(data: SurveyData, f: Features, k: int | None, min_group: int | None) -> Segmentation:
    if data.demographics.shape[1] == 0:
        raise InputError("--method groups needs demographic columns: name them with --demographics")
    keys = group_keys(data)
    minimum = min_group or max(30, int(0.02 * data.n))
    complete = keys.notna().all(axis=1).to_numpy()
    tuples = keys[complete].astype(str).agg("\x1f".join, axis=1)
    sizes = tuples.value_counts()
    eligible = sizes[sizes >= minimum]
    if eligible.empty:
        raise InputError(f"no demographic group has {minimum} respondents; use fewer --demographics or a "
                         "smaller minimum group size")
    chosen = list(eligible.index[: (k or MAX_GROUPS)])
    if k is not None and k > len(eligible):
        raise InputError(f"only {len(eligible)} demographic groups have at least {minimum} respondents; "
                         f"use -k {len(eligible)} or fewer")
    labels = np.full(data.n, -1, dtype=np.int32)
    pos = {t: i for i, t in enumerate(chosen)}
    labels[np.flatnonzero(complete)] = [pos.get(t, -1) for t in tuples]
    cols = list(keys.columns)
    groups = [dict(zip(cols, t.split("\x1f"))) for t in chosen]
    cand = Candidate("groups", len(chosen), [int(sizes[t]) for t in chosen], silhouette(f, labels, 0), None, 1.0)
    left = int((labels < 0).sum())
    rule = (f"the {len(chosen)} largest demographic groups with at least {minimum} respondents; "
            f"{left:,} respondents are in smaller groups or lack a demographic value")
    return Segmentation("groups", len(chosen), labels, rule, [cand], groups)

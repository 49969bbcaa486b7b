"""A synthetic survey with planted segments: each segment strongly agrees with its own statements, so the
segmentation's recovery can be measured (adjusted Rand index against the planted labels, and whether every
planted position is among its persona's top positions).

Likert items are 1-5 (5 = strongly agree); categorical items answer 'a'..'d'. A respondent of segment s
gives the planted answer on each of s's planted items with probability ``strength``, otherwise an answer
drawn from the background distribution (the same for every segment). The planted answer is as rare in the
background for a categorical item ('a': 10%) as 'strongly agree' is for a Likert one, so both kinds carry the
same signal; with a uniform categorical background (``categorical_background=(0.25,) * 4``) even the true
segment profiles classify only to an adjusted Rand index of about 0.9 (docs/surveys.md). Demographics (age, gender, region) are
drawn independently of the segment, with a small share of missing answers (``missing``).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from .codebook import Codebook, read_codebook

LIKERT = ("1", "2", "3", "4", "5")
LIKERT_LABELS = ("strongly disagree", "disagree", "neither", "agree", "strongly agree")
CHOICES = ("a", "b", "c", "d")
REGIONS = ("North", "South", "East", "West")


@dataclass
class PlantedSurvey:
    frame: pd.DataFrame  # one row per respondent: id, age, gender, region, weight, q01.., comment
    codebook: Codebook
    items: list[str]
    demographics: list[str]
    labels: np.ndarray  # (n,) planted segment of each respondent
    planted: dict[int, list[tuple[str, str]]]  # segment -> [(item, planted code)]


def planted_survey(n: int = 3000, n_items: int = 12, segments: int = 3, per_segment: int = 4, seed: int = 0,
                   strength: float = 0.85, missing: float = 0.02, categorical: int = 0,
                   text: bool = False,
                   categorical_background: tuple[float, ...] = (0.1, 0.3, 0.3, 0.3)) -> PlantedSurvey:
    """``categorical`` of the items (the last ones) are categorical; the rest Likert 1-5."""
    if segments * per_segment > n_items:
        raise ValueError("segments x per_segment must not exceed n_items")
    rng = np.random.default_rng(seed)
    labels = rng.permutation(np.arange(n) % segments)
    items = [f"q{i + 1:02d}" for i in range(n_items)]
    is_cat = [i >= n_items - categorical for i in range(n_items)]
    planted: dict[int, list[tuple[str, str]]] = {s: [] for s in range(segments)}
    columns: dict[str, np.ndarray] = {}
    background_likert = np.array([0.15, 0.25, 0.3, 0.2, 0.1])
    background_cat = np.asarray(categorical_background, dtype=float)
    for i, item in enumerate(items):
        codes = CHOICES if is_cat[i] else LIKERT
        probs = background_cat if is_cat[i] else background_likert
        answers = rng.choice(len(codes), size=n, p=probs)
        owner = i // per_segment if i < segments * per_segment else None
        if owner is not None:
            target = 0 if is_cat[i] else len(codes) - 1  # 'a' / 'strongly agree'
            hit = (labels == owner) & (rng.random(n) < strength)
            answers[hit] = target
            planted[owner].append((item, codes[target]))
        col = np.array(codes, dtype=object)[answers]
        col[rng.random(n) < missing] = None
        columns[item] = col if is_cat[i] else pd.to_numeric(pd.Series(col), errors="coerce").to_numpy()
    frame = pd.DataFrame({
        "id": np.arange(1, n + 1),
        "age": rng.integers(18, 80, size=n),
        "gender": rng.choice(["female", "male"], size=n),
        "region": rng.choice(REGIONS, size=n),
        "weight": np.round(rng.uniform(0.5, 1.5, size=n), 3),
        **columns,
    })
    if text:
        frame["comment"] = [f"I am respondent {i} and I care about topic {s + 1}." for i, s in enumerate(labels)]
    rows = []
    for i, item in enumerate(items):
        statement = f"Statement number {i + 1}"
        if is_cat[i]:
            rows += [(item, statement, c, f"choice {c}", "categorical") for c in CHOICES]
        else:
            rows += [(item, statement, c, lab, "likert") for c, lab in zip(LIKERT, LIKERT_LABELS)]
    book = read_codebook(pd.DataFrame(rows, columns=["item", "statement", "code", "label", "kind"]))
    return PlantedSurvey(frame, book, items, ["age", "gender", "region"], labels, planted)


def planted_frame(n: int, n_items: int, segments: int = 5, seed: int = 0) -> pd.DataFrame:
    """A large Likert-only planted survey as a numeric frame (the scale benchmark: 1M x 40)."""
    rng = np.random.default_rng(seed)
    labels = rng.integers(0, segments, size=n)
    per = max(1, n_items // (2 * segments))
    data = rng.integers(1, 6, size=(n, n_items)).astype(np.float32)
    for s in range(segments):
        rows = labels == s
        data[np.ix_(rows, range(s * per, (s + 1) * per))] = np.where(rng.random((rows.sum(), per)) < 0.85, 5, 3)
    frame = pd.DataFrame(data, columns=[f"q{i + 1:02d}" for i in range(n_items)])
    frame.insert(0, "age", rng.integers(18, 80, size=n))
    frame.insert(1, "gender", pd.Categorical(rng.choice(["female", "male"], size=n)))
    return frame

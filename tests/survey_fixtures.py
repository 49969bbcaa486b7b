"""Survey personas for the store, chat, search and app tests, made directly from a small synthetic survey.

Three segments of respondents answer six spending items ("too little" / "about right" / "too much") with
planted leanings; every share a persona carries is computed here from the respondents' answers, so a test
can recompute it. (The survey generator itself lives in personas/surveys/; these tests are about what comes
after it.)
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from personas.profile import Persona
from personas.sets import PersonaSet
from personas.stats import PersonaStats
from personas.survey_profile import AnswerShare, ItemPosition, SurveyProfile

ITEMS = {
    "natenvir": "Improving and protecting the environment",
    "natfare": "Welfare",
    "natarms": "The military, armaments and defense",
    "natcrime": "Halting the rising crime rate",
    "nateduc": "Improving the nation's education system",
    "natspac": "The space exploration program",
}
LABELS = {"1": "too little", "2": "about right", "3": "too much"}
# segment -> item -> probabilities of codes 1, 2, 3 (items not named: 0.4 / 0.4 / 0.2)
PLANTED = {
    0: {"natenvir": (0.85, 0.1, 0.05), "natfare": (0.6, 0.3, 0.1), "natarms": (0.1, 0.3, 0.6)},
    1: {"natfare": (0.05, 0.25, 0.7), "natarms": (0.7, 0.2, 0.1), "natcrime": (0.8, 0.15, 0.05)},
    2: {"natspac": (0.6, 0.3, 0.1), "nateduc": (0.8, 0.15, 0.05)},
}
SEGMENTS = [  # name, age, gender, country, demographics, size
    ("Maya Green", 34, "female", "United States", {"sex": "female", "degree": "bachelor"}, 420),
    ("Frank Miller", 61, "male", "United States", {"sex": "male", "degree": "high school"}, 360),
    ("Leo Park", 27, "male", "United States", {"sex": "male", "degree": "graduate"}, 220),
]
QUOTES = {0: ["We need cleaner rivers in my town."], 1: ["Taxes are too high already."], 2: []}


def responses(seed: int = 0) -> pd.DataFrame:
    """One row per respondent: its segment and its answer code to every item (a few answers missing)."""
    rng = np.random.default_rng(seed)
    rows = []
    for seg, (*_, size) in enumerate(SEGMENTS):
        for _ in range(size):
            row: dict[str, object] = {"segment": seg}
            for item in ITEMS:
                p = PLANTED[seg].get(item, (0.4, 0.4, 0.2))
                row[item] = None if rng.random() < 0.03 else str(rng.choice(["1", "2", "3"], p=p))
            rows.append(row)
    return pd.DataFrame(rows)


def _position(item: str, seg: pd.DataFrame, everyone: pd.DataFrame) -> ItemPosition:
    mine, all_ = seg[item].dropna(), everyone[item].dropna()
    answers = [AnswerShare(code, label, float((mine == code).mean()), float((all_ == code).mean()),
                           int((mine == code).sum())) for code, label in LABELS.items()]
    diff = max(abs(a.share - a.sample_share) for a in answers)
    return ItemPosition(item, ITEMS[item], "categorical", answers, diff, int(mine.size),
                        int(seg[item].isna().sum()))


def survey_set(name: str = "spending", version: int = 1, seed: int = 0) -> PersonaSet:
    df = responses(seed)
    personas = []
    for seg, (pname, age, gender, country, demo, size) in enumerate(SEGMENTS):
        rows = df[df["segment"] == seg]
        items = sorted((_position(i, rows, df) for i in ITEMS), key=lambda p: -abs(p.difference))
        share = len(rows) / len(df)
        profile = SurveyProfile(len(rows), share, len(df), "kmeans", dict(demo), items, QUOTES[seg])
        stats = PersonaStats(len(rows), share, len(rows), [], [], [], 1.0, 1.0, 0.0, [], [], 1.0)
        label = ", ".join(demo.values())
        personas.append(Persona(f"{name}-v{version}-{seg + 1:02d}", name, version, seg + 1, seg, pname, age, gender,
                                country, dict(demo), label, "respondents", stats,
                                description=f"{pname} stands for {len(rows)} respondents ({label}).",
                                survey=profile))
    # params and quality as a generated survey set marks them (docs/surveys.md)
    params = {"survey": True, "method": "kmeans", "k": 3, "seed": seed, "items": list(ITEMS),
              "demographics": ["sex", "degree"], "count_name": "respondents"}
    quality = {"survey": True, "respondents": len(df), "k": 3, "rule": "planted segments (test fixture)"}
    return PersonaSet(name, version, "2026-01-01T00:00:00+00:00", f"survey-{seed}", "synthetic survey",
                      params, quality, [], personas)

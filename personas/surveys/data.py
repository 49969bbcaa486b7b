"""A survey as the generator sees it: validated items (codes per respondent), demographics, weights, text.

``load_survey(spec)`` checks every bad-input case of the issue before anything is computed, each with one
line that says what is wrong and what to do (personas.errors.InputError):
no item columns, an item with one value only, an item nobody answered, codes not in the codebook, a codebook
that names unknown items, text in numeric items, fewer respondents than segments (checked by the segmenter).
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ..demographics import detect_roles
from ..errors import InputError
from .codebook import ORDERED_KINDS, Codebook, CodebookItem, MULTI_SEPARATORS, canonical_code, detect_kind


@dataclass(frozen=True)
class SurveySpec:
    """What to read: the responses (one row per respondent), which columns are items and demographics."""

    responses: pd.DataFrame
    items: Sequence[str]
    demographics: Sequence[str]
    codebook: Codebook | None = None
    weight_col: str | None = None
    text_col: str | None = None
    source: str = "survey"
    country: str | None = None  # a country for every respondent when the data has no country column
    roles: dict[str, str | None] | None = None  # gender/age/country column overrides (else detected by name)
    known_columns: Sequence[str] | None = None  # every column of the export, when responses holds only some


@dataclass
class SurveyItem:
    item: str
    statement: str
    kind: str
    codes: list[str]  # every answer, in the codebook's order (then the data's, sorted)
    labels: list[str]  # label of each code
    index: np.ndarray  # (n,) int32 position of each respondent's answer in codes; -1 missing (not multiselect)
    values: np.ndarray | None  # (n,) float numeric value of the answer (nan missing) for ordered/binary numbers
    chosen: np.ndarray | None = None  # (n, len(codes)) bool for multiselect items
    polarity: dict[str, str] = field(default_factory=dict)

    @property
    def answered(self) -> np.ndarray:
        if self.chosen is not None:
            return self.chosen.any(axis=1)
        return self.index >= 0

    @property
    def ordered(self) -> bool:
        return self.kind in ORDERED_KINDS and self.values is not None


@dataclass
class SurveyData:
    items: list[SurveyItem]
    demographics: pd.DataFrame  # (n, d) str, missing as None; labels from the codebook
    raw_demographics: pd.DataFrame  # the columns as in the data (numeric ages stay numeric)
    weights: np.ndarray  # (n,) float, all 1 without a weight column
    texts: list[str] | None
    source: str
    fingerprint: str
    country: str | None = None
    roles: dict[str, str | None] | None = None
    notes: list[str] = field(default_factory=list)

    @property
    def n(self) -> int:
        return len(self.weights)

    def item(self, name: str) -> SurveyItem:
        return next(i for i in self.items if i.item == name)


def _column(frame: pd.DataFrame, name: str, what: str) -> pd.Series:
    if name not in frame.columns:
        cols = ", ".join(map(str, list(frame.columns)[:15]))
        raise InputError(f"{what} {name!r} is not a column of the survey (columns: {cols}); check the spelling")
    return frame[name]


def _missing(series: pd.Series) -> np.ndarray:
    miss = series.isna().to_numpy().copy()
    if not pd.api.types.is_numeric_dtype(series):
        miss |= series.astype(str).str.strip().isin(["", "nan", "NA", "NaN", "None"]).to_numpy()
    return miss


def _check_mostly_numbers(name: str, series: pd.Series, miss: np.ndarray) -> None:
    """An item whose answers are numbers but for a few text answers is a numeric item with text in it."""
    nums = pd.to_numeric(series.where(~miss), errors="coerce").to_numpy(dtype=float)
    text = ~miss & np.isnan(nums)
    answered = int((~miss).sum())
    if text.any() and text.sum() <= 0.1 * answered and (~np.isnan(nums)).sum() >= 2:
        row = int(np.flatnonzero(text)[0])
        raise InputError(f"item {name!r} holds numbers but row {row + 1} holds text {str(series.iloc[row])!r}; "
                         "fix the answer, or give the item kind categorical in the codebook")


def _item(name: str, series: pd.Series, entry: CodebookItem | None) -> SurveyItem:
    miss = _missing(series)
    kind, _ = detect_kind(series.where(~miss), entry)
    statement = entry.statement if entry and entry.statement else name
    if not (entry and entry.kind) and not pd.api.types.is_numeric_dtype(series):
        _check_mostly_numbers(name, series, miss)
    if miss.all():
        raise InputError(f"item {name!r} has no answers at all (every row is empty); drop it from --items")
    book_codes = list(entry.codes) if entry else []
    if kind == "multiselect":
        return _multiselect(name, series, miss, statement, entry, book_codes)
    if kind in ORDERED_KINDS:
        nums = pd.to_numeric(series.where(~miss), errors="coerce").to_numpy(dtype=float)
        bad = ~miss & np.isnan(nums)
        if bad.any():
            row = int(np.flatnonzero(bad)[0])
            raise InputError(f"item {name!r} is {kind} but row {row + 1} holds text {str(series.iloc[row])!r}; "
                             "fix the answer or mark the item categorical in the codebook")
        present = np.unique(nums[~miss])
        data_codes = [canonical_code(v) for v in present]
        inverse = np.full(len(nums), -1, dtype=np.int32)
        inverse[~miss] = np.searchsorted(present, nums[~miss]).astype(np.int32)
        values: np.ndarray | None = nums
    else:
        text = [None if m else canonical_code(v) for v, m in zip(series.to_numpy(dtype=object), miss)]
        present_codes = sorted({c for c in text if c is not None})
        data_codes = present_codes
        lookup = {c: i for i, c in enumerate(present_codes)}
        inverse = np.array([-1 if c is None else lookup[c] for c in text], dtype=np.int32)
        nums_try = pd.to_numeric(pd.Series(present_codes), errors="coerce")
        values = None
        if kind == "binary" and nums_try.notna().all():
            values = np.where(inverse >= 0, nums_try.to_numpy(dtype=float)[np.maximum(inverse, 0)], np.nan)
    if len(data_codes) < 2:
        raise InputError(f"item {name!r} has one value only ({data_codes[0]!r}): it cannot tell segments apart; "
                         "drop it from --items")
    if book_codes:
        unknown = [c for c in data_codes if c not in entry.labels]  # type: ignore[union-attr]
        if unknown:
            raise InputError(f"item {name!r} has codes not in the codebook: {', '.join(unknown[:5])}; add them to "
                             "the codebook or clean the data")
    codes = book_codes + [c for c in data_codes if c not in book_codes]
    remap = np.array([codes.index(c) for c in data_codes], dtype=np.int32)
    index = np.where(inverse >= 0, remap[np.maximum(inverse, 0)], -1).astype(np.int32)
    labels = [entry.label(c) if entry else c for c in codes]
    return SurveyItem(name, statement, kind, codes, labels, index, values,
                      polarity=dict(entry.polarity) if entry else {})


def _multiselect(name: str, series: pd.Series, miss: np.ndarray, statement: str, entry: CodebookItem | None,
                 book_codes: list[str]) -> SurveyItem:
    sep = MULTI_SEPARATORS[0] if series.astype(str).str.contains(";", regex=False).any() else MULTI_SEPARATORS[1]
    split = [[] if m else [canonical_code(t) for t in str(v).split(sep) if t.strip()] for v, m in zip(series, miss)]
    data_codes = sorted({c for row in split for c in row})
    if len(data_codes) < 2:
        raise InputError(f"item {name!r} has one choice only; drop it from --items")
    if book_codes:
        unknown = [c for c in data_codes if c not in book_codes]
        if unknown:
            raise InputError(f"item {name!r} has choices not in the codebook: {', '.join(unknown[:5])}; add them "
                             "to the codebook or clean the data")
    codes = book_codes + [c for c in data_codes if c not in book_codes]
    pos = {c: i for i, c in enumerate(codes)}
    chosen = np.zeros((len(split), len(codes)), dtype=bool)
    for r, row in enumerate(split):
        for c in row:
            chosen[r, pos[c]] = True
    labels = [entry.label(c) if entry else c for c in codes]
    return SurveyItem(name, statement, "multiselect", codes, labels, np.where(chosen.any(axis=1), 0, -1).astype(np.int32),
                      None, chosen, dict(entry.polarity) if entry else {})


def _demographic_labels(frame: pd.DataFrame, columns: Sequence[str], book: Codebook) -> pd.DataFrame:
    out = {}
    for col in columns:
        series = _column(frame, col, "demographic column")
        codes, uniques = pd.factorize(series.where(~_missing(series)), use_na_sentinel=True)
        names = np.array([book.label(col, canonical_code(v)) for v in uniques] + [None], dtype=object)
        out[col] = names[codes]  # -1 (missing) picks the trailing None
    return pd.DataFrame(out, index=frame.index)


def load_survey(spec: SurveySpec) -> SurveyData:
    frame = spec.responses.reset_index(drop=True)
    book = spec.codebook or Codebook()
    items = [i for i in dict.fromkeys(spec.items) if i]
    if not items:
        raise InputError("the survey has no item columns; name them with --items a,b,c (the questions to segment on)")
    for name in items:
        _column(frame, name, "item")
    overlap = [c for c in spec.demographics if c in items]
    if overlap:
        raise InputError(f"{', '.join(overlap)} is both an item and a demographic column; list it once")
    known = set(frame.columns) | set(spec.known_columns or ())
    unknown = [name for name in book.items if name not in known]
    if unknown:
        raise InputError(f"the codebook names items that are not columns of the survey: {', '.join(unknown[:5])}; "
                         "fix the codebook or the survey's header")
    survey_items = [_item(name, frame[name], book.get(name)) for name in items]
    demo = _demographic_labels(frame, spec.demographics, book)
    raw = pd.DataFrame({c: frame[c] for c in spec.demographics}, index=frame.index)
    if spec.weight_col:
        w = pd.to_numeric(_column(frame, spec.weight_col, "weight column"), errors="coerce").to_numpy(dtype=float)
        if np.isnan(w).any() or (w < 0).any() or w.sum() <= 0:
            raise InputError(f"weight column {spec.weight_col!r} must hold non-negative numbers in every row")
    else:
        w = np.ones(len(frame))
    texts = None
    if spec.text_col:
        col = _column(frame, spec.text_col, "text column")
        texts = ["" if m else str(v).strip() for v, m in zip(col, _missing(col))]
    digest = hashlib.sha256()
    digest.update(pd.util.hash_pandas_object(frame[items + list(spec.demographics)], index=False).to_numpy().tobytes())
    notes = []
    answered = np.column_stack([i.answered for i in survey_items])
    gaps = int((~answered).sum())
    if gaps:
        notes.append(f"{gaps:,} missing answers from {int((~answered).any(axis=1).sum()):,} of {len(frame):,} "
                     "respondents: left out of every share, filled with the item's median (scales) or mode "
                     "(categories) for the segmentation only")
    found = detect_roles(list(spec.demographics), spec.roles)  # which demographic is gender, age, country
    roles = {"gender": found.gender, "age": found.age, "country": found.country}
    return SurveyData(survey_items, demo, raw, w, texts, spec.source, digest.hexdigest()[:16], spec.country,
                      roles, notes)


def read_responses(path, columns: Sequence[str]) -> pd.DataFrame:  # type: ignore[no-untyped-def]
    """The named columns of a survey export (CSV, TSV or Parquet), checked to exist."""
    from pathlib import Path

    from ..tables import read_columns

    return read_columns(Path(path), "survey", [c for c in dict.fromkeys(columns) if c]).to_pandas()

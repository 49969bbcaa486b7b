"""Time windows and recency weighting of interactions, for dynamic personas.

The interactions' own date column (``--event-date-col``, the same option that feeds the monthly trend; the
content file's ``--date-col`` is a different thing: when an item was published) decides

* which rows a window holds: ``--window month`` (calendar months, sets named NAME-2025-01), ``--window 30d`` or
  ``--window 2w`` (fixed windows of that many days from the first date or ``--since``, sets named by their first
  day, NAME-2025-01-01), optionally inside ``--since``/``--until`` (inclusive days);
* how much a row weighs in the factorisation with ``--half-life 30d``: NMF factorises a matrix whose primary
  counts are multiplied by ``0.5 ** (age / half_life)``, age measured back from the last date (or ``--until``),
  so an interaction one half-life older weighs half as much in the behaviours found. Only NMF sees that
  matrix: every number shown (group interactions, shares, top content counts, topics, rates, trend) is the
  data's own count, so a persona never states decayed values under the count's name.

Each window becomes an ordinary :class:`InputSpec` over a frame of its rows, so loading, validation and
generation are exactly those of a whole data set; with a half-life a second spec over the same rows carries
the weighted primary count, and :func:`load_window` aligns its matrix with the raw one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import scipy.sparse as sp

from .data import AudienceData, InputSpec, count_values, load
from .engines import EngineOptions
from .errors import InputError
from .tables import column_names, read_columns

WEIGHT_COL = "_recency_weighted"  # the weighted primary count, in the spec that only NMF sees
_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([dw])\s*$", re.IGNORECASE)


@dataclass(frozen=True)
class WindowPlan:
    window: str | None = None  # 'month', or a duration: '30d', '2w'
    since: str | None = None  # first day, inclusive (ISO date)
    until: str | None = None  # last day, inclusive
    half_life: str | None = None  # a duration: '30d'

    @property
    def active(self) -> bool:
        return any((self.window, self.since, self.until, self.half_life))


@dataclass(frozen=True)
class Window:
    label: str  # '2025-01' (month), '2025-01-01' (fixed windows), '' (the whole range)
    start: str  # first day, ISO
    end: str  # last day, ISO (inclusive)
    rows: int
    spec: InputSpec  # the window's rows, counts as in the data: every statistic comes from it
    weighted: InputSpec | None = None  # with --half-life: the same rows, primary count recency-weighted (for NMF)


def parse_duration(text: str, option: str) -> float:
    """'30d' -> 30.0 days, '2w' -> 14.0 days."""
    m = _DURATION.match(text or "")
    if not m or float(m.group(1)) <= 0:
        raise InputError(f"{option} {text!r}: expected a number of days or weeks such as 30d or 2w")
    return float(m.group(1)) * (7.0 if m.group(2).lower() == "w" else 1.0)


def parse_dates(values: pd.Series, column: str) -> pd.Series:
    """Dates (datetime64, naive UTC) from ISO text or unix seconds; InputError naming the bad values."""
    if values.isna().any() or (values.astype(str).str.strip() == "").any():
        n = int(values.isna().sum() + (values.astype(str).str.strip() == "").sum())
        raise InputError(f"interactions column {column!r} has {n} empty dates; fill or drop those rows")
    text = values.astype(str).str.strip()
    numeric = pd.to_numeric(text, errors="coerce")
    if numeric.notna().all():
        stamps = pd.to_datetime(numeric, unit="s", errors="coerce")
    else:
        stamps = pd.to_datetime(text, errors="coerce", format="mixed", utc=True).dt.tz_localize(None)
    bad = text[stamps.isna()]
    if len(bad):
        shown = ", ".join(repr(v) for v in bad.drop_duplicates().head(3))
        more = f" and {bad.nunique() - 3} more" if bad.nunique() > 3 else ""
        raise InputError(f"interactions column {column!r} holds values that are not dates: {shown}{more} "
                         f"({len(bad)} rows); use ISO dates (2025-01-31) or unix seconds")
    return stamps


def _day(text: str, option: str) -> pd.Timestamp:
    try:
        return pd.Timestamp(text).normalize()
    except (ValueError, TypeError):
        raise InputError(f"{option} {text!r} is not a date; use an ISO date such as 2025-01-31") from None


def _frame(spec: InputSpec) -> pd.DataFrame:
    """The interaction rows with every column the spec uses (text; load() validates and converts them)."""
    if isinstance(spec.interactions, pd.DataFrame):
        return spec.interactions.reset_index(drop=True)
    path = Path(spec.interactions)
    first = [spec.user_col] if spec.users is not None else list(spec.group_by)
    cols = [*first, spec.content_col, *(c for c in (spec.count_col, *spec.extra_count_cols) if c),
            *([spec.event_date_col] if spec.event_date_col else [])]
    cols = list(dict.fromkeys(cols))
    column_names(path, "interactions")  # missing file, empty file: the readers' own clear lines
    table = read_columns(path, "interactions", cols, {c: pa.string() for c in cols})
    return table.to_pandas()


def window_specs(spec: InputSpec, date_col: str, plan: WindowPlan) -> list[Window]:
    """One spec per window (or one for the whole range), rows filtered; with a half-life each window also
    carries the recency-weighted spec that NMF factorises (:func:`load_window`)."""
    frame = _frame(spec)
    if frame.empty:
        raise InputError("the interactions file has no data rows; nothing to build personas from")
    if date_col not in frame.columns:
        raise InputError(f"interactions: column {date_col!r} not found; columns found: {', '.join(frame.columns)}")
    dates = parse_dates(frame[date_col], date_col)
    lo = _day(plan.since, "--since") if plan.since else None
    hi = _day(plan.until, "--until") if plan.until else None
    if lo is not None and hi is not None and hi < lo:
        raise InputError(f"--until {plan.until} is before --since {plan.since}")
    keep = np.ones(len(frame), dtype=bool)
    if lo is not None:
        keep &= (dates >= lo).to_numpy()
    if hi is not None:
        keep &= (dates < hi + pd.Timedelta(days=1)).to_numpy()
    if not keep.any():
        raise InputError(
            f"no interactions between {plan.since or 'the start'} and {plan.until or 'the end'}; the dates in "
            f"{date_col!r} run from {dates.min():%Y-%m-%d} to {dates.max():%Y-%m-%d}"
        )
    frame, dates = frame[keep].reset_index(drop=True), dates[keep].reset_index(drop=True)
    weighted: pd.DataFrame | None = None
    if plan.half_life:
        weighted = _weighted(frame, dates, spec, parse_duration(plan.half_life, "--half-life"),
                             hi + pd.Timedelta(days=1) if hi is not None else dates.max())

    def window(label: str, start: str, end: str, rows: np.ndarray | None) -> Window:
        part = frame if rows is None else frame[rows]
        heavy = None
        if weighted is not None:
            heavy = _weighted_spec(spec, weighted if rows is None else weighted[rows], label, plan.half_life)
        return Window(label, start, end, len(part), _sub(spec, part, label), heavy)

    if not plan.window:
        start, end = (lo or dates.min().normalize()), (hi or dates.max().normalize())
        return [window("", f"{start:%Y-%m-%d}", f"{end:%Y-%m-%d}", None)]
    if plan.window.strip().lower() in ("month", "monthly", "1m"):
        periods = dates.dt.to_period("M")
        first, last = (lo or dates.min()).to_period("M"), (hi or dates.max()).to_period("M")
        out = []
        for period in pd.period_range(first, last, freq="M"):
            rows = (periods == period).to_numpy()
            start = max(period.start_time.normalize(), lo) if lo is not None else period.start_time.normalize()
            end = min(period.end_time.normalize(), hi) if hi is not None else period.end_time.normalize()
            out.append(window(str(period), f"{start:%Y-%m-%d}", f"{end:%Y-%m-%d}", rows))
        return out
    days = parse_duration(plan.window, "--window")
    origin = lo if lo is not None else dates.min().normalize()
    last_day = hi if hi is not None else dates.max().normalize()
    step = pd.Timedelta(days=days)
    codes = ((dates - origin) / step).astype(np.int64).to_numpy()
    n = int((last_day - origin) / step) + 1
    out = []
    for i in range(n):
        start = origin + i * step
        end = min(start + step - pd.Timedelta(days=1), last_day)
        rows = codes == i
        label = f"{start:%Y-%m-%d}"
        out.append(window(label, label, f"{end:%Y-%m-%d}", rows))
    return out


def _weighted(frame: pd.DataFrame, dates: pd.Series, spec: InputSpec, half_life: float,
              reference: pd.Timestamp) -> pd.DataFrame:
    """The rows' group/user and content columns with WEIGHT_COL = primary count x 0.5 ** (age in days / half-life)
    (event rows that count once: the weight itself). The raw counts stay untouched in ``frame``."""
    age = ((reference - dates) / pd.Timedelta(days=1)).clip(lower=0).to_numpy()
    weight = np.power(0.5, age / half_life)
    first = [spec.user_col] if spec.users is not None else list(spec.group_by)
    out = frame[list(dict.fromkeys([*first, spec.content_col]))].copy()
    if spec.count_col is None:
        out[WEIGHT_COL] = weight
        return out
    values = pd.Series(count_values(frame[spec.count_col], f"interactions column {spec.count_col!r}"))
    out[WEIGHT_COL] = values.to_numpy(dtype=np.float64) * weight
    return out


def _weighted_spec(spec: InputSpec, frame: pd.DataFrame, label: str, half_life: str | None) -> InputSpec:
    """What NMF factorises: the weighted primary count only (no extras, content, comments or dates)."""
    source = f"{spec.source}, window {label}" if label else spec.source
    return replace(spec, interactions=frame.reset_index(drop=True), count_col=WEIGHT_COL, extra_count_cols=(),
                   content=None, comments=None, event_date_col=None, count_name="recency-weighted count",
                   source=f"{source}, recency-weighted (half-life {half_life})")


def load_window(w: Window, engine: EngineOptions | None = None) -> tuple[AudienceData, sp.csr_matrix | None]:
    """The window's data (counts as in the data) and, with a half-life, the recency-weighted matrix aligned
    with its rows and columns: pass it to generation as ``GenerateOptions.nmf_matrix``. ``engine``: which
    engine aggregates the window's rows (personas/engines; default auto)."""
    data = load(w.spec, engine)
    if w.weighted is None:
        return data, None
    return data, align_matrix(load(w.weighted, engine), data)


def align_matrix(weighted: AudienceData, data: AudienceData) -> sp.csr_matrix:
    """``weighted.matrix`` reindexed to ``data``'s groups (rows) and content ids (columns); absent cells are 0
    (a weight can underflow to 0 for rows many half-lives old, and load() drops all-zero rows and columns)."""
    def keys(groups: pd.DataFrame) -> list[tuple[str, ...]]:
        return list(groups.astype(str).itertuples(index=False, name=None))

    row_of = {k: i for i, k in enumerate(keys(data.groups))}
    col_of = {str(c): i for i, c in enumerate(data.content["content_id"])}
    rows = np.array([row_of.get(k, -1) for k in keys(weighted.groups[list(data.groups.columns)])], dtype=np.int64)
    cols = np.array([col_of.get(str(c), -1) for c in weighted.content["content_id"]], dtype=np.int64)
    coo = weighted.matrix.tocoo()
    r, c = rows[coo.row], cols[coo.col]
    ok = (r >= 0) & (c >= 0)
    out = sp.csr_matrix((coo.data[ok], (r[ok], c[ok])), shape=data.matrix.shape, dtype=np.float64)
    out.sum_duplicates()
    return out


def _sub(spec: InputSpec, frame: pd.DataFrame, label: str) -> InputSpec:
    source = f"{spec.source}, window {label}" if label else spec.source
    return replace(spec, interactions=frame.reset_index(drop=True), source=source)

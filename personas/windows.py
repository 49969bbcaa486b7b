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

Only the date column is read here, to plan the windows and count their rows. Each window is the same
:class:`InputSpec` over the same files with a date range (``event_range``, unix seconds), and with a half-life a
second one that also carries ``half_life_days`` and its reference date: the engine that aggregates (pandas,
DuckDB, Spark; personas/engines) keeps the window's rows and weighs the primary count itself, so a window of a
file larger than memory is aggregated out of core like the whole file, and every engine gives the same matrix.
:func:`load_window` aligns the weighted matrix with the raw one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd
import pyarrow as pa
import scipy.sparse as sp

from .data import AudienceData, InputSpec, load
from .engines import EngineOptions
from .engines.base import input_files, is_remote
from .errors import InputError
from .tables import column_names, read_columns

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


def _date_column(spec: InputSpec, date_col: str) -> pd.Series:
    """The interactions' date column alone, as text (the windows are planned from it; the engine reads the rows)."""
    if isinstance(spec.interactions, pd.DataFrame):
        if date_col not in spec.interactions.columns:
            raise InputError(f"interactions: column {date_col!r} not found; columns found: "
                             f"{', '.join(map(str, spec.interactions.columns))}")
        return spec.interactions[date_col].reset_index(drop=True)
    if is_remote(spec.interactions):
        raise InputError("--window, --since, --until and --half-life read local files; for a cluster's URIs, "
                         "filter the rows there and pass the window's files")
    parts = []
    for path in input_files(spec.interactions):
        column_names(path, "interactions")  # missing file, empty file: the readers' own clear lines
        parts.append(read_columns(path, "interactions", [date_col], {date_col: pa.string()}).column(date_col))
    return pd.Series(pa.chunked_array([c for p in parts for c in p.chunks], type=pa.string()).to_pandas())


def _seconds(stamp: pd.Timestamp) -> float:
    return pd.Timestamp(stamp).value / 1e9


def window_specs(spec: InputSpec, date_col: str, plan: WindowPlan) -> list[Window]:
    """One spec per window (or one for the whole range), rows filtered; with a half-life each window also
    carries the recency-weighted spec that NMF factorises (:func:`load_window`)."""
    text = _date_column(spec, date_col)
    if text.empty:
        raise InputError("the interactions file has no data rows; nothing to build personas from")
    dates = parse_dates(text, date_col)
    lo = _day(plan.since, "--since") if plan.since else None
    hi = _day(plan.until, "--until") if plan.until else None
    if lo is not None and hi is not None and hi < lo:
        raise InputError(f"--until {plan.until} is before --since {plan.since}")
    keep = np.ones(len(dates), dtype=bool)
    if lo is not None:
        keep &= (dates >= lo).to_numpy()
    if hi is not None:
        keep &= (dates < hi + pd.Timedelta(days=1)).to_numpy()
    if not keep.any():
        raise InputError(
            f"no interactions between {plan.since or 'the start'} and {plan.until or 'the end'}; the dates in "
            f"{date_col!r} run from {dates.min():%Y-%m-%d} to {dates.max():%Y-%m-%d}"
        )
    dates = dates[keep].reset_index(drop=True)
    first_s = _seconds(lo) if lo is not None else None
    end_s = _seconds(hi + pd.Timedelta(days=1)) if hi is not None else None
    base = replace(spec, event_date_col=date_col)
    weighted: InputSpec | None = None
    if plan.half_life:
        reference = hi + pd.Timedelta(days=1) if hi is not None else dates.max()
        weighted = replace(base, extra_count_cols=(), content=None, comments=None,
                           count_name="recency-weighted count", half_life_days=parse_duration(plan.half_life, "--half-life"),
                           recency_reference=_seconds(reference))

    def window(label: str, start: str, end: str, rows: np.ndarray | None,
               bounds: tuple[float | None, float | None]) -> Window:
        lo_s, hi_s = bounds
        lo_s = first_s if lo_s is None else lo_s if first_s is None else max(lo_s, first_s)
        hi_s = end_s if hi_s is None else hi_s if end_s is None else min(hi_s, end_s)
        rng = None if lo_s is None and hi_s is None else (lo_s, hi_s)
        source = f"{spec.source}, window {label}" if label else spec.source
        heavy = None
        if weighted is not None:
            heavy = replace(weighted, event_range=rng,
                            source=f"{source}, recency-weighted (half-life {plan.half_life})")
        n = len(dates) if rows is None else int(rows.sum())
        return Window(label, start, end, n, replace(base, event_range=rng, source=source), heavy)

    if not plan.window:
        start, end = (lo or dates.min().normalize()), (hi or dates.max().normalize())
        return [window("", f"{start:%Y-%m-%d}", f"{end:%Y-%m-%d}", None, (None, None))]
    if plan.window.strip().lower() in ("month", "monthly", "1m"):
        periods = dates.dt.to_period("M")
        first, last = (lo or dates.min()).to_period("M"), (hi or dates.max()).to_period("M")
        out = []
        for period in pd.period_range(first, last, freq="M"):
            rows = (periods == period).to_numpy()
            start = max(period.start_time.normalize(), lo) if lo is not None else period.start_time.normalize()
            end = min(period.end_time.normalize(), hi) if hi is not None else period.end_time.normalize()
            bounds = (_seconds(period.start_time), _seconds((period + 1).start_time))
            out.append(window(str(period), f"{start:%Y-%m-%d}", f"{end:%Y-%m-%d}", rows, bounds))
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
        out.append(window(label, label, f"{end:%Y-%m-%d}", rows, (_seconds(start), _seconds(start + step))))
    return out


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

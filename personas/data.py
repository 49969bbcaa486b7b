"""Load and validate audience data and aggregate it into the group x content interaction matrix V.

Two input shapes give the same result:

* aggregated rows (group columns..., content id, counts...), what YouTube/Facebook/GA exports look like;
* event-level rows (user id, content id, optional count) plus a users table with the group columns.

The aggregation itself runs in an engine (personas/engines/: pandas in memory, DuckDB out of core, Spark on
a cluster); what follows it (all-zero rows and columns dropped, content table, comments) is the same for all.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
import pyarrow as pa
import scipy.sparse as sp

from .errors import InputError
from .tables import column_names, read_columns

if TYPE_CHECKING:
    from .engines import Aggregate, EngineOptions

_AUTO_TITLE = ("title", "name")
_AUTO_TOPICS = ("topics", "topic", "genres", "category", "tags")
_AUTO_DATE = ("date", "published", "publish_date", "published_at")
UNKNOWN = "unknown"


@dataclass(frozen=True)
class InputSpec:
    """Where the data is and which columns mean what (nothing is hard-coded)."""

    interactions: Path | pd.DataFrame
    group_by: tuple[str, ...]
    content_col: str
    count_col: str | None = None  # None: every row counts once (event-level data)
    extra_count_cols: tuple[str, ...] = ()
    users: Path | pd.DataFrame | None = None
    user_col: str = "user_id"
    content: Path | pd.DataFrame | None = None
    content_id_col: str | None = None  # defaults to content_col
    title_col: str | None = None  # None: 'title' or 'name' when present
    topics_col: str | None = None  # None: 'topics', 'genres', ... when present
    topic_sep: str = "|"
    date_col: str | None = None  # content date; None: 'date' or 'published' when present
    comments: Path | pd.DataFrame | None = None
    comment_content_col: str | None = None  # defaults to content_col
    comment_text_col: str = "text"
    event_date_col: str | None = None  # interactions date (ISO text or unix seconds): monthly trend per group
    count_name: str | None = None  # what the primary count counts, for people ('views'); default: count_col
    bins: Mapping[str, tuple[float, ...]] = field(default_factory=dict)
    source: str = "files"
    # Windows and recency weighting, applied by the engine to the rows it reads (personas/windows.py plans them):
    # keep the rows whose event date, in unix seconds, is in [start, end) (None: unbounded on that side) ...
    event_range: tuple[float | None, float | None] | None = None
    # ... and multiply the primary count by 0.5 ** (max(reference - date, 0) in days / half_life_days).
    half_life_days: float | None = None
    recency_reference: float | None = None  # unix seconds; required with half_life_days


@dataclass
class AudienceData:
    """The aggregated audience: V (groups x content) and everything needed to describe it."""

    matrix: sp.csr_matrix  # (g, c) primary counts, float64
    groups: pd.DataFrame  # (g, group columns) string values; row i is group code i
    content: pd.DataFrame  # (c,) content_id, title, topics (tuple[str, ...]), date (str | None)
    count_name: str
    extra_totals: dict[str, np.ndarray]  # extra count column -> (g,) totals
    group_users: np.ndarray | None  # (g,) distinct users, event-level data only
    group_value_median: dict[str, np.ndarray]  # binned column -> (g,) median raw value of the group's users
    bin_ranges: dict[str, dict[str, tuple[float, float]]]  # binned column -> label -> (min, max) observed
    comments: pd.DataFrame | None  # content_code, text, and the group columns the comments carry
    group_trend: tuple[list[str], np.ndarray] | None  # (months, (g, months) primary counts) from event dates
    notes: list[str]
    fingerprint: str
    source: str

    @property
    def group_totals(self) -> np.ndarray:
        return np.asarray(self.matrix.sum(axis=1)).ravel()

    @property
    def content_totals(self) -> np.ndarray:
        return np.asarray(self.matrix.sum(axis=0)).ravel()

    def group_key(self, g: int) -> dict[str, str]:
        return {col: str(self.groups.iat[g, i]) for i, col in enumerate(self.groups.columns)}


# ---------------------------------------------------------------------------- reading


def _table(src: Path | pd.DataFrame, role: str, columns: Sequence[str], types: dict[str, pa.DataType]) -> pa.Table:
    if isinstance(src, pd.DataFrame):
        missing = [c for c in columns if c not in src.columns]
        if missing:
            raise InputError(
                f"{role}: column {', '.join(map(repr, missing))} not found; columns found: {', '.join(map(str, src.columns))}"
            )
        table = pa.Table.from_pandas(src[list(dict.fromkeys(columns))], preserve_index=False)
        return table
    return read_columns(Path(src), role, columns, types)


def _columns_of(src: Path | pd.DataFrame, role: str) -> list[str]:
    if isinstance(src, pd.DataFrame):
        return [str(c) for c in src.columns]
    return column_names(Path(src), role)


_LARGEST_EXACT = float(2 ** 53)  # the largest whole number float64 holds exactly


def count_values(col: pa.ChunkedArray | pd.Series, what: str) -> np.ndarray:
    """A count column as float64, or one InputError line for empty, non-numeric, negative or infinite values."""
    if isinstance(col, pd.Series):
        col = pa.chunked_array([pa.array(col, from_pandas=True)])
    if not (pa.types.is_integer(col.type) or pa.types.is_floating(col.type) or pa.types.is_null(col.type)):
        try:
            col = col.cast(pa.float64())
        except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
            raw = col.to_pandas()
            bad = raw[pd.to_numeric(raw, errors="coerce").isna() & raw.notna()]
            shown = f" but holds {str(bad.iloc[0])!r} ({len(bad)} such values)" if len(bad) else ""
            raise InputError(f"{what} must be numeric{shown}; fix the values or map another column") from None
    if col.null_count:
        raise InputError(f"{what} has {col.null_count} empty values (NaN); fill or drop those rows")
    values = col.to_numpy().astype(np.float64, copy=False) if col.num_chunks else np.zeros(0)
    if np.isnan(values).any():
        raise InputError(f"{what} has {int(np.isnan(values).sum())} NaN values; fill or drop those rows")
    if (values < 0).any():
        raise InputError(f"{what} has {int((values < 0).sum())} negative values; counts must be 0 or more")
    if np.isinf(values).any():
        raise InputError(f"{what} has infinite values; counts must be finite")
    total = float(values.sum()) if values.size else 0.0
    if not total < _LARGEST_EXACT:  # also catches a sum that overflowed to inf
        raise InputError(f"{what} is too large: its values add up to more than {_LARGEST_EXACT:,.0f}, beyond which "
                         "counts are no longer computed exactly; divide them by a power of ten first")
    return values


# ---------------------------------------------------------------------------- bins


def bin_labels(edges: Sequence[float]) -> list[str]:
    """Labels for the brackets below, between and above ``edges``: '<18', '18-24', ..., '56+'."""
    def fmt(x: float) -> str:
        return str(int(x)) if float(x).is_integer() else f"{x:g}"

    integral = all(float(e).is_integer() for e in edges)
    labels = [f"<{fmt(edges[0])}"]
    for lo, hi in zip(edges[:-1], edges[1:]):
        labels.append(f"{fmt(lo)}-{fmt(hi - 1)}" if integral else f"{fmt(lo)}-<{fmt(hi)}")
    labels.append(f"{fmt(edges[-1])}+")
    return labels


def _apply_bins(values: np.ndarray, edges: Sequence[float]) -> tuple[np.ndarray, np.ndarray]:
    """Codes into bin_labels(edges) and the labels array."""
    labels = np.array(bin_labels(edges), dtype=object)
    return np.digitize(values, np.asarray(edges, dtype=np.float64), right=False), labels


def parse_bins(text: str) -> dict[str, tuple[float, ...]]:
    """``age=18,25,35;income=10,20`` (or several --bins options) -> {column: edges}."""
    out: dict[str, tuple[float, ...]] = {}
    for part in filter(None, (p.strip() for p in text.replace(";", " ").split())):
        if "=" not in part:
            raise InputError(f"--bins {part!r}: expected COLUMN=EDGE,EDGE,... such as age=18,25,35,45,50,56")
        col, edges_text = part.split("=", 1)
        try:
            edges = tuple(float(e) for e in edges_text.split(",") if e.strip())
        except ValueError:
            raise InputError(f"--bins {part!r}: edges must be numbers, such as age=18,25,35") from None
        if not edges or any(b <= a for a, b in zip(edges, edges[1:])):
            raise InputError(f"--bins {part!r}: edges must be increasing numbers, such as age=18,25,35")
        out[col.strip()] = edges
    return out


# ---------------------------------------------------------------------------- content, comments


def _pick(src: Path | pd.DataFrame | None, role: str, explicit: str | None, auto: Sequence[str]) -> str | None:
    if src is None:
        return None
    found = _columns_of(src, role)
    if explicit is not None:
        if explicit not in found:
            raise InputError(f"{role}: column {explicit!r} not found; columns found: {', '.join(found)}")
        return explicit
    return next((a for a in auto if a in found), None)


def _content_frame(spec: InputSpec, content_ids: np.ndarray, notes: list[str]) -> pd.DataFrame:
    ids = pd.Index(content_ids.astype(str))
    frame = pd.DataFrame({"content_id": ids.to_numpy(dtype=object), "title": ids.to_numpy(dtype=object)})
    frame["topics"] = [() for _ in range(len(ids))]
    frame["date"] = None
    if spec.content is None:
        return frame
    id_col = spec.content_id_col or spec.content_col
    title_col = _pick(spec.content, "content", spec.title_col, _AUTO_TITLE)
    topics_col = _pick(spec.content, "content", spec.topics_col, _AUTO_TOPICS)
    date_col = _pick(spec.content, "content", spec.date_col, _AUTO_DATE)
    cols = [c for c in (id_col, title_col, topics_col, date_col) if c]
    table = _table(spec.content, "content", cols, {c: pa.string() for c in cols})
    meta = table.to_pandas().astype({c: object for c in cols})
    meta[id_col] = meta[id_col].astype(str)
    dup = int(meta[id_col].duplicated().sum())
    if dup:
        notes.append(f"content table: {dup} repeated content ids; the first row of each was used")
        meta = meta.drop_duplicates(id_col)
    pos = pd.Index(meta[id_col]).get_indexer(ids)
    found = pos >= 0
    if (~found).any():
        notes.append(f"{int((~found).sum())} content items have no row in the content table; their id is their title")
    rows = meta.iloc[pos[found]]
    if title_col:
        titles = rows[title_col].fillna("").astype(str).str.strip().to_numpy(dtype=object)
        frame.loc[found, "title"] = np.where(titles == "", frame.loc[found, "title"].to_numpy(), titles)
    if topics_col:
        sep = spec.topic_sep
        memo: dict[str, tuple[str, ...]] = {}  # topic strings repeat a lot across items: parse each once

        def parse(v: str) -> tuple[str, ...]:
            out = memo.get(v)
            if out is None:
                out = memo[v] = tuple(dict.fromkeys(t.strip() for t in v.split(sep) if t.strip()))
            return out

        parsed = [parse(v) if isinstance(v, str) else () for v in rows[topics_col]]
        frame.loc[found, "topics"] = pd.Series(parsed, index=frame.index[found], dtype=object)
    if date_col:
        dates = pd.to_datetime(rows[date_col], errors="coerce", format="mixed")
        frame.loc[found, "date"] = [d.strftime("%Y-%m-%d") if not pd.isna(d) else None for d in dates]
    return frame


def _comments_frame(spec: InputSpec, content_index: pd.Index, notes: list[str]) -> pd.DataFrame | None:
    if spec.comments is None:
        return None
    content_col = spec.comment_content_col or spec.content_col
    found = _columns_of(spec.comments, "comments")
    group_cols = [c for c in spec.group_by if c in found]
    cols = [content_col, spec.comment_text_col, *group_cols]
    table = _table(spec.comments, "comments", cols, {c: pa.string() for c in cols if c not in spec.bins})
    frame = table.to_pandas()
    frame = frame[frame[spec.comment_text_col].notna()]
    codes = content_index.get_indexer(frame[content_col].astype(str))
    out = pd.DataFrame({"content_code": codes, "text": frame[spec.comment_text_col].astype(str).str.strip()})
    for col in group_cols:
        if col in spec.bins:
            values = pd.to_numeric(frame[col], errors="coerce").to_numpy(dtype=float)
            bin_codes, labels = _apply_bins(values, spec.bins[col])
            out[col] = np.where(np.isnan(values), UNKNOWN, labels[bin_codes])
        else:
            out[col] = frame[col].fillna(UNKNOWN).astype(str).to_numpy()
    out = out[(out["content_code"] >= 0) & (out["text"] != "")].reset_index(drop=True)
    if out.empty:
        notes.append("no usable comments (none on content that has interactions); personas have no quotes")
    return out


# ---------------------------------------------------------------------------- fingerprint


def _hash_source(h: "hashlib._Hash", src: object) -> None:
    from .engines.base import input_files, is_remote

    if src is None:
        h.update(b"-")
    elif isinstance(src, pd.DataFrame):
        h.update(pd.util.hash_pandas_object(src, index=False).to_numpy().tobytes())
    elif is_remote(src):  # a cluster's files are not read twice: the URI stands for them
        h.update(str(src).encode())
    else:
        for path in input_files(src):
            with open(path, "rb") as fh:
                for chunk in iter(lambda: fh.read(1 << 22), b""):
                    h.update(chunk)


def fingerprint(spec: InputSpec) -> str:
    """sha256 over the input files (or frames) and the options that shape the matrix."""
    h = hashlib.sha256()
    for src in (spec.interactions, spec.users, spec.content, spec.comments):
        _hash_source(h, src)
    opts = (spec.group_by, spec.content_col, spec.count_col, spec.extra_count_cols, spec.user_col,
            spec.topic_sep, sorted(spec.bins.items()))
    if spec.event_range or spec.half_life_days:  # a window of the files: its range is part of what was read
        opts += (spec.event_date_col, spec.event_range, spec.half_life_days, spec.recency_reference)
    h.update(repr(opts).encode())
    return h.hexdigest()


# ---------------------------------------------------------------------------- main entry


def load(spec: InputSpec, engine: EngineOptions | None = None) -> AudienceData:
    """Read, validate and aggregate with the engine ``engine`` picks (default: auto, see
    personas.engines.choose_engine). Raises InputError with one clear line for anything unusable."""
    from .engines import EngineOptions, choose_engine, get_engine

    if not spec.group_by:
        raise InputError("no group columns: pass --group-by with the demographic columns, such as age,gender,country")
    stray = [c for c in spec.bins if c not in spec.group_by]
    if stray:
        raise InputError(f"--bins names {', '.join(stray)}, which is not a group column; add it to --group-by")
    if (spec.event_range or spec.half_life_days) and not spec.event_date_col:
        raise InputError("a date window or a half-life needs dates per interaction: pass --event-date-col")
    if spec.half_life_days and spec.recency_reference is None:
        raise InputError("a half-life needs the date its ages are measured back from (recency_reference)")
    options = engine or EngineOptions()
    name, why = choose_engine(spec, options)
    agg = get_engine(name, options).aggregate(spec)
    return finish(spec, agg, f"aggregated by the {agg.engine} engine ({why})")


def finish(spec: InputSpec, agg: Aggregate, engine_note: str) -> AudienceData:
    """All-zero rows and columns dropped, content and comments attached: the same for every engine."""
    notes = [*agg.notes, engine_note]
    matrix, (n_groups, n_content) = agg.matrix, agg.matrix.shape
    # Drop all-zero rows and columns: they carry no behaviour and break column scaling.
    g_keep = np.flatnonzero(np.diff(matrix.indptr) > 0)
    c_keep = np.flatnonzero(np.bincount(matrix.indices, minlength=n_content) > 0)
    if len(g_keep) < n_groups or len(c_keep) < n_content:
        dropped = (n_groups - len(g_keep), n_content - len(c_keep))
        dropped_note = f"left out {dropped[0]} groups and {dropped[1]} content items with zero interactions"
        notes.insert(len(agg.notes), dropped_note)
        matrix = matrix[g_keep][:, c_keep].tocsr()
    if matrix.shape[0] < 2:
        raise InputError(
            f"only {matrix.shape[0]} demographic group after aggregation; personas need at least 2 (check --group-by)"
        )
    if matrix.shape[1] < 2:
        raise InputError(f"only {matrix.shape[1]} content item has interactions; personas need at least 2")
    groups = agg.groups.iloc[g_keep].reset_index(drop=True)
    content = _content_frame(spec, agg.content_ids[c_keep], notes)
    comments = _comments_frame(spec, pd.Index(content["content_id"]), notes)
    return AudienceData(
        matrix=matrix.astype(np.float64, copy=False),
        groups=groups,
        content=content,
        count_name=spec.count_name or spec.count_col or "interactions",
        extra_totals={k: v[g_keep] for k, v in agg.extra_totals.items()},
        group_users=None if agg.group_users is None else agg.group_users[g_keep],
        group_value_median={k: v[g_keep] for k, v in agg.value_median.items()},
        bin_ranges=agg.bin_ranges,
        comments=comments,
        group_trend=None if agg.trend is None else (agg.trend[0], agg.trend[1][g_keep]),
        notes=notes,
        fingerprint=fingerprint(spec),
        source=spec.source,
    )

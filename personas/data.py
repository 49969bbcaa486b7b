"""Load and validate audience data and aggregate it into the group x content interaction matrix V.

Two input shapes give the same result:

* aggregated rows (group columns..., content id, counts...), what YouTube/Facebook/GA exports look like;
* event-level rows (user id, content id, optional count) plus a users table with the group columns.

Everything large stays columnar (pyarrow) or sparse (scipy): ids become integer codes through
dictionary encoding, and V is built with one sparse COO -> CSR conversion that sums duplicates.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
import scipy.sparse as sp

from .errors import InputError
from .tables import column_names, file_kind, read_columns

_DICT = pa.dictionary(pa.int32(), pa.string())
_DENSE_CELLS = 1 << 24  # groups x content up to this (128 MB of float64) is summed densely, larger through COO
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


def _string_types(src: Path | pd.DataFrame, names: Sequence[str]) -> dict[str, pa.DataType]:
    """CSV id/label columns are read straight into dictionaries (integer codes, no Python strings)."""
    if isinstance(src, pd.DataFrame) or file_kind(Path(src)) != "csv":
        return {}
    return {n: _DICT for n in names}


def _encode(col: pa.ChunkedArray, what: str, first_seen: bool = False) -> tuple[np.ndarray, np.ndarray]:
    """Integer codes (int64) and their unique string values.

    ``first_seen``: number the values in order of first appearance, as encoding the plain column would (for a
    text column read straight into dictionaries, whose order is the file's).
    """
    if col.null_count:
        raise InputError(f"{what} has {col.null_count} empty values; fill or drop those rows")
    if not pa.types.is_dictionary(col.type):
        col = pc.dictionary_encode(col)
    col = pa.table({"c": col}).unify_dictionaries().column("c")
    if col.num_chunks == 0:
        return np.zeros(0, np.int64), np.zeros(0, object)
    dictionary = col.chunks[0].dictionary
    codes = np.concatenate([ch.indices.to_numpy(zero_copy_only=False) for ch in col.chunks])
    values = dictionary.cast(pa.string()).to_numpy(zero_copy_only=False).astype(object)
    if first_seen:  # checked on the narrow arrow indices (int32: several times faster than int64)
        codes, values = _first_appearance(codes, values)
    return codes.astype(np.int64, copy=False), values


def _first_appearance(codes: np.ndarray, values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Codes numbered in order of first appearance, values that never appear dropped.

    That is what dictionary-encoding the plain column gives; Parquet's dictionary pages almost always have
    that order already, and then this is one cheap check.
    """
    if len(codes) == 0:
        return codes, values[:0]
    running_max = np.maximum.accumulate(codes)
    if codes[0] == 0 and running_max[-1] == len(values) - 1 and not (codes[1:] > running_max[:-1] + 1).any():
        return codes, values
    del running_max
    first = np.full(len(values), len(codes), dtype=np.int64)
    np.minimum.at(first, codes, np.arange(len(codes), dtype=np.int64))
    order = np.argsort(first, kind="stable")[: int((first < len(codes)).sum())]
    rank = np.full(len(values), -1, dtype=np.int64)
    rank[order] = np.arange(len(order), dtype=np.int64)
    return rank[codes], values[order]


def _stored_as_text(src: Path | pd.DataFrame, name: str) -> bool:
    """Whether a Parquet file stores column ``name`` as plain text (not as an arrow dictionary)."""
    if isinstance(src, pd.DataFrame) or file_kind(Path(src)) != "parquet":
        return False
    return pa.types.is_string(pq.read_schema(src).field(name).type)


def _positions(col: pa.ChunkedArray, values: np.ndarray) -> np.ndarray:
    """For each row of ``col``, the index of its value (as text) in ``values`` (unique strings), or -1.

    One arrow hash lookup per row: no per-row Python strings and no dictionary of the (large) column itself.
    """
    typ = col.type
    if pa.types.is_dictionary(typ) and not pa.types.is_string(typ.value_type):
        col = col.cast(typ.value_type)
        typ = col.type
    if not (pa.types.is_string(typ) or pa.types.is_dictionary(typ)):
        col = col.cast(pa.string())
    found = pc.index_in(col, value_set=pa.array(values, type=pa.string()))
    if isinstance(found, pa.ChunkedArray) and found.num_chunks == 0:
        return np.zeros(0, dtype=np.int64)
    return pc.fill_null(found, -1).to_numpy().astype(np.int64)


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


def _months(col: pa.ChunkedArray, name: str) -> tuple[np.ndarray, list[str]]:
    """Month code per row and the sorted months ('2024-05'), from ISO dates or unix seconds."""
    if pa.types.is_dictionary(col.type):
        col = col.cast(pa.string())
    if col.null_count:
        raise InputError(f"interactions column {name!r} has {col.null_count} empty dates; fill or drop those rows")
    values = col.to_numpy(zero_copy_only=False)
    if pa.types.is_integer(col.type) or pa.types.is_floating(col.type):
        stamps = pd.to_datetime(values, unit="s", errors="coerce")
    else:
        stamps = pd.to_datetime(pd.Series(values), errors="coerce", format="mixed")
    stamps = pd.Series(stamps)
    if stamps.isna().any():
        bad = values[int(np.flatnonzero(stamps.isna().to_numpy())[0])]
        raise InputError(f"interactions column {name!r} holds {bad!r}, which is not a date; use ISO dates or unix seconds")
    codes, months = pd.factorize(stamps.dt.strftime("%Y-%m"), sort=True)
    return codes.astype(np.int64), [str(m) for m in months]


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


# ---------------------------------------------------------------------------- groups


@dataclass
class _Groups:
    codes: np.ndarray  # per row of the table the groups come from
    frame: pd.DataFrame
    value_median: dict[str, np.ndarray]
    bin_ranges: dict[str, dict[str, tuple[float, float]]]


def _group_codes(table: pa.Table, spec: InputSpec, role: str, notes: list[str]) -> _Groups:
    """Combine the group columns of ``table`` into one group code per row (mixed radix, then unique)."""
    per_col: list[tuple[np.ndarray, np.ndarray]] = []
    raw_numeric: dict[str, np.ndarray] = {}
    for col in spec.group_by:
        arr = table.column(col)
        if col in spec.bins:
            values = count_values(arr, f"{role} column {col!r}")
            raw_numeric[col] = values
            per_col.append(_apply_bins(values, spec.bins[col]))
            continue
        if arr.null_count:
            notes.append(f"{arr.null_count} rows have no {col!r}; they form the group {col}={UNKNOWN!r}")
            arr = pc.fill_null(arr.cast(pa.string()), UNKNOWN)
        codes, values = _encode(arr, f"{role} column {col!r}")
        per_col.append((codes, values))
    key = np.zeros(table.num_rows, dtype=np.int64)
    for codes, values in per_col:
        key = key * max(len(values), 1) + codes
    uniq, inverse = np.unique(key, return_inverse=True)
    frame_cols: dict[str, np.ndarray] = {}
    rem = uniq.copy()
    for col, (codes, values) in reversed(list(zip(spec.group_by, per_col))):
        base = max(len(values), 1)
        frame_cols[col] = values[rem % base]
        rem //= base
    frame = pd.DataFrame({c: pd.array(frame_cols[c], dtype=object) for c in spec.group_by}).astype(str)
    medians: dict[str, np.ndarray] = {}
    ranges: dict[str, dict[str, tuple[float, float]]] = {}
    for col, values in raw_numeric.items():
        series = pd.Series(values)
        medians[col] = series.groupby(inverse).median().reindex(range(len(uniq))).to_numpy()
        labels = frame[col].to_numpy()[inverse]
        agg = series.groupby(labels).agg(["min", "max"])
        ranges[col] = {str(k): (float(r["min"]), float(r["max"])) for k, r in agg.iterrows()}
    return _Groups(inverse.astype(np.int64), frame, medians, ranges)


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


def fingerprint(spec: InputSpec) -> str:
    """sha256 over the input files (or frames) and the options that shape the matrix."""
    h = hashlib.sha256()
    for src in (spec.interactions, spec.users, spec.content, spec.comments):
        if src is None:
            h.update(b"-")
        elif isinstance(src, pd.DataFrame):
            h.update(pd.util.hash_pandas_object(src, index=False).to_numpy().tobytes())
        else:
            with open(src, "rb") as fh:
                for chunk in iter(lambda: fh.read(1 << 22), b""):
                    h.update(chunk)
    opts = (spec.group_by, spec.content_col, spec.count_col, spec.extra_count_cols, spec.user_col,
            spec.topic_sep, sorted(spec.bins.items()))
    h.update(repr(opts).encode())
    return h.hexdigest()


# ---------------------------------------------------------------------------- main entry


def load(spec: InputSpec) -> AudienceData:
    """Read, validate and aggregate. Raises InputError with one clear line for anything unusable."""
    if not spec.group_by:
        raise InputError("no group columns: pass --group-by with the demographic columns, such as age,gender,country")
    stray = [c for c in spec.bins if c not in spec.group_by]
    if stray:
        raise InputError(f"--bins names {', '.join(stray)}, which is not a group column; add it to --group-by")
    notes: list[str] = []
    counts_cols = [c for c in (spec.count_col, *spec.extra_count_cols) if c]
    event_level = spec.users is not None
    first = [spec.user_col] if event_level else list(spec.group_by)
    inter_cols = [*first, spec.content_col, *counts_cols, *([spec.event_date_col] if spec.event_date_col else [])]
    dict_cols = [spec.content_col, *([spec.user_col] if event_level else [c for c in spec.group_by if c not in spec.bins])]
    types = _string_types(spec.interactions, dict_cols)
    if types:  # a CSV: numbers are parsed as numbers, so a bad value is reported with its column
        types.update({c: pa.float64() for c in [*counts_cols, *(b for b in spec.bins if b in first)]})
        if event_level and spec.user_col != spec.content_col:
            # User ids are only looked up in the users table: plain text parses ~3x faster than a dictionary
            # of hundreds of thousands of ids, and the lookup costs the same.
            types[spec.user_col] = pa.string()
    elif not isinstance(spec.interactions, pd.DataFrame):  # Parquet: content ids stored as text are read
        types = {spec.content_col: _DICT}  # straight from its dictionary pages (no string per row)
    inter = _table(spec.interactions, "interactions", inter_cols, types)
    if inter.num_rows == 0:
        raise InputError("the interactions file has no data rows; nothing to build personas from")

    count_what = f"interactions column {spec.count_col!r}"
    primary = count_values(inter.column(spec.count_col), count_what) if spec.count_col else np.ones(inter.num_rows)
    extras = {c: count_values(inter.column(c), f"interactions column {c!r}") for c in spec.extra_count_cols}
    content_codes, content_ids = _encode(
        inter.column(spec.content_col), f"interactions column {spec.content_col!r}",
        first_seen=bool(types) and _stored_as_text(spec.interactions, spec.content_col),
    )
    month_codes, months = _months(inter.column(spec.event_date_col), spec.event_date_col) if spec.event_date_col else (None, [])

    group_users: np.ndarray | None = None
    if event_level:
        user_col = inter.column(spec.user_col)  # looked up in the users table below, never encoded itself
        if user_col.null_count:
            raise InputError(
                f"interactions column {spec.user_col!r} has {user_col.null_count} empty values; fill or drop those rows"
            )
        del inter
        utypes = _string_types(spec.users, [spec.user_col, *[c for c in spec.group_by if c not in spec.bins]])
        if not isinstance(spec.users, pd.DataFrame) and file_kind(Path(spec.users)) == "csv":
            utypes.update({c: pa.float64() for c in spec.bins})
        users = _table(spec.users, "users", [spec.user_col, *spec.group_by], utypes)
        ucodes, uids = _encode(users.column(spec.user_col), f"users column {spec.user_col!r}")
        if len(ucodes) and np.bincount(ucodes, minlength=len(uids)).max() > 1:  # linear, unlike np.unique
            raise InputError(f"users table: user ids in {spec.user_col!r} repeat; each user needs exactly one row")
        ginfo = _group_codes(users, spec, "users", notes)
        user_group = np.full(len(uids), -1, dtype=np.int64)
        user_group[ucodes] = ginfo.codes
        pos = _positions(user_col, uids)  # interaction row -> users row (-1: not in the users table)
        del user_col
        row_group = np.where(pos >= 0, user_group[pos], -1)
        unknown = row_group < 0
        if unknown.any():
            notes.append(f"{int(unknown.sum())} interactions by users missing from the users table were left out")
            keep = ~unknown
            row_group, content_codes, primary = row_group[keep], content_codes[keep], primary[keep]
            extras = {k: v[keep] for k, v in extras.items()}
            pos = pos[keep]
            month_codes = None if month_codes is None else month_codes[keep]
        n_groups = len(ginfo.frame)
        # Each user belongs to one group, so a group's distinct users are the users seen, counted by group.
        seen = np.zeros(len(uids), dtype=bool)
        seen[pos] = True
        del pos
        group_users = np.bincount(user_group[seen], minlength=n_groups).astype(np.int64)
    else:
        ginfo = _group_codes(inter, spec, "interactions", notes)
        row_group = ginfo.codes
        del inter

    if primary.sum() <= 0:
        raise InputError("all interaction counts are zero; nothing to build personas from")
    n_groups, n_content = len(ginfo.frame), len(content_ids)
    if n_groups * n_content <= _DENSE_CELLS:
        # Few cells: one bincount sums the duplicate pairs into a dense block (no sort of the rows' pairs).
        key = row_group * n_content + content_codes
        pairs = len(primary) if event_level else int(np.count_nonzero(np.bincount(key, minlength=n_groups * n_content)))
        dense = np.bincount(key, weights=primary, minlength=n_groups * n_content).reshape(n_groups, n_content)
        del key
        matrix = sp.csr_matrix(dense)
        del dense
    else:
        coo = sp.coo_matrix((primary, (row_group, content_codes)), shape=(n_groups, n_content))
        matrix = coo.tocsr()  # sums duplicate (group, content) pairs; explicit zeros stay until eliminated
        del coo
        pairs = matrix.nnz
    if not event_level and len(primary) > pairs:
        notes.append(f"{len(primary) - pairs} duplicate (group, content) rows were summed")
    matrix.eliminate_zeros()
    extra_totals = {k: np.bincount(row_group, weights=v, minlength=n_groups) for k, v in extras.items()}
    trend = None
    if month_codes is not None:
        flat = np.bincount(row_group * len(months) + month_codes, weights=primary, minlength=n_groups * len(months))
        trend = (months, flat.reshape(n_groups, len(months)))

    # Drop all-zero rows and columns: they carry no behaviour and break column scaling.
    g_keep = np.flatnonzero(np.diff(matrix.indptr) > 0)
    c_keep = np.flatnonzero(np.bincount(matrix.indices, minlength=n_content) > 0)
    if len(g_keep) < n_groups or len(c_keep) < n_content:
        dropped = (n_groups - len(g_keep), n_content - len(c_keep))
        notes.append(f"left out {dropped[0]} groups and {dropped[1]} content items with zero interactions")
        matrix = matrix[g_keep][:, c_keep].tocsr()
    if matrix.shape[0] < 2:
        raise InputError(
            f"only {matrix.shape[0]} demographic group after aggregation; personas need at least 2 (check --group-by)"
        )
    if matrix.shape[1] < 2:
        raise InputError(f"only {matrix.shape[1]} content item has interactions; personas need at least 2")
    groups = ginfo.frame.iloc[g_keep].reset_index(drop=True)
    content_ids = content_ids[c_keep]
    content = _content_frame(spec, content_ids, notes)
    comments = _comments_frame(spec, pd.Index(content["content_id"]), notes)
    return AudienceData(
        matrix=matrix.astype(np.float64, copy=False),
        groups=groups,
        content=content,
        count_name=spec.count_name or spec.count_col or "interactions",
        extra_totals={k: v[g_keep] for k, v in extra_totals.items()},
        group_users=None if group_users is None else group_users[g_keep],
        group_value_median={k: v[g_keep] for k, v in ginfo.value_median.items()},
        bin_ranges=ginfo.bin_ranges,
        comments=comments,
        group_trend=None if trend is None else (trend[0], trend[1][g_keep]),
        notes=notes,
        fingerprint=fingerprint(spec),
        source=spec.source,
    )

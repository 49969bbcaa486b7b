"""The in-memory engine: pyarrow reads the columns, numpy sums them (the project's original path).

Everything large stays columnar (pyarrow) or sparse (scipy): ids become integer codes through dictionary
encoding, and V is built with one bincount (few cells) or one sparse COO -> CSR conversion that sums
duplicates. Groups and content are numbered in order of first appearance; a folder or glob of files is read
file by file (sorted by name) and concatenated.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
import scipy.sparse as sp

from ..data import UNKNOWN, InputSpec, _apply_bins, _table, count_values
from ..errors import InputError
from ..tables import file_kind
from .base import Aggregate, EngineOptions, input_files, is_multi

_DICT = pa.dictionary(pa.int32(), pa.string())
_DENSE_CELLS = 1 << 24  # groups x content up to this (128 MB of float64) is summed densely, larger through COO


def make(options: EngineOptions) -> "MemoryEngine":
    return MemoryEngine()


def _first_file(src: Path | pd.DataFrame) -> Path | pd.DataFrame:
    return input_files(src)[0] if is_multi(src) else src


def _read(src: Path | pd.DataFrame, role: str, columns: Sequence[str], types: dict[str, pa.DataType]) -> pa.Table:
    if not is_multi(src):
        return _table(src, role, columns, types)
    tables = [_table(p, role, columns, types) for p in input_files(src)]
    return pa.concat_tables(tables, promote_options="permissive")


def _string_types(src: Path | pd.DataFrame, names: Sequence[str]) -> dict[str, pa.DataType]:
    """CSV id/label columns are read straight into dictionaries (integer codes, no Python strings)."""
    if isinstance(src, pd.DataFrame) or file_kind(Path(_first_file(src))) != "csv":
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
    if isinstance(src, pd.DataFrame):
        return False
    first = Path(_first_file(src))
    return file_kind(first) == "parquet" and pa.types.is_string(pq.read_schema(first).field(name).type)


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


def event_seconds(col: pa.ChunkedArray, name: str) -> np.ndarray:
    """Unix seconds per row (float64) from unix seconds or ISO dates, read as the window planner reads them
    (personas/windows.py parse_dates)."""
    if pa.types.is_dictionary(col.type):
        col = col.cast(pa.string())
    if pa.types.is_integer(col.type) or pa.types.is_floating(col.type):
        return col.to_numpy().astype(np.float64)
    text = pd.Series(col.to_numpy(zero_copy_only=False)).astype(str).str.strip()
    numeric = pd.to_numeric(text, errors="coerce")
    if numeric.notna().all():
        return numeric.to_numpy(np.float64)
    stamps = pd.to_datetime(text, errors="coerce", format="mixed", utc=True).dt.tz_localize(None)
    if stamps.isna().any():
        bad = text[stamps.isna()].iloc[0]
        raise InputError(f"interactions column {name!r} holds {bad!r}, which is not a date; use ISO dates or unix seconds")
    return stamps.to_numpy("datetime64[us]").astype(np.int64) / 1e6


def recency_weights(seconds: np.ndarray, spec: InputSpec) -> np.ndarray:
    """0.5 ** (age in days / half-life), age measured back from the spec's reference (0 at or after it)."""
    age = np.maximum((float(spec.recency_reference) - seconds) / 86400.0, 0.0)
    return np.power(0.5, age / float(spec.half_life_days))


def _in_window(inter: pa.Table, spec: InputSpec) -> tuple[pa.Table, np.ndarray | None]:
    """The rows inside the spec's date window and their event dates in seconds (None: no window, no weights)."""
    if not (spec.event_range or spec.half_life_days):
        return inter, None
    seconds = event_seconds(inter.column(spec.event_date_col), spec.event_date_col)
    if spec.event_range:
        lo, hi = spec.event_range
        keep = np.ones(len(seconds), dtype=bool)
        if lo is not None:
            keep &= seconds >= lo
        if hi is not None:
            keep &= seconds < hi
        if not keep.all():
            inter, seconds = inter.filter(pa.array(keep)), seconds[keep]
    return inter, seconds


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



class MemoryEngine:
    name = "pandas"

    def aggregate(self, spec: InputSpec) -> Aggregate:
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
        inter, seconds = _in_window(_read(spec.interactions, "interactions", inter_cols, types), spec)
        if inter.num_rows == 0:
            raise InputError("the interactions file has no data rows; nothing to build personas from")

        count_what = f"interactions column {spec.count_col!r}"
        primary = count_values(inter.column(spec.count_col), count_what) if spec.count_col else np.ones(inter.num_rows)
        if spec.half_life_days:
            primary = primary * recency_weights(seconds, spec)
        del seconds
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
            if not isinstance(spec.users, pd.DataFrame) and file_kind(Path(_first_file(spec.users))) == "csv":
                utypes.update({c: pa.float64() for c in spec.bins})
            users = _read(spec.users, "users", [spec.user_col, *spec.group_by], utypes)
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

        return Aggregate(
            matrix=matrix, groups=ginfo.frame, content_ids=content_ids, extra_totals=extra_totals,
            group_users=group_users, value_median=ginfo.value_median, bin_ranges=ginfo.bin_ranges, trend=trend,
            notes=notes, engine=self.name,
        )

"""The aggregation as SQL, shared by the DuckDB and Spark engines (one dialect table tells them apart).

The engine registers two relations, ``inter`` (the interaction rows) and, for event-level data, ``users``,
and passes a function that runs one query and returns a pandas frame. Every query returns an aggregate
(never the rows themselves): validation counts, the groups, the (group, content) sums, the distinct users per
group and the monthly trend. Groups and content are numbered in sorted order (group values as text, bins by
bracket; content ids as text); the in-memory engine numbers them by first appearance, so the matrices are
the same cell for cell, under a permutation of rows and columns.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd
import scipy.sparse as sp

from ..data import UNKNOWN, InputSpec, bin_labels
from ..errors import InputError
from .base import Aggregate

_LARGEST_EXACT = float(2 ** 53)
Run = Callable[[str], pd.DataFrame]


@dataclass(frozen=True)
class Dialect:
    name: str
    quote_char: str  # identifiers: "x" (DuckDB) or `x` (Spark)
    text: str  # the text type: VARCHAR or STRING
    month_fmt: str  # an expression with {ts} giving 'YYYY-MM'
    from_seconds: str  # an expression with {x} (double seconds) giving a timestamp
    to_seconds: str  # an expression with {ts} (a timestamp) giving double unix seconds

    def q(self, name: str) -> str:
        return f"{self.quote_char}{name.replace(self.quote_char, self.quote_char * 2)}{self.quote_char}"


DUCKDB = Dialect("duckdb", '"', "VARCHAR", "strftime({ts}, '%Y-%m')", "to_timestamp({x})",
                 "epoch_us({ts}) / 1000000.0")
SPARK = Dialect("spark", "`", "STRING", "date_format({ts}, 'yyyy-MM')", "timestamp_seconds({x})",
                "unix_micros({ts}) / 1000000.0")


def _lit(text: str) -> str:
    return "'" + text.replace("\\", "\\\\").replace("'", "''") + "'"


class SqlAggregation:
    """Builds and runs the queries for one spec; ``run()`` returns the engine-neutral Aggregate."""

    def __init__(self, spec: InputSpec, dialect: Dialect, run: Run, engine: str) -> None:
        self.spec, self.d, self._run, self.engine = spec, dialect, run, engine
        self.event_level = spec.users is not None
        self.inter = self._window_rows()

    # ------------------------------------------------------------------ expressions

    def num(self, expr: str) -> str:
        return f"TRY_CAST({expr} AS DOUBLE)"

    def col(self, alias: str, name: str) -> str:
        return f"{alias}.{self.d.q(name)}"

    def group_exprs(self, alias: str) -> list[str]:
        out = []
        for i, c in enumerate(self.spec.group_by):
            ref = self.col(alias, c)
            if c in self.spec.bins:
                edges = self.spec.bins[c]
                whens = " ".join(f"WHEN {self.num(ref)} < {float(e)!r} THEN {k}" for k, e in enumerate(edges))
                out.append(f"CASE {whens} ELSE {len(edges)} END AS _g{i}")
            else:
                out.append(f"COALESCE(CAST({ref} AS {self.d.text}), {_lit(UNKNOWN)}) AS _g{i}")
        return out

    @property
    def gkeys(self) -> list[str]:
        return [f"_g{i}" for i in range(len(self.spec.group_by))]

    def primary(self, alias: str) -> str:
        count = self.num(self.col(alias, self.spec.count_col)) if self.spec.count_col else "CAST(1 AS DOUBLE)"
        s = self.spec
        if not s.half_life_days:
            return count
        age = f"greatest(({float(s.recency_reference)!r} - {self.seconds(alias)}) / 86400.0, 0.0)"
        return f"({count}) * power(0.5, {age} / {float(s.half_life_days)!r})"

    def seconds(self, alias: str) -> str:
        """The event date as unix seconds (a number as it is; text as a timestamp, as ``month`` reads it)."""
        ref = self.col(alias, self.spec.event_date_col)
        ts = f"TRY_CAST(CAST({ref} AS {self.d.text}) AS TIMESTAMP)"
        return f"(CASE WHEN {self.num(ref)} IS NOT NULL THEN {self.num(ref)} ELSE {self.d.to_seconds.format(ts=ts)} END)"

    def _window_rows(self) -> str:
        """The interaction relation the queries read: ``inter``, or its rows inside the spec's date window."""
        if not self.spec.event_range:
            return "inter"
        lo, hi = self.spec.event_range
        conds = [*([f"{self.seconds('w')} >= {float(lo)!r}"] if lo is not None else []),
                 *([f"{self.seconds('w')} < {float(hi)!r}"] if hi is not None else [])]
        return f"(SELECT * FROM inter w WHERE {' AND '.join(conds) or 'TRUE'})"

    def month(self, alias: str) -> str:
        ref = self.col(alias, self.spec.event_date_col)
        ts = (f"CASE WHEN {self.num(ref)} IS NOT NULL THEN {self.d.from_seconds.format(x=self.num(ref))} "
              f"ELSE TRY_CAST(CAST({ref} AS {self.d.text}) AS TIMESTAMP) END")
        return self.d.month_fmt.format(ts=ts)

    def user_groups(self) -> str:
        """One row per user: its id as text, its group values, raw binned values and the group's number
        (dense_rank over the sorted group values), computed once per user instead of once per interaction."""
        u, s = self.d.q(self.spec.user_col), self.spec
        raws = [f"{self.num(self.col('t', c))} AS _r{s.group_by.index(c)}" for c in s.group_by if c in s.bins]
        inner = (f"SELECT CAST(t.{u} AS {self.d.text}) AS _uid, {', '.join([*self.group_exprs('t'), *raws])} "
                 "FROM users t")
        return (f"(SELECT *, dense_rank() OVER (ORDER BY {', '.join(self.gkeys)}) - 1 AS _gid FROM ({inner}) x)")

    def rows_from(self) -> str:
        """The interaction rows with the group they belong to (joined to users for event-level data)."""
        if not self.event_level:
            return f"{self.inter} t"
        u = self.d.q(self.spec.user_col)
        return f"{self.inter} i LEFT JOIN {self.user_groups()} t ON CAST(i.{u} AS {self.d.text}) = t._uid"

    @property
    def ia(self) -> str:  # the alias of the interaction columns
        return "i" if self.event_level else "t"

    # ------------------------------------------------------------------ checks

    def _count_checks(self, alias: str, name: str, key: str) -> list[str]:
        ref, n = self.col(alias, name), self.num(self.col(alias, name))
        return [
            f"count(*) FILTER (WHERE {ref} IS NULL) AS {key}_null",
            f"count(*) FILTER (WHERE {ref} IS NOT NULL AND {n} IS NULL) AS {key}_bad",
            f"min(CAST({ref} AS {self.d.text})) FILTER (WHERE {ref} IS NOT NULL AND {n} IS NULL) AS {key}_badv",
            f"count(*) FILTER (WHERE {n} < 0) AS {key}_neg",
            f"count(*) FILTER (WHERE abs({n}) = CAST('Infinity' AS DOUBLE)) AS {key}_inf",
            f"sum({n}) AS {key}_sum",
        ]

    @staticmethod
    def _raise_count(row: pd.Series, key: str, what: str, total_check: bool = True) -> None:
        if row[f"{key}_null"]:
            raise InputError(f"{what} has {int(row[f'{key}_null'])} empty values (NaN); fill or drop those rows")
        if row[f"{key}_bad"]:
            raise InputError(f"{what} must be numeric but holds {str(row[f'{key}_badv'])!r} "
                             f"({int(row[f'{key}_bad'])} such values); fix the values or map another column")
        if row[f"{key}_neg"]:
            raise InputError(f"{what} has {int(row[f'{key}_neg'])} negative values; counts must be 0 or more")
        if row[f"{key}_inf"]:
            raise InputError(f"{what} has infinite values; counts must be finite")
        total = row[f"{key}_sum"]
        if total_check and not (pd.isna(total) or float(total) < _LARGEST_EXACT):
            raise InputError(f"{what} is too large: its values add up to more than {_LARGEST_EXACT:,.0f}, beyond "
                             "which counts are no longer computed exactly; divide them by a power of ten first")

    def _check_inter(self) -> None:
        s, a = self.spec, "t"
        parts = ["count(*) AS n_rows"]
        counts = [c for c in (s.count_col, *s.extra_count_cols) if c]
        for k, c in enumerate(counts):
            parts += self._count_checks(a, c, f"c{k}")
        key_col = s.user_col if self.event_level else None
        if key_col:
            parts.append(f"count(*) FILTER (WHERE {self.col(a, key_col)} IS NULL) AS user_null")
        parts.append(f"count(*) FILTER (WHERE {self.col(a, s.content_col)} IS NULL) AS content_null")
        if s.event_date_col:
            ref = self.col(a, s.event_date_col)
            parts += [f"count(*) FILTER (WHERE {ref} IS NULL) AS date_null",
                      f"min(CAST({ref} AS {self.d.text})) FILTER (WHERE {ref} IS NOT NULL AND {self.month(a)} IS NULL)"
                      " AS date_bad"]
        row = self._run(f"SELECT {', '.join(parts)} FROM {self.inter} {a}").iloc[0]
        if int(row["n_rows"]) == 0:
            raise InputError("the interactions file has no data rows; nothing to build personas from")
        for k, c in enumerate(counts):
            self._raise_count(row, f"c{k}", f"interactions column {c!r}")
        if key_col and row["user_null"]:
            raise InputError(f"interactions column {key_col!r} has {int(row['user_null'])} empty values; "
                             "fill or drop those rows")
        if row["content_null"]:
            raise InputError(f"interactions column {s.content_col!r} has {int(row['content_null'])} empty values; "
                             "fill or drop those rows")
        if s.event_date_col:
            if row["date_null"]:
                raise InputError(f"interactions column {s.event_date_col!r} has {int(row['date_null'])} empty dates; "
                                 "fill or drop those rows")
            if not pd.isna(row["date_bad"]):
                raise InputError(f"interactions column {s.event_date_col!r} holds {row['date_bad']!r}, which is not "
                                 "a date; use ISO dates or unix seconds")

    def _check_groups(self, notes: list[str]) -> None:
        """The table the groups come from: binned columns numeric, user ids present and unique."""
        s, a = self.spec, "t"
        table, role = ("users", "users") if self.event_level else (self.inter, "interactions")
        parts = ["count(*) AS n_rows"]
        for k, c in enumerate(s.group_by):
            if c in s.bins:
                parts += self._count_checks(a, c, f"b{k}")
            else:
                parts.append(f"count(*) FILTER (WHERE {self.col(a, c)} IS NULL) AS g{k}_null")
        if self.event_level:
            u = self.col(a, s.user_col)
            parts += [f"count(*) FILTER (WHERE {u} IS NULL) AS user_null",
                      f"count(DISTINCT CAST({u} AS {self.d.text})) AS users"]
        row = self._run(f"SELECT {', '.join(parts)} FROM {table} {a}").iloc[0]
        if self.event_level and row["user_null"]:
            raise InputError(f"users column {s.user_col!r} has {int(row['user_null'])} empty values; "
                             "fill or drop those rows")
        for k, c in enumerate(s.group_by):
            if c in s.bins:
                self._raise_count(row, f"b{k}", f"{role} column {c!r}", total_check=False)
            elif row[f"g{k}_null"]:
                notes.append(f"{int(row[f'g{k}_null'])} rows have no {c!r}; they form the group {c}={UNKNOWN!r}")
        if self.event_level and int(row["users"]) < int(row["n_rows"]):
            raise InputError(f"users table: user ids in {s.user_col!r} repeat; each user needs exactly one row")

    # ------------------------------------------------------------------ the aggregation

    def run(self) -> Aggregate:
        s = self.spec
        notes: list[str] = []
        self._check_inter()
        self._check_groups(notes)
        keys, binned = self.gkeys, [c for c in s.group_by if c in s.bins]
        gsrc = self.user_groups() + " t" if self.event_level else f"{self.inter} t"
        if self.event_level:
            medians = [f"median(t._r{s.group_by.index(c)}) AS _m{s.group_by.index(c)}" for c in binned]
            groups = self._run(f"SELECT t._gid, {', '.join([*(f't.{k}' for k in keys), *medians])} FROM {gsrc} "
                               f"GROUP BY t._gid, {', '.join(f't.{k}' for k in keys)}")
            groups = groups.sort_values("_gid").reset_index(drop=True)
            groups["_code"] = groups["_gid"].to_numpy(np.int64)
            on = ["_gid"]
        else:
            medians = [f"median({self.num(self.col('t', c))}) AS _m{s.group_by.index(c)}" for c in binned]
            groups = self._run(f"SELECT {', '.join([*self.group_exprs('t'), *medians])} FROM {self.inter} t "
                               f"GROUP BY {', '.join(keys)}")
            groups = groups.sort_values(keys, kind="stable").reset_index(drop=True)
            groups["_code"] = np.arange(len(groups), dtype=np.int64)
            on = keys
        content_ids = self._content_ids()
        sets = self._one_scan(on)
        pairs, per_month = sets[sets["_set"] == 0], sets[sets["_set"] == 2]
        lost_mask = pairs["_lost"].astype(bool).to_numpy()
        kept = pairs[~lost_mask]
        lost_rows = int(pairs.loc[lost_mask, "_rows"].sum())
        if lost_rows:
            notes.append(f"{lost_rows} interactions by users missing from the users table were left out")
        if float(kept["_v"].sum()) <= 0:
            raise InputError("all interaction counts are zero; nothing to build personas from")
        if not self.event_level and int(kept["_rows"].sum()) > len(kept):
            notes.append(f"{int(kept['_rows'].sum()) - len(kept)} duplicate (group, content) rows were summed")
        kept = kept.merge(groups[[*on, "_code"]], on=on, how="left") if on != ["_gid"] else \
            kept.assign(_code=kept["_gid"].to_numpy(np.int64))
        ccode = kept["_cid"].to_numpy(np.int64)
        n_groups = len(groups)
        matrix = sp.csr_matrix((kept["_v"].to_numpy(np.float64), (kept["_code"].to_numpy(), ccode)),
                               shape=(n_groups, len(content_ids)))
        matrix.sum_duplicates()
        matrix.eliminate_zeros()

        def per_group(frame: pd.DataFrame, col: str) -> np.ndarray:
            out = np.zeros(n_groups)
            np.add.at(out, frame["_code"].to_numpy(), frame[col].to_numpy(np.float64))
            return out

        extra_totals = {c: per_group(kept, f"_x{k}") for k, c in enumerate(s.extra_count_cols)}
        group_users = None
        if self.event_level:
            group_users = self._group_users(n_groups)
        trend = self._trend(per_month, groups, on) if s.event_date_col else None
        frame = pd.DataFrame({c: self._labels(c, groups[k]) for c, k in zip(s.group_by, keys)})
        return Aggregate(
            matrix=matrix, groups=frame.astype(str), content_ids=content_ids, extra_totals=extra_totals,
            group_users=group_users,
            value_median={c: groups[f"_m{s.group_by.index(c)}"].to_numpy(np.float64) for c in binned},
            bin_ranges=self._bin_ranges(binned, "users" if self.event_level else self.inter), trend=trend, notes=notes,
            engine=self.engine,
        )

    def _labels(self, col: str, values: pd.Series) -> np.ndarray:
        if col not in self.spec.bins:
            return values.astype(str).to_numpy(dtype=object)
        return np.array(bin_labels(self.spec.bins[col]), dtype=object)[values.to_numpy(np.int64)]

    def _bin_ranges(self, binned: list[str], gsrc: str) -> dict[str, dict[str, tuple[float, float]]]:
        out: dict[str, dict[str, tuple[float, float]]] = {}
        for c in binned:
            i = self.spec.group_by.index(c)
            raw = self.num(self.col("t", c))
            frame = self._run(f"SELECT {self.group_exprs('t')[i]}, min({raw}) AS lo, max({raw}) AS hi FROM {gsrc} t "
                              f"GROUP BY _g{i}")
            labels = self._labels(c, frame[f"_g{i}"])
            out[c] = {str(lab): (float(lo), float(hi)) for lab, lo, hi in sorted(zip(labels, frame["lo"], frame["hi"]))}
        return out

    def _content_ids(self) -> np.ndarray:
        """Every content id seen, as text, in sorted order: the column order of the matrix (``_cid``)."""
        frame = self._run(f"SELECT _content FROM {self._content_codes()} c ORDER BY _cid")
        return frame["_content"].astype(str).to_numpy(dtype=object)

    def _content_codes(self) -> str:
        """(content id as text, its number in sorted order), one row per distinct item (thousands, not millions)."""
        content = f"CAST({self.col('t', self.spec.content_col)} AS {self.d.text})"
        return (f"(SELECT _content, row_number() OVER (ORDER BY _content) - 1 AS _cid "
                f"FROM (SELECT DISTINCT {content} AS _content FROM {self.inter} t) x)")

    def _group_users(self, n_groups: int) -> np.ndarray:
        """Distinct users with interactions per group: each user is in one group, so it is the distinct user ids
        of the interactions joined to their groups and counted; no (group, user) pair leaves the engine."""
        u = self.d.q(self.spec.user_col)
        seen = f"(SELECT DISTINCT CAST(i.{u} AS {self.d.text}) AS _u FROM {self.inter} i) d"
        frame = self._run(f"SELECT t._gid, count(*) AS _n FROM {seen} JOIN {self.user_groups()} t ON d._u = t._uid "
                          "GROUP BY t._gid")
        out = np.zeros(n_groups, dtype=np.int64)
        out[frame["_gid"].to_numpy(np.int64)] = frame["_n"].to_numpy(np.int64)
        return out

    def _one_scan(self, on: list[str]) -> pd.DataFrame:
        """One pass over the interactions, two aggregates (grouping sets): the (group, content) sums (_set 0,
        content numbered by ``_cid``, joined after the aggregation on the few distinct items) and the
        (group, month) sums (_set 2). Only numbers leave the engine (plus group values for aggregated rows)."""
        s, ia = self.spec, self.ia
        group_cols = ["t._gid AS _gid"] if on == ["_gid"] else [f"{g.rsplit(' AS ', 1)[0]} AS {k}"
                                                                for g, k in zip(self.group_exprs("t"), on)]
        cols = [*group_cols, f"CAST({self.col(ia, s.content_col)} AS {self.d.text}) AS _content",
                ("t._uid IS NULL" if self.event_level else "FALSE") + " AS _lost",
                f"{self.primary(ia)} AS _p", *(f"{self.num(self.col(ia, c))} AS _x{k}"
                                               for k, c in enumerate(s.extra_count_cols))]
        sets = [f"({', '.join([*on, '_content', '_lost'])})"]
        if s.event_date_col:
            cols.append(f"{self.month(ia)} AS _month")
            sets.append(f"({', '.join([*on, '_month'])})")
        which = "CASE WHEN GROUPING(_content) = 0 THEN 0 ELSE 2 END AS _set"
        extras = "".join(f", sum(_x{k}) AS _x{k}" for k in range(len(s.extra_count_cols)))
        picked = [*on, "_content", "_lost", *(["_month"] if s.event_date_col else [])]
        scan = (f"SELECT {', '.join(picked)}, {which}, count(*) AS _rows, sum(_p) AS _v{extras} "
                f"FROM (SELECT {', '.join(cols)} FROM {self.rows_from()}) r "
                f"GROUP BY GROUPING SETS ({', '.join(sets)})")
        out = [*(f"a.{k}" for k in on), "a._lost", *(["a._month"] if s.event_date_col else []), "a._set",
               "a._rows", "a._v", *(f"a._x{k}" for k in range(len(s.extra_count_cols))), "c._cid"]
        return self._run(f"SELECT {', '.join(out)} FROM ({scan}) a LEFT JOIN {self._content_codes()} c "
                         "ON a._content = c._content")

    def _trend(self, per_month: pd.DataFrame, groups: pd.DataFrame, on: list[str]) -> tuple[list[str], np.ndarray]:
        if on == ["_gid"]:  # rows of users missing from the users table have no group
            frame = per_month[per_month["_gid"].notna()]
            frame = frame.assign(_code=frame["_gid"].to_numpy(np.int64))
        else:
            frame = per_month.merge(groups[[*on, "_code"]], on=on)
        months = sorted(set(frame["_month"].astype(str)))
        out = np.zeros((len(groups), len(months)))
        np.add.at(out, (frame["_code"].to_numpy(np.int64), pd.Index(months).get_indexer(frame["_month"].astype(str))),
                  frame["_v"].to_numpy(np.float64))
        return months, out

"""The out-of-core engine: embedded DuckDB runs the aggregation SQL under a memory limit, spilling to disk.

Files are read where they lie (one file, a folder or a glob; CSV as text, Parquet as stored): nothing but the
aggregates ever reaches Python, so the memory used is DuckDB's limit plus the (groups x content) result.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pandas as pd

from ..data import InputSpec
from ..errors import InputError
from ..tables import PARQUET_SUFFIXES, column_names, require_columns
from .base import Aggregate, EngineOptions, frame_columns, input_files, is_remote, machine_memory
from .sql import DUCKDB, SqlAggregation


def make(options: EngineOptions) -> DuckDBEngine:
    return DuckDBEngine(options)


def default_memory_limit() -> str:
    """Half of the machine's memory, in whole megabytes (DuckDB's own default is 80 %)."""
    return f"{machine_memory() // 2 // 2**20}MB"


def _needed(spec: InputSpec, role: str) -> list[str]:
    s = spec
    if role == "users":
        return [s.user_col, *s.group_by]
    first = [s.user_col] if s.users is not None else list(s.group_by)
    return list(dict.fromkeys([*first, s.content_col, *(c for c in (s.count_col, *s.extra_count_cols) if c),
                               *([s.event_date_col] if s.event_date_col else [])]))


def relation_sql(src: Path | str, role: str, columns: list[str]) -> str:
    """A DuckDB table function over the file(s), after the readers' own checks (missing file, columns)."""
    if is_remote(src):
        raise InputError(f"{role} {src}: the duckdb engine reads local files; use --engine spark for a cluster's URIs")
    files = input_files(src)
    for path in files:
        require_columns(path, role, columns, column_names(path, role))
    listing = "[" + ", ".join("'" + str(p).replace("'", "''") + "'" for p in files) + "]"
    if files[0].name.lower().endswith(PARQUET_SUFFIXES):
        return f"read_parquet({listing}, union_by_name = true)"
    tab = ".tsv" in files[0].name.lower() or files[0].name.lower().endswith((".inter", ".user", ".item"))
    delim = "\\t" if tab else ","
    return (f"read_csv({listing}, header = true, all_varchar = true, delim = E'{delim}', quote = '\"', "
            "union_by_name = true)")


def _frame(con, query: str) -> pd.DataFrame:
    """The result through Arrow (text columns stay Arrow strings: several times faster than ``.df()``)."""
    result = con.sql(query).arrow()
    table = result.read_all() if hasattr(result, "read_all") else result
    return table.to_pandas()


class DuckDBEngine:
    name = "duckdb"

    def __init__(self, options: EngineOptions) -> None:
        self.options = options

    def connect(self):  # -> duckdb.DuckDBPyConnection
        import duckdb

        con = duckdb.connect(config={"allow_unsigned_extensions": False})
        limit = self.options.memory_limit or default_memory_limit()
        temp = self.options.temp_directory or os.path.join(tempfile.gettempdir(), f"personas-duckdb-{os.getpid()}")
        threads = self.options.threads or (len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else 2)
        try:
            con.execute(f"SET memory_limit = '{limit}'")
        except duckdb.Error:
            raise InputError(f"--memory-limit {limit!r}: expected a size such as 2GB or 500MB") from None
        con.execute(f"SET temp_directory = '{temp}'")
        if self.options.max_temp_size:
            con.execute(f"SET max_temp_directory_size = '{self.options.max_temp_size}'")
        con.execute(f"SET threads = {int(threads)}")
        con.execute("SET preserve_insertion_order = false")  # only aggregates come back: order is not needed
        con.execute("SET TimeZone = 'UTC'")
        return con

    def _register(self, con, name: str, src: Path | str | pd.DataFrame, spec: InputSpec, role: str) -> None:
        columns = _needed(spec, role)
        if isinstance(src, pd.DataFrame):
            con.register(f"{name}_frame", frame_columns(src, columns, role))
            con.execute(f"CREATE VIEW {name} AS SELECT * FROM {name}_frame")
            return
        con.execute(f"CREATE VIEW {name} AS SELECT * FROM {relation_sql(src, role, columns)}")

    def aggregate(self, spec: InputSpec) -> Aggregate:
        import duckdb

        con = self.connect()
        try:
            self._register(con, "inter", spec.interactions, spec, "interactions")
            if spec.users is not None:
                self._register(con, "users", spec.users, spec, "users")
            try:
                return SqlAggregation(spec, DUCKDB, lambda q: _frame(con, q), self.name).run()
            except duckdb.OutOfMemoryException as exc:
                limit = self.options.memory_limit or default_memory_limit()
                raise InputError(f"the duckdb engine ran out of memory under --memory-limit {limit} "
                                 f"({str(exc).splitlines()[0][:120]}); raise the limit or free disk space for "
                                 "spilling") from None
            except duckdb.Error as exc:
                first = str(exc).splitlines()[0][:160]
                raise InputError(f"the duckdb engine could not read the input ({first})") from None
        finally:
            con.close()

"""The engine seam: what an engine returns, how one is picked, and the input files it reads."""

from __future__ import annotations

import glob
import importlib
import importlib.util
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

import numpy as np
import pandas as pd
import scipy.sparse as sp

from ..errors import InputError

if TYPE_CHECKING:
    from ..data import InputSpec

# name -> (module, the pip extra that installs its package, the package imported)
ENGINES: dict[str, tuple[str, str | None, str | None]] = {
    "pandas": ("personas.engines.memory", None, None),
    "duckdb": ("personas.engines.duckdb_engine", "duckdb", "duckdb"),
    "spark": ("personas.engines.spark_engine", "spark", "pyspark"),
}
# auto: files up to this size are aggregated in memory (10M Parquet rows are about 90 MB and take about 1 GB of
# memory in the pandas engine); larger inputs go to DuckDB, which keeps its memory under --memory-limit.
AUTO_IN_MEMORY_BYTES = 256 * 1024 * 1024
_REMOTE_SCHEMES = ("hdfs://", "s3://", "s3a://", "s3n://", "gs://", "abfs://", "abfss://", "wasb://", "dbfs:/")


@dataclass(frozen=True)
class EngineOptions:
    engine: str = "auto"  # auto | pandas | duckdb | spark
    memory_limit: str | None = None  # DuckDB's memory limit ('2GB'); None: half of the machine's memory
    temp_directory: str | None = None  # where DuckDB spills; None: a temporary folder
    max_temp_size: str | None = None  # DuckDB's cap on what it spills (None: its default, 90 % of free disk)
    threads: int | None = None  # DuckDB threads; None: the cores this process may use
    spark_master: str = "local[2]"


@dataclass
class Aggregate:
    """The aggregated audience before all-zero rows and columns are dropped (data.load finishes it).

    Shapes: g groups (every group of the table the groups come from), c content items (every item seen)."""

    matrix: sp.csr_matrix  # (g, c) primary counts, float64
    groups: pd.DataFrame  # (g, group columns) string values
    content_ids: np.ndarray  # (c,) object (str)
    extra_totals: dict[str, np.ndarray]  # (g,) per extra count column
    group_users: np.ndarray | None  # (g,) distinct users with interactions, event-level data only
    value_median: dict[str, np.ndarray]  # binned column -> (g,) median raw value
    bin_ranges: dict[str, dict[str, tuple[float, float]]]
    trend: tuple[list[str], np.ndarray] | None  # months, (g, months)
    notes: list[str] = field(default_factory=list)
    engine: str = "pandas"


class Engine(Protocol):
    name: str

    def aggregate(self, spec: InputSpec) -> Aggregate: ...


def _import(module: str, extra: str | None, package: str | None):
    if package is not None:
        try:
            importlib.import_module(package)
        except ImportError:
            raise InputError(f"the {package} engine needs the {package!r} package: "
                             f"pip install 'data-personas[{extra}]' "
                             "(or choose --engine pandas)") from None
    return importlib.import_module(module)


def frame_columns(src: pd.DataFrame, columns: list[str], role: str) -> pd.DataFrame:
    """The ``columns`` of a frame handed to an engine, or one InputError line naming the missing ones (the
    message the file readers give)."""
    missing = [c for c in columns if c not in src.columns]
    if missing:
        raise InputError(f"{role}: column {', '.join(map(repr, missing))} not found; columns found: "
                         f"{', '.join(map(str, src.columns))}")
    return src[columns]


def get_engine(name: str, options: EngineOptions | None = None) -> Engine:
    """The engine called ``name`` (not 'auto': see choose_engine)."""
    if name not in ENGINES:
        raise InputError(f"--engine {name!r}: choose one of auto, {', '.join(ENGINES)}")
    return _import(*ENGINES[name]).make(options or EngineOptions(engine=name))


def is_remote(src: object) -> bool:
    return isinstance(src, str) and src.lower().startswith(_REMOTE_SCHEMES)


def input_files(src: Path | str) -> list[Path]:
    """One file, every CSV/Parquet file of a folder, or the files a glob matches (sorted: a stable order)."""
    from ..tables import CSV_SUFFIXES, PARQUET_SUFFIXES

    text = str(src)
    if any(ch in text for ch in "*?["):
        files = sorted(Path(p) for p in glob.glob(text) if Path(p).is_file())
        if not files:
            raise InputError(f"interactions: no file matches {text}; check the pattern")
    elif Path(text).is_dir():
        suffixes = (*CSV_SUFFIXES, *PARQUET_SUFFIXES)
        files = sorted(p for p in Path(text).iterdir() if p.is_file() and p.name.lower().endswith(suffixes))
        if not files:
            raise InputError(f"interactions folder {text} holds no CSV or Parquet file")
    else:
        return [Path(text)]
    kinds = {p.name.lower().endswith(PARQUET_SUFFIXES) for p in files}
    if len(kinds) > 1:
        raise InputError(f"interactions {text} mixes CSV and Parquet files; keep one format per input")
    return files


def input_bytes(src: object) -> int | None:
    """Bytes of the interaction files, None for a frame or a remote URI."""
    if isinstance(src, pd.DataFrame) or is_remote(src):
        return None
    try:
        return sum(p.stat().st_size for p in input_files(src) if p.exists())
    except InputError:
        return 0


def is_multi(src: object) -> bool:
    """A folder or a glob: several files, which the pandas engine reads one after another."""
    if isinstance(src, pd.DataFrame) or is_remote(src):
        return False
    text = str(src)
    return any(ch in text for ch in "*?[") or Path(text).is_dir()


def choose_engine(spec: InputSpec, options: EngineOptions) -> tuple[str, str]:
    """The engine to use and why (a few words for the run's note).

    The auto rule: a remote URI (hdfs://, s3a://, ...) -> spark; a frame -> pandas; files (one, a folder or a
    glob) of at most AUTO_IN_MEMORY_BYTES -> pandas; larger -> duckdb (pandas, saying so, when duckdb is not
    installed)."""
    if options.engine != "auto":
        return options.engine, "chosen"
    src = spec.interactions
    if is_remote(src):
        return "spark", "auto: a remote URI"
    size = input_bytes(src)
    if size is None:
        return "pandas", "auto: data in memory"
    mb = size / 1e6
    if size <= AUTO_IN_MEMORY_BYTES:
        return "pandas", f"auto: {mb:,.0f} MB of input"
    if not _installed("duckdb"):  # auto never fails for a missing extra: it says so instead
        return "pandas", f"auto: {mb:,.0f} MB of input; pip install 'data-personas[duckdb]' to aggregate it out of core"
    return "duckdb", f"auto: {mb:,.0f} MB of input, above {AUTO_IN_MEMORY_BYTES // 2**20} MB"


def _installed(package: str) -> bool:
    try:
        return importlib.util.find_spec(package) is not None
    except (ImportError, ValueError, AttributeError):  # a module set to None in sys.modules, a broken install
        return False


def machine_memory() -> int:
    """Bytes of physical memory (for the default memory limit)."""
    try:
        return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (ValueError, OSError, AttributeError):
        return 8 << 30

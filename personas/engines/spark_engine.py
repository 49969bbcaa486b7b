"""The cluster engine: PySpark runs the aggregation SQL; only the aggregates come back to the driver.

A ``local[2]`` session by default; ``--spark-master URL`` (spark://, yarn, k8s://...) or a session that
``spark-submit`` already started is used as it is. Input: local files (one, a folder, a glob) or any URI
Spark reads (hdfs://, s3a://, ...). The (groups x content) sums are collected to the driver as one pandas
frame, and NMF, enrichment and storage run there as with the other engines (docs/generation.md, "Engines").
"""

from __future__ import annotations

import contextlib
import warnings
from pathlib import Path

import pandas as pd

from ..data import InputSpec
from ..errors import InputError
from ..tables import PARQUET_SUFFIXES, column_names, require_columns
from .base import Aggregate, EngineOptions, frame_columns, input_files, is_remote
from .duckdb_engine import _needed
from .sql import SPARK, SqlAggregation

_SESSION_CONF = {
    "spark.ui.enabled": "false",
    "spark.ui.showConsoleProgress": "false",
    "spark.sql.session.timeZone": "UTC",
    "spark.sql.execution.arrow.pyspark.enabled": "true",
    "spark.sql.ansi.enabled": "true",  # a bad cast fails instead of becoming null (TRY_CAST is explicit)
}
_LOCAL_CONF = {"spark.sql.shuffle.partitions": "2", "spark.driver.host": "127.0.0.1",
               "spark.driver.bindAddress": "127.0.0.1"}


def make(options: EngineOptions) -> SparkEngine:
    return SparkEngine(options)


def session(master: str = "local[2]"):  # -> pyspark.sql.SparkSession
    """The active session (spark-submit's, a test's) or a new one on ``master``."""
    with _quiet():
        from pyspark.sql import SparkSession

        active = SparkSession.getActiveSession()
        return active if active is not None else _start(SparkSession, master)


def _start(SparkSession, master: str):  # noqa: N803 (the class, passed in)
    builder = SparkSession.builder.master(master).appName("personas")
    for key, value in {**_SESSION_CONF, **(_LOCAL_CONF if master.startswith("local") else {})}.items():
        builder = builder.config(key, value)
    spark = builder.getOrCreate()
    spark.sparkContext.setLogLevel("ERROR")
    return spark


@contextlib.contextmanager
def _quiet():
    """PySpark 4.x warns about pandas 3 on every conversion; the frames exchanged here are plain columns."""
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="PySpark does not yet fully support pandas", category=FutureWarning)
        yield


def _collect(spark, query: str) -> pd.DataFrame:
    with _quiet():
        return spark.sql(query).toPandas()


def _reader_paths(src: Path | str, role: str, columns: list[str]) -> tuple[str, list[str]]:
    """The format and the paths Spark reads, after the local readers' checks (missing file, columns)."""
    if is_remote(src):
        text = str(src)
        return ("parquet" if not text.lower().endswith((".csv", ".tsv", ".csv.gz")) else "csv"), [text]
    files = input_files(src)
    for path in files:
        require_columns(path, role, columns, column_names(path, role))
    kind = "parquet" if files[0].name.lower().endswith(PARQUET_SUFFIXES) else "csv"
    return kind, [str(p.resolve()) for p in files]


class SparkEngine:
    name = "spark"

    def __init__(self, options: EngineOptions) -> None:
        self.options = options

    def _register(self, spark, name: str, src: Path | str | pd.DataFrame, spec: InputSpec, role: str) -> None:
        columns = _needed(spec, role)
        if isinstance(src, pd.DataFrame):
            with _quiet():
                frame = spark.createDataFrame(frame_columns(src, columns, role))
        else:
            kind, paths = _reader_paths(src, role, columns)
            if kind == "parquet":
                frame = spark.read.parquet(*paths)
            else:  # every column as text, as the DuckDB engine reads CSV; numbers are cast in the SQL
                sep = "\t" if any(".tsv" in p.lower() for p in paths) else ","
                frame = spark.read.options(header=True, sep=sep, inferSchema=False).csv(paths)
            missing = [c for c in columns if c not in frame.columns]
            if missing:
                raise InputError(f"{role} {src}: column {', '.join(map(repr, missing))} not found; columns found: "
                                 f"{', '.join(frame.columns)}; map them with the column options")
        frame.select(*columns).createOrReplaceTempView(name)

    def aggregate(self, spec: InputSpec) -> Aggregate:
        from pyspark.errors import PySparkException

        try:
            spark = session(self.options.spark_master)
        except Exception as exc:  # no Java, or a master that cannot be reached
            first = str(exc).strip().splitlines()[0][:160] if str(exc).strip() else type(exc).__name__
            raise InputError(f"the spark engine could not start a session on {self.options.spark_master!r} "
                             f"({first}); check Java (java -version) and --spark-master") from None
        try:
            self._register(spark, "inter", spec.interactions, spec, "interactions")
            if spec.users is not None:
                self._register(spark, "users", spec.users, spec, "users")
            return SqlAggregation(spec, SPARK, lambda q: _collect(spark, q), self.name).run()
        except PySparkException as exc:
            raise InputError(f"the spark engine could not read the input ({str(exc).splitlines()[0][:160]})") from None
        finally:
            for view in ("inter", "users"):
                spark.catalog.dropTempView(view)

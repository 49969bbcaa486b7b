"""The aggregation step behind one interface: input files -> the group x content matrix and what describes it.

Three engines give the same :class:`~personas.engines.base.Aggregate` (tests/test_engines.py compares them):

* ``pandas``: pyarrow and numpy in memory (personas/engines/memory.py), fastest while the data fits;
* ``duckdb``: embedded DuckDB, SQL under a memory limit, spilling to a temporary folder (out of core);
* ``spark``: PySpark, a local session or any cluster (``--spark-master``); only the small matrix comes back.

Each backend module is imported only when it is used; a missing package is one line naming the extra.
"""

from __future__ import annotations

from .base import Aggregate, Engine, EngineOptions, choose_engine, get_engine, input_files

__all__ = ["Aggregate", "Engine", "EngineOptions", "choose_engine", "get_engine", "input_files"]

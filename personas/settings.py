"""The generation section of the settings: how persona sets are made.

A plain pydantic model: the entry points build it (from environment variables ``PERSONAS_<FIELD>`` and their
flags, see usecases/settings.py) and pass it down; nothing here reads the environment.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field


class SettingsSection(BaseModel):
    """A section of the settings (the base of every layer's section): unknown names are errors, defaults are
    validated, and a field with an alias (its flat environment name, ``llm_model``) also takes its own name."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True, validate_default=True)


class GenerationSettings(SettingsSection):
    """Every field is set by ``PERSONAS_<FIELD>`` (e.g. ``PERSONAS_K``, ``PERSONAS_MIN_SUPPORT``)."""

    k: int = Field(10, ge=1, description="Default number of personas (latent behaviours); APG uses 5 to 40.")
    k_auto_range: tuple[int, int] = Field((4, 16), description="Candidate k for `-k auto` (inclusive).")
    seed: int = Field(0, description="Random seed for NMF, names, ages and avatars.")
    stability_seeds: int = Field(
        3, ge=2, description="NMF runs (different random starts) used to measure persona stability."
    )
    scaling: Literal["raw", "sqrt", "share"] = Field(
        "sqrt",
        description="What NMF sees: raw counts, counts with each content column divided by the square root "
        "of its popularity, or per-group shares (rows normalised). See docs/generation.md.",
    )
    impact_rule: Literal["specialisation", "loading", "balanced"] = Field(
        "balanced",
        description="How the impactful group of a behaviour is chosen among eligible groups.",
    )
    min_support: float = Field(
        0.005, ge=0, lt=1, description="A persona's group must hold at least this share of all interactions."
    )
    min_users: int = Field(5, ge=0, description="... and at least this many distinct users, when users are known.")
    max_iter: int = Field(400, ge=10, description="NMF iteration cap.")
    top_content: int = Field(10, ge=1, description="Top content items listed per persona.")
    top_topics: int = Field(8, ge=1, description="Topics listed per persona.")
    shared_groups: int = Field(5, ge=0, description="Other groups sharing a behaviour listed per persona.")
    quotes: int = Field(3, ge=0, description="Quotes per persona (real comments; none when there are no comments).")
    consistency_ks: tuple[int, ...] = Field(
        (5, 10, 15),
        description="The k of the sets whose persona groups the consistency metric compares (one more NMF fit "
        "for each k other than the set's own; docs/reports.md). Empty: consistency is not measured.",
    )
    engine: Literal["auto", "pandas", "duckdb", "spark"] = Field(
        "auto",
        description="Which engine aggregates the input into the groups x content matrix: pandas (in memory), "
        "duckdb (out of core, under memory_limit), spark (a local session or a cluster, spark_master); auto: "
        "pandas for data in memory and files up to 256 MB, duckdb above, spark for hdfs:// or s3a:// URIs. "
        "See docs/generation.md, 'Engines'.",
    )
    memory_limit: str | None = Field(
        None, description="DuckDB's memory limit ('4GB', '500MB'); beyond it DuckDB spills to a temporary folder. "
        "Empty: half of the machine's memory.",
    )
    spark_master: str = Field(
        "local[2]", description="The Spark master of the spark engine: local[N], spark://host:7077, yarn, k8s://... "
        "(a session spark-submit started is used as it is).",
    )

    def engine_options(self):  # -> personas.engines.EngineOptions (imported here: settings import nothing heavy)
        from .engines import EngineOptions

        return EngineOptions(engine=self.engine, memory_limit=self.memory_limit, spark_master=self.spark_master)

"""Generate a persona set: load -> generate -> save, as `personas generate` and the app's Generate tab run it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from personas.errors import InputError
from personas.sets import check_set_name
from personas.settings import GenerationSettings

from .progress import Progress, no_progress
from .store import VersionClaims

if TYPE_CHECKING:
    from personas.data import InputSpec
    from personas.surveys.data import SurveySpec
    from personas.sets import PersonaSet
    from retrieval.store import ChromaSetStore

Roles = dict[str, str | None]


@dataclass(frozen=True)
class SetRequest:
    """What to build: the set's name, k (None: chosen automatically), the seed, and which group columns hold
    gender, age and country (None: the built-in data, whose roles are known, or detected by name)."""

    name: str
    k: int | None
    seed: int
    roles: Roles | None = None


def source_spec(demo: bool = False, dataset: str | None = None) -> tuple[InputSpec, str]:
    """A built-in source and its default set name: the synthetic demo channel, or a named real dataset."""
    from personas import datasets

    if demo:
        return datasets.demo_spec(), "demo"
    if dataset:
        return datasets.dataset_spec(dataset), dataset
    raise ValueError("source_spec needs demo or a dataset name")


def generate_set(
    spec: InputSpec,
    request: SetRequest,
    generation: GenerationSettings,
    open_store: Callable[[], ChromaSetStore],
    progress: Progress = no_progress,
    *,
    activate: bool = True,
    claims: VersionClaims | None = None,
) -> PersonaSet:
    """Load the data, generate the set, save and index it (the new version of ``request.name``).

    The name is checked and the data loaded before the store is opened, so bad input writes nothing. ``claims``
    reserves the version while the build runs (the app, where several builds may run at once); ``activate``
    makes the new set the active one (the CLI; the app leaves the shared active set alone)."""
    from personas.data import load
    from personas.pipeline import GenerateOptions, generate

    name = check_set_name(request.name)
    tick = progress("reading data", None)
    data = load(spec, generation.engine_options())
    tick(1)
    store = open_store()
    with (claims or VersionClaims()).claim(store, name) as version:
        opts = GenerateOptions(name=name, version=version, k=request.k, seed=request.seed, roles=request.roles)
        pset = generate(data, generation, opts, progress)
        pset = store.save(pset, activate=activate, progress=progress("indexing facts", None))  # maybe renumbered
    return pset


def generate_survey_set(
    spec: SurveySpec,
    request: SetRequest,
    open_store: Callable[[], ChromaSetStore],
    progress: Progress = no_progress,
    *,
    method: str = "auto",
    activate: bool = True,
    claims: VersionClaims | None = None,
) -> PersonaSet:
    """A survey persona set (personas/surveys): validate the survey, segment, save and index it like any set.

    The survey is validated (every bad-input case) and segmented before the version is claimed, so bad input
    writes nothing; ``request.k`` None means -k auto, ``method`` one of auto, kmeans, gmm, lca, kprototypes, kmodes,
    groups."""
    from personas.surveys.build import SurveyOptions, generate_survey
    from personas.surveys.data import load_survey

    name = check_set_name(request.name)
    tick = progress("reading survey", None)
    data = load_survey(spec)
    if request.k is not None and not 1 <= request.k <= data.n:
        raise InputError(f"-k {request.k}: the survey has {data.n:,} respondents; use -k between 1 and {data.n:,}")
    tick(1)
    store = open_store()
    with (claims or VersionClaims()).claim(store, name) as version:
        opts = SurveyOptions(name=name, version=version, method=method, k=request.k, seed=request.seed)
        pset = generate_survey(data, opts, progress)
        pset = store.save(pset, activate=activate, progress=progress("indexing facts", None))
    return pset


def survey_source_spec(dataset: str) -> tuple[SurveySpec, str]:
    """A built-in survey (gss-2018, ess9-gb) and its default set name."""
    from personas.surveys.datasets import survey_dataset_spec

    return survey_dataset_spec(dataset), dataset

"""What the app needs, built once per process from the settings: the store, the chat service, the upload policy.

Nothing here holds per-user state; conversations live in each browser session's gr.State."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from personas.settings import Settings

from .uploads import UploadPolicy

Progress = Callable[[str, int | None], Callable[..., None]]  # personas.pipeline's progress factory


@dataclass
class Services:
    settings: Settings
    store: Any  # retrieval.store.ChromaSetStore
    chat: Any  # chat.service.ChatService
    uploads: UploadPolicy


def build_services(settings: Settings) -> Services:
    from chat.service import ChatService
    from retrieval.factory import open_store

    store = open_store(settings)
    return Services(
        settings=settings,
        store=store,
        chat=ChatService(settings, store),
        uploads=UploadPolicy.from_mb(settings.home / "uploads", settings.max_upload_mb),
    )


def has_sets(services: Services) -> bool:
    return bool(services.store.list_sets())


@dataclass(frozen=True)
class GenerateRequest:
    """The Generate form (or the /generate API call), with files already accepted under the data home."""

    interactions: Path
    group_by: tuple[str, ...]
    content_col: str
    count_col: str | None = None
    extra_counts: tuple[str, ...] = ()
    users: Path | None = None
    user_col: str = "user_id"
    content: Path | None = None
    comments: Path | None = None
    k: int | None = 10  # None: 'auto'
    name: str = "uploaded"
    source: str = "upload"


def generate_set(services: Services, req: GenerateRequest, progress: Progress) -> Any:
    """Build, index and activate a persona set from files, with the same library calls as `personas generate`."""
    from personas.data import InputSpec
    from personas.sets import check_set_name

    name = check_set_name(req.name)
    spec = InputSpec(
        interactions=req.interactions, group_by=req.group_by, content_col=req.content_col, count_col=req.count_col,
        extra_count_cols=req.extra_counts, users=req.users, user_col=req.user_col, content=req.content,
        comments=req.comments, source=req.source,
    )
    return _build(services, spec, name, req.k, progress)


def generate_demo(services: Services, progress: Progress) -> Any:
    """The built-in synthetic demo set (first run with an empty data home)."""
    from personas import datasets

    return _build(services, datasets.demo_spec(), "demo", services.settings.k, progress)


def _build(services: Services, spec: Any, name: str, k: int | None, progress: Progress) -> Any:
    from personas.data import load
    from personas.pipeline import GenerateOptions, generate

    tick = progress("reading data", None)
    data = load(spec)
    tick(1)
    store = services.store
    opts = GenerateOptions(name=name, version=store.next_version(name), k=k, seed=services.settings.seed)
    pset = generate(data, services.settings, opts, progress)
    store.save(pset, progress=progress("indexing facts", None))
    return pset

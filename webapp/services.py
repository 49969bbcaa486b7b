"""What the app needs, built once per process from the settings: the store, the chat service, the upload policy.

Nothing here holds per-user state; conversations live in each browser session's gr.State. The only shared
mutable state is the set of persona-set versions being built right now, so that two builds with the same name
(two users, or two API calls) never get the same version."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from personas.settings import Settings

from .uploads import UploadPolicy

if TYPE_CHECKING:
    from chat.service import ChatService
    from personas.sets import PersonaSet
    from retrieval.store import ChromaSetStore

Progress = Callable[[str, int | None], Callable[..., None]]  # personas.pipeline's progress factory


@dataclass
class Services:
    settings: Settings
    store: ChromaSetStore
    chat: ChatService
    uploads: UploadPolicy
    _building: set[tuple[str, int]] = field(default_factory=set, repr=False)  # (name, version) being built
    _versions: threading.Lock = field(default_factory=threading.Lock, repr=False)

    @contextmanager
    def new_version(self, name: str) -> Iterator[int]:
        """A version of set ``name`` that no saved set and no build in progress uses, held until the block ends.

        The store's next_version alone is not enough: a build takes minutes between choosing its version and
        saving, and the persona and fact ids carry the version, so it must be fixed before the build starts."""
        with self._versions:
            version = self.store.next_version(name)
            while (name, version) in self._building:
                version += 1
            self._building.add((name, version))
        try:
            yield version
        finally:
            with self._versions:
                self._building.discard((name, version))


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


def generate_set(services: Services, req: GenerateRequest, progress: Progress) -> PersonaSet:
    """Build and index a persona set from files, with the same library calls as `personas generate`.

    The new set is not made the active one: the active set is shared by every user of the app and by the CLI,
    so one user's upload must not change what the others see. The page shows the new set in its own dropdown."""
    from personas.data import InputSpec
    from personas.sets import check_set_name

    name = check_set_name(req.name)
    spec = InputSpec(
        interactions=req.interactions, group_by=req.group_by, content_col=req.content_col, count_col=req.count_col,
        extra_count_cols=req.extra_counts, users=req.users, user_col=req.user_col, content=req.content,
        comments=req.comments, source=req.source,
    )
    return _build(services, spec, name, req.k, progress, activate=False)


def generate_demo(services: Services, progress: Progress) -> PersonaSet:
    """The built-in synthetic demo set (first run with an empty data home); it becomes the active set, being
    the only one."""
    from personas import datasets

    return _build(services, datasets.demo_spec(), "demo", services.settings.k, progress, activate=True)


def _build(services: Services, spec: Any, name: str, k: int | None, progress: Progress,
           activate: bool) -> PersonaSet:
    from personas.data import load
    from personas.pipeline import GenerateOptions, generate

    tick = progress("reading data", None)
    data = load(spec)
    tick(1)
    with services.new_version(name) as version:
        opts = GenerateOptions(name=name, version=version, k=k, seed=services.settings.seed)
        pset = generate(data, services.settings, opts, progress)
        pset = services.store.save(pset, activate=activate, progress=progress("indexing facts", None))
    return pset

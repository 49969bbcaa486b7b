"""What the app needs, built once per process from the settings: the store, the chat service, the upload policy.

Nothing here holds per-user state; conversations live in each browser session's gr.State. The only shared
mutable state is the set of persona-set versions being built right now (``claims``), so that two builds with
the same name (two users, or two API calls) never get the same version, and whether the first start's demo set
is still being built behind the served page (``demo_building``)."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from usecases.progress import Progress
from usecases.settings import Settings
from usecases.store import VersionClaims

from .uploads import UploadPolicy
from .uploads import sweep as sweep_uploads

if TYPE_CHECKING:
    from langchain_core.embeddings import Embeddings

    from chat.service import ChatService
    from personas.sets import PersonaSet
    from retrieval.store import ChromaSetStore

__all__ = ["GenerateRequest", "Progress", "Services", "build_services", "generate_demo", "generate_set", "has_sets"]


@dataclass
class Services:
    settings: Settings
    store: ChromaSetStore
    chat: ChatService
    uploads: UploadPolicy
    claims: VersionClaims = field(default_factory=VersionClaims, repr=False)
    demo_building: threading.Event = field(default_factory=threading.Event, repr=False)


def build_services(settings: Settings, embeddings: Embeddings | None = None) -> Services:
    """``embeddings`` replaces the configured embedding model (a test's stand-in)."""
    from usecases.chat import open_chat
    from usecases.store import open_store

    store = open_store(settings, embeddings)
    policy = UploadPolicy.from_mb(settings.home / "uploads", settings.app.max_upload_mb)
    swept = store.swept + sweep_uploads(policy.folder)
    if swept:
        print(f"removed what builds that did not finish left behind: {', '.join(swept)}", flush=True)
    return Services(settings=settings, store=store, chat=open_chat(settings, store), uploads=policy)


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
    """Build and index a persona set from files, with the same use case as `personas generate`.

    The new set is not made the active one: the active set is shared by every user of the app and by the CLI,
    so one user's upload must not change what the others see. The page shows the new set in its own dropdown."""
    from personas.data import InputSpec
    from usecases.generate import SetRequest
    from usecases.generate import generate_set as generate

    spec = InputSpec(
        interactions=req.interactions, group_by=req.group_by, content_col=req.content_col, count_col=req.count_col,
        extra_count_cols=req.extra_counts, users=req.users, user_col=req.user_col, content=req.content,
        comments=req.comments, source=req.source,
    )
    request = SetRequest(name=req.name, k=req.k, seed=services.settings.generation.seed)
    return generate(spec, request, services.settings.generation, lambda: services.store, progress, activate=False,
                    claims=services.claims)


def generate_demo(services: Services, progress: Progress) -> PersonaSet:
    """The built-in synthetic demo set (first run with an empty data home); it becomes the active set, being
    the only one."""
    from usecases.generate import SetRequest, source_spec
    from usecases.generate import generate_set as generate

    spec, name = source_spec(demo=True)
    gen = services.settings.generation
    return generate(spec, SetRequest(name=name, k=gen.k, seed=gen.seed), gen, lambda: services.store, progress,
                    activate=True, claims=services.claims)

"""Which persona each individual resembles (`personas detect`, the app's /detect API); nothing is stored."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from personas.sets import parse_set_ref

if TYPE_CHECKING:
    from personas.detect import Detection
    from retrieval.store import ChromaSetStore


def detect(store: ChromaSetStore, interactions: Path, content_col: str, count_col: str | None = None,
           id_col: str | None = None, set_ref: str | None = None) -> list[Detection]:
    from personas.detect import detect as detect_people

    name, version = parse_set_ref(set_ref)
    return detect_people(store, interactions, content_col, count_col, id_col, set_name=name, version=version)

"""What a set is compared with: its previous version, or for a window's set (``NAME-2025-04``) the previous
window's; and the drift report against it (personas/drift.py), as the Dashboard tab draws it."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from personas.drift import DriftReport
    from retrieval.store import ChromaSetStore

_WINDOW = re.compile(r"^(?P<base>.+)-(?P<label>\d{4}-[0-9A-Za-z-]+)$")  # labels sort in time order


def previous_ref(sets: list[dict[str, Any]], name: str, version: int) -> tuple[str, int] | None:
    """(name, version) before ``name@vversion``: the version before it, else the latest version of the window
    before it (the same base name, the label just before), else None."""
    versions = sorted(s["version"] for s in sets if s["name"] == name and s["version"] < version)
    if versions:
        return name, versions[-1]
    m = _WINDOW.match(name)
    if not m:
        return None
    earlier = sorted({s["name"] for s in sets if (w := _WINDOW.match(s["name"])) and w["base"] == m["base"]
                      and w["label"] < m["label"]})
    if not earlier:
        return None
    prev = earlier[-1]
    return prev, max(s["version"] for s in sets if s["name"] == prev)


def drift_from_previous(store: ChromaSetStore, name: str, version: int) -> DriftReport | None:
    """The drift report from the previous set to this one, or None when there is none to compare with."""
    from personas.drift import compare_sets

    before = previous_ref(store.list_sets(), name, version)
    if before is None:
        return None
    return compare_sets(store.load(*before, with_model=True), store.load(name, version, with_model=True))

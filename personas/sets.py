"""Named, versioned persona sets: what a set holds. Where sets live is the store's business
(retrieval/store.py keeps them in Chroma, the system of record)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np

from .errors import InputError
from .profile import Persona

_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")


@dataclass
class SetModel:
    """The factorisation behind a set: enough to project new data onto it later."""

    W: np.ndarray  # (g, p)
    H: np.ndarray  # (p, c)
    row_scale: np.ndarray  # (g,)
    column_scale: np.ndarray  # (c,)
    group_columns: list[str]
    group_values: np.ndarray  # (g, len(group_columns)) str
    content_ids: np.ndarray  # (c,) str


@dataclass
class PersonaSet:
    name: str
    version: int
    created_at: str
    fingerprint: str
    source: str
    params: dict[str, Any]
    quality: dict[str, Any]
    notes: list[str]
    personas: list[Persona]
    model: SetModel | None = field(default=None, repr=False)

    @property
    def ref(self) -> str:
        return f"{self.name}@v{self.version}"

    def renumbered(self, version: int) -> PersonaSet:
        """The same set as version ``version``: persona ids carry the version (``NAME-vN-RR``)."""
        old, new = f"{self.name}-v{self.version}-", f"{self.name}-v{version}-"
        personas = [replace(p, id=new + p.id[len(old):] if p.id.startswith(old) else p.id, set_version=version)
                    for p in self.personas]
        return replace(self, version=version, personas=personas)

    def meta(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "version": self.version,
            "created_at": self.created_at,
            "fingerprint": self.fingerprint,
            "source": self.source,
            "params": self.params,
            "quality": self.quality,
            "notes": self.notes,
        }


def check_set_name(name: str) -> str:
    if not _NAME.match(name):
        raise InputError(
            f"set name {name!r} is not allowed; use letters, digits, '.', '_' or '-' (up to 64 characters)"
        )
    return name


def parse_set_ref(text: str | None) -> tuple[str | None, int | None]:
    """A reference to a persona set, as the CLI and the app take it.

    Grammar: ``NAME`` (the latest version of that set) or ``NAME@vN`` (version N; the ``v`` is optional and
    case-insensitive: ``demo@v2``, ``demo@V2`` and ``demo@2`` are the same). ``None`` or blank text means the
    active set: ``(None, None)``. NAME is split at the last ``@``; raises InputError for anything else.

    >>> parse_set_ref("demo"), parse_set_ref("demo@V2"), parse_set_ref(None)
    (('demo', None), ('demo', 2), (None, None))
    """
    text = (text or "").strip()
    if not text:
        return None, None
    if "@" not in text:
        return text, None
    name, _, ver = text.rpartition("@")
    digits = ver[1:] if ver[:1] in ("v", "V") else ver
    if not name or not digits.isdigit():
        raise InputError(f"set {text!r}: expected NAME or NAME@vN, such as demo@v2")
    return name, int(digits)

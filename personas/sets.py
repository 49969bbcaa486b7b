"""Named, versioned persona sets under the data home, written atomically.

Layout::

    HOME/sets/<name>/<version>/set.json    parameters, fingerprint, quality, notes, personas
    HOME/sets/<name>/<version>/model.npz   W, H, scales, group keys, content ids (for detection and drift)
    HOME/active.json                       {"name": ..., "version": ...}

A set is built in a staging folder and renamed into place only when complete, then the active pointer
is replaced atomically, so a failed run leaves no half-written set and the previous active set intact.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from .errors import InputError, NotFoundError
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


class SetStore:
    """Persona sets on disk under ``home``."""

    def __init__(self, home: Path) -> None:
        self.home = Path(home)
        self.root = self.home / "sets"

    # ------------------------------------------------------------------ writing

    def next_version(self, name: str) -> int:
        folder = self.root / name
        versions = [int(p.name) for p in folder.iterdir() if p.name.isdigit()] if folder.is_dir() else []
        return max(versions, default=0) + 1

    def save(self, pset: PersonaSet, activate: bool = True) -> Path:
        """Write the set atomically and (by default) make it the active set."""
        self.root.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=".staging-", dir=self.root))
        try:
            doc = {**pset.meta(), "personas": [p.to_export() for p in pset.personas]}
            (staging / "set.json").write_text(json.dumps(doc, ensure_ascii=False, indent=1), encoding="utf-8")
            if pset.model is not None:
                m = pset.model
                np.savez_compressed(
                    staging / "model.npz",
                    W=m.W, H=m.H, row_scale=m.row_scale, column_scale=m.column_scale,
                    group_columns=np.array(m.group_columns, dtype=str),
                    group_values=np.asarray(m.group_values, dtype=str),
                    content_ids=np.asarray(m.content_ids, dtype=str),
                )
            target = self.root / pset.name / str(pset.version)
            target.parent.mkdir(parents=True, exist_ok=True)
            if target.exists():
                raise InputError(f"persona set {pset.ref} already exists; choose another name")
            os.rename(staging, target)
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
            raise
        if activate:
            self.activate(pset.name, pset.version)
        return target

    def activate(self, name: str, version: int) -> None:
        self._write_json(self.home / "active.json", {"name": name, "version": version})

    def delete_set(self, name: str) -> int:
        """Delete every version of a set; returns how many. The active pointer is cleared if it pointed there."""
        folder = self.root / name
        if not folder.is_dir():
            raise NotFoundError(f"no persona set named {name!r}; see `personas list --sets`")
        versions = len([p for p in folder.iterdir() if p.name.isdigit()])
        active = self.active_ref()
        trash = self.root / f".trash-{name}-{os.getpid()}"
        os.rename(folder, trash)  # one atomic step; then the slow delete
        if active and active[0] == name:
            (self.home / "active.json").unlink(missing_ok=True)
        shutil.rmtree(trash, ignore_errors=True)
        return versions

    # ------------------------------------------------------------------ reading

    def active_ref(self) -> tuple[str, int] | None:
        path = self.home / "active.json"
        if not path.exists():
            return None
        doc = json.loads(path.read_text(encoding="utf-8"))
        return str(doc["name"]), int(doc["version"])

    def list_sets(self) -> list[dict[str, Any]]:
        out = []
        if not self.root.is_dir():
            return out
        active = self.active_ref()
        for folder in sorted(p for p in self.root.iterdir() if p.is_dir() and not p.name.startswith(".")):
            for vdir in sorted((p for p in folder.iterdir() if p.name.isdigit()), key=lambda p: int(p.name)):
                meta = json.loads((vdir / "set.json").read_text(encoding="utf-8"))
                meta.pop("personas", None)
                meta["active"] = active == (meta["name"], meta["version"])
                out.append(meta)
        return out

    def load(self, name: str | None = None, version: int | None = None, with_model: bool = False) -> PersonaSet:
        """A set by name (latest version unless given) or the active set."""
        if name is None:
            active = self.active_ref()
            if active is None:
                raise NotFoundError("no active persona set; run `personas generate --demo` first")
            name, version = active
        folder = self.root / name
        if version is None:
            if not folder.is_dir():
                raise NotFoundError(f"no persona set named {name!r}; see `personas list --sets`")
            version = self.next_version(name) - 1
        path = folder / str(version) / "set.json"
        if not path.exists():
            raise NotFoundError(f"no persona set {name}@v{version}; see `personas list --sets`")
        doc = json.loads(path.read_text(encoding="utf-8"))
        model = self._load_model(path.parent / "model.npz") if with_model else None
        return PersonaSet(
            name=doc["name"], version=doc["version"], created_at=doc["created_at"], fingerprint=doc["fingerprint"],
            source=doc["source"], params=doc["params"], quality=doc["quality"], notes=doc["notes"],
            personas=[Persona.from_export(p) for p in doc["personas"]], model=model,
        )

    def find_persona(self, persona_id: str) -> Persona:
        """A persona by id, in any set (ids carry the set name and version)."""
        for meta in reversed(self.list_sets()):
            if persona_id.startswith(f"{meta['name']}-v{meta['version']}-"):
                for p in self.load(meta["name"], meta["version"]).personas:
                    if p.id == persona_id:
                        return p
        raise NotFoundError(f"no persona with id {persona_id!r}; see `personas list`")

    # ------------------------------------------------------------------ helpers

    @staticmethod
    def _load_model(path: Path) -> SetModel | None:
        if not path.exists():
            return None
        with np.load(path, allow_pickle=False) as z:
            return SetModel(
                W=z["W"], H=z["H"], row_scale=z["row_scale"], column_scale=z["column_scale"],
                group_columns=[str(x) for x in z["group_columns"]], group_values=z["group_values"],
                content_ids=z["content_ids"],
            )

    @staticmethod
    def _write_json(path: Path, doc: dict[str, Any]) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".tmp-", dir=path.parent)
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(doc, fh)
        os.replace(tmp, path)

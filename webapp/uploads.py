"""Uploaded data files: accepted only as CSV or Parquet, within a size limit, copied under the data home with a
generated name (the client's file name and path are never used to write anything), and never executed."""

from __future__ import annotations

import os
import shutil
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from personas.errors import InputError
from personas.tables import column_names

# Extension -> kind. TSV counts as CSV (personas.tables reads it with a tab delimiter).
KINDS = {".csv": "csv", ".tsv": "csv", ".parquet": "parquet", ".pq": "parquet"}
_SNIFF = 64 * 1024
_BUILDING = ".building-"  # .building-<pid>-<uuid>.<ext>: accepted for a build that has not finished
_TMP_STALE_S = 3600.0  # a copy this old was cut short by a kill


@dataclass(frozen=True)
class UploadPolicy:
    folder: Path  # HOME/uploads
    max_bytes: int

    @classmethod
    def from_mb(cls, folder: Path, max_mb: float) -> UploadPolicy:
        return cls(folder, int(max_mb * 1024 * 1024))


def _mb(n: int) -> str:
    return f"{n / (1024 * 1024):,.1f} MB"


def _suffix(name: str) -> str:
    lower = name.lower()
    for ext in KINDS:
        if lower.endswith(ext):
            return ext
    raise InputError(
        f"{Path(name).name}: only CSV (.csv, .tsv) or Parquet (.parquet) files can be uploaded; convert it first"
    )


def check_content(path: Path, kind: str, shown: str) -> None:
    """The bytes must look like what the extension says: Parquet magic at both ends, or UTF-8 text."""
    size = path.stat().st_size
    if size == 0:
        raise InputError(f"{shown} is empty; upload a file with a header row and data")
    with open(path, "rb") as fh:
        head = fh.read(_SNIFF)
        if kind == "parquet":
            fh.seek(max(size - 4, 0))
            tail = fh.read(4)
    if kind == "parquet":
        if not (head[:4] == b"PAR1" and tail == b"PAR1"):
            raise InputError(f"{shown} is not a Parquet file (its bytes say otherwise); upload CSV or Parquet")
        return
    if b"\x00" in head:
        raise InputError(f"{shown} is not a text CSV file (it holds binary data); upload CSV or Parquet")
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as exc:
        if exc.start < len(head) - 4:  # a multi-byte character cut at the sniff boundary is fine
            raise InputError(f"{shown} is not UTF-8 text; save it as UTF-8 CSV and upload again") from None


def check(src: str | Path, policy: UploadPolicy, shown: str | None = None) -> Path:
    """Validate an uploaded temporary file where it is: CSV or Parquet, within the size limit, readable header.

    Raises InputError when it is not; returns the path."""
    src = Path(src)
    shown = shown or src.name
    ext = _suffix(src.name)
    if not src.is_file():
        raise InputError(f"{shown}: the upload did not arrive; upload it again")
    size = src.stat().st_size
    if size > policy.max_bytes:
        raise InputError(
            f"{shown} is {_mb(size)}; the upload limit is {_mb(policy.max_bytes)} (PERSONAS_MAX_UPLOAD_MB)"
        )
    check_content(src, KINDS[ext], shown)
    column_names(src, shown)  # the header must parse (InputError with the reader's reason otherwise)
    return src


def accept(src: str | Path, policy: UploadPolicy, shown: str | None = None) -> Path:
    """Validate an uploaded temporary file and copy it under ``policy.folder`` with a generated name.

    Raises InputError (nothing written) when the file is not CSV/Parquet, too large, or unreadable."""
    src = check(src, policy, shown)
    ext = _suffix(src.name)
    policy.folder.mkdir(parents=True, exist_ok=True)
    # named for the build that uses it until keep(): a build killed mid-way leaves a name the sweep recognises
    dest = policy.folder / f"{_BUILDING}{os.getpid()}-{uuid.uuid4().hex}{ext}"
    tmp = policy.folder / f".tmp-{uuid.uuid4().hex}{ext}"
    try:
        shutil.copyfile(src, tmp)
        os.chmod(tmp, 0o600)  # data, never executable
        os.replace(tmp, dest)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return dest


def gradio_cache() -> Path:
    """Where Gradio keeps uploaded files (GRADIO_TEMP_DIR, or the system temp folder's gradio/)."""
    from gradio.utils import get_upload_folder

    return Path(get_upload_folder()).resolve()


def forget_upload(src: str | Path | None) -> bool:
    """Delete Gradio's cached copy of an upload now rather than when its cache expires (hours later).

    Only a file inside Gradio's upload cache is ever removed (with its per-upload folder when that is left
    empty); any other path is left alone. True when something was deleted."""
    if not src:
        return False
    cache = gradio_cache()
    try:
        path = Path(src).resolve()
    except OSError:
        return False
    if path == cache or not path.is_relative_to(cache) or not path.is_file():
        return False
    path.unlink(missing_ok=True)
    folder = path.parent
    if folder != cache and folder.is_relative_to(cache):
        try:
            folder.rmdir()  # Gradio's per-upload folder; only when empty
        except OSError:
            pass
    return True


@contextmanager
def read_once(policy: UploadPolicy, *files: tuple[str | None, str]) -> Iterator[list[Path]]:
    """The uploads ``files`` (each ``(path or None, what to upload when it is missing)``) checked where they
    are, for one request that reads them and keeps nothing: every one is deleted from Gradio's cache when the
    block ends, whether it succeeded or raised. A missing upload is an InputError with its own line."""
    try:
        paths = []
        for src, missing in files:
            if not src:
                raise InputError(missing)
            paths.append(check(src, policy))
        yield paths
    finally:
        for src, _ in files:
            forget_upload(src)


def keep(paths: list[Path]) -> list[Path]:
    """The accepted files of a build that succeeded, under their kept names (``<uuid>.<ext>``)."""
    kept = []
    for p in paths:
        final = p.with_name(p.name.split("-", 2)[-1]) if p.name.startswith(_BUILDING) else p
        os.replace(p, final)
        kept.append(final)
    return kept


def sweep(folder: Path) -> list[str]:
    """Remove the uploads of builds that died (their process is gone) and copies that a kill cut short; a live
    build's files are never touched. Returns the names removed."""
    removed = []
    if not folder.is_dir():
        return removed
    for p in folder.iterdir():
        if p.name.startswith(_BUILDING):
            pid = p.name[len(_BUILDING):].split("-", 1)[0]
            dead = pid.isdigit() and not _alive(int(pid))
        else:
            dead = p.name.startswith(".tmp-") and time.time() - p.stat().st_mtime > _TMP_STALE_S
        if dead:
            p.unlink(missing_ok=True)
            removed.append(p.name)
    return sorted(removed)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def discard(paths: list[Path]) -> None:
    for p in paths:
        p.unlink(missing_ok=True)


def columns_of(src: str | Path) -> list[str]:
    """Header of an uploaded (not yet accepted) file, to offer its columns in the mapping form."""
    path = Path(src)
    ext = _suffix(path.name)
    check_content(path, KINDS[ext], path.name)
    return column_names(path, path.name)

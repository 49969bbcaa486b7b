"""What every command group shares: the settings an invocation builds, the store it opens, the data-file
options of `generate` and `update`. Heavy imports wait inside the functions: building the parser costs
nothing."""

from __future__ import annotations

import argparse
import os
from pathlib import Path
from typing import TYPE_CHECKING

from personas.errors import InputError
from usecases.inputs import name_list

if TYPE_CHECKING:
    from personas.data import InputSpec
    from retrieval.store import ChromaSetStore
    from usecases.settings import Settings


def store_of(settings: Settings) -> ChromaSetStore:
    """Persona sets live in the retrieval store (Chroma), the system of record."""
    import sys

    from usecases.store import open_store

    store = open_store(settings)
    if store.swept:
        print(f"personas: removed what builds that did not finish left behind: {', '.join(store.swept)}",
              file=sys.stderr)
    return store


def input_path(text: str) -> Path | str:
    """``--interactions``: a local path (file, folder, glob) or, for the spark engine, a URI such as
    s3a://bucket/events/ (kept as text: a Path would fold its '//')."""
    return text if "://" in text else Path(text)


def roles_of(args: argparse.Namespace) -> dict[str, str | None]:
    return {"gender": args.gender_col, "age": args.age_col, "country": args.country_col}


def file_spec(args: argparse.Namespace, interactions: object, group_by: tuple[str, ...], source: str) -> InputSpec:
    """The InputSpec of the data-file options (`generate --interactions ...`, `update`)."""
    from personas.data import InputSpec, parse_bins

    bins: dict[str, tuple[float, ...]] = {}
    for b in args.bins:
        bins.update(parse_bins(b))
    return InputSpec(
        interactions=interactions, group_by=group_by, content_col=args.content_col, count_col=args.count_col,
        extra_count_cols=name_list(args.extra_counts), users=args.users, user_col=args.user_col,
        content=args.content, content_id_col=args.content_id_col, title_col=args.title_col,
        topics_col=args.topics_col, topic_sep=args.topic_sep, date_col=args.date_col, comments=args.comments,
        comment_content_col=args.comment_content_col, comment_text_col=args.comment_text_col,
        event_date_col=args.event_date_col, bins=bins, source=source,
    )


def check_out_file(path: Path | None) -> None:
    """``--out FILE`` can be written: checked before any work, so that a long run never ends in a traceback."""
    if path is None:
        return
    if path.is_dir():
        raise InputError(f"--out {path} is a folder; give a file name inside it (for example {path / 'personas.json'})")
    _check_parent(path)


def check_out_folder(path: Path | None) -> None:
    """``--out FOLDER`` can be made or written into (an existing file is refused, not overwritten)."""
    if path is None:
        return
    if path.exists() and not path.is_dir():
        raise InputError(f"--out {path} is a file, but a folder is needed here; give a folder name")
    if path.is_dir():
        if not os.access(path, os.W_OK):
            raise InputError(f"--out {path} is not writable; choose another folder")
        return
    _check_parent(path)


def _check_parent(path: Path) -> None:
    parent = path.parent if str(path.parent) else Path(".")
    if not parent.exists():
        raise InputError(f"--out {path}: folder {parent} does not exist; create it first or choose another path")
    if not parent.is_dir():
        raise InputError(f"--out {path}: {parent} is a file, not a folder")
    if not os.access(parent, os.W_OK):
        raise InputError(f"--out {path}: folder {parent} is not writable; choose another path")

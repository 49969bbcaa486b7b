"""What every command group shares: the settings an invocation builds, the store it opens, the data-file
options of `generate` and `update`. Heavy imports wait inside the functions: building the parser costs
nothing."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

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

"""A survey file as `personas generate --survey` and the app's survey mode read it: the responses, the
codebook, which columns are items and demographics, and (in the app) the kinds and statements a person confirmed.

Both front doors build the SurveySpec here and hand it to ``usecases.generate.generate_survey_set``, so a file
is read, checked and refused the same way from either."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from personas.errors import InputError

if TYPE_CHECKING:
    import pandas as pd

    from personas.surveys.codebook import Codebook
    from personas.surveys.data import SurveySpec
    from personas.surveys.propose import SurveyProposal


@dataclass(frozen=True)
class SurveyFile:
    """What to read from a survey export; ``kinds``/``statements`` override the codebook for those items."""

    responses: Path
    items: Sequence[str]
    demographics: Sequence[str] = ()
    codebook: Path | None = None
    weight_col: str | None = None
    text_col: str | None = None
    roles: Mapping[str, str | None] | None = None
    kinds: Mapping[str, str] = field(default_factory=dict)
    statements: Mapping[str, str] = field(default_factory=dict)
    shown: str | None = None  # the file's name as the person knows it (an upload's own name)


def read_book(path: Path | None) -> Codebook | None:
    from personas.surveys.codebook import read_codebook

    return read_codebook(path) if path else None


def survey_file_spec(req: SurveyFile) -> SurveySpec:
    """The SurveySpec of a survey file (InputError, with one line, for a file or a choice that cannot work)."""
    from personas.surveys.data import SurveySpec, read_responses
    from personas.surveys.propose import apply_overrides
    from personas.tables import column_names

    items = [c for c in dict.fromkeys(req.items) if c]
    if not items:
        raise InputError("the survey needs item columns: the questions to segment on (--items a,b,c)")
    book = read_book(req.codebook)
    if req.kinds or req.statements:
        book = apply_overrides(book, items, req.kinds, req.statements)
    extra = [c for c in (req.weight_col, req.text_col) if c]
    frame = read_responses(req.responses, [*items, *req.demographics, *extra])
    header = column_names(req.responses, "survey")
    return SurveySpec(frame, items, list(req.demographics), book, req.weight_col or None, req.text_col or None,
                      source=f"survey: {req.shown or req.responses.name}", roles=dict(req.roles or {}),
                      known_columns=tuple(header))


def whole_survey(path: Path) -> pd.DataFrame:
    """Every column of a survey export (to propose what each column is)."""
    from personas.surveys.data import read_responses
    from personas.tables import column_names

    return read_responses(path, column_names(path, "survey"))


def propose(path: Path, codebook: Path | None = None) -> SurveyProposal:
    """What each column of the survey probably is, with the items' detected kinds (for a person to confirm)."""
    from personas.surveys.propose import propose_columns

    return propose_columns(whole_survey(path), read_book(codebook))

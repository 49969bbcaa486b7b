"""What each column of an uploaded survey probably is, for a person to confirm (the app's survey mode).

``propose_columns(frame, codebook)`` gives every column a use (item, demographic, weight, text, ignore) with a
reason, and every item its kind (``detect_item_kinds``) and statement. Names are read from tables, not from
chains of rules: a column named like a demographic is one, a weight name is the weight, a column of unique
numbers is an identifier. With a codebook, the items are the codebook's entries that are not demographics.
``apply_overrides`` turns what the person changed in the table (kind, statement) into codebook entries, so the
generator reads them the way it reads a codebook (nothing else learns of the table).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace

import pandas as pd

from ..errors import InputError
from ..survey_profile import ITEM_KINDS
from .codebook import Codebook, CodebookItem, detect_item_kinds

USES = ("item", "demographic", "weight", "text", "ignore")

# Column names (lower case, split on '_' and digits) that say "who the respondent is".
DEMOGRAPHIC_WORDS = frozenset({
    "age", "agea", "agegroup", "sex", "gender", "female", "male", "country", "cntry", "region", "state", "city",
    "educ", "education", "edu", "degree", "eisced", "race", "ethnicity", "ethnic", "income", "rincom", "hinctnta",
    "occupation", "job", "occ", "marital", "married", "partyid", "party", "polviews", "wrkstat", "employment",
    "religion", "relig", "urban", "rural", "household", "children", "kids",
})
# Word beginnings that say the same (eduyrs, agegrp, income_band, marital_status, occupation_code).
DEMOGRAPHIC_PREFIXES = ("edu", "age", "income", "gender", "marit", "occup", "ethni", "relig", "employ")
WEIGHT_WORDS = frozenset({"weight", "weights", "wt", "wgt", "wtssall", "wtss", "pspwght", "pweight", "anweight",
                          "dweight"})
ID_WORDS = frozenset({"id", "rownames", "respondent", "respid", "responseid", "idno", "uuid", "year", "wave",
                      "timestamp", "date"})
TEXT_MIN_CHARS = 20  # an open-ended answer column: text answers this long on average, mostly distinct


@dataclass(frozen=True)
class ColumnProposal:
    column: str
    use: str  # one of USES
    kind: str  # the item's kind (detect_item_kinds) or '' for non-items
    statement: str  # the codebook's statement, or the column name
    reason: str  # why, in words a person can check


@dataclass(frozen=True)
class SurveyProposal:
    columns: list[ColumnProposal]

    def of(self, use: str) -> list[str]:
        return [c.column for c in self.columns if c.use == use]

    @property
    def weight_col(self) -> str | None:
        return next(iter(self.of("weight")), None)

    @property
    def text_col(self) -> str | None:
        return next(iter(self.of("text")), None)


def _words(name: str) -> set[str]:
    lower = str(name).lower()
    return {lower, *(w for w in re.split(r"[^a-z]+", lower) if w)}


def _is_text(series: pd.Series) -> bool:
    present = series.dropna()
    if present.empty or pd.api.types.is_numeric_dtype(present):
        return False
    text = present.astype(str).str.strip()
    if pd.to_numeric(text, errors="coerce").notna().mean() > 0.5:
        return False
    return text.str.len().mean() >= TEXT_MIN_CHARS and text.nunique() >= 0.5 * len(text)


def _is_date(series: pd.Series) -> bool:
    present = series.dropna()
    if present.empty or pd.api.types.is_numeric_dtype(present):
        return pd.api.types.is_datetime64_any_dtype(present)
    sample = present.astype(str).head(200)
    if pd.to_numeric(sample, errors="coerce").notna().mean() > 0.5:
        return False
    parsed = pd.to_datetime(sample, errors="coerce", format="mixed")
    return bool(parsed.notna().mean() >= 0.9)


def _is_identifier(series: pd.Series) -> bool:
    present = series.dropna()
    return (len(present) > 10 and pd.api.types.is_integer_dtype(present.convert_dtypes())
            and present.nunique() == len(present))


def _use(column: str, series: pd.Series, book: Codebook) -> tuple[str, str]:
    words = _words(column)
    if series.dropna().nunique() <= 1:
        return "ignore", "one value only"
    if words & WEIGHT_WORDS and pd.api.types.is_numeric_dtype(series):
        return "weight", "named like a survey weight"
    if words & ID_WORDS or _is_identifier(series):
        return "ignore", "an identifier (a different value per respondent) or a date"
    if _is_date(series):
        return "ignore", "dates or times"
    if words & DEMOGRAPHIC_WORDS or any(w.startswith(DEMOGRAPHIC_PREFIXES) for w in words):
        return "demographic", "named like a demographic"
    if _is_text(series):
        return "text", "free text (long, mostly distinct answers): open-ended answers for quotes"
    if book.items and column not in book.items:
        return "ignore", "not in the codebook"
    return "item", "in the codebook" if column in book.items else "an answer column"


def propose_columns(frame: pd.DataFrame, codebook: Codebook | None = None) -> SurveyProposal:
    """A use for every column of ``frame`` and, for items, the kind detected (the codebook's kind wins)."""
    book = codebook or Codebook()
    uses = {str(c): _use(str(c), frame[c], book) for c in frame.columns}
    items = [c for c, (use, _) in uses.items() if use == "item"]
    kinds = {item: (kind, reason) for item, kind, reason in detect_item_kinds(frame, items, book)}
    out = []
    for column, (use, why) in uses.items():
        kind, kind_reason = kinds.get(column, ("", ""))
        reason = f"{why}; {kind}: {kind_reason}" if kind else why
        out.append(ColumnProposal(column, use, kind, book.statement(column), reason))
    return SurveyProposal(out)


def apply_overrides(book: Codebook | None, items: Sequence[str], kinds: Mapping[str, str],
                    statements: Mapping[str, str]) -> Codebook:
    """The codebook with the kinds and statements a person set for ``items`` (others as they were).

    A kind that is not one of ITEM_KINDS is refused with one line."""
    entries = dict((book or Codebook()).items)
    for item in items:
        kind = (kinds.get(item) or "").strip().lower()
        statement = (statements.get(item) or "").strip()
        if kind and kind not in ITEM_KINDS:
            raise InputError(f"item {item!r} has kind {kind!r}; use one of {', '.join(ITEM_KINDS)}")
        entry = entries.get(item) or CodebookItem(item, "")
        changes: dict[str, object] = {}
        if kind and kind != entry.kind:
            changes["kind"] = kind
        if statement and statement != item and statement != entry.statement:
            changes["statement"] = statement
        if changes:
            entries[item] = replace(entry, **changes)  # type: ignore[arg-type]
    return Codebook(entries)

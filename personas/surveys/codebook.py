"""A survey's codebook: each item's statement, each code's label, the item's kind; and kinds detected from data.

The codebook table (CSV or a DataFrame) has one row per (item, code): ``item, statement, code, label`` and
optionally ``kind`` (one of ITEM_KINDS) and ``polarity`` (agree/disagree/neutral for the code, or any word the
survey uses). A row with an empty code gives the item's statement (and kind) only. Demographic columns may be
in the codebook too: their labels name the demographic values ('1' -> 'female').
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from ..errors import InputError
from ..survey_profile import ITEM_KINDS

MULTI_SEPARATORS = (";", "|")  # multi-select answers as delimited text: 'email;phone'
ORDERED_KINDS = ("likert", "scale", "numeric")  # kinds with a mean and a standardised difference


@dataclass(frozen=True)
class CodebookItem:
    item: str
    statement: str
    codes: list[str] = field(default_factory=list)  # in the codebook's order
    labels: dict[str, str] = field(default_factory=dict)  # code -> label
    kind: str | None = None  # None: detect from the data
    polarity: dict[str, str] = field(default_factory=dict)  # code -> polarity word, when given

    def label(self, code: str) -> str:
        return self.labels.get(code, code)


@dataclass(frozen=True)
class Codebook:
    items: dict[str, CodebookItem] = field(default_factory=dict)

    def get(self, item: str) -> CodebookItem | None:
        return self.items.get(item)

    def statement(self, item: str) -> str:
        entry = self.items.get(item)
        return entry.statement if entry and entry.statement else item

    def label(self, item: str, code: str) -> str:
        entry = self.items.get(item)
        return entry.label(code) if entry else code


def canonical_code(value: object) -> str:
    """A code as a string the same way from CSV text and numeric frames: 1.0 -> '1', ' yes ' -> 'yes'."""
    if isinstance(value, (int, np.integer)):
        return str(int(value))
    if isinstance(value, (float, np.floating)):
        return str(int(value)) if float(value).is_integer() else repr(float(value))
    text = str(value).strip()
    try:
        number = float(text)
    except ValueError:
        return text
    if np.isfinite(number):
        return str(int(number)) if number.is_integer() else repr(number)
    return text


def read_codebook(source: str | Path | pd.DataFrame) -> Codebook:
    """A Codebook from a CSV file or a DataFrame with columns item, statement, code, label[, kind, polarity]."""
    if isinstance(source, pd.DataFrame):
        table = source.astype(object).where(source.notna(), "")
    else:
        path = Path(source)
        if not path.exists():
            raise InputError(f"codebook {path.name} does not exist; give a CSV with item,statement,code,label")
        try:
            table = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
        except (pd.errors.ParserError, UnicodeDecodeError, pd.errors.EmptyDataError) as exc:
            raise InputError(f"codebook {path.name} is not a readable CSV ({type(exc).__name__}); save it as UTF-8 CSV") from None
    table.columns = [str(c).strip().lower() for c in table.columns]
    missing = [c for c in ("item", "statement", "code", "label") if c not in table.columns]
    if missing:
        raise InputError(f"the codebook has no {', '.join(missing)} column; it needs item,statement,code,label")
    items: dict[str, dict] = {}
    for row in table.to_dict("records"):
        name = str(row["item"]).strip()
        if not name:
            continue
        entry = items.setdefault(name, {"statement": "", "codes": [], "labels": {}, "kind": None, "polarity": {}})
        if str(row["statement"]).strip() and not entry["statement"]:
            entry["statement"] = str(row["statement"]).strip()
        kind = str(row.get("kind", "") or "").strip().lower()
        if kind:
            if kind not in ITEM_KINDS:
                raise InputError(f"codebook item {name!r} has kind {kind!r}; use one of {', '.join(ITEM_KINDS)}")
            entry["kind"] = kind
        code = str(row["code"]).strip()
        if code:
            code = canonical_code(code)
            if code not in entry["labels"]:
                entry["codes"].append(code)
            entry["labels"][code] = str(row["label"]).strip() or code
            pol = str(row.get("polarity", "") or "").strip().lower()
            if pol:
                entry["polarity"][code] = pol
    return Codebook({k: CodebookItem(k, **v) for k, v in items.items()})


# ---------------------------------------------------------------------------- kind detection


def _numbers(values: pd.Series) -> tuple[pd.Series, pd.Series]:
    """(numeric values, text that is not a number) of a column's non-missing answers."""
    present = values.dropna()
    if pd.api.types.is_numeric_dtype(present):
        return present.astype(float), present.iloc[:0]
    text = present.astype(str).str.strip()
    text = text[text != ""]
    nums = pd.to_numeric(text, errors="coerce")
    return nums.dropna().astype(float), text[nums.isna()]


def detect_kind(values: pd.Series, entry: CodebookItem | None = None) -> tuple[str, str]:
    """(kind, reason) for one item column; the codebook's kind wins when it gives one."""
    if entry is not None and entry.kind:
        return entry.kind, "given in the codebook"
    nums, text = _numbers(values)
    if len(nums) == 0 and len(text) == 0:
        return "categorical", "no answers"
    if len(text):
        if text.str.contains("|".join("\\" + s for s in MULTI_SEPARATORS)).mean() > 0.05:
            return "multiselect", "answers hold several choices separated by ';' or '|'"
        distinct = text.nunique() + nums.nunique()
        if distinct == 2:
            return "binary", "two distinct answers"
        return "categorical", f"{distinct} distinct text answers"
    distinct = np.unique(nums.to_numpy())
    whole = bool(np.all(np.mod(distinct, 1) == 0))
    if len(distinct) == 2:
        return "binary", f"two values ({canonical_code(distinct[0])}, {canonical_code(distinct[1])})"
    span = distinct[-1] - distinct[0]
    if whole and len(distinct) <= 7 and span <= 6:
        return "likert", f"{len(distinct)} whole-number codes from {canonical_code(distinct[0])} to {canonical_code(distinct[-1])}"
    if whole and span <= 10 and distinct[0] >= 0:
        return "scale", f"whole numbers from {canonical_code(distinct[0])} to {canonical_code(distinct[-1])}"
    return "numeric", f"{len(distinct)} distinct numbers from {canonical_code(distinct[0])} to {canonical_code(distinct[-1])}"


def detect_item_kinds(frame: pd.DataFrame, items: Sequence[str], codebook: Codebook | None = None) -> list[tuple[str, str, str]]:
    """(item, kind, reason) per item, for a person to confirm (the app's survey mode shows them)."""
    book = codebook or Codebook()
    out = []
    for item in items:
        if item not in frame.columns:
            raise InputError(f"item {item!r} is not a column of the survey; columns: {', '.join(map(str, frame.columns[:20]))}")
        kind, reason = detect_kind(frame[item], book.get(item))
        out.append((item, kind, reason))
    return out

"""What a person types, read the same way by the CLI and the app: k, lists of column names, set names."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from personas.errors import InputError

_DATA_SUFFIXES = (".gz", ".csv", ".tsv", ".txt", ".parquet", ".pq")


def parse_k(text: str | float | None, default: int | None = None, *, flag: str = "-k") -> int | None:
    """The number of personas: a whole number, 'auto' (None: choose k), or ``default`` when not given."""
    if text is None:
        return default
    value = str(text).strip().lower()
    if value in ("auto", ""):
        return None
    try:
        number = float(value)
        if not number.is_integer():
            raise ValueError(value)
        return int(number)
    except ValueError:
        raise InputError(f"{flag} must be a whole number or 'auto', not {text!r}") from None


def name_list(value: str | Iterable[str] | None) -> tuple[str, ...]:
    """Column names: comma-separated text ('age, gender') or a list (the app's multiselect)."""
    items = value.split(",") if isinstance(value, str) else (value or ())
    return tuple(c.strip() for c in items if c and c.strip())


def set_name_for(path: str | Path, fallback: str = "uploaded") -> str:
    """A persona-set name from a data file's name: 'views 2025.csv' -> 'views-2025' (check_set_name's alphabet)."""
    name = Path(path).name
    while name.lower().endswith(_DATA_SUFFIXES):
        name = name[: name.rfind(".")]
    cleaned = "".join(ch if ch.isalnum() or ch in "._-" else "-" for ch in name).strip("-._")
    return (cleaned or fallback)[:64]

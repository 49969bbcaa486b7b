"""Reading CSV and Parquet files with pyarrow, turning every reader failure into one clear line."""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path

import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from .errors import InputError

CSV_SUFFIXES = (".csv", ".tsv", ".txt", ".csv.gz", ".tsv.gz", ".inter", ".user", ".item")
PARQUET_SUFFIXES = (".parquet", ".pq")


def file_kind(path: Path) -> str:
    """'csv' or 'parquet' from the file name; anything else is refused."""
    name = path.name.lower()
    if name.endswith(PARQUET_SUFFIXES):
        return "parquet"
    if name.endswith(CSV_SUFFIXES):
        return "csv"
    raise InputError(f"{path.name}: not a CSV or Parquet file (expected .csv, .tsv or .parquet); convert it first")


def _delimiter(path: Path) -> str:
    name = path.name.lower()
    if ".tsv" in name or name.endswith((".inter", ".user", ".item")):
        return "\t"
    return ","


def _check_exists(path: Path, role: str) -> None:
    if not path.exists():
        raise InputError(f"{role} file not found: {path}; check the path")
    if path.is_dir():
        raise InputError(f"{role} path is a folder, not a file: {path}")


# Byte-order marks of the encodings spreadsheet programs save as "Unicode text" (longest first: UTF-32's
# little-endian mark starts with UTF-16's)
_BOMS = ((b"\xff\xfe\x00\x00", "UTF-32"), (b"\x00\x00\xfe\xff", "UTF-32"), (b"\xff\xfe", "UTF-16"),
         (b"\xfe\xff", "UTF-16"))
_OTHER_SEPARATORS = {";": "semicolons", "\t": "tabs", "|": "vertical bars"}


def column_names(path: Path, role: str) -> list[str]:
    """The header of a CSV or the schema names of a Parquet file (unique, or one line saying which repeat)."""
    _check_exists(path, role)
    names = _parquet_names(path) if file_kind(path) == "parquet" else _csv_names(path)
    repeated = sorted({n for n in names if names.count(n) > 1})
    if repeated:
        raise InputError(f"{path.name}: column {', '.join(repr(n) for n in repeated)} appears more than once; "
                         "rename or drop the copies so that each column has one name")
    return names


def _parquet_names(path: Path) -> list[str]:
    try:
        return list(pq.read_schema(path).names)
    except (pa.ArrowInvalid, OSError) as exc:
        raise InputError(f"{path.name} is not a readable Parquet file ({_short(exc)})") from None


def _csv_names(path: Path) -> list[str]:
    with open(path, "rb") as fh:
        head = fh.read(4)
    for bom, encoding in _BOMS:
        if head.startswith(bom):
            raise InputError(f"{path.name} is {encoding} text; re-save it as UTF-8 (in a spreadsheet: "
                             "'CSV UTF-8') and try again")
    try:
        reader = pacsv.open_csv(
            path,
            parse_options=pacsv.ParseOptions(delimiter=_delimiter(path)),
            convert_options=pacsv.ConvertOptions(column_types={}, strings_can_be_null=False),
            read_options=pacsv.ReadOptions(block_size=1 << 16),
        )
        names = list(reader.schema.names)
        reader.close()
    except pa.ArrowInvalid as exc:
        raise _csv_error(path, exc, []) from None
    except UnicodeDecodeError:
        raise InputError(f"{path.name} is not UTF-8 text; re-save it as UTF-8 and try again") from None
    if not names:
        raise InputError(f"{path.name} is empty; it needs a header row and data")
    delimiter = _delimiter(path)
    if len(names) == 1:
        for sep, word in _OTHER_SEPARATORS.items():
            if sep != delimiter and sep in names[0]:
                raise InputError(f"{path.name} is separated by {word} ({_escaped(names[0][:80])!r}), but a "
                                 f"{path.suffix or 'CSV'} file is read as separated by "
                                 f"{'tabs' if delimiter == chr(9) else 'commas'}; re-save it comma-separated "
                                 "(or tab-separated, named .tsv)")
    return names


def require_columns(path: Path, role: str, wanted: Sequence[str], found: Sequence[str]) -> None:
    missing = [c for c in wanted if c not in found]
    if missing:
        raise InputError(
            f"{path.name}: column {', '.join(repr(m) for m in missing)} not found; "
            f"columns found: {', '.join(found)}; map them with the column options"
        )


def read_columns(
    path: Path,
    role: str,
    columns: Sequence[str],
    types: dict[str, pa.DataType] | None = None,
) -> pa.Table:
    """Read only ``columns`` (validated to exist) with optional forced types."""
    found = column_names(path, role)
    wanted = list(dict.fromkeys(columns))
    require_columns(path, role, wanted, found)
    types = types or {}
    if file_kind(path) == "parquet":
        # A dictionary type asked for a text column is read straight from Parquet's own dictionary pages
        # (no string per row is materialised); asked for a column of another type, it is left as stored.
        try:
            schema = pq.read_schema(path)
            as_dict = [n for n, t in types.items()
                       if pa.types.is_dictionary(t) and n in wanted and pa.types.is_string(schema.field(n).type)]
            table = pq.read_table(path, columns=wanted, read_dictionary=as_dict or None)
        except (pa.ArrowInvalid, OSError) as exc:
            raise InputError(f"{path.name} is not a readable Parquet file ({_short(exc)})") from None
        for name, typ in types.items():
            if pa.types.is_dictionary(typ) and name not in as_dict:
                continue
            if name in table.column_names and not table.schema.field(name).type.equals(typ):
                table = _cast(table, name, typ, path)
        return table
    try:
        return pacsv.read_csv(
            path,
            parse_options=pacsv.ParseOptions(delimiter=_delimiter(path), newlines_in_values=False),
            convert_options=pacsv.ConvertOptions(
                include_columns=wanted,
                column_types=types,
                strings_can_be_null=False,
                null_values=["", "NA", "NaN", "nan", "null", "NULL", "None"],
            ),
            read_options=pacsv.ReadOptions(block_size=1 << 24),
        )
    except pa.ArrowInvalid as exc:
        raise _csv_error(path, exc, found) from None
    except UnicodeDecodeError:
        raise InputError(f"{path.name} is not UTF-8 text; re-save it as UTF-8 and try again") from None


def _cast(table: pa.Table, name: str, typ: pa.DataType, path: Path) -> pa.Table:
    idx = table.column_names.index(name)
    try:
        col = table.column(name).cast(typ)
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        raise InputError(
            f"{path.name}: column {name!r} must be {_type_word(typ)}; fix the values or map another column"
        ) from None
    return table.set_column(idx, name, col)


def _type_word(typ: pa.DataType) -> str:
    return "numeric" if pa.types.is_floating(typ) or pa.types.is_integer(typ) else str(typ)


def _csv_error(path: Path, exc: Exception, names: Sequence[str]) -> InputError:
    text = str(exc)
    if "UTF8" in text or "UTF-8" in text:
        return InputError(f"{path.name} is not UTF-8 text; re-save it as UTF-8 and try again")
    match = re.search(r"column #(\d+): CSV conversion error to (\w+): invalid value '([^']*)'", text)
    if match:
        idx, _typ, value = int(match.group(1)), match.group(2), match.group(3)
        col = names[idx] if idx < len(names) else f"#{idx}"
        return InputError(
            f"{path.name}: column {col!r} must be numeric but holds {value!r}; fix the values or map another column"
        )
    if "Expected" in text and "columns" in text:
        return InputError(f"{path.name} is not a well-formed CSV ({_short(exc)}); check the delimiter and quoting")
    return InputError(f"{path.name} could not be read as CSV ({_short(exc)})")


def _short(exc: Exception) -> str:
    return _escaped(str(exc).strip().splitlines()[0][:160])


def _escaped(text: str) -> str:
    """``text`` with control characters written as escapes: a message must never retitle or clear a terminal."""
    return "".join(c if c.isprintable() else repr(c)[1:-1] for c in text)

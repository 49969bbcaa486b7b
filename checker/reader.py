"""Contexts as units: whatever the layout, each context becomes lines a fact reader can take one at a time.

A unit is one sentence, one "key: value" line, one list item group or one markdown table row. A table row
keeps its header, so that "| Sports | 41% |" under "| Topic | Share |" reads as "Topic: Sports, Share: 41%".
Nothing here knows what the facts are about; ``checker.typed_facts`` reads the units.

Bad input is made sensible here, once: ``None`` is dropped, numbers become text, nested lists are flattened,
bytes are decoded (undecodable bytes replaced), and very long contexts are cut (``MAX_CONTEXT_CHARS``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from .claims import sentences

MAX_CONTEXT_CHARS = 200_000  # a longer context is read up to here: facts are short, and time is bounded
MAX_DEPTH = 4  # nested lists deeper than this are not facts


@dataclass(frozen=True)
class Unit:
    """One readable piece of a context."""

    text: str  # the unit as a line of text (a table row as "Header: cell; Header: cell")
    context_index: int
    span: tuple[int, int]  # where it stands in its context
    key: str = ""  # the key of a "key: value" line, lower case
    value: str = ""  # its value
    cells: tuple[tuple[str, str], ...] = ()  # a table row: (header, cell) pairs
    table: int = -1  # rows of one table share this number


@dataclass
class Reading:
    contexts: list[str]
    units: list[Unit] = field(default_factory=list)


def as_texts(contexts: Any) -> list[str]:
    """Any contexts argument as a list of strings (see the module docstring)."""
    if contexts is None:
        return []
    if isinstance(contexts, (str, bytes, bytearray)):
        contexts = [contexts]
    out: list[str] = []

    def add(item: Any, depth: int) -> None:
        if item is None:
            return
        if isinstance(item, (bytes, bytearray)):
            item = bytes(item).decode("utf-8", errors="replace")
        if isinstance(item, str):
            out.append(item[:MAX_CONTEXT_CHARS])
        elif isinstance(item, dict):
            out.append("; ".join(f"{k}: {v}" for k, v in item.items())[:MAX_CONTEXT_CHARS])
        elif isinstance(item, Iterable) and depth < MAX_DEPTH:
            for x in item:
                add(x, depth + 1)
        else:
            out.append(str(item)[:MAX_CONTEXT_CHARS])

    try:
        for c in contexts:
            add(c, 0)
    except TypeError:  # a single non-iterable context (a number)
        add(contexts, MAX_DEPTH)
    return out


_TABLE_LINE = re.compile(r"^\s*\|.*\|\s*$|^[^|\n]*\|[^|\n]*\|")
_RULE_ROW = re.compile(r"^\s*\|?\s*:?-{2,}:?\s*(\|\s*:?-{2,}:?\s*)*\|?\s*$")
_KEY_VALUE = re.compile(r"^\s*(?:[-*•]\s+)?([A-Za-z][^:\n]{0,60}?)\s*:\s+(\S.*?)\s*$")
_BULLET = re.compile(r"^\s*(?:[-*•]|\d+[.)])\s+")


# Headers of a two-column table of keys and values ("| Metric | Value |", "| Attribute | Detail |").
KEY_HEADERS = re.compile(r"^\s*(?:field|metric|attribute|key|property|measure|stat(?:istic)?|item|fact|"
                          r"dimension|indicator|kpi|characteristic|what|label|variable|parameter)s?\s*$", re.I)
_VALUE_HEADERS = re.compile(r"^\s*(?:value|figure|amount|detail|details|data|result|number|answer|reading|"
                            r"entry|info|information)s?\s*$", re.I)


def _cells(line: str) -> list[str]:
    return [c.strip() for c in line.strip().strip("|").split("|")]


def _table_units(lines: list[tuple[int, str]], ci: int, table: int) -> list[Unit]:
    """Rows of one markdown table; the first row is the header, rule rows are skipped, ragged rows are padded
    or cut to the header's width."""
    rows = [(at, line) for at, line in lines if not _RULE_ROW.match(line)]
    if len(rows) < 2:
        return []
    header = [h or f"column {i + 1}" for i, h in enumerate(_cells(rows[0][1]))]
    key_value = len(header) == 2 and bool(KEY_HEADERS.match(header[0]) or _VALUE_HEADERS.match(header[1]))
    out = []
    for at, line in rows[1:]:
        cells = _cells(line)
        cells = (cells + [""] * len(header))[:len(header)]
        if key_value and cells[0] and cells[1]:
            # "| Gender | Female |" under "| Field | Value |" is the line "Gender: Female"
            text = f"{cells[0]}: {cells[1]}"
            out.append(Unit(text, ci, (at, at + len(line)), cells[0].lower(), cells[1], table=table))
            continue
        pairs = tuple((h, c) for h, c in zip(header, cells) if c)
        if not pairs:
            continue
        text = "; ".join(f"{h}: {c}" for h, c in pairs)
        out.append(Unit(text, ci, (at, at + len(line)), cells=pairs, table=table))
    return out


def read_units(contexts: list[str]) -> list[Unit]:
    """Every context cut into units (module docstring)."""
    units: list[Unit] = []
    tables = 0
    for ci, context in enumerate(contexts):
        at = 0
        block: list[tuple[int, str]] = []
        lines = context.split("\n")
        for i, line in enumerate(lines + [""]):
            start = at
            at += len(line) + 1
            if i < len(lines) and _TABLE_LINE.match(line) and line.count("|") >= 2:
                block.append((start, line))
                continue
            if block:
                units += _table_units(block, ci, tables)
                tables += 1
                block = []
            if i >= len(lines) or not line.strip():
                continue
            units += _line_units(line, start, ci)
    return units


def _line_units(line: str, start: int, ci: int) -> list[Unit]:
    stripped = _BULLET.sub("", line)
    offset = start + len(line) - len(stripped)
    if (m := _KEY_VALUE.match(stripped)) and not m.group(1).endswith("."):
        key, value = m.group(1).strip(), m.group(2).strip()
        # "I'm Tom: I stand for ..." is a sentence with a colon, not a key: keys have no verb of their own
        if len(key.split()) <= 6 and not re.search(r"\b(is|are|was|were|has|have|had)\b", key):
            return [Unit(stripped, ci, (offset, offset + len(stripped)), key.lower(), value)]
    return [Unit(stripped[a:b], ci, (offset + a, offset + b)) for a, b in _sentences(stripped)]


def _sentences(text: str) -> list[tuple[int, int]]:
    """Sentences, with a numbered list kept whole ("Top three: 1. A 2. B" is not three sentences)."""
    out: list[tuple[int, int]] = []
    for a, b in sentences(text):
        if out and re.search(r"(?:^|\s)\d{1,2}\.$", text[out[-1][0]:out[-1][1]]):
            out[-1] = (out[-1][0], b)
        else:
            out.append((a, b))
    return out

"""Input files that used to crash or mislead: each gets one line that says what is wrong and what to do, exit
status 2, and the data home is left as it was."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from conftest import generate_args, snapshot


def _rewrite(paths: dict[str, Path], text: str | bytes) -> dict[str, Path]:
    target = paths["interactions"]
    target.write_bytes(text if isinstance(text, bytes) else text.encode("utf-8"))
    return paths


def _fails(cli, home: Path, paths: dict[str, Path], *needles: str) -> str:  # type: ignore[no-untyped-def]
    cli("generate", "--demo", "--no-progress")  # a data home with a set in it, which must stay as it was
    before = snapshot(home)
    result = cli(*generate_args(paths))
    assert result.code == 2, result.err
    line = result.err.strip()
    assert len(line.splitlines()) == 1 and "Traceback" not in line, line
    for needle in needles:
        assert needle in line, line
    assert snapshot(home) == before, "a failed run changed the data home"
    return line


def test_semicolon_separated_file_names_the_separator(cli, home, audience_files) -> None:
    frame = pd.read_csv(audience_files["interactions"])
    _rewrite(audience_files, frame.to_csv(index=False, sep=";"))
    _fails(cli, home, audience_files, "semicolons", "comma-separated")


def test_utf16_file_names_the_encoding(cli, home, audience_files) -> None:
    text = audience_files["interactions"].read_text(encoding="utf-8")
    _rewrite(audience_files, text.encode("utf-16"))
    _fails(cli, home, audience_files, "UTF-16", "UTF-8")


def test_repeated_column_names_are_refused_by_name(cli, home, audience_files) -> None:
    lines = audience_files["interactions"].read_text().splitlines()
    head, rows = lines[0], lines[1:]
    _rewrite(audience_files, "\n".join([head + ",views"] + [r + ",1" for r in rows]) + "\n")
    _fails(cli, home, audience_files, "'views' appears more than once")


@pytest.mark.parametrize("huge", ["1e300", "99999999999999999999999999"])
def test_counts_too_large_to_compute_exactly_are_refused(cli, home, audience_files, huge: str) -> None:
    frame = pd.read_csv(audience_files["interactions"], dtype=str)
    frame.loc[0, "views"] = huge
    _rewrite(audience_files, frame.to_csv(index=False))
    _fails(cli, home, audience_files, "'views' is too large", "divide them")


def test_control_characters_in_a_bad_row_are_escaped(cli, home, audience_files) -> None:
    text = audience_files["interactions"].read_text()
    _rewrite(audience_files, text + "25-34,female,US,c001,\x1b]0;retitled\x07,1,2,3\n")
    line = _fails(cli, home, audience_files, "well-formed CSV")
    assert "\x1b" not in line and "\x07" not in line
    assert "\\x1b" in line  # shown, but as an escape


@pytest.mark.parametrize(("command", "make", "needle"), [
    (("export", "--format", "json"), "folder", "is a folder"),
    (("export", "--format", "json"), "missing", "does not exist"),
    (("demo-data",), "file", "is a file, but a folder is needed"),
    (("demo-data",), "missing", "does not exist"),
    (("eval", "run", "--limit", "1", "--no-progress"), "file", "is a file, but a folder is needed"),
])
def test_a_bad_out_path_is_one_line_before_any_work(cli, home, tmp_path, command, make, needle) -> None:  # type: ignore[no-untyped-def]
    cli("generate", "--demo", "--no-progress")
    out = {"folder": tmp_path / "a-folder", "file": tmp_path / "a-file.txt",
           "missing": tmp_path / "no" / "such" / "place.json"}[make]
    if make == "folder":
        out.mkdir()
    elif make == "file":
        out.write_text("keep me")
    before = snapshot(home)
    result = cli(*command, "--out", str(out))
    assert result.code == 2, result.err
    line = result.err.strip()
    assert len(line.splitlines()) == 1 and "Traceback" not in line and needle in line, line
    assert snapshot(home) == before
    if make == "file":
        assert out.read_text() == "keep me"

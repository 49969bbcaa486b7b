"""`personas report` (HTML, and PDF printed by the real headless chromium, read back with pdftotext) and
`personas export --format xlsx` (read back with openpyxl through pandas), on a real demo set."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest
from conftest import HASH_EMBEDDINGS, open_test_store

from cli.main import main

K = 4


@pytest.fixture(scope="module")
def made(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, list[dict]]]:
    """A data home with the demo set (k = 4) and its JSON export."""
    home = tmp_path_factory.mktemp("report") / "home"
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("PERSONAS_EMBEDDING_MODEL", HASH_EMBEDDINGS)
        assert main(["--home", str(home), "generate", "--demo", "-k", str(K), "--no-progress"]) == 0
        out = home.parent / "export.json"
        assert main(["--home", str(home), "export", "--format", "json", "--out", str(out)]) == 0
        yield home, json.loads(out.read_text(encoding="utf-8"))


def run(home: Path, *args: str) -> int:
    return main(["--home", str(home), *args])


def test_html_report_is_self_contained_with_a_page_per_persona(made, tmp_path, capsys):
    home, personas = made
    out = tmp_path / "r.html"
    assert run(home, "report", "--format", "html", "--out", str(out)) == 0
    assert str(out) in capsys.readouterr().out
    html = out.read_text(encoding="utf-8")
    # nothing to fetch: no external sources, links or scripts; avatars are data URIs
    assert not re.search(r'(src|href)="(?!data:)', html) and "<script" not in html
    assert html.count('<section class="persona">') == K
    assert html.count('src="data:image/svg+xml') == K
    for p in personas:
        assert p["name"] in html and p["top_content"][0]["title"].replace("&", "&amp;") in html
    assert "Method and quality" in html and "Fairness" in html and "Consistency" in html
    # the numbers are the data's, formatted for people
    first = personas[0]
    assert f"{first['group_interactions']:,}" in html


@pytest.mark.slow
def test_pdf_report_reads_back(made, tmp_path):
    if not shutil.which("chromium"):
        pytest.skip("chromium is not installed (apt-get install chromium)")
    if not shutil.which("pdftotext"):
        pytest.skip("poppler-utils is not installed (apt-get install poppler-utils)")
    home, personas = made
    out = tmp_path / "r.pdf"
    assert run(home, "report", "--format", "pdf", "--out", str(out)) == 0
    assert out.read_bytes().startswith(b"%PDF")
    info = subprocess.run(["pdfinfo", str(out)], capture_output=True, text=True, check=True).stdout
    pages = int(re.search(r"Pages:\s+(\d+)", info).group(1))
    assert pages == K + 3  # cover, the set at a glance, one page per persona, method and quality
    text = subprocess.run(["pdftotext", "-layout", str(out), "-"], capture_output=True, text=True, check=True).stdout
    for p in personas:
        assert p["name"] in text
    # each persona's page begins with its own name
    for i, p in enumerate(personas, start=3):
        page = subprocess.run(["pdftotext", "-f", str(i), "-l", str(i), str(out), "-"], capture_output=True,
                              text=True, check=True).stdout
        assert page.lstrip().startswith(p["name"])


@pytest.mark.parametrize("args", [
    ["report", "--format", "pdf", "--out", "{missing}/r.pdf"],
    ["report", "--out", "{tmp}"],
    ["export", "--format", "xlsx", "--out", "{missing}/p.xlsx"],
])
def test_bad_out_is_one_line_and_exit_2_before_work_starts(tmp_path, capsys, args):
    home = tmp_path / "home"  # never created: the store is not opened
    argv = [a.format(missing=tmp_path / "no-such-folder", tmp=tmp_path) for a in args]
    assert run(home, *argv) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("personas: error: --out") and "\n" not in err
    assert not home.exists()


def test_xlsx_export_reads_back(made, tmp_path, capsys):
    home, personas = made
    out = tmp_path / "p.xlsx"
    assert run(home, "export", "--format", "xlsx", "--out", str(out)) == 0
    sheets = pd.read_excel(out, sheet_name=None, engine="openpyxl")
    assert list(sheets) == ["personas", "top_content", "topics", "quotes", "trend", "shared_groups", "quality"]
    table = sheets["personas"]
    apg = ["name", "age", "gender", "country", "topics of interest", "audience size"]
    assert list(table.columns[1:7]) == apg
    assert {"group: age", "group: gender", "group: country"} <= set(table.columns)
    assert len(table) == K
    for row, p in zip(table.to_dict("records"), personas):
        assert row["id"] == p["id"] and row["name"] == p["name"] and row["age"] == p["age"]
        assert row["audience size"] == p["group_interactions"]
        assert row["audience share"] == pytest.approx(p["audience_share"])
        assert row["topics of interest"] == ", ".join(t["topic"] for t in p["topics"])
        assert row["group: country"] == p["group"]["country"]
    content = sheets["top_content"]
    first = personas[0]
    rows = content[content["persona"] == first["id"]]
    assert list(rows["title"]) == [c["title"] for c in first["top_content"]]
    assert list(rows["views"]) == [c["count"] for c in first["top_content"]]
    topics = sheets["topics"]
    assert len(topics) == sum(len(p["topics"]) for p in personas)
    quality = dict(zip(sheets["quality"]["metric"], sheets["quality"]["value"]))
    assert quality["k"] == K and 0 <= quality["fairness"] <= 1


@pytest.mark.slow
@pytest.mark.movielens
def test_movielens_report_in_html_and_pdf(tmp_path, monkeypatch):
    """The real data's set: its report prints a page per persona, and its quality is stored with it."""
    if not (shutil.which("chromium") and shutil.which("pdftotext")):
        pytest.skip("needs chromium and poppler-utils (apt-get install chromium poppler-utils)")
    monkeypatch.setenv("PERSONAS_EMBEDDING_MODEL", HASH_EMBEDDINGS)
    home = tmp_path / "home"
    assert run(home, "generate", "--dataset", "movielens-100k", "--no-progress") == 0
    for kind in ("html", "pdf"):
        assert run(home, "report", "--set", "movielens-100k@v1", "--format", kind, "--out",
                   str(tmp_path / f"ml.{kind}")) == 0
    info = subprocess.run(["pdfinfo", str(tmp_path / "ml.pdf")], capture_output=True, text=True, check=True).stdout
    assert int(re.search(r"Pages:\s+(\d+)", info).group(1)) == 13  # k = 10
    text = subprocess.run(["pdftotext", str(tmp_path / "ml.pdf"), "-"], capture_output=True, text=True,
                          check=True).stdout
    html = (tmp_path / "ml.html").read_text(encoding="utf-8")
    pset = open_test_store(home).load("movielens-100k")
    for p in pset.personas:
        assert p.name in text and p.name in html
    q = pset.quality["set"]
    assert q["consistency_ks"] == [5, 10, 15] and [a["attribute"] for a in q["attributes"]] == [
        "age", "gender", "occupation"]
    assert f"{q['fairness']:.3f}" in html and f"{q['diversity']:.3f}" in html


def test_sets_made_before_the_quality_metrics_still_report(made):
    """A set stored without ``quality.set`` (made by an earlier version) renders without the metrics."""
    from dataclasses import replace

    from personas.report_html import report_html
    from personas.spreadsheet import workbook_frames

    home, _ = made
    pset = open_test_store(home).load()
    old = replace(pset, quality={k: v for k, v in pset.quality.items() if k != "set"})
    html = report_html(old)
    assert html.count('<section class="persona">') == K and "Fairness" not in html
    assert list(workbook_frames(old)["quality"]["metric"]) == ["k", "stability", "relative_error"]

"""Interview transcripts: `personas chat ... --transcript FILE.md|.html|.pdf`, one question or a conversation,
each answer with its citations and faithfulness verdict, read back from the file."""

from __future__ import annotations

import builtins
import shutil
import subprocess

import pytest
from conftest import generate_args, open_test_store

from usecases.transcript import Transcript, transcript_markdown, verdict


@pytest.fixture
def persona(cli, home, audience_files):
    assert cli(*generate_args(audience_files)).code == 0
    return open_test_store(home).load().personas[0]


def test_one_question_transcript_in_markdown(cli, persona, tmp_path):
    out = tmp_path / "interview.md"
    r = cli("chat", persona.id, "How big is your group?", "--transcript", str(out))
    assert r.code == 0 and "saved the transcript (1 answer)" in r.err
    text = out.read_text(encoding="utf-8")
    assert text.startswith(f"# Interview with {persona.name} ({persona.group_label})")
    assert "## 1. How big is your group?" in text and f"**{persona.name}:**" in text
    assert f"(`{persona.id}:audience:size`)" in text  # the cited fact, with its id
    assert "Faithfulness: FAITHFUL (score 1.00" in text and "gate: passed" in text


def test_a_conversation_transcript_in_html(cli, persona, tmp_path, monkeypatch):
    questions = iter(["How big is your group?", "What do you watch most?", "/quit"])
    monkeypatch.setattr(builtins, "input", lambda prompt="": next(questions))
    out = tmp_path / "interview.html"
    r = cli("chat", persona.id, "--transcript", str(out))
    assert r.code == 0 and "(2 answers)" in r.err
    html = out.read_text(encoding="utf-8")
    assert "<h2>1. How big is your group?</h2>" in html and "<h2>2. What do you watch most?</h2>" in html
    assert html.count("Faithfulness: ") == 2 and "Sources:" in html
    assert "http" not in html  # self-contained


@pytest.mark.slow
def test_pdf_transcript_reads_back(cli, persona, tmp_path):
    if not (shutil.which("chromium") and shutil.which("pdftotext")):
        pytest.skip("needs chromium and poppler-utils (apt-get install chromium poppler-utils)")
    out = tmp_path / "interview.pdf"
    assert cli("chat", persona.id, "How big is your group?", "--transcript", str(out)).code == 0
    text = subprocess.run(["pdftotext", str(out), "-"], capture_output=True, text=True, check=True).stdout
    assert persona.name in text and "FAITHFUL" in text


@pytest.mark.parametrize("name", ["interview.txt", "no-such-folder/interview.md"])
def test_bad_transcript_path_is_one_line_before_anything_runs(cli, home, tmp_path, name):
    r = cli("chat", "demo-v1-01", "hi", "--transcript", str(tmp_path / name))
    assert r.code == 2 and r.err.startswith("personas: error: --") and r.err.count("\n") == 1
    assert not home.exists()


def test_verdicts_name_what_is_not_supported():
    answer = {"question": "q", "answer": "a [1]", "citations": [{"marker": 1, "text": "fact", "id": "p:x"}],
              "faithfulness": {"score": 0.5, "faithful": False, "claims": [
                  {"text": "I have 10 views", "label": "supported"}, {"text": "I love jazz", "label": "unsupported"}]},
              "gate": {"action": "annotated", "note": "one claim is not in the data"}}
    head, bad = verdict(answer)
    assert head == "NOT FAITHFUL (score 0.50, 1 of 2 claims supported); gate: annotated"
    assert bad == [("unsupported", "I love jazz")]
    md = transcript_markdown(Transcript("p", "Ana", "f, 18-24", [answer], saved_at="2026-01-01"))
    assert "- unsupported: I love jazz" in md and "- note: one claim is not in the data" in md
    assert verdict({"faithfulness": {"score": 1.0, "faithful": True, "claims": []}})[0].startswith(
        "FAITHFUL (score 1.00, no factual claims)")

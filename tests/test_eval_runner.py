"""The evaluation runner: generated question sets, user question files, metrics, reports, and the
`personas eval run` / `personas eval check` commands on the demo set."""

from __future__ import annotations

import itertools
import json
import re
import shutil
from pathlib import Path

import pytest
from conftest import HASH_EMBEDDINGS, open_test_store

from cli.main import main
from eval import metrics
from eval.question_file import QuestionFileError, UnknownPersonaError, check_personas, load_question_file
from eval.questions import KINDS, Gold, Question, generated_set, persona_questions, take
from eval.survey_questions import SURVEY_KINDS
from retrieval.documents import persona_documents


@pytest.fixture(scope="module")
def demo_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo set, generated once for the module (hashing embeddings: this is about plumbing)."""
    home = tmp_path_factory.mktemp("eval") / "home"
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("PERSONAS_EMBEDDING_MODEL", HASH_EMBEDDINGS)
        assert main(["--home", str(home), "generate", "--demo", "--no-progress"]) == 0
    return home


@pytest.fixture(scope="module")
def demo_personas(demo_home: Path) -> list:
    return open_test_store(demo_home).load().personas


def _run(capsys: pytest.CaptureFixture[str], home: Path, *args: str) -> tuple[int, str, str]:
    capsys.readouterr()
    code = main(["--home", str(home), *args])
    out = capsys.readouterr()
    return code, out.out, out.err


# ----------------------------------------------------------------------------------------------- generated


def test_generated_gold_facts_exist_and_gold_values_are_the_statistics(demo_personas: list) -> None:
    all_ids = {d.id for p in demo_personas for d in persona_documents(p)}
    by_id = {p.id: p for p in demo_personas}
    kinds_seen: set[str] = set()
    for p in demo_personas:
        own = {d.id: d for d in persona_documents(p)}
        s = p.stats
        for q in persona_questions(p, demo_personas):
            kinds_seen.add(q.kind)
            assert q.gold_fact_ids, q
            assert set(q.gold_fact_ids) <= all_ids, q
            if q.kind != "compare":
                assert set(q.gold_fact_ids) <= set(own), q
            values = [g.value for g in q.gold_values]
            fact = json.loads(str(own[q.gold_fact_ids[0]].metadata["values_json"]))
            expected = {
                "identity": [p.name], "age": [p.age], "gender": [p.gender], "country": [p.country],
                "audience_size": [s.group_interactions], "audience_share": [s.audience_share],
                "topic_top": [s.topics[0].topic], "content_top": [s.top_content[0].title],
                "follow_up": [s.top_content[1].title], "quote": [x.text for x in p.quotes],
                "trend": [max(s.trend, key=lambda t: (t.count, t.period)).period],
            }
            if q.kind in expected:
                assert values == expected[q.kind], q
            elif q.kind == "topic_share":
                topic = next(t for t in s.topics if t.topic == fact["topic"])
                assert values == [topic.share] and topic.topic in q.question
            elif q.kind == "content_rank":
                rank = fact["rank"]
                assert values == [s.top_content[rank - 1].title] and 3 <= rank <= 5
            elif q.kind == "rate":
                assert values[0] in [r.per_primary for r in s.rates]
            elif q.kind == "compare":
                other = by_id[q.gold_fact_ids[1].split(":")[0]]
                assert other.id != p.id and other.name.split()[0] in q.question
                assert values == [s.audience_share, other.stats.audience_share]
            elif q.kind == "would_watch":
                topic = next(t for t in s.topics if t.topic == values[0])
                assert topic.topic in q.question and q.stance == ("yes" if topic.lift >= 1 else "no")
            else:
                raise AssertionError(f"unexpected kind {q.kind}")
    assert kinds_seen == set(KINDS) - {"out_of_data", "user", *SURVEY_KINDS}  # survey kinds: survey sets only


def test_generated_set_covers_every_kind_first_and_keeps_follow_ups_with_their_question(demo_personas: list) -> None:
    questions = generated_set(demo_personas)
    kinds = [k for k in KINDS if k != "user" and k not in SURVEY_KINDS]
    assert {q.kind for q in questions[: len(kinds) + 1]} == set(kinds)
    assert len({q.id for q in questions}) == len(questions)
    for prev, q in itertools.pairwise(questions):
        if q.follow_up:
            assert prev.kind == "content_top" and prev.persona_id == q.persona_id
    ood = [q for q in questions if q.kind == "out_of_data"]
    assert ood and all(q.expect_refusal and not q.gold_values and not q.gold_fact_ids for q in ood)
    assert len({q.question for q in ood}) >= 10  # varied wording
    for n in range(1, 40):
        part = take(questions, n)
        assert len(part) in (n, n - 1)
        assert len(part) == len(questions) or not questions[len(part)].follow_up


def test_wordings_vary_between_personas_but_not_between_runs(demo_personas: list) -> None:
    a = [q.question for q in generated_set(demo_personas)]
    assert a == [q.question for q in generated_set(demo_personas)]
    ages = {q.question for q in generated_set(demo_personas) if q.kind == "age"}
    assert len(ages) > 1


# ----------------------------------------------------------------------------------------------- metrics


@pytest.mark.parametrize(("gold", "answer", "ok"), [
    (Gold(312056.0, "number"), "My group has 312,056 views", True),
    (Gold(312056.0, "number"), "about 312k views", True),
    (Gold(312056.0, "number"), "about 250k views", False),
    (Gold(0.06939, "share"), "which is 6.9% of all views", True),
    (Gold(0.06939, "share"), "which is 7.9% of all views", False),
    (Gold(0.0509, "number"), "0.0509 likes per view", True),
    (Gold("2024-05", "period"), "My busiest month was May 2024.", True),
    (Gold("2024-05", "period"), "My busiest month was 2024-05.", True),
    (Gold("2024-05", "period"), "My busiest month was June 2024.", False),
    (Gold("male", alternatives=("man",)), "my gender is female", False),
    (Gold("Alvaro Limón"), "I'm Alvaro Limon", True),
    (Gold("Roblox Obbies Beginner’s Guide"), 'It is "Roblox Obbies Beginner\'s Guide".', True),
])
def test_gold_values_are_found_after_normalisation(gold: Gold, answer: str, ok: bool) -> None:
    assert metrics.gold_found(gold, answer) is ok


def test_correctness_rules() -> None:
    q = Question("q", "p", "Would you watch it?", "would_watch", gold_values=(Gold("Cooking"),), stance="no")
    assert metrics.correct(q, "Maybe, but it's not my thing: that title sounds like Cooking.")
    assert not metrics.correct(q, "Probably yes: that title sounds like Cooking.")
    quotes = Question("q", "p", "What do you say?", "quote", gold_values=(Gold("so good"), Gold("thanks!")),
                      gold_match="any")
    assert metrics.correct(quotes, 'A viewer said: "Thanks!"')
    user = Question("q", "p", "How old are you?", "user", gold_answer="I am 38.")
    assert metrics.correct(user, "I'm 38 years old") and not metrics.correct(user, "I'm 39 years old")
    assert metrics.correct(Question("q", "p", "?", "user", gold_answer="Brazil"), "I'm from Brazil.")
    assert metrics.correct(Question("q", "p", "?", "out_of_data", expect_refusal=True), "whatever") is None


def test_refusals_retrieval_and_percentiles() -> None:
    assert metrics.is_refusal("My data doesn't tell me that: it covers what my group watched.")
    assert metrics.is_refusal("I don't know; the data does not say.")
    assert not metrics.is_refusal("My group has 312,056 views.")
    assert metrics.reciprocal_rank(["b"], ["a", "b", "c"]) == 0.5
    assert metrics.reciprocal_rank(["x"], ["a", "b"]) == 0.0
    assert metrics.percentile([1.0, 2.0, 3.0, 4.0], 50) == 2.5
    assert metrics.percentile([], 95) is None


# ----------------------------------------------------------------------------------------------- user files


def test_question_files_in_jsonl_and_yaml(tmp_path: Path) -> None:
    jl = tmp_path / "q.jsonl"
    jl.write_text(
        '{"persona_id": "demo-v1-01", "question": "How old are you?", "gold_answer": "19", "kind": "age"}\n'
        "\n# a comment line\n"
        '{"persona_id": "demo-v1-01", "question": "And the second one?", "follow_up": true, '
        '"gold_fact_ids": ["demo-v1-01:audience:size"]}\n', encoding="utf-8")
    qs = load_question_file(jl)
    assert [q.kind for q in qs] == ["age", "user"] and qs[0].gold_answer == "19" and qs[1].follow_up
    assert qs[1].gold_fact_ids == ("demo-v1-01:audience:size",) and len({q.id for q in qs}) == 2
    for text in ("- persona_id: demo-v1-02\n  question: Where are you from?\n  gold_answer: India\n",
                 "questions:\n  - persona_id: demo-v1-02\n    question: Where are you from?\n    ground_truth: India\n"):
        ym = tmp_path / "q.yaml"
        ym.write_text(text, encoding="utf-8")
        (q,) = load_question_file(ym)
        assert (q.persona_id, q.question, q.gold_answer) == ("demo-v1-02", "Where are you from?", "India")


@pytest.mark.parametrize(("name", "text", "needle"), [
    ("bad.jsonl", '{"persona_id": "a", "question": "Hi?"}\n\n{"persona_id": "a", "question": }\n', "line 3"),
    ("bad.jsonl", '{"persona_id": "a", "question": "Hi?"}\n["a", "b"]\n', "line 2"),
    ("bad.jsonl", '{"persona_id": "a"}\n', "line 1: 'question' is missing"),
    ("bad.jsonl", '{"persona_id": "a", "question": "Hi?", "gold_facts": ["x"]}\n', "unknown field 'gold_facts'"),
    ("bad.jsonl", '{"persona_id": "a", "question": "Hi?", "follow_up": "yes"}\n', "line 1: 'follow_up'"),
    ("bad.jsonl", '{"persona_id": "a", "question": "Hi?"}\n{"persona_id": "a", "question": "Hi?", "gold_fact_ids": "abc"}\n',
     "line 2: 'abc' is not a fact id"),
    ("bad.yaml", "- persona_id: a\n  question: Hi?\n- persona_id: b\n", "line 3"),
    ("bad.yaml", "- persona_id: a\n  question: [unclosed\n", "line"),
    ("bad.txt", "persona_id,question\n", ".jsonl or .yaml"),
    ("empty.jsonl", "\n", "no questions"),
])
def test_malformed_question_files_name_the_line(tmp_path: Path, name: str, text: str, needle: str) -> None:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    with pytest.raises(QuestionFileError, match=re.escape(needle)):
        load_question_file(path)


def test_unknown_persona_ids_are_listed(demo_home: Path) -> None:
    store = open_test_store(demo_home)
    qs = [Question("1", "demo-v1-01", "Hi?", "user"), Question("2", "nobody-v1-01", "Hi?", "user"),
          Question("3", "demo-v9-99", "Hi?", "user")]
    with pytest.raises(UnknownPersonaError, match="nobody-v1-01, demo-v9-99"):
        check_personas(qs, store)
    check_personas(qs[:1], store)


# ----------------------------------------------------------------------------------------------- commands


@pytest.mark.slow
def test_eval_run_on_the_demo_set_writes_a_self_contained_report(
        demo_home: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "report"
    code, stdout, err = _run(capsys, demo_home, "eval", "run", "--limit", "24", "--out", str(out), "--json",
                             "--responder", "grounded")
    assert code == 0, err
    summary = json.loads(stdout)
    assert summary["questions"] in (23, 24) and summary["responder"] == "grounded" and summary["set"] == "demo"
    assert 0 <= summary["summary"]["faithfulness"] <= 1 and summary["summary"]["n_out_of_data"] >= 1
    assert set(summary["by_kind"]) >= {"age", "topic_share", "out_of_data", "would_watch", "compare"}
    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    assert len(report["results"]) == summary["questions"]
    assert all(r["faithfulness"] is not None for r in report["results"])

    page = (out / "report.html").read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>") and "<svg" in page and "</html>" in page
    # self-contained: nothing fetched from anywhere (no scripts, stylesheets, images or fonts by URL)
    assert not re.search(r"https?:", page)
    assert not re.search(r"<script[^>]*\bsrc=|<link\b|@import|url\(", page, re.IGNORECASE)
    _opens_offline_in_chromium(out / "report.html")

    rows = [json.loads(line) for line in (out / "ragas.jsonl").read_text(encoding="utf-8").splitlines()]
    assert len(rows) == summary["questions"]
    for row in rows:
        assert {"question", "answer", "contexts", "ground_truth", "id", "persona_id"} <= set(row)
        assert isinstance(row["contexts"], list) and all(isinstance(c, str) for c in row["contexts"])
        assert row["question"] and row["ground_truth"] and not re.search(r"\[\d+\]", row["answer"])

    code, stdout, _ = _run(capsys, demo_home, "eval", "run", "--limit", "3", "--out", str(tmp_path / "r2"))
    assert code == 0 and "faithfulness" in stdout and "report:" in stdout


@pytest.mark.slow
def test_eval_run_with_a_question_file(demo_home: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    qfile = tmp_path / "mine.jsonl"
    qfile.write_text(
        '{"persona_id": "demo-v1-01", "question": "Where are you from?", "gold_answer": "United States", '
        '"gold_fact_ids": ["demo-v1-01:demographics:group"]}\n'
        '{"persona_id": "demo-v1-01", "question": "What is your favourite video?"}\n'
        '{"persona_id": "demo-v1-01", "question": "And the second one?", "follow_up": true}\n'
        '{"persona_id": "demo-v1-02", "question": "What is your blood type?", "expect_refusal": true}\n'
        + json.dumps({"persona_id": "demo-v1-02", "question": "Why? " * 400, "gold_answer": "x"}) + "\n",
        encoding="utf-8")
    code, stdout, err = _run(capsys, demo_home, "eval", "run", "--questions", str(qfile), "--json",
                             "--out", str(tmp_path / "out"))
    assert code == 0, err
    summary = json.loads(stdout)
    assert summary["label"] == "mine" and summary["questions"] == 5
    assert summary["summary"]["errors"] == 1  # a question the chat refuses is recorded; the run goes on
    report = json.loads((tmp_path / "out" / "report.json").read_text(encoding="utf-8"))
    first, _, follow, ood, too_long = report["results"]
    assert "characters" in too_long["error"] and too_long["correct"] is False
    assert first["correct"] is True and first["reciprocal_rank"] > 0
    # same session: resolved to the second item of what the first answer listed (a title or a topic: this
    # store's hashing embedding carries no meaning for the question's kind)
    assert any(w in follow["answer"] for w in ("Number 2", "number 2", "second"))
    assert "relevant" in first and "answered_kind" in first
    # whether it refused depends on the question's kind, which this hashing embedding cannot read; the
    # refusals themselves are tested with the real model (tests/test_chat.py, tests/test_understanding.py)
    assert ood["refusal_ok"] is (ood["refused"] and all(c["label"] == "supported"
                                                         for c in ood["faithfulness"]["claims"]))


def test_eval_run_bad_input_exits_2_with_one_line(
        demo_home: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"persona_id": "demo-v1-01", "question": "Hi?"}\n{oops\n', encoding="utf-8")
    code, _, err = _run(capsys, demo_home, "eval", "run", "--questions", str(bad))
    assert code == 2 and "line 2" in err and len(err.strip().splitlines()) == 1
    unknown = tmp_path / "unknown.yaml"
    unknown.write_text("- persona_id: ghost-v1-01\n  question: Hi?\n", encoding="utf-8")
    code, _, err = _run(capsys, demo_home, "eval", "run", "--questions", str(unknown))
    assert code == 2 and "ghost-v1-01" in err and len(err.strip().splitlines()) == 1
    code, _, err = _run(capsys, demo_home, "eval", "run", "--limit", "0")
    assert code == 2 and "--limit" in err


def test_eval_check(tmp_path: Path, capsys: pytest.CaptureFixture[str], home: Path) -> None:
    contexts = tmp_path / "contexts.json"
    contexts.write_text(json.dumps(["Cooking is 34% of Ana's group's views.", "Ana is from Brazil."]),
                        encoding="utf-8")
    code, stdout, err = _run(capsys, home, "eval", "check", "--contexts", str(contexts), "--answer",
                             "Cooking is 34% of my views.", "--json")
    assert code == 0, err
    good = json.loads(stdout)
    assert good["faithful"] is True and good["score"] == 1.0
    code, stdout, _ = _run(capsys, home, "eval", "check", "--contexts", str(contexts), "--answer",
                           "I'm from France.", "--json")
    bad = json.loads(stdout)
    assert code == 0 and bad["faithful"] is False
    assert any(c["label"] == "contradicted" for c in bad["claims"])
    code, stdout, _ = _run(capsys, home, "eval", "check", "--contexts", str(contexts), "--answer", "I'm from France.")
    assert code == 0 and "contradicted" in stdout

    empty = tmp_path / "empty.json"
    empty.write_text("[]", encoding="utf-8")
    notlist = tmp_path / "obj.json"
    notlist.write_text('{"a": 1}', encoding="utf-8")
    for args, needle in (
        (["--contexts", str(contexts), "--answer", "  "], "answer is empty"),
        (["--contexts", str(empty), "--answer", "Hi."], "no context"),
        (["--contexts", str(notlist), "--answer", "Hi."], "array of strings"),
        (["--contexts", str(tmp_path / "missing.json"), "--answer", "Hi."], "does not exist"),
    ):
        code, _, err = _run(capsys, home, "eval", "check", *args)
        assert code == 2 and needle in err and len(err.strip().splitlines()) == 1, (args, err)


def _opens_offline_in_chromium(html: Path) -> None:
    """The report renders in a real browser with the network off, and asks for nothing but itself."""
    chromium = shutil.which("chromium")
    if not chromium:  # .ci/run installs it; without it, the static checks above still hold
        return
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=chromium, args=[
            "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
            "--disable-component-update", "--no-first-run"])
        try:
            page = browser.new_context(offline=True).new_page()
            asked: list[str] = []
            page.on("request", lambda r: asked.append(r.url))
            page.goto(html.as_uri())
            assert page.locator("svg").count() >= 1 and page.locator("table").count() >= 1
            assert "faithful" in page.inner_text("body").lower()
            assert [u for u in asked if not u.startswith("file:")] == []
        finally:
            browser.close()

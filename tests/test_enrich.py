"""Enrichment pieces: quotes, names, ages and the settings error path."""

from __future__ import annotations

import pandas as pd

from cli.main import main
from personas.enrich import concrete_age, person_name, pick_quotes


def _content() -> pd.DataFrame:
    return pd.DataFrame({"content_id": ["a", "b", "c"], "title": ["A", "B", "C"]})


def test_quotes_match_the_group_skip_offensive_and_follow_content_rank():
    comments = pd.DataFrame({
        "content_code": [1, 1, 0, 0, 2, 1],
        "text": ["This is damn stupid shit, honestly", "Great recipe, made it twice this week",
                 "Loved the part about the market", "Wrong group comment here", "Not a top item comment",
                 "Second good one on item b"],
        "gender": ["female", "female", "female", "male", "female", "female"],
    })
    quotes = pick_quotes(comments, [1, 0], {"gender": "female", "age": "25-34"}, _content(), 5)
    texts = [q.text for q in quotes]
    assert texts == ["Great recipe, made it twice this week", "Loved the part about the market",
                     "Second good one on item b"]
    assert [q.content_id for q in quotes] == ["b", "a", "b"]


def test_no_comments_means_no_quotes():
    assert pick_quotes(None, [0, 1], {"gender": "female"}, _content(), 3) == []


def test_names_are_realistic_for_country_deterministic_and_unique():
    a = person_name("female", "Brazil", 11, set())
    assert a == person_name("female", "Brazil", 11, set())
    other = person_name("female", "Brazil", 11, {a})
    assert other != a
    german = person_name("male", "Germany", 5, set())
    assert len(german.split()) >= 2 and german != a


def test_concrete_age_inside_bracket():
    assert all(25 <= concrete_age("25-34", None, None, s) <= 34 for s in range(50))
    assert all(65 <= concrete_age("65+", None, None, s) <= 74 for s in range(50))
    assert concrete_age("18-24", 21.4, (18, 24), 0) == 21
    assert concrete_age("<18", None, (7, 17), 3) >= 7
    assert concrete_age("unknown", None, None, 0) is None


def test_invalid_environment_setting_is_one_line(monkeypatch, tmp_path, capsys):
    monkeypatch.setenv("PERSONAS_K", "many")
    assert main(["--home", str(tmp_path), "list"]) == 2
    err = capsys.readouterr().err.strip()
    assert "PERSONAS_K" in err and err.count("\n") == 0


def test_demo_data_command_writes_the_input_format(tmp_path, capsys):
    assert main(["--home", str(tmp_path / "h"), "demo-data", "--out", str(tmp_path / "demo")]) == 0
    inter = pd.read_csv(tmp_path / "demo" / "interactions.csv")
    assert {"age", "gender", "country", "video_id", "views"} <= set(inter.columns)
    assert main(["--home", str(tmp_path / "h"), "generate", "--interactions", str(tmp_path / "demo" / "interactions.csv"),
                 "--content", str(tmp_path / "demo" / "content.csv"), "--comments", str(tmp_path / "demo" / "comments.csv"),
                 "--group-by", "age,gender,country", "--content-col", "video_id", "--count-col", "views",
                 "--extra-counts", "likes,watch_minutes", "--no-progress"]) == 0
    out = capsys.readouterr().out
    assert "interactions@v1 is now active" in out

"""The Gradio app through its named API: a real server on a free loopback port, driven with gradio_client."""

from __future__ import annotations

import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import httpx
import pandas as pd
import pytest
from app_fixtures import Running, free_port, start_app
from conftest import small_audience
from gradio_client import Client, handle_file
from gradio_client.exceptions import AppError

from personas.errors import InputError
from webapp import uploads
from webapp.server import check_bind, is_loopback, parse_auth

pytestmark = pytest.mark.slow
ROOT = Path(__file__).resolve().parents[1]
UPLOAD_LIMIT_MB = 1.0


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Running]:
    running = start_app(tmp_path_factory.mktemp("app") / "home", max_upload_mb=UPLOAD_LIMIT_MB)
    yield running
    running.close()


@pytest.fixture(scope="module")
def client(server: Running) -> Client:
    return Client(server.url, verbose=False)


def uploaded(home: Path) -> list[str]:
    folder = home / "uploads"
    return sorted(p.name for p in folder.iterdir()) if folder.exists() else []


def set_refs(server: Running) -> list[str]:
    return [f"{m['name']}@v{m['version']}" for m in server.services.store.list_sets()]


# ---------------------------------------------------------------------------- personas and search


def test_list_personas_with_defaults(client: Client) -> None:
    rows = client.predict(api_name="/list_personas")
    assert len(rows) == 10
    first = rows[0]
    assert first["id"] == "demo-v1-01" and first["name"] and first["topics"]
    assert 0 < first["audience_share"] < 1 and first["audience"] > 0
    assert [r["id"] for r in client.predict("demo@v1", api_name="/list_personas")] == [r["id"] for r in rows]


def test_unknown_set_and_persona_are_messages(client: Client) -> None:
    with pytest.raises(AppError, match="no persona set named 'nope'"):
        client.predict("nope", api_name="/list_personas")
    with pytest.raises(AppError, match="no persona with id 'demo-v9-99'"):
        client.predict("demo-v9-99", api_name="/show_persona")


def test_show_persona(client: Client) -> None:
    d = client.predict("demo-v1-03", api_name="/show_persona")
    assert d["id"] == "demo-v1-03" and "avatar" not in d and d["top_content"] and d["stats"]["trend"]


def test_search(client: Client) -> None:
    res = client.predict("women who like cooking", api_name="/search")
    assert res["set"] == "demo@v1" and res["hits"]
    top = res["hits"][0]
    assert top["why"] and any("Cooking" in w for w in top["why"])
    names = {r["id"]: r for r in client.predict(api_name="/list_personas")}
    assert names[top["persona_id"]]["gender"] == "female"
    none = client.predict("men over 90 in Antarctica", 3, api_name="/search")
    assert none["hits"] == [] and none["message"]


# ---------------------------------------------------------------------------- chat


def test_chat_turns_keep_history_per_client(server: Running) -> None:
    c = Client(server.url, verbose=False)
    a = c.predict("demo-v1-03", "How many views do you have?", api_name="/chat")
    assert a["persona_id"] == "demo-v1-03" and a["answer"] and a["citations"]
    assert all(cit["id"].startswith("demo-v1-03:") for cit in a["citations"])
    assert "[1]" in a["answer"] and a["gate"]["policy"] == "annotate"
    assert a["faithfulness"] is not None and 0 <= a["faithfulness"]["score"] <= 1
    assert len(a["history"]) == 1
    b = c.predict(question="What do you watch most?", api_name="/chat")  # persona kept from the session
    assert b["persona_id"] == "demo-v1-03" and len(b["history"]) == 2
    c.predict(api_name="/new_conversation")
    again = c.predict("demo-v1-03", "Which topics do you like?", api_name="/chat")
    assert [h["question"] for h in again["history"]] == ["Which topics do you like?"]
    other = c.predict("demo-v1-05", "Which topics do you like?", api_name="/chat")  # new persona, new talk
    assert other["persona_id"] == "demo-v1-05" and len(other["history"]) == 1


def test_chat_errors_are_messages(client: Client) -> None:
    with pytest.raises(AppError, match="no persona with id 'ghost-1'"):
        client.predict("ghost-1", "Hello?", api_name="/chat")
    with pytest.raises(AppError, match="(?i)question"):
        client.predict("demo-v1-01", "   ", api_name="/chat")
    with pytest.raises(AppError, match="unknown responder"):
        client.predict("demo-v1-01", "Hi", "gpt-99", api_name="/chat")


def test_two_clients_chatting_at_once_never_share_history(server: Running) -> None:
    plan = {"demo-v1-02": ["How many views do you have?", "What do you watch most?", "Which topics do you like?"],
            "demo-v1-07": ["Which countries share your taste?", "What is your favourite video?",
                           "How many likes do you give?"]}
    seen: dict[str, list[dict]] = {}
    errors: list[BaseException] = []
    barrier = threading.Barrier(len(plan))

    def talk(persona_id: str, questions: list[str]) -> None:
        try:
            c = Client(server.url, verbose=False)
            barrier.wait(timeout=30)
            seen[persona_id] = [c.predict(persona_id, q, api_name="/chat") for q in questions]
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=talk, args=item) for item in plan.items()]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert not errors, errors
    for persona_id, answers in seen.items():
        last = answers[-1]
        assert [h["question"] for h in last["history"]] == plan[persona_id]
        assert all(a["persona_id"] == persona_id for a in answers)
        assert all(c["id"].startswith(persona_id + ":") for a in answers for c in a["citations"])


# ---------------------------------------------------------------------------- generate and uploads


@pytest.fixture
def audience_csvs(tmp_path: Path) -> dict[str, Path]:
    paths = {}
    for name, frame in small_audience().items():
        paths[name] = tmp_path / f"my {name}.csv"
        frame.to_csv(paths[name], index=False)
    return paths


def test_generate_from_uploaded_csv(client: Client, server: Running, audience_csvs: dict[str, Path]) -> None:
    before = uploaded(server.home)
    res = client.predict(
        handle_file(str(audience_csvs["interactions"])), handle_file(str(audience_csvs["content"])),
        group_by="age,gender,country", content_col="content_id", count_col="views", extra_counts="likes", k="2",
        name="shop", api_name="/generate",
    )
    assert res["set"] == "shop@v1" and len(res["personas"]) == 2
    assert {p["gender"] for p in res["personas"]} == {"female", "male"}
    new = sorted(set(uploaded(server.home)) - set(before))
    assert len(new) == 2 and all(len(n.split(".")[0]) == 32 and n.endswith(".csv") for n in new)  # generated names
    assert not any("my" in n for n in uploaded(server.home))
    assert [p["id"] for p in client.predict("shop", api_name="/list_personas")] == [p["id"] for p in res["personas"]]
    server.services.store.activate("demo", 1)  # the other tests talk to the demo set


def test_generate_guesses_columns(client: Client, server: Running, audience_csvs: dict[str, Path]) -> None:
    res = client.predict(handle_file(str(audience_csvs["interactions"])), k="2", api_name="/generate")
    assert res["set"].startswith("my-interactions@v") and len(res["personas"]) == 2
    server.services.store.activate("demo", 1)


def bad_upload(client: Client, server: Running, path: Path, match: str, **kwargs: str) -> None:
    before_files, before_sets = uploaded(server.home), set_refs(server)
    with pytest.raises(AppError, match=match):
        client.predict(handle_file(str(path)), k="2", api_name="/generate", **kwargs)
    assert uploaded(server.home) == before_files and set_refs(server) == before_sets  # nothing written


def test_bad_uploads_are_refused_with_a_message(client: Client, server: Running, tmp_path: Path) -> None:
    script = tmp_path / "run.sh"
    script.write_text("#!/bin/sh\necho pwned\n")
    bad_upload(client, server, script, "only CSV .* or Parquet")
    exe = tmp_path / "data.exe"
    exe.write_bytes(b"MZ\x90\x00" * 100)
    bad_upload(client, server, exe, "only CSV .* or Parquet")
    binary = tmp_path / "fake.csv"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    bad_upload(client, server, binary, "not a text CSV file")
    fake_parquet = tmp_path / "fake.parquet"
    fake_parquet.write_text("age,gender,content_id,views\n18-24,female,a,3\n")
    bad_upload(client, server, fake_parquet, "not a Parquet file")
    latin = tmp_path / "latin.csv"
    latin.write_bytes("age,gender,country,content_id,views\n18-24,f,Espa\xf1a,a,1\n".encode("latin-1") * 3)
    bad_upload(client, server, latin, "not UTF-8")


def test_malformed_csv_is_refused_with_a_message(client: Client, server: Running, tmp_path: Path) -> None:
    ragged = tmp_path / "ragged.csv"
    ragged.write_text("age,gender,country,content_id,views\n18-24,female,US,a,3\n25-34,male,US\n")
    bad_upload(client, server, ragged, "ragged|column|field|row", content_col="content_id", count_col="views")
    words = tmp_path / "words.csv"
    words.write_text("age,gender,country,content_id,views\n18-24,female,US,a,many\n25-34,male,US,b,4\n")
    bad_upload(client, server, words, "views", content_col="content_id", count_col="views")
    missing = tmp_path / "missing.csv"
    pd.DataFrame({"age": ["18-24"], "gender": ["f"], "item": ["a"], "views": [1]}).to_csv(missing, index=False)
    bad_upload(client, server, missing, "nosuch", content_col="nosuch", count_col="views")


def test_too_large_upload_is_refused(client: Client, server: Running, tmp_path: Path) -> None:
    big = tmp_path / "big.csv"
    row = "18-24,female,US,c001,3\n"
    big.write_text("age,gender,country,content_id,views\n" + row * int(UPLOAD_LIMIT_MB * 1024 * 1024 / len(row) + 10))
    before_files, before_sets = uploaded(server.home), set_refs(server)
    with pytest.raises(Exception, match="exceeds the maximum file size of 1048576 bytes"):  # said by the client
        client.predict(handle_file(str(big)), api_name="/generate")
    with big.open("rb") as fh:  # a client that does not check is refused by the server
        r = httpx.post(server.url + "gradio_api/upload", files={"files": ("big.csv", fh, "text/csv")}, timeout=60)
    assert r.status_code == 413 and "File size exceeded" in r.text
    assert uploaded(server.home) == before_files and set_refs(server) == before_sets


def test_upload_policy_checks_size_type_and_content(tmp_path: Path) -> None:
    policy = uploads.UploadPolicy(tmp_path / "uploads", max_bytes=100)
    good = tmp_path / "Client Name.csv"
    good.write_text("a,b\n1,2\n")
    stored = uploads.accept(good, policy)
    assert stored.parent == policy.folder and stored.name != good.name and stored.suffix == ".csv"
    assert stored.read_bytes() == good.read_bytes() and not (stored.stat().st_mode & 0o111)
    big = tmp_path / "big.csv"
    big.write_text("a,b\n" + "1,2\n" * 50)
    with pytest.raises(InputError, match="upload limit is"):
        uploads.accept(big, policy)
    with pytest.raises(InputError, match="only CSV"):
        uploads.accept(tmp_path / "x.json", policy)
    assert [p.name for p in policy.folder.iterdir()] == [stored.name]


# ---------------------------------------------------------------------------- detect


def test_detect_endpoint(client: Client, server: Running, tmp_path: Path) -> None:
    pytest.importorskip("personas.detect")
    persona = server.services.store.find_persona("demo-v1-04")
    rows = [("u1", c.content_id, c.count) for c in persona.stats.top_content]
    path = tmp_path / "people.csv"
    pd.DataFrame(rows, columns=["user", "video_id", "views"]).to_csv(path, index=False)
    before = uploaded(server.home)
    found = client.predict(handle_file(str(path)), "video_id", "views", "user", api_name="/detect")
    assert found[0]["id"] == "u1" and found[0]["personas"][0]["persona_id"] == "demo-v1-04"
    assert uploaded(server.home) == before  # nothing about individuals is kept
    text = tmp_path / "people.txt"
    text.write_text(path.read_text())
    with pytest.raises(AppError, match="only CSV"):
        client.predict(handle_file(str(text)), "video_id", api_name="/detect")


# ---------------------------------------------------------------------------- binding


def test_loopback_check() -> None:
    assert is_loopback("127.0.0.1") and is_loopback("localhost") and is_loopback("::1") and is_loopback("127.0.0.2")
    assert not is_loopback("0.0.0.0") and not is_loopback("192.168.1.5") and not is_loopback("example.org")
    assert check_bind("127.0.0.1", None) is None
    assert check_bind("0.0.0.0", ("ann", "secret")) is None
    problem = check_bind("0.0.0.0", None)
    assert problem and "without authentication" in problem and "--auth" in problem
    assert parse_auth("ann:se:cret") == ("ann", "se:cret") and parse_auth(None) is None
    with pytest.raises(InputError):
        parse_auth("ann")


def test_cli_refuses_public_bind_without_auth(tmp_path: Path) -> None:
    env = {"PATH": "/usr/bin:/bin", "PERSONAS_HOME": str(tmp_path / "home"), "PERSONAS_EMBEDDING_MODEL": "hash"}
    run = subprocess.run([sys.executable, "app.py", "--host", "0.0.0.0", "--port", str(free_port())], cwd=ROOT,
                         env=env, capture_output=True, text=True, timeout=120, check=False)
    assert run.returncode == 2
    lines = run.stderr.strip().splitlines()
    assert len(lines) == 1 and "without authentication" in lines[0] and "Traceback" not in run.stderr
    assert not (tmp_path / "home").exists()  # refused before anything was built
    env["PERSONAS_APP_AUTH"] = "nocolon"
    run = subprocess.run([sys.executable, "app.py", "--host", "0.0.0.0"], cwd=ROOT, env=env, capture_output=True,
                         text=True, timeout=120, check=False)
    assert run.returncode == 2 and "USER:PASSWORD" in run.stderr and "Traceback" not in run.stderr


# ---------------------------------------------------------------------------- how answers look


def test_answer_shows_badge_sources_and_highlights_unsupported_claims() -> None:
    from chat.answer import Answer, Citation, GateVerdict
    from eval.faithfulness import check
    from webapp.views import answer_markdown

    fact = "Joshua Cook's group has 312,056 views in total, 6.9% of all views."
    text = "My group has 312,056 views [1]. I also have 5 million subscribers."
    result = check(text, [fact], None)
    answer = Answer("demo-v1-01", "q", "q", text, [Citation("demo-v1-01:audience:x", fact, 1)],
                    faithfulness=result, gate=GateVerdict("annotate", "annotated", "1 unsupported claim"))
    shown = answer_markdown(answer)
    assert "NOT FAITHFUL" in shown and "<mark" in shown and "I also have 5 million subscribers." in shown
    assert "[1] Joshua Cook's group has 312,056 views" in shown and "demo-v1-01:audience:x" in shown
    assert "Gate (annotate): annotated" in shown
    ok = Answer("demo-v1-01", "q", "q", "My group has 312,056 views [1].", answer.citations,
                faithfulness=check("My group has 312,056 views [1].", [fact], None))
    assert "FAITHFUL" in answer_markdown(ok) and "NOT FAITHFUL" not in answer_markdown(ok)

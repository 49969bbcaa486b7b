"""The Gradio app through its named API: a real server on a free loopback port, driven with gradio_client."""

from __future__ import annotations

import logging
import os
import subprocess
import sys
import threading
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pandas as pd
import pytest
from app_fixtures import Running, free_port, start_app
from conftest import HASH_EMBEDDINGS, small_audience
from gradio_client import Client, handle_file
from gradio_client.exceptions import AppError

from personas.errors import InputError
from webapp import handlers, uploads
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


def test_generate_guesses_columns(client: Client, server: Running, audience_csvs: dict[str, Path]) -> None:
    res = client.predict(handle_file(str(audience_csvs["interactions"])), k="2", api_name="/generate")
    assert res["set"].startswith("my-interactions@v") and len(res["personas"]) == 2


def test_generated_set_does_not_change_what_other_users_see(server: Running, audience_csvs: dict[str, Path]) -> None:
    """B6: one user's upload must not switch the active set of every other user (and of the CLI)."""
    demo_ids = [p["id"] for p in Client(server.url, verbose=False).predict(api_name="/list_personas")]
    uploader, other = Client(server.url, verbose=False), Client(server.url, verbose=False)
    res = uploader.predict(handle_file(str(audience_csvs["interactions"])), k="2", name="mine", api_name="/generate")
    assert res["set"].startswith("mine@v")
    assert [p["id"] for p in other.predict(api_name="/list_personas")] == demo_ids
    assert [p["id"] for p in uploader.predict(api_name="/list_personas")] == demo_ids
    assert server.services.store.active_ref() == ("demo", 1)
    # The page that generated it shows the new set in its own dropdown, which is per session.
    name, version = res["set"].split("@v")
    text, _ = handlers.generated_summary(server.services.store.load(name, int(version)))
    assert "unchanged" in text and "active set" not in text


def test_concurrent_generations_with_one_name_get_their_own_versions(
        server: Running, audience_csvs: dict[str, Path]) -> None:
    """B4: two builds of the same set name at once: both succeed, each with its own version and personas."""
    results: list[dict[str, Any]] = []
    errors: list[BaseException] = []
    barrier = threading.Barrier(2)

    def build() -> None:
        try:
            c = Client(server.url, verbose=False)
            barrier.wait(timeout=30)
            results.append(c.predict(handle_file(str(audience_csvs["interactions"])), k="2", name="twin",
                                     api_name="/generate"))
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=build) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=300)
    assert not errors, errors
    assert sorted(r["set"] for r in results) == ["twin@v1", "twin@v2"]
    for r in results:
        ids = [p["id"] for p in r["personas"]]
        version = r["set"].split("@v")[1]
        assert len(ids) == 2 and all(i.startswith(f"twin-v{version}-") for i in ids)
        assert [p.id for p in server.services.store.personas("twin", int(version))] == ids
    assert server.services.claims._building == set()  # reservations are released


@pytest.fixture(scope="module")
def demo_v2(server: Running, tmp_path_factory: pytest.TempPathFactory) -> str:
    """A second version of the demo set (a different audience), so that 'demo' alone means demo@v2."""
    path = tmp_path_factory.mktemp("v2") / "audience.csv"
    small_audience()["interactions"].to_csv(path, index=False)
    res = Client(server.url, verbose=False).predict(handle_file(str(path)), k="2", name="demo", api_name="/generate")
    assert res["set"].startswith("demo@v") and res["set"] != "demo@v1"
    return res["set"]


def test_search_honours_the_picked_version(client: Client, server: Running, demo_v2: str) -> None:
    """B3: with demo@v1 picked while a later demo version exists, the search runs on v1 and its hits have cards."""
    old = client.predict("women who like cooking", 5, "demo@v1", api_name="/search")
    assert old["set"] == "demo@v1" and old["hits"]
    assert all(h["persona_id"].startswith("demo-v1-") for h in old["hits"])
    assert client.predict("women", 5, "demo", api_name="/search")["set"] == demo_v2  # the name alone: latest
    cards, note = handlers.ui_search(server.services, "women who like cooking", 5, "demo@v1")
    assert cards and "demo@v1" in note
    assert all(c["persona_id"].startswith("demo-v1-") and 'class="persona-card"' in c["html"] for c in cards)


def test_evaluation_honours_the_picked_version(server: Running, demo_v2: str) -> None:
    """B3: the Evaluate tab evaluates the version picked in the set dropdown, not the latest one."""
    from webapp import evaluate

    no_progress = lambda label, total: (lambda n=1: None)
    result, paths = evaluate.run(server.services, "demo@v1", "grounded", 4, no_progress)
    assert (result.set_name, result.set_version) == ("demo", 1)
    assert all(r.question.persona_id.startswith("demo-v1-") for r in result.results if r.question.persona_id)
    assert paths.html.is_file()


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


def cached_copies(data: bytes) -> list[Path]:
    """Files in Gradio's upload cache holding exactly these bytes."""
    cache = uploads.gradio_cache()
    if not cache.exists():
        return []
    return [p for p in cache.rglob("*") if p.is_file() and p.stat().st_size == len(data) and p.read_bytes() == data]


def test_detect_endpoint_keeps_nothing_about_individuals(client: Client, server: Running, tmp_path: Path) -> None:
    persona = server.services.store.find_persona("demo-v1-04")
    person = f"u-{uuid.uuid4().hex}"  # makes this upload's bytes unique in Gradio's cache
    rows = [(person, c.content_id, c.count) for c in persona.stats.top_content]
    path = tmp_path / "people.csv"
    pd.DataFrame(rows, columns=["user", "video_id", "views"]).to_csv(path, index=False)
    before = uploaded(server.home)
    found = client.predict(handle_file(str(path)), "video_id", "views", "user", api_name="/detect")
    assert found[0]["id"] == person and found[0]["personas"][0]["persona_id"] == "demo-v1-04"
    # the content column guessed (video_id), as /generate guesses it; each row counts once without a count column
    guessed = client.predict(handle_file(str(path)), api_name="/detect")
    assert guessed[0]["personas"][0]["persona_id"] == "demo-v1-04" and guessed[0]["unknown_content"] == 0
    assert uploaded(server.home) == before  # no copy under the data home
    assert cached_copies(path.read_bytes()) == []  # nor Gradio's own cached upload (B5)
    text = tmp_path / "people.txt"
    text.write_text(path.read_text())
    with pytest.raises(AppError, match="only CSV"):
        client.predict(handle_file(str(text)), "video_id", api_name="/detect")
    assert cached_copies(text.read_bytes()) == []  # refused uploads are deleted too


def test_forget_upload_deletes_only_inside_gradios_cache(tmp_path: Path) -> None:
    outside = tmp_path / "keep.csv"
    outside.write_text("a\n1\n")
    assert not uploads.forget_upload(outside) and outside.exists()
    assert not uploads.forget_upload(uploads.gradio_cache() / ".." / outside.name)
    folder = uploads.gradio_cache() / f"test-{uuid.uuid4().hex}"
    folder.mkdir(parents=True)
    inside = folder / "people.csv"
    inside.write_text("a\n1\n")
    link = folder.parent / f"link-{uuid.uuid4().hex}.csv"
    link.symlink_to(outside)
    try:
        assert not uploads.forget_upload(link) and outside.exists()  # a link out of the cache is not followed
    finally:
        link.unlink()
    assert uploads.forget_upload(inside) and not inside.exists() and not folder.exists()


def test_read_once_deletes_every_upload_whether_the_request_succeeds_or_fails(tmp_path: Path) -> None:
    """The one helper /detect, /rank and the taxonomy endpoints read their uploads through."""
    policy = uploads.UploadPolicy.from_mb(tmp_path / "uploads", 1)

    def cached(name: str, text: str) -> Path:
        folder = uploads.gradio_cache() / f"test-{uuid.uuid4().hex}"
        folder.mkdir(parents=True)
        (folder / name).write_text(text)
        return folder / name

    a, b = cached("people.csv", "user,item\nu1,v1\n"), cached("items.csv", "item\nv1\n")
    with uploads.read_once(policy, (str(a), "upload a"), (str(b), "upload b")) as (pa_, pb_):
        assert (pa_, pb_) == (a, b) and pd.read_csv(pa_).shape == (1, 2)  # read where they are, not copied
    assert not a.exists() and not b.exists() and not (tmp_path / "uploads").exists()
    a, b = cached("people.csv", "user,item\nu1,v1\n"), cached("items.txt", "item\nv1\n")
    with pytest.raises(InputError, match="only CSV"), uploads.read_once(policy, (str(a), "a"), (str(b), "b")):
        pass  # b is refused: both are deleted all the same
    assert not a.exists() and not b.exists()
    a = cached("people.csv", "user,item\nu1,v1\n")
    with pytest.raises(InputError, match="^upload the candidate items$"):
        with uploads.read_once(policy, (str(a), "upload a"), (None, "upload the candidate items")):
            pass
    assert not a.exists()
    a = cached("people.csv", "user,item\nu1,v1\n")
    with pytest.raises(RuntimeError), uploads.read_once(policy, (str(a), "upload a")):
        raise RuntimeError("the use case failed")
    assert not a.exists()


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
    env = {"PATH": "/usr/bin:/bin", "PERSONAS_HOME": str(tmp_path / "home"),
           "PERSONAS_EMBEDDING_MODEL": HASH_EMBEDDINGS}
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


def test_cli_flags_reach_the_settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import app

    monkeypatch.delenv("PERSONAS_CHROMA_HOST", raising=False)
    args = app.build_parser().parse_args(["--home", str(tmp_path), "--chroma-host", "127.0.0.1", "--chroma-port",
                                          "8123", "--responder", "openai", "--port", "7001", "--llm-base-url",
                                          "http://127.0.0.1:9/v1", "--llm-model", "m1"])
    s = app.settings_from(args)
    assert (s.store.chroma_host, s.store.chroma_port, s.home, s.app.port, s.chat.responder) == (
        "127.0.0.1", 8123, tmp_path, 7001, "openai")
    assert (s.llm.base_url, s.llm.model) == ("http://127.0.0.1:9/v1", "m1")
    assert app.settings_from(app.build_parser().parse_args(["--home", str(tmp_path)])).store.chroma_host is None


def test_cli_uses_the_chroma_server_it_is_given(tmp_path: Path) -> None:
    port = free_port()  # nothing listens there: the app must say so in one line instead of using its own store
    env = {"PATH": "/usr/bin:/bin", "PERSONAS_HOME": str(tmp_path / "home"),
           "PERSONAS_EMBEDDING_MODEL": HASH_EMBEDDINGS}
    run = subprocess.run([sys.executable, "app.py", "--chroma-host", "127.0.0.1", "--chroma-port", str(port),
                          "--port", str(free_port())], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120,
                         check=False)
    assert run.returncode == 2 and "Traceback" not in run.stderr
    assert f"Chroma server at 127.0.0.1:{port} is not reachable" in run.stderr


# ---------------------------------------------------------------------------- unexpected errors


def test_unexpected_errors_show_a_reference_not_their_text(
        client: Client, server: Running, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture) -> None:
    """S3: an unexpected error's text (here a server path) never reaches the page; its reference is logged."""
    def boom(*args: Any, **kwargs: Any) -> None:
        raise RuntimeError("cannot open /srv/secret/personas/chroma.sqlite3")

    monkeypatch.setattr(server.services.chat, "ask", boom)
    with caplog.at_level(logging.ERROR, logger="webapp"), pytest.raises(AppError) as err:
        client.predict("demo-v1-01", "How many views do you have?", api_name="/chat")
    message = str(err.value)
    assert "secret" not in message and "RuntimeError" not in message
    ref = message.split("reference ")[1][:8]
    logged = [r for r in caplog.records if ref in r.getMessage()]
    assert logged and logged[0].exc_info and "secret" in str(logged[0].exc_info[1])


# ---------------------------------------------------------------------------- how answers look


def test_answer_shows_badge_sources_and_highlights_unsupported_claims() -> None:
    from chat.answer import Answer, Citation, GateVerdict
    from checker.faithfulness import check
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


def _answer_with(text: str, fact: str = "Joshua Cook's group has 312,056 views in total, 6.9% of all views.") -> Any:
    from chat.answer import Answer, Citation
    from checker.faithfulness import check

    return Answer("demo-v1-01", "q", "q", text, [Citation("demo-v1-01:audience:x", fact, 1)],
                  faithfulness=check(text, [fact], None))


def test_answers_cannot_inject_images_links_or_html() -> None:
    """S1: answer text, claims and cited facts carry untrusted words (comments, LLM output): shown as text."""
    import markdown_it

    from webapp.views import answer_markdown

    evil = '![x](http://example.invalid/p.png) <span class="badge-ok">FAITHFUL</span> [click](http://example.invalid)'
    answer = _answer_with(f"My group has 312,056 views [1]. {evil} I have 5 million fans.",
                          fact=f"A viewer wrote: {evil}")
    shown = answer_markdown(answer)
    assert '<span class="badge-ok">FAITHFUL</span>' not in shown
    assert shown.count('<span class="badge') == 1  # the real badge only
    rendered = markdown_it.MarkdownIt("commonmark").render(shown)  # what the chatbot's Markdown makes of it
    assert "<img" not in rendered and "<a " not in rendered and 'class="badge-ok">FAITHFUL</span>' not in rendered
    assert "[1]" in rendered and "![x](http://example.invalid/p.png)" in rendered  # readable as text
    assert "&lt;span class=&quot;badge-ok&quot;&gt;FAITHFUL&lt;/span&gt;" in rendered


def test_badge_says_no_factual_claims_for_a_refusal() -> None:
    from webapp.views import faithfulness_badge

    badge = faithfulness_badge(_answer_with("Sorry, my data does not say anything about that."))
    assert "no factual claims" in badge and "0 of 0" not in badge


def test_chat_tab_shows_a_placeholder_until_a_gated_answer_arrives(server: Running) -> None:
    """Under 'strict' and 'fallback' the chat streams no text before the gate: the turn shows a placeholder."""
    steps = list(handlers.chat_turn(server.services, "How many views do you have?", "demo-v1-03", "grounded",
                                    "strict", None, []))
    messages = [step[0][-1]["content"] for step in steps]
    assert "Checking the answer" in messages[0]
    assert "FAITHFUL" in messages[-1] and "Sources" in messages[-1]
    assert all("Sources" not in m and "[1]" not in m for m in messages[:-1])  # nothing unchecked is shown
    annotate = list(handlers.chat_turn(server.services, "How many views do you have?", "demo-v1-03", "grounded",
                                       "annotate", None, []))
    assert len(annotate) > 2  # placeholder, streamed pieces, the checked answer


def test_markup_in_a_bad_row_is_shown_as_text(client: Client, server: Running, tmp_path: Path) -> None:
    rows = tmp_path / "markup.csv"
    rows.write_text('age,gender,country,content_id,views\n18-24,female,US,a,3\n25-34,male,US,b,<img src="x">\n')
    with pytest.raises(AppError) as caught:
        client.predict(handle_file(str(rows)), k="2", content_col="content_id", count_col="views", api_name="/generate")
    message = str(caught.value)
    assert "&lt;img" in message and "<img" not in message


def test_a_rejected_generate_upload_leaves_gradios_cache(client: Client, server: Running, tmp_path: Path) -> None:
    name = f"rejected-{uuid.uuid4().hex}.csv"
    bad = tmp_path / name
    bad.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    bad_upload(client, server, bad, "not a text CSV file")
    assert not list(uploads.gradio_cache().rglob(name))


def test_uploads_of_a_build_that_died_are_swept_and_live_ones_kept(tmp_path: Path) -> None:
    from retrieval.embeddings import HashEmbeddings
    from usecases.settings import Settings
    from webapp.services import build_services

    folder = tmp_path / "home" / "uploads"
    folder.mkdir(parents=True)
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True,
                          check=True).stdout.strip()  # a process that has ended
    orphan = folder / f".building-{dead}-{uuid.uuid4().hex}.csv"
    live = folder / f".building-{os.getpid()}-{uuid.uuid4().hex}.csv"
    kept = folder / f"{uuid.uuid4().hex}.csv"
    for p in (orphan, live, kept):
        p.write_text("age,views\n1,2\n")
    build_services(Settings(home=tmp_path / "home"), HashEmbeddings())
    assert not orphan.exists() and live.exists() and kept.exists()

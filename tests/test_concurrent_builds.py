"""Concurrent builds on one data home, in real processes: set versions are claimed atomically, a build never
removes another's collections, and the store sweeps what dead builds left behind."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import HASH_EMBEDDINGS, open_test_store, start_chroma
from test_store import chroma_server  # noqa: F401 - the real `chroma run` server fixture

ROOT = Path(__file__).resolve().parents[1]
pytestmark = pytest.mark.slow


def _env(**extra: str) -> dict[str, str]:
    return {**os.environ, "PERSONAS_EMBEDDING_MODEL": HASH_EMBEDDINGS, "PYTHONPATH": str(ROOT), **extra}


def _personas(home: Path, *args: str, **env: str) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, "-m", "cli", "--home", str(home), *args],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=_env(**env), cwd=ROOT)


def _finish(procs: list[subprocess.Popen[str]]) -> list[tuple[int, str, str]]:
    out = []
    for p in procs:
        stdout, stderr = p.communicate(timeout=300)
        out.append((p.returncode, stdout, stderr))
    return out


def _server_store(home: Path, port: int):  # type: ignore[no-untyped-def]
    from retrieval.embeddings import HashEmbeddings
    from usecases.settings import Settings
    from usecases.store import open_store

    return open_store(Settings(home=home, chroma_host="127.0.0.1", chroma_port=port), HashEmbeddings())


def _wait_for_claim(store, collection: str, proc: subprocess.Popen[str]) -> bool:  # type: ignore[no-untyped-def]
    deadline = time.time() + 120
    while time.time() < deadline and proc.poll() is None:
        if any(c.name == collection for c in store.client.list_collections()):
            return True
        time.sleep(0.05)
    return False


def _assert_complete(home: Path, name: str, version: int) -> None:
    store = open_test_store(home)
    pset = store.load(name, version)
    assert pset.personas, f"{name}@v{version} has no personas"
    for persona in pset.personas:
        assert store.find_persona(persona.id).id == persona.id
        assert store.persona_facts(persona), f"{persona.id} has no facts"


def test_same_name_builds_at_once_each_get_their_own_complete_version(home: Path) -> None:
    results = _finish([_personas(home, "generate", "--demo", "--name", "dup", "--no-progress") for _ in range(3)])
    for code, _, err in results:
        assert code == 0, err
        assert "Traceback" not in err
    store = open_test_store(home)
    versions = sorted(int(s["version"]) for s in store.list_sets() if s["name"] == "dup")
    assert versions == [1, 2, 3]
    for v in versions:
        _assert_complete(home, "dup", v)
    assert store.active_ref() is not None and store.active_ref()[0] == "dup"  # type: ignore[index]


def test_different_names_at_once_are_all_complete(home: Path) -> None:
    names = ["alpha", "beta"]
    results = _finish([_personas(home, "generate", "--demo", "--name", n, "--no-progress") for n in names])
    assert all(code == 0 for code, _, _ in results), [err for _, _, err in results]
    for n in names:
        _assert_complete(home, n, 1)


def test_a_build_killed_midway_leaves_nothing_after_the_sweep(home: Path) -> None:
    _finish([_personas(home, "generate", "--demo", "--name", "keep", "--no-progress")])
    store = open_test_store(home)
    proc = _personas(home, "generate", "--demo", "--name", "gone", "--no-progress")
    claimed = _wait_for_claim(store, "facts-gone-v1", proc)
    assert claimed, "the build never claimed its version"
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)
    assert not any(s["name"] == "gone" for s in store.list_sets())  # never visible
    code, _, err = _finish([_personas(home, "list", "--sets")])[0]  # opening the store sweeps, and says so
    assert code == 0, err
    assert "removed what builds that did not finish left behind: gone@v1" in err
    after = open_test_store(home)
    assert after.swept == []
    assert not any(c.name.startswith("facts-gone-") for c in after.client.list_collections())
    assert not after._profiles.get(where={"profile_set": "gone@v1"})["ids"]
    _assert_complete(home, "keep", 1)  # the other set is untouched


def test_the_sweep_never_takes_a_live_claim(home: Path) -> None:
    store = open_test_store(home)
    version = store.reserve_version("live")  # this process is alive: its claim stays
    assert open_test_store(home).sweep() == []
    assert open_test_store(home).next_version("live") == version + 1  # a second build skips the claim
    store.release("live", version)
    assert not any(c.name == f"facts-live-v{version}" for c in store.client.list_collections())


def test_same_name_builds_at_once_on_a_chroma_server(home: Path, chroma_server: int) -> None:
    server = {"PERSONAS_CHROMA_HOST": "127.0.0.1", "PERSONAS_CHROMA_PORT": str(chroma_server)}
    runs = [_personas(home, "generate", "--demo", "--name", "served-dup", "--no-progress", **server) for _ in range(2)]
    for code, _, err in _finish(runs):
        assert code == 0, err
    store = _server_store(home, chroma_server)
    versions = sorted(int(s["version"]) for s in store.list_sets() if s["name"] == "served-dup")
    assert versions == [1, 2]
    for v in versions:
        pset = store.load("served-dup", v)
        assert pset.personas and all(store.persona_facts(p) for p in pset.personas)
    store.delete_set("served-dup")


def test_a_chroma_server_that_stops_mid_build_is_one_line_and_swept_later(home: Path, tmp_path: Path) -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    data = tmp_path / "server-data"
    server = start_chroma(data, port)
    env = {"PERSONAS_CHROMA_HOST": "127.0.0.1", "PERSONAS_CHROMA_PORT": str(port)}
    try:
        proc = _personas(home, "generate", "--demo", "--name", "cut", "-k", "20", "--no-progress", **env)  # a long save
        assert _wait_for_claim(_server_store(home, port), "facts-cut-v1", proc), "the build never claimed its version"
        server.send_signal(signal.SIGKILL)
        server.wait(timeout=30)
        code, _, err = _finish([proc])[0]
        assert code == 2, err
        assert err.strip().count("\n") == 0 and "Traceback" not in err, err
        assert f"Chroma server at 127.0.0.1:{port} went away during the build" in err
        server = start_chroma(data, port)
        again = _server_store(home, port)
        assert again.swept == ["cut@v1"]
        assert not any(c.name.startswith("facts-cut-") for c in again.client.list_collections())
        assert not any(s["name"] == "cut" for s in again.list_sets())
    finally:
        server.kill()
        server.wait(timeout=30)


def test_the_app_and_the_cli_building_one_name_at_once(home: Path, audience_files: dict[str, Path]) -> None:
    import threading

    import httpx
    from gradio_client import Client, handle_file

    from app_fixtures import free_port

    port = free_port()
    app = subprocess.Popen([sys.executable, "app.py", "--port", str(port)], cwd=ROOT,
                           env=_env(PERSONAS_HOME=str(home)), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                           text=True)
    url = f"http://127.0.0.1:{port}/"
    try:
        deadline = time.time() + 240
        while time.time() < deadline:
            assert app.poll() is None, app.stderr.read() if app.stderr else ""
            try:
                httpx.get(url, timeout=2)
                break
            except httpx.HTTPError:
                time.sleep(0.5)
        results: list[dict] = []
        from_app = threading.Thread(target=lambda: results.append(Client(url, verbose=False).predict(
            handle_file(str(audience_files["interactions"])), k="2", name="shared", content_col="content_id",
            count_col="views", api_name="/generate")))
        from_cli = _personas(home, "generate", "--interactions", str(audience_files["interactions"]), "--group-by",
                             "age,gender,country", "--content-col", "content_id", "--count-col", "views", "-k", "2",
                             "--name", "shared", "--no-progress")
        from_app.start()
        (code, _, err), = _finish([from_cli])
        from_app.join(timeout=300)
        assert code == 0, err
        assert results and results[0]["set"] in ("shared@v1", "shared@v2")
    finally:
        app.terminate()
        app.communicate(timeout=60)
    store = open_test_store(home)
    assert sorted(int(s["version"]) for s in store.list_sets() if s["name"] == "shared") == [1, 2]
    for v in (1, 2):
        _assert_complete(home, "shared", v)

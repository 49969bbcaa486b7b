"""Concurrent builds on one data home, in real processes: set versions are claimed atomically, a build never
removes another's collections, and the store sweeps what dead builds left behind."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import open_test_store
from test_store import chroma_server  # noqa: F401 - the real `chroma run` server fixture

ROOT = Path(__file__).resolve().parents[1]
pytestmark = pytest.mark.slow


def _env(**extra: str) -> dict[str, str]:
    return {**os.environ, "PERSONAS_EMBEDDING_MODEL": "hash", "PYTHONPATH": str(ROOT), **extra}


def _personas(home: Path, *args: str, **env: str) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, "-m", "personas.cli", "--home", str(home), *args],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=_env(**env), cwd=ROOT)


def _finish(procs: list[subprocess.Popen[str]]) -> list[tuple[int, str, str]]:
    out = []
    for p in procs:
        stdout, stderr = p.communicate(timeout=300)
        out.append((p.returncode, stdout, stderr))
    return out


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
    deadline = time.time() + 120
    claimed = False
    while time.time() < deadline and proc.poll() is None:  # kill it once it has claimed its version
        if any(c.name == "facts-gone-v1" for c in store.client.list_collections()):
            claimed = True
            break
        time.sleep(0.05)
    assert claimed, "the build never claimed its version"
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)
    assert not any(s["name"] == "gone" for s in store.list_sets())  # never visible
    removed = open_test_store(home).sweep()
    assert removed == ["gone@v1"]
    after = open_test_store(home)
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
    from personas.settings import Settings
    from retrieval.factory import open_store

    server = {"PERSONAS_CHROMA_HOST": "127.0.0.1", "PERSONAS_CHROMA_PORT": str(chroma_server)}
    runs = [_personas(home, "generate", "--demo", "--name", "served-dup", "--no-progress", **server) for _ in range(2)]
    for code, _, err in _finish(runs):
        assert code == 0, err
    store = open_store(Settings(home=home, embedding_model="hash", chroma_host="127.0.0.1", chroma_port=chroma_server))
    versions = sorted(int(s["version"]) for s in store.list_sets() if s["name"] == "served-dup")
    assert versions == [1, 2]
    for v in versions:
        pset = store.load("served-dup", v)
        assert pset.personas and all(store.persona_facts(p) for p in pset.personas)
    store.delete_set("served-dup")

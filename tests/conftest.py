"""Shared fixtures: a temporary data home, small audience files, and the CLI run in-process."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from cli.main import main

# The embedding stand-in of plumbing tests, named as PERSONAS_EMBEDDING_MODEL names any embedding factory
# (MODULE:FACTORY): deterministic hashing vectors that know no meaning.
HASH_EMBEDDINGS = "retrieval.embeddings:HashEmbeddings"


@dataclass
class CliResult:
    code: int
    out: str
    err: str


@pytest.fixture(scope="session", autouse=True)
def _shared_model_export(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    """Every test home shares one ONNX export of the embedding model (exporting takes seconds; once a run)."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("PERSONAS_EMBEDDING_EXPORT_DIR", str(tmp_path_factory.mktemp("embedding-models")))
        yield


@pytest.fixture(autouse=True)
def _plumbing_embeddings(monkeypatch: pytest.MonkeyPatch) -> None:
    """Persona generation tests are about generation, not meaning: a hashing embedding keeps them fast.
    Tests about retrieval quality build the real model explicitly."""
    monkeypatch.setenv("PERSONAS_EMBEDDING_MODEL", HASH_EMBEDDINGS)


@pytest.fixture
def home(tmp_path: Path) -> Path:
    return tmp_path / "home"


def open_test_store(home: Path):  # type: ignore[no-untyped-def]
    from retrieval.embeddings import HashEmbeddings
    from usecases.settings import Settings
    from usecases.store import open_store

    return open_store(Settings(home=home), HashEmbeddings())


def demo_set_home(factory: pytest.TempPathFactory, name: str) -> Path:
    """A data home holding the demo set (k = 10), for a module-scoped fixture that only reads it."""
    home = factory.mktemp(name) / "home"
    with pytest.MonkeyPatch.context() as mp:  # module scope runs before the autouse hashing-embedding fixture
        mp.setenv("PERSONAS_EMBEDDING_MODEL", HASH_EMBEDDINGS)
        assert main(["--home", str(home), "generate", "--demo", "--no-progress"]) == 0
    return home


@pytest.fixture
def cli(capsys: pytest.CaptureFixture[str], home: Path):
    """Run `personas --home HOME ...` through the real entry point; returns code, stdout, stderr."""

    def run(*args: str) -> CliResult:
        capsys.readouterr()
        code = main(["--home", str(home), *args])
        captured = capsys.readouterr()
        return CliResult(code, captured.out, captured.err)

    return run


def small_audience(n_groups_per_country: int = 4, n_content: int = 30, seed: int = 0) -> dict[str, pd.DataFrame]:
    """A small aggregated audience with two clear behaviours: A-content for women, B-content for men."""
    rng = np.random.default_rng(seed)
    rows = []
    ages = ["18-24", "25-34", "35-44", "45-54"][:n_groups_per_country]
    for country in ("US", "BR", "DE"):
        for gender in ("female", "male"):
            for age in ages:
                for c in range(n_content):
                    taste = (c < n_content // 2) == (gender == "female")
                    lam = (40 if taste else 4) * (3 if country == "US" else 1)
                    views = int(rng.poisson(lam))
                    if views:
                        rows.append((age, gender, country, f"c{c:03d}", views, int(views * 0.05)))
    inter = pd.DataFrame(rows, columns=["age", "gender", "country", "content_id", "views", "likes"])
    content = pd.DataFrame({
        "content_id": [f"c{c:03d}" for c in range(n_content)],
        "title": [f"Title {c}" for c in range(n_content)],
        "topics": ["Cooking|Travel" if c < n_content // 2 else "Gaming" for c in range(n_content)],
        "date": [f"2025-{1 + c % 12:02d}-15" for c in range(n_content)],
    })
    return {"interactions": inter, "content": content}


@pytest.fixture
def audience_files(tmp_path: Path) -> dict[str, Path]:
    frames = small_audience()
    folder = tmp_path / "data"
    folder.mkdir()
    paths = {}
    for name, frame in frames.items():
        paths[name] = folder / f"{name}.csv"
        frame.to_csv(paths[name], index=False)
    return paths


def generate_args(paths: dict[str, Path], *extra: str) -> list[str]:
    return [
        "generate", "--interactions", str(paths["interactions"]), "--content", str(paths["content"]),
        "--group-by", "age,gender,country", "--content-col", "content_id", "--count-col", "views",
        "--extra-counts", "likes", "-k", "2", "--no-progress", *extra,
    ]


def snapshot(home: Path) -> dict[str, bytes]:
    """Every file under the data home with its bytes: to prove that a failed run wrote nothing."""
    if not home.exists():
        return {}
    return {str(p.relative_to(home)): p.read_bytes() for p in sorted(home.rglob("*")) if p.is_file()}


def export_json(home: Path, capsys: pytest.CaptureFixture[str]) -> list[dict]:
    capsys.readouterr()
    assert main(["--home", str(home), "export", "--format", "json"]) == 0
    return json.loads(capsys.readouterr().out)


# Scripted OpenAI-compatible and Ollama servers on loopback (see tests/llm_servers.py for their API).
from llm_servers import ollama_server, openai_server  # noqa: F401


def start_chroma(path: Path, port: int):  # type: ignore[no-untyped-def]
    """A real Chroma server (`chroma run`, shipped with chromadb) on 127.0.0.1:``port``, once it accepts
    connections; the caller stops it."""
    import shutil
    import socket
    import subprocess
    import sys
    import time

    exe = shutil.which("chroma") or str(Path(sys.executable).parent / "chroma")
    proc = subprocess.Popen([exe, "run", "--path", str(path), "--host", "127.0.0.1", "--port", str(port)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.time() + 60
    while time.time() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return proc
        except OSError:
            if proc.poll() is not None:
                raise RuntimeError("chroma run exited early") from None
            time.sleep(0.2)
    proc.kill()
    raise RuntimeError("chroma run did not start within 60 s")

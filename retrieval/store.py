"""Persona sets in Chroma: the system of record for profiles and statistics, and the fact index.

Collections:

* ``persona_sets``: one record per set version (its parameters, quality, notes as JSON) and the record
  ``active`` that names the active set. These registry records carry no meaning as vectors; Chroma wants
  one, so they hold the constant 1-d vector [1.0].
* ``persona_profiles``: one record per persona; the document is the persona's export JSON (everything an
  export needs), the vector embeds the persona's search text. Its metadata key ``profile_set`` is one no
  fact carries: embedded Chroma evaluates a filter against every row with the key, in every collection.
* ``facts-<set>-v<version>``: one record per fact (see documents.py) with its embedding.
* ``embedding_cache``: vectors by hash of (model, text), so unchanged facts are never embedded again.

A set becomes visible only when its ``persona_sets`` record is written, which happens after its facts and
profiles are complete; switching the active set is one write. A build first claims its version by creating the
version's facts collection (Chroma creates a name once, across processes and for a server), so two builds never
share a version; a failed build removes only what it claimed, and ``sweep`` removes the claims of builds that
died (their process gone, or too old to be alive).
"""

from __future__ import annotations

import fcntl
import json
import os
import socket
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from personas.errors import NotFoundError, PersonaError
from personas.profile import Persona
from personas.sets import PersonaSet, SetModel

from .documents import FactDoc, persona_documents, vector_text
from .embeddings import text_key

SETS = "persona_sets"
PROFILES = "persona_profiles"
CACHE = "embedding_cache"
ACTIVE = "active"
_UNIT = [1.0]
_BATCH = 1000
_CLAIM_TRIES = 50
_STALE_AFTER_S = 24 * 3600.0  # a claim from another host older than this is a dead build
_TMP_FILE_STALE_S = 3600.0


class StoreError(PersonaError):
    """The vector store cannot be reached or written."""


@dataclass(frozen=True)
class StoreConfig:
    path: Path  # embedded mode: the PersistentClient folder
    host: str | None = None  # server mode when set
    port: int = 8000


def connect(config: StoreConfig):  # type: ignore[no-untyped-def]
    """A Chroma client: embedded (PersistentClient) or a server (HttpClient), with errors for people."""
    import chromadb
    from chromadb.config import Settings as ChromaSettings

    chroma_settings = ChromaSettings(anonymized_telemetry=False)
    if config.host:
        try:
            client = chromadb.HttpClient(host=config.host, port=config.port, settings=chroma_settings)
            client.heartbeat()
        except Exception as exc:  # chromadb raises several transport errors; all mean "not reachable"
            raise StoreError(
                f"Chroma server at {config.host}:{config.port} is not reachable ({type(exc).__name__}); "
                "start it with `chroma run --path DIR --host HOST --port PORT` or unset PERSONAS_CHROMA_HOST"
            ) from None
        return client
    try:
        config.path.mkdir(parents=True, exist_ok=True)
        probe = config.path / ".write-test"
        probe.write_bytes(b"")
        probe.unlink()
    except OSError as exc:
        raise StoreError(
            f"store folder {config.path} is not writable ({exc.strerror}); choose another --home or fix permissions"
        ) from None
    # Processes that open a new folder at once would each create its tables ("table collections already
    # exists"), and one that opens while another migrates meets SQLite's lock: open one process at a time.
    with open(config.path / ".open.lock", "a+b") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            return chromadb.PersistentClient(path=str(config.path), settings=chroma_settings)
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def _already_exists(exc: BaseException) -> bool:
    return "already exists" in str(exc).lower()


def _parse_facts_name(col_name: str) -> tuple[str, int] | None:
    """(name, version) of a facts collection name ``facts-NAME-vN``, else None."""
    if not col_name.startswith("facts-"):
        return None
    head, sep, tail = col_name[len("facts-"):].rpartition("-v")
    return (head, int(tail)) if sep and head and tail.isdigit() else None


def _transport_error(exc: BaseException) -> bool:
    """Whether ``exc`` means the connection to a Chroma server failed (httpx's transport errors, or chromadb's
    wrapping of them)."""
    seen: BaseException | None = exc
    while seen is not None:
        if type(seen).__module__.startswith(("httpx", "httpcore")) or isinstance(seen, ConnectionError):
            return True
        seen = seen.__cause__ or seen.__context__
    return False


def _owner_alive(meta: dict[str, Any], stale_after_s: float) -> bool:
    """Whether the build that claimed a collection may still be running."""
    pid, host, claimed = meta.get("owner_pid"), meta.get("owner_host"), meta.get("claimed_at")
    if pid is None or host is None:  # written before claims carried an owner: an earlier failed build
        return False
    if host == socket.gethostname():
        try:
            os.kill(int(pid), 0)
        except ProcessLookupError:
            return False
        except PermissionError:  # alive, owned by another user
            return True
        return True
    return claimed is not None and time.time() - float(claimed) < stale_after_s


def facts_collection_name(name: str, version: int) -> str:
    return f"facts-{name}-v{version}"


def profile_search_text(p: Persona) -> str:
    """What persona search embeds: who the persona is and what the group does, in words, not numbers
    (a description full of figures embeds close to every other description)."""
    who = ", ".join(x for x in (p.gender, f"age {p.age}" if p.age is not None else None, p.country) if x)
    topics = ", ".join(p.topic_names[:5])
    titles = "; ".join(c.title for c in p.stats.top_content[:8])
    quotes = " ".join(q.text for q in p.quotes[:3])
    return f"{p.name} ({who}; {p.group_label}). Interests: {topics}. Favourite content: {titles}. {quotes}".strip()


class ChromaSetStore:
    """Persona sets, profiles and facts in Chroma (embedded or server)."""

    def __init__(self, client: Any, embeddings: Any, model_dir: Path | None = None,
                 lock_path: Path | None = None, server: str | None = None) -> None:
        self.client = client
        self.server = server  # "HOST:PORT" of a Chroma server, for messages; None when embedded
        self.lock_path = lock_path  # embedded mode: writers of one folder take turns (a server serialises itself)
        self.embeddings = embeddings
        self.model_dir = model_dir  # where the NMF factors of each set are kept (an export for detection)
        self._sets = client.get_or_create_collection(SETS, embedding_function=None)
        self._profiles = client.get_or_create_collection(
            PROFILES, embedding_function=None, configuration={"hnsw": {"space": "cosine"}}
        )
        self._cache = client.get_or_create_collection(CACHE, embedding_function=None)
        self._personas: dict[str, list[Persona]] = {}  # set ref -> personas (set versions are immutable)
        self._claims: set[tuple[str, int]] = set()  # (name, version) this store claimed and has not saved yet
        self._saved: set[str] = set()  # refs this store saved: saving one of them again is a caller's mistake
        self.swept: list[str] = []  # refs of dead builds' leftovers removed when the store was opened

    @contextmanager
    def _writing(self) -> Iterator[None]:
        """Exclusive across processes for an embedded folder: embedded Chroma is not safe for two processes
        writing at once (one reads ids the other has not flushed: "Error finding id")."""
        if self.lock_path is None:
            yield
            return
        with open(self.lock_path, "a+b") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(lock, fcntl.LOCK_UN)

    # ------------------------------------------------------------------ embeddings

    def embed(self, texts: Sequence[str], progress: Callable[[int], None] | None = None) -> np.ndarray:
        """Vectors for ``texts``, from the cache where the same model embedded the same text before."""
        model = getattr(self.embeddings, "name", type(self.embeddings).__name__)
        keys = [text_key(model, t) for t in texts]
        found: dict[str, list[float]] = {}
        unique = list(dict.fromkeys(keys))
        for start in range(0, len(unique), _BATCH):
            got = self._cache.get(ids=unique[start:start + _BATCH], include=["embeddings"])
            found.update(zip(got["ids"], (list(e) for e in got["embeddings"])))
        missing = [i for i, k in enumerate(keys) if k not in found]
        todo = list(dict.fromkeys(keys[i] for i in missing))
        text_of = {keys[i]: texts[i] for i in missing}
        for start in range(0, len(todo), 256):
            batch = todo[start:start + 256]
            vectors = np.asarray(self.embeddings.embed_documents([text_of[k] for k in batch]), dtype=np.float32)
            self._cache.upsert(ids=batch, embeddings=vectors.tolist())
            found.update(zip(batch, vectors.tolist()))
            if progress:
                progress(len(batch))
        return np.asarray([found[k] for k in keys], dtype=np.float32)

    def embed_query(self, text: str) -> np.ndarray:
        return np.asarray(self.embeddings.embed_query(text), dtype=np.float32)

    # ------------------------------------------------------------------ writing

    def next_version(self, name: str) -> int:
        """One past the highest version of ``name`` that is saved or claimed by a build in progress."""
        got = self._sets.get(where={"$and": [{"kind": "set"}, {"name": name}]}, include=["metadatas"])
        saved = (int(m["version"]) for m in got["metadatas"])
        return max((*saved, *self._claimed_versions(name)), default=0) + 1

    def _claimed_versions(self, name: str) -> list[int]:
        found = []
        for col in self.client.list_collections():
            parsed = _parse_facts_name(col.name)
            if parsed is not None and parsed[0] == name:
                found.append(parsed[1])
        return found

    def reserve_version(self, name: str, first: int | None = None) -> int:
        """Claim a free version of set ``name`` (``first`` or the next after it), atomically across processes
        and for a server: creating the version's facts collection is the claim, and Chroma creates a name once
        and refuses the second create, so two builds that pick the same number cannot both win; the loser
        takes the next number. ``release`` gives a claim back; ``save`` turns it into a set."""
        version = self.next_version(name) if first is None else first
        for _ in range(_CLAIM_TRIES):
            try:
                self._create_facts(name, version)
            except Exception as exc:  # noqa: BLE001 - chromadb's error type for a taken name differs by mode
                if not _already_exists(exc):
                    raise
                version = max(version + 1, self.next_version(name))
                continue
            self._claims.add((name, version))
            return version
        raise StoreError(f"could not claim a version of persona set {name!r}: {_CLAIM_TRIES} concurrent builds "
                         "took every number tried; try again")

    def sweep(self, stale_after_s: float = _STALE_AFTER_S) -> list[str]:
        """Remove what builds that no longer run left behind: facts collections with no saved set, whose owner
        process is gone (same host) or that are older than ``stale_after_s`` (another host, where the owner
        cannot be asked), with their profiles and model files. A live build's claim is never touched.
        Returns the refs removed (``NAME@vN``), for the caller to report."""
        saved = {(str(m["name"]), int(m["version"]))
                 for m in self._sets.get(where={"kind": "set"}, include=["metadatas"])["metadatas"]}
        removed = []
        for col in self.client.list_collections():
            parsed = _parse_facts_name(col.name)
            if parsed is None or parsed in saved or parsed in self._claims:
                continue
            if _owner_alive(col.metadata or {}, stale_after_s):
                continue
            self._discard(*parsed)
            removed.append(f"{parsed[0]}@v{parsed[1]}")
        if self.model_dir is not None:  # model files half-written by a killed build
            for tmp in self.model_dir.glob("*/.tmp-*.npz"):
                if time.time() - tmp.stat().st_mtime > _TMP_FILE_STALE_S:
                    tmp.unlink(missing_ok=True)
        return removed

    def release(self, name: str, version: int) -> None:
        """Give back a claimed version whose build will not be saved (removes only what this store claimed)."""
        if (name, version) in self._claims:
            self._claims.discard((name, version))
            self._discard(name, version)

    def _create_facts(self, name: str, version: int) -> Any:
        return self.client.create_collection(
            facts_collection_name(name, version), embedding_function=None,
            configuration={"hnsw": {"space": "cosine"}},
            metadata={"set_name": name, "set_version": version, "owner_pid": os.getpid(),
                      "owner_host": socket.gethostname(), "claimed_at": time.time()},
        )

    def save(self, pset: PersonaSet, activate: bool = True,
             progress: Callable[[int], None] | None = None) -> PersonaSet:
        """Index a set aside, then make it visible (and active) in one write each. Returns the set as saved:
        ``pset`` itself, or ``pset`` renumbered to the next free version when another build of the same name
        saved or claimed its version first (each build chooses its number when it starts)."""
        with self._writing():
            return self._save(pset, activate, progress)

    def _save(self, pset: PersonaSet, activate: bool, progress: Callable[[int], None] | None) -> PersonaSet:
        if pset.ref in self._saved:
            raise PersonaError(f"persona set {pset.ref} already exists; choose another name")
        if (pset.name, pset.version) not in self._claims:
            version = self.reserve_version(pset.name, first=pset.version)
            if version != pset.version:
                pset = pset.renumbered(version)
        key, ref = (pset.name, pset.version), pset.ref
        try:
            docs = [d for p in pset.personas for d in persona_documents(p)]
            vectors = self.embed([vector_text(d) for d in docs], progress)
            facts = self.client.get_collection(facts_collection_name(pset.name, pset.version))
            for start in range(0, len(docs), _BATCH):
                part = docs[start:start + _BATCH]
                facts.upsert(
                    ids=[d.id for d in part], documents=[d.text for d in part],
                    metadatas=[d.metadata for d in part], embeddings=vectors[start:start + _BATCH].tolist(),
                )
            search_vectors = self.embed([profile_search_text(p) for p in pset.personas])
            self._profiles.upsert(
                ids=[p.id for p in pset.personas],
                documents=[json.dumps(p.to_export(), ensure_ascii=False) for p in pset.personas],
                metadatas=[{"profile_set": ref, "rank": p.rank, "name": p.name} for p in pset.personas],
                embeddings=search_vectors.tolist(),
            )
            if pset.model is not None and self.model_dir is not None:
                self._write_model(pset)
            meta = {**pset.meta(), "n_facts": len(docs)}
            self._sets.upsert(
                ids=[ref], embeddings=[_UNIT], documents=[json.dumps(meta, ensure_ascii=False)],
                metadatas=[{"kind": "set", "name": pset.name, "version": pset.version, "created_at": pset.created_at}],
            )
        except BaseException as exc:
            gone = _transport_error(exc)
            try:
                self.release(pset.name, pset.version)  # only ever what this run claimed
            except Exception as cleanup:  # noqa: BLE001 - the store went away: the next open sweeps the claim
                gone = gone or _transport_error(cleanup)
                if not gone:
                    raise
            if gone and self.server:
                raise StoreError(f"the Chroma server at {self.server} went away during the build; nothing was made "
                                 "active (what it half wrote is removed the next time the server is reachable)"
                                 ) from None
            raise
        self._claims.discard(key)
        self._saved.add(ref)
        if activate:
            self.activate(pset.name, pset.version)
        return pset

    def activate(self, name: str, version: int) -> None:
        if not self._sets.get(ids=[f"{name}@v{version}"])["ids"]:
            raise NotFoundError(f"no persona set {name}@v{version}; see `personas list --sets`")
        self._sets.upsert(ids=[ACTIVE], embeddings=[_UNIT], documents=[""],
                          metadatas=[{"kind": "active", "name": name, "version": version}])

    def delete_set(self, name: str) -> int:
        got = self._sets.get(where={"$and": [{"kind": "set"}, {"name": name}]}, include=["metadatas"])
        if not got["ids"]:
            raise NotFoundError(f"no persona set named {name!r}; see `personas list --sets`")
        active = self.active_ref()
        if active and active[0] == name:
            self._sets.delete(ids=[ACTIVE])
        self._sets.delete(ids=got["ids"])  # invisible from here on; the rest is cleanup
        for m in got["metadatas"]:
            self._discard(name, int(m["version"]))
        return len(got["ids"])

    def delete_version(self, name: str, version: int) -> None:
        """Delete one version of a set (the other versions stay); the active set is unset if it was this one."""
        ref = f"{name}@v{version}"
        if not self._sets.get(ids=[ref])["ids"]:
            raise NotFoundError(f"no persona set {ref}; see `personas list --sets`")
        if self.active_ref() == (name, version):
            self._sets.delete(ids=[ACTIVE])
        self._sets.delete(ids=[ref])  # invisible from here on; the rest is cleanup
        self._discard(name, version)

    def _discard(self, name: str, version: int) -> None:
        try:
            self.client.delete_collection(facts_collection_name(name, version))
        except Exception:  # noqa: BLE001 - absent is fine
            pass
        self._personas.pop(f"{name}@v{version}", None)
        self._saved.discard(f"{name}@v{version}")
        self._profiles.delete(where={"profile_set": f"{name}@v{version}"})
        if self.model_dir is not None:
            (self.model_dir / name / f"{version}.npz").unlink(missing_ok=True)

    def _write_model(self, pset: PersonaSet) -> None:
        assert self.model_dir is not None and pset.model is not None
        folder = self.model_dir / pset.name
        folder.mkdir(parents=True, exist_ok=True)
        m = pset.model
        fd, tmp = tempfile.mkstemp(prefix=".tmp-", suffix=".npz", dir=folder)
        with os.fdopen(fd, "wb") as fh:
            np.savez_compressed(
                fh, W=m.W, H=m.H, row_scale=m.row_scale, column_scale=m.column_scale,
                group_columns=np.array(m.group_columns, dtype=str), group_values=np.asarray(m.group_values, dtype=str),
                content_ids=np.asarray(m.content_ids, dtype=str),
            )
        os.replace(tmp, folder / f"{pset.version}.npz")

    # ------------------------------------------------------------------ reading

    def active_ref(self) -> tuple[str, int] | None:
        got = self._sets.get(ids=[ACTIVE], include=["metadatas"])
        if not got["ids"]:
            return None
        m = got["metadatas"][0]
        return str(m["name"]), int(m["version"])

    def list_sets(self) -> list[dict[str, Any]]:
        got = self._sets.get(where={"kind": "set"}, include=["documents"])
        active = self.active_ref()
        out = []
        for doc in got["documents"]:
            meta = json.loads(doc)
            meta["active"] = active == (meta["name"], meta["version"])
            out.append(meta)
        return sorted(out, key=lambda m: (m["name"], m["version"]))

    def resolve(self, name: str | None = None, version: int | None = None) -> tuple[str, int]:
        """(name, version) of the active set, or of a named set (latest version unless given)."""
        if name is None:
            active = self.active_ref()
            if active is None:
                raise NotFoundError("no active persona set; run `personas generate --demo` first")
            return active
        if version is None:
            version = self.next_version(name) - 1
            if version == 0:
                raise NotFoundError(f"no persona set named {name!r}; see `personas list --sets`")
        if not self._sets.get(ids=[f"{name}@v{version}"])["ids"]:
            raise NotFoundError(f"no persona set {name}@v{version}; see `personas list --sets`")
        return name, version

    def load(self, name: str | None = None, version: int | None = None, with_model: bool = False) -> PersonaSet:
        name, version = self.resolve(name, version)
        meta = json.loads(self._sets.get(ids=[f"{name}@v{version}"], include=["documents"])["documents"][0])
        personas = self.personas(name, version)
        model = self._read_model(name, version) if with_model else None
        return PersonaSet(
            name=meta["name"], version=meta["version"], created_at=meta["created_at"],
            fingerprint=meta["fingerprint"], source=meta["source"], params=meta["params"], quality=meta["quality"],
            notes=meta["notes"], personas=personas, model=model,
        )

    def personas(self, name: str, version: int) -> list[Persona]:
        """The personas of a set, biggest audience first. A set version never changes once written, so it is
        read once per store object (and forgotten when deleted)."""
        ref = f"{name}@v{version}"
        if ref not in self._personas:
            got = self._profiles.get(where={"profile_set": ref}, include=["documents"])
            found = [Persona.from_export(json.loads(d)) for d in got["documents"]]
            self._personas[ref] = sorted(found, key=lambda p: p.rank)
        return list(self._personas[ref])

    def forget(self, name: str, version: int) -> None:
        """Drop the cached personas of a set version (read again on next use)."""
        self._personas.pop(f"{name}@v{version}", None)

    def find_persona(self, persona_id: str) -> Persona:
        got = self._profiles.get(ids=[persona_id], include=["documents", "metadatas"])
        if got["ids"] and self._sets.get(ids=[got["metadatas"][0]["profile_set"]])["ids"]:
            return Persona.from_export(json.loads(got["documents"][0]))
        raise NotFoundError(f"no persona with id {persona_id!r}; see `personas list`")

    def facts_of(self, persona: Persona) -> Any:
        """The Chroma collection holding a persona's facts."""
        return self.client.get_collection(facts_collection_name(persona.set_name, persona.set_version))

    def persona_facts(self, persona: Persona) -> list[FactDoc]:
        got = self.facts_of(persona).get(where={"persona_id": persona.id}, include=["documents", "metadatas"])
        return [_fact(i, d, m) for i, d, m in zip(got["ids"], got["documents"], got["metadatas"])]

    def persona_fact_vectors(self, persona: Persona) -> tuple[list[FactDoc], np.ndarray]:
        """A persona's facts with their stored vectors (n, dim), in one read."""
        got = self.facts_of(persona).get(
            where={"persona_id": persona.id}, include=["documents", "metadatas", "embeddings"]
        )
        facts = [_fact(i, d, m) for i, d, m in zip(got["ids"], got["documents"], got["metadatas"])]
        return facts, np.asarray(got["embeddings"], dtype=np.float32).reshape(len(facts), -1)

    def query_set_facts(
        self, name: str, version: int, vector: np.ndarray, n: int, fact_types: Sequence[str] | None = None,
        with_text: bool = True,
    ) -> list[tuple[FactDoc, float]]:
        """Vector search over all facts of a set (optionally of some types): (fact, cosine), best first.

        Types are filtered on the results, over-fetched: embedded Chroma evaluates a metadata filter against
        every row that carries the key, in all collections, which cost 300-400 ms at 100,000 facts.
        ``with_text=False`` leaves the texts out (reading them was most of the time of a 1,000-fact answer)."""
        col = self.client.get_collection(facts_collection_name(name, version))
        fetch = n if not fact_types else min(col.count(), 2 * n)
        include = ["documents", "metadatas", "distances"] if with_text else ["metadatas", "distances"]
        res = col.query(query_embeddings=[vector.tolist()], n_results=max(fetch, 1), include=include)
        texts = res["documents"][0] if with_text else [""] * len(res["ids"][0])
        found = [
            (_fact(i, d, m), 1.0 - float(dist))
            for i, d, m, dist in zip(res["ids"][0], texts, res["metadatas"][0], res["distances"][0])
        ]
        if fact_types:
            found = [(f, sim) for f, sim in found if f.fact_type in fact_types]
        return found[:n]

    def query_profiles(self, vector: np.ndarray, name: str, version: int, n: int) -> list[tuple[str, float]]:
        res = self._profiles.query(query_embeddings=[vector.tolist()], n_results=n,
                                   where={"profile_set": f"{name}@v{version}"}, include=["distances"])
        return [(i, 1.0 - float(d)) for i, d in zip(res["ids"][0], res["distances"][0])]

    def _read_model(self, name: str, version: int) -> SetModel | None:
        path = None if self.model_dir is None else self.model_dir / name / f"{version}.npz"
        if path is None or not path.exists():
            return None
        with np.load(path, allow_pickle=False) as z:
            return SetModel(
                W=z["W"], H=z["H"], row_scale=z["row_scale"], column_scale=z["column_scale"],
                group_columns=[str(x) for x in z["group_columns"]], group_values=z["group_values"],
                content_ids=z["content_ids"],
            )


def _fact(fact_id: str, text: str, meta: dict[str, Any]) -> FactDoc:
    values = dict(meta)
    values.update(json.loads(meta.get("values_json") or "{}"))  # the exact numbers
    return FactDoc(fact_id, text, str(meta.get("fact_type", "")), values)

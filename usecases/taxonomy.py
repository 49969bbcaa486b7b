"""Team-defined personas (`personas taxonomy learn|override`, `personas detect --taxonomy`).

A taxonomy lives in HOME/taxonomies/NAME.json (the fitted classifier, the persona set it reads features from,
its cross-validated evaluation) and HOME/taxonomies/NAME.overrides.csv (corrections: customer, persona), which
the next learn applies over the assignments. Predictions are computed from the request and never stored.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd
import pyarrow as pa

from personas.errors import InputError
from personas.sets import check_set_name, parse_set_ref
from personas.tables import read_columns

if TYPE_CHECKING:
    from personas.taxonomy import Evaluation, TeamPrediction
    from retrieval.store import ChromaSetStore


@dataclass(frozen=True)
class LearnReport:
    name: str
    set_ref: str
    customers: int  # labelled customers learned from
    unlabelled: int  # customers with interactions but no label (ignored)
    overrides: int  # corrections applied
    evaluation: Evaluation

    def to_json(self) -> dict[str, Any]:
        return {"taxonomy": self.name, "set": self.set_ref, "customers": self.customers,
                "unlabelled": self.unlabelled, "overrides": self.overrides, "evaluation": self.evaluation.to_json()}


def folder(home: Path) -> Path:
    return home / "taxonomies"


def _paths(home: Path, name: str) -> tuple[Path, Path]:
    check_set_name(name)
    return folder(home) / f"{name}.json", folder(home) / f"{name}.overrides.csv"


def read_assignments(path: Path | pd.DataFrame, id_col: str, label_col: str) -> pd.DataFrame:
    """(id, persona) rows; InputError for no rows, empty values or one customer with two labels."""
    if isinstance(path, pd.DataFrame):
        frame = path[[id_col, label_col]].astype(str)
    else:
        frame = read_columns(Path(path), "assignments", [id_col, label_col],
                             {id_col: pa.string(), label_col: pa.string()}).to_pandas()
    if frame.empty:
        raise InputError("the assignments file has no data rows; give one row per customer and persona")
    if frame.isna().any().any() or (frame.astype(str).apply(lambda c: c.str.strip()) == "").any().any():
        raise InputError(f"assignments: empty {id_col!r} or {label_col!r} values; fill or drop those rows")
    frame = pd.DataFrame({"id": frame[id_col].astype(str).str.strip(),
                          "persona": frame[label_col].astype(str).str.strip()}).drop_duplicates()
    twice = frame["id"][frame["id"].duplicated()]
    if len(twice):
        raise InputError(f"customer {twice.iloc[0]!r} has two personas in the assignments; keep one")
    return frame


def _overrides(path: Path) -> pd.DataFrame:
    if not path.exists():
        return pd.DataFrame({"id": [], "persona": []}, dtype=str)
    return pd.read_csv(path, dtype=str, keep_default_na=False)


def learn(store: ChromaSetStore, home: Path, name: str, assignments: Path | pd.DataFrame,
          interactions: Path | pd.DataFrame, content_col: str, id_col: str, label_col: str = "persona",
          count_col: str | None = None, set_ref: str | None = None) -> LearnReport:
    """Learn (or relearn, with the overrides) a taxonomy from assignments and interactions; saves it."""
    from personas.detect import individuals, model_of, read_interactions
    from personas.taxonomy import TaxonomyClassifier, features

    model_path, override_path = _paths(home, name)
    labels = read_assignments(assignments, id_col, label_col)
    fixes = _overrides(override_path)
    labels = pd.concat([labels[~labels["id"].isin(fixes["id"])], fixes]).reset_index(drop=True)
    frame = read_interactions(interactions, content_col, count_col, id_col)
    set_name, version = parse_set_ref(set_ref)
    pset = store.load(set_name, version, with_model=True)
    people = individuals(frame, model_of(pset).content_ids)
    row = {pid: i for i, pid in enumerate(people.ids)}
    active = set(pid for pid, n in zip(people.ids, people.X.getnnz(axis=1)) if n > 0)
    missing = [c for c in labels["id"] if c not in active]
    if missing:
        raise InputError(f"{len(missing)} labelled customer{'s have' if len(missing) > 1 else ' has'} no "
                         f"interactions with content of {pset.ref} ({', '.join(missing[:3])}"
                         f"{', ...' if len(missing) > 3 else ''}); drop their labels or add their rows")
    F = features(model_of(pset), people.X[[row[c] for c in labels["id"]]])
    clf = TaxonomyClassifier()
    evaluation = clf.cross_validate(F, labels["persona"].tolist())
    clf.fit(F, labels["persona"].tolist())
    folder(home).mkdir(parents=True, exist_ok=True)
    state = {"name": name, "set": pset.ref, "classifier": clf.to_state(), "evaluation": evaluation.to_json()}
    tmp = model_path.with_suffix(".json.tmp")
    tmp.write_text(json.dumps(state), encoding="utf-8")
    os.replace(tmp, model_path)
    return LearnReport(name, pset.ref, len(labels), len(set(people.ids)) - len(labels), len(fixes), evaluation)


def override(home: Path, name: str, customer: str, persona: str) -> int:
    """Record a correction for the next learn; returns how many overrides the taxonomy now holds."""
    model_path, override_path = _paths(home, name)
    if not model_path.exists():
        raise InputError(f"no taxonomy named {name!r}; learn it first (`personas taxonomy learn --name {name} ...`)")
    customer, persona = customer.strip(), persona.strip()
    if not customer or not persona:
        raise InputError("give the customer id and the persona to record")
    fixes = _overrides(override_path)
    fixes = pd.concat([fixes[fixes["id"] != customer], pd.DataFrame({"id": [customer], "persona": [persona]})])
    tmp = override_path.with_suffix(".csv.tmp")
    fixes.to_csv(tmp, index=False)
    os.replace(tmp, override_path)
    return len(fixes)


def detect_team(store: ChromaSetStore, home: Path, name: str, interactions: Path | pd.DataFrame,
                content_col: str, count_col: str | None = None, id_col: str | None = None) -> list[TeamPrediction]:
    """The team's persona of each individual in the interactions (nothing is stored)."""
    from personas.detect import individuals, model_of, read_interactions
    from personas.taxonomy import TaxonomyClassifier, features, predict_team

    model_path, _ = _paths(home, name)
    if not model_path.exists():
        raise InputError(f"no taxonomy named {name!r}; learn it first (`personas taxonomy learn --name {name} ...`)")
    state = json.loads(model_path.read_text(encoding="utf-8"))
    set_name, version = parse_set_ref(state["set"])
    model = model_of(store.load(set_name, version, with_model=True))
    people = individuals(read_interactions(interactions, content_col, count_col, id_col), model.content_ids)
    clf = TaxonomyClassifier.from_state(state["classifier"])
    return predict_team(clf, features(model, people.X), people.ids, people.X.getnnz(axis=1).tolist())

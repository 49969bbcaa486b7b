"""Team-defined personas in the app: the /taxonomy_learn, /taxonomy_override and /taxonomy_detect API endpoints.
Handlers only compose the use cases (usecases/taxonomy.py); uploads are deleted once read, so nothing about the
customers is kept but the learned classifier (and the overrides a team records on purpose)."""

from __future__ import annotations

from functools import partial
from typing import Any

import gradio as gr

from personas.errors import InputError

from . import uploads
from .handlers import friendly, parse_ref
from .services import Services


def _required(value: str, what: str) -> str:
    if not (value or "").strip():
        raise InputError(f"give {what}")
    return value.strip()


@friendly
def api_taxonomy_learn(services: Services, assignments: str | None, interactions: str | None,
                       content_col: str = "", id_col: str = "", label_col: str = "", count_col: str = "",
                       name: str = "", set_name: str = "") -> dict[str, Any]:
    """Learn (or relearn, with the overrides) a team taxonomy from historical assignments (customer id,
    persona) and the customers' interactions; returns the cross-validated report with its confusion table."""
    from usecases.taxonomy import learn

    wanted = ((assignments, "upload the assignments (CSV or Parquet: customer id, persona)"),
              (interactions, "upload the customers' interactions (CSV or Parquet)"))
    with uploads.read_once(services.uploads, *wanted) as (labels, inter):
        parse_ref(set_name)
        report = learn(services.store, services.settings.home, (name or "team").strip(), labels, inter,
                       _required(content_col, "content_col, the content id column of the interactions"),
                       _required(id_col, "id_col, the customer id column of both files"),
                       (label_col or "persona").strip(), count_col.strip() or None, set_name or None)
    return report.to_json()


@friendly
def api_taxonomy_override(services: Services, customer: str, persona: str, name: str = "") -> dict[str, Any]:
    """Record a corrected persona for one customer; the next learn trains on it."""
    from usecases.taxonomy import override

    taxonomy = (name or "team").strip()
    n = override(services.settings.home, taxonomy, customer or "", persona or "")
    return {"taxonomy": taxonomy, "customer": customer.strip(), "persona": persona.strip(), "overrides": n}


@friendly
def api_taxonomy_detect(services: Services, interactions: str | None, content_col: str = "", count_col: str = "",
                        id_col: str = "", name: str = "") -> dict[str, Any]:
    """The team's persona of each individual in the uploaded interactions, with confidence and why (nothing
    about them is stored: the upload is deleted once read)."""
    from usecases.taxonomy import detect_team

    taxonomy = (name or "team").strip()
    wanted = (interactions, "upload the interactions (CSV or Parquet)")
    with uploads.read_once(services.uploads, wanted) as (inter,):
        found = detect_team(services.store, services.settings.home, taxonomy, inter,
                            _required(content_col, "content_col, the content id column of the interactions"),
                            count_col.strip() or None, id_col.strip() or None)
    return {"taxonomy": taxonomy, "individuals": [p.to_json() for p in found]}


def register_api(services: Services) -> None:
    """The three endpoints: uploads are events of hidden components (as /detect and /rank)."""
    with gr.Column(visible=False):
        learn_files = [gr.File(label=n, type="filepath") for n in ("assignments", "interactions")]
        learn_cols = [gr.Textbox(value="", label=n) for n in ("content_col", "id_col", "label_col", "count_col",
                                                               "name", "set_name")]
        detect_file = gr.File(label="interactions", type="filepath")
        detect_cols = [gr.Textbox(value="", label=n) for n in ("content_col", "count_col", "id_col", "name")]
        over_cols = [gr.Textbox(value="", label=n) for n in ("customer", "persona", "name")]
        result = gr.JSON(label="taxonomy")
        learn_btn, detect_btn, over_btn = gr.Button(), gr.Button(), gr.Button()
    learn_btn.click(partial(api_taxonomy_learn, services), [*learn_files, *learn_cols], result,
                    api_name="taxonomy_learn")
    over_btn.click(partial(api_taxonomy_override, services), over_cols, result, api_name="taxonomy_override")
    detect_btn.click(partial(api_taxonomy_detect, services), [detect_file, *detect_cols], result,
                     api_name="taxonomy_detect")

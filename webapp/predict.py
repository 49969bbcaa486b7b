"""Prediction and persona-conditioned ranking in the app: the /predict and /rank API endpoints and a small
"new item" section of the Personas tab. Handlers only compose the use cases (usecases/predict.py, rank.py)."""

from __future__ import annotations

from functools import partial
from typing import Any

import gradio as gr
import pandas as pd

from usecases.inputs import name_list

from . import uploads
from .handlers import friendly, parse_ref
from .services import Services


@friendly
def api_predict(services: Services, title: str, topics: str = "", set_name: str = "") -> dict[str, Any]:
    """Each persona's predicted interest in a new item (title; topics comma-separated), most interested first,
    with why: the persona's topic shares and lifts, and the title's similarity to its top content."""
    from usecases.predict import predict

    parse_ref(set_name)
    return predict(services.store, title or "", name_list(topics), set_name or None).to_json()


@friendly
def api_rank(services: Services, interactions: str | None, candidates: str | None, content_col: str = "",
             count_col: str = "", id_col: str = "", set_name: str = "") -> dict[str, Any]:
    """Candidate items (a file in baseline order, best first) ordered for the one person whose interactions
    are uploaded, by the persona they resemble; an ambiguous detection keeps the baseline order. Nothing about
    the person is kept: both uploads are deleted once read."""
    from usecases.rank import rank

    wanted = ((interactions, "upload the person's interactions (CSV or Parquet)"),
              (candidates, "upload the candidate items (CSV or Parquet, baseline order, best first)"))
    with uploads.read_once(services.uploads, *wanted) as (inter, cands):
        parse_ref(set_name)
        # no content column given: content_id, or the one column both files share; else a clear error
        found = rank(services.store, inter, cands, content_col or None, count_col or None,
                     id_col or None, set_name or None)
    return found.to_json()


@friendly
def ui_predict(services: Services, title: str, topics: str, set_ref: str | None) -> tuple[str, pd.DataFrame]:
    report = api_predict(services, title, topics, set_ref or "")
    rows = [{"persona": f"{p['name']} ({p['persona_id']})", "share of interest %": round(100 * p["interest"], 1),
             "vs average": round(p["relative"], 2), "why": p["why"]} for p in report["personas"]]
    ignored = f" Unknown topics ignored: {', '.join(report['unknown_topics'])}." if report["unknown_topics"] else ""
    return f"Predicted interest in **{report['title']}** by the personas of {report['set']}.{ignored}", \
        pd.DataFrame(rows)


def predict_section(services: Services, set_dd: gr.Dropdown) -> None:
    """A new item's title and topics -> each persona's predicted interest (in the Personas tab)."""
    with gr.Accordion("Predict: which personas will want a new item?", open=False, elem_id="predict-section"):
        with gr.Row():
            title = gr.Textbox(label="Title of the new item", placeholder="e.g. Budget travel in Japan", scale=4,
                               elem_id="predict-title")
            topics = gr.Textbox(label="Topics (comma-separated)", placeholder="e.g. Travel, Cooking", scale=2,
                                elem_id="predict-topics")
            go = gr.Button("Predict", variant="primary", scale=1, elem_id="predict-go")
        note = gr.Markdown(elem_id="predict-note")
        table = gr.Dataframe(interactive=False, elem_id="predict-table")
    go.click(partial(ui_predict, services), [title, topics, set_dd], [note, table],
             api_visibility="private")


def register_api(services: Services) -> None:
    """/predict (plain values) and /rank (two uploads: events of hidden components, as /detect)."""

    def predict(title: str, topics: str = "", set_name: str = "") -> dict[str, Any]:
        """Each persona's predicted interest in a new item (topics comma-separated), most interested first."""
        return api_predict(services, title, topics, set_name)

    gr.api(friendly(predict), api_name="predict")
    with gr.Column(visible=False):
        files = [gr.File(label=n, type="filepath") for n in ("interactions", "candidates")]
        cols = [gr.Textbox(value="", label=n) for n in ("content_col", "count_col", "id_col", "set_name")]
        result = gr.JSON(label="ranking")
        button = gr.Button()
    button.click(partial(api_rank, services), [*files, *cols], result, api_name="rank")

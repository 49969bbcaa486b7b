"""The Generate tab's survey mode and the /survey_columns and /generate_survey API endpoints.

A survey export (CSV or Parquet, one row per respondent) and optionally its codebook are uploaded; the page
shows what each column probably is (item, demographic, weight, text, ignore), each item's detected kind and
statement, for the person to confirm or change; Generate builds the set with the use case that
`personas generate --survey` runs (usecases/survey_input.py, usecases/generate.py). Bad input is one line and
nothing is written. Handlers are small; per-user values live in the components."""

from __future__ import annotations

from collections.abc import Mapping
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

import gradio as gr
import pandas as pd

from personas.errors import InputError
from usecases.inputs import name_list, parse_k, set_name_for
from usecases.progress import Progress, no_progress

from . import uploads, views
from .handlers import rejected_forgotten, friendly, gradio_progress, set_dropdown
from .services import Services

if TYPE_CHECKING:
    from personas.sets import PersonaSet
    from personas.surveys.propose import SurveyProposal

METHODS = ("auto", "kmeans", "gmm", "kprototypes", "kmodes", "groups")  # cli/surveys.py's choices
CODEBOOK_TYPES = [".csv"]
TABLE_COLUMNS = ["column", "use", "kind", "statement", "why"]


def _proposal(services: Services, responses: str, codebook: str | None) -> SurveyProposal:
    from usecases.survey_input import propose

    path = rejected_forgotten(uploads.check, responses, services.uploads)
    book = rejected_forgotten(uploads.check, codebook, services.uploads) if codebook else None
    return propose(path, book)


def proposal_frame(proposal: SurveyProposal) -> pd.DataFrame:
    return pd.DataFrame([[c.column, c.use, c.kind, c.statement, c.reason] for c in proposal.columns],
                        columns=TABLE_COLUMNS)


def _edits(table: Any) -> tuple[dict[str, str], dict[str, str]]:
    """(kinds, statements) by column from the confirmation table as the person left it."""
    if table is None:
        return {}, {}
    frame = table if isinstance(table, pd.DataFrame) else pd.DataFrame(
        table.get("data", []) if isinstance(table, Mapping) else table, columns=TABLE_COLUMNS)
    if frame.empty or "column" not in frame.columns:
        return {}, {}
    rows = frame.fillna("").astype(str).to_dict("records")
    return ({r["column"]: r["kind"] for r in rows if r["kind"].strip()},
            {r["column"]: r["statement"] for r in rows if r["statement"].strip()})


@friendly
def offer_survey(services: Services, responses: str | None, codebook: str | None) -> tuple[Any, ...]:
    """The uploaded survey's columns with their proposed use and kind; the dropdowns preset to the proposal."""
    if not responses:
        empty = gr.update(choices=[], value=[])
        return pd.DataFrame(columns=TABLE_COLUMNS), empty, empty, gr.update(choices=[""], value=""), \
            gr.update(choices=[""], value="")
    proposal = _proposal(services, responses, codebook)
    columns = [c.column for c in proposal.columns]
    return (proposal_frame(proposal),
            gr.update(choices=columns, value=proposal.of("demographic")),
            gr.update(choices=columns, value=proposal.of("item")),
            gr.update(choices=["", *columns], value=proposal.weight_col or ""),
            gr.update(choices=["", *columns], value=proposal.text_col or ""))


def generate_survey_from_form(
    services: Services, progress: Progress, responses: str | None, codebook: str | None,
    demographics: str | list[str] | None, items: str | list[str] | None, method: str | None, k: str | float | None,
    weight_col: str | None, text_col: str | None, name: str | None, table: Any = None,
) -> PersonaSet:
    """Accept the uploads, build the survey set, keep the files only when it was built. Empty items or
    demographics take the proposal's (what the confirmation table shows)."""
    from usecases.generate import SetRequest, generate_survey_set
    from usecases.survey_input import SurveyFile, survey_file_spec

    if not responses:
        raise InputError("upload the survey responses (CSV or Parquet, one row per respondent) first")
    method = (method or "auto").strip().lower()
    if method not in METHODS:
        raise InputError(f"method must be one of {', '.join(METHODS)}, not {method!r}")
    request_k = parse_k(k, flag="k")
    chosen_items, chosen_demo = name_list(items), name_list(demographics)
    if not chosen_items or not chosen_demo:
        proposal = _proposal(services, responses, codebook)
        chosen_items = chosen_items or tuple(proposal.of("item"))
        chosen_demo = chosen_demo or tuple(c for c in proposal.of("demographic") if c not in chosen_items)
    kinds, statements = _edits(table)
    kept: list[Path] = []
    try:
        data = rejected_forgotten(uploads.accept, responses, services.uploads, Path(responses).name)
        kept.append(data)
        book = None
        if codebook:
            book = rejected_forgotten(uploads.accept, codebook, services.uploads, Path(codebook).name)
            kept.append(book)
        spec = survey_file_spec(SurveyFile(
            data, chosen_items, chosen_demo, book, weight_col or None, text_col or None,
            kinds={i: kinds[i] for i in chosen_items if i in kinds},
            statements={i: statements[i] for i in chosen_items if i in statements}, shown=Path(responses).name))
        request = SetRequest(name=(name or "").strip() or set_name_for(responses, fallback="survey"), k=request_k,
                             seed=services.settings.generation.seed)
        pset = generate_survey_set(spec, request, lambda: services.store, progress, method=method, activate=False,
                                   claims=services.claims)
    except BaseException:
        uploads.discard(kept)
        raise
    uploads.keep(kept)
    return pset


def survey_summary(pset: PersonaSet) -> tuple[str, pd.DataFrame]:
    p = pset.params
    notes = "".join(f"\n- {n}" for n in pset.notes)
    text = (f"Built **{pset.ref}**: {len(pset.personas)} segments of respondents by {p.get('method')} "
            f"(asked: {p.get('method_asked')}, k {p.get('k')}); this page now shows it. The default set of other "
            f"users and of the CLI is unchanged.{notes}")
    table = pd.DataFrame([views.persona_summary(x) for x in pset.personas]).drop(columns=["description"])
    return text, table


@friendly
def ui_generate_survey(
    services: Services, responses: str | None, codebook: str | None, demographics: list[str] | None,
    items: list[str] | None, method: str, k: str, weight_col: str | None, text_col: str | None, name: str,
    table: Any, progress: gr.Progress = gr.Progress(),  # noqa: B008 - Gradio's way
) -> tuple[Any, ...]:
    pset = generate_survey_from_form(services, gradio_progress(progress), responses, codebook, demographics, items,
                                     method, k, weight_col, text_col, name, table)
    text, frame = survey_summary(pset)
    return text, frame, set_dropdown(services, pset.ref)


@friendly
def api_survey_columns(services: Services, responses: str | None, codebook: str | None = None) -> list[dict[str, str]]:
    """What each column of an uploaded survey probably is (use, kind, statement, why), for /generate_survey."""
    if not responses:
        raise InputError("upload the survey responses (CSV or Parquet) first")
    try:
        return [dict(zip(TABLE_COLUMNS, row)) for row in proposal_frame(_proposal(services, responses, codebook))
                .itertuples(index=False)]
    finally:
        uploads.forget_upload(responses)
        uploads.forget_upload(codebook)


@friendly
def api_generate_survey(
    services: Services, responses: str | None, codebook: str | None = None, demographics: str = "", items: str = "",
    method: str = "auto", k: str = "auto", weight_col: str = "", text_col: str = "", name: str = "",
    kinds: str = "",
) -> dict[str, Any]:
    """Build a survey persona set from an upload (a new version when the name exists; the active set stays as it
    is). Empty items or demographics: the ones /survey_columns proposes. kinds: 'item=kind,...' overrides."""
    overrides = {}
    for pair in name_list(kinds):
        item, sep, kind = pair.partition("=")
        if not sep:
            raise InputError(f"kinds: {pair!r} is not item=kind (e.g. natenvir=likert)")
        overrides[item.strip()] = kind.strip()
    table = pd.DataFrame([[i, "item", kd, "", ""] for i, kd in overrides.items()], columns=TABLE_COLUMNS)
    pset = generate_survey_from_form(services, no_progress, responses, codebook, demographics, items, method, k,
                                     weight_col, text_col, name, table)
    return {"set": pset.ref, "method": pset.params.get("method"), "k": pset.params.get("k"),
            "personas": [views.persona_summary(p) for p in pset.personas], "notes": pset.notes}


# ---------------------------------------------------------------------------- the page and the endpoints


def survey_section(services: Services, set_dd: gr.Dropdown, file_types: list[str]) -> None:
    """The survey mode's form (inside the Generate tab; shown when the mode is 'survey')."""
    gr.Markdown("Upload the survey **responses** (CSV or Parquet, one row per respondent) and optionally its "
                "**codebook** (CSV: item,statement,code,label[,kind,polarity]). Check what each column was taken "
                "for: change an item's kind or statement in the table, and the items and demographics below.")
    with gr.Row():
        responses = gr.File(label="Survey responses (required)", file_types=file_types, type="filepath",
                            elem_id="up-survey")
        codebook = gr.File(label="Codebook (optional)", file_types=CODEBOOK_TYPES, type="filepath",
                           elem_id="up-codebook")
    table = gr.Dataframe(headers=TABLE_COLUMNS, label="Columns: proposed use, item kind (likert, scale, numeric, "
                         "binary, categorical, multiselect) and statement; kind and statement can be edited",
                         interactive=True, elem_id="survey-columns")
    with gr.Row():
        demographics = gr.Dropdown(label="Demographic columns", multiselect=True, choices=[],
                                   allow_custom_value=True, elem_id="survey-demographics")
        items = gr.Dropdown(label="Item columns (the questions to segment on)", multiselect=True, choices=[],
                            allow_custom_value=True, elem_id="survey-items")
    with gr.Row():
        method = gr.Dropdown(list(METHODS), value="auto", label="Segmentation method", elem_id="survey-method")
        k = gr.Textbox(value="auto", label="k: number of segments, or 'auto'", elem_id="survey-k")
        weight = gr.Dropdown(label="Weight column", choices=[""], value="", allow_custom_value=True)
        text = gr.Dropdown(label="Open-ended answers column", choices=[""], value="", allow_custom_value=True)
        name = gr.Textbox(label="Set name (default: the file name)")
    go = gr.Button("Generate survey personas", variant="primary", elem_id="survey-go")
    status = gr.Markdown(elem_id="survey-status")
    result = gr.Dataframe(label="The new set", interactive=False)
    offer = partial(offer_survey, services)
    for f in (responses, codebook):
        f.change(offer, [responses, codebook], [table, demographics, items, weight, text], api_visibility="private")
    go.click(partial(ui_generate_survey, services),
             [responses, codebook, demographics, items, method, k, weight, text, name, table],
             [status, result, set_dd], api_visibility="private", concurrency_limit=2, concurrency_id="generate")


def register_api(services: Services) -> None:
    """/survey_columns and /generate_survey: events of hidden components (uploads), as /generate."""
    with gr.Column(visible=False):
        files = [gr.File(label=n, type="filepath") for n in ("responses", "codebook")]
        texts = [gr.Textbox(value=v, label=n) for n, v in (
            ("demographics", ""), ("items", ""), ("method", "auto"), ("k", "auto"), ("weight_col", ""),
            ("text_col", ""), ("name", ""), ("kinds", ""))]
        result = gr.JSON(label="result")
        columns_btn, generate_btn = gr.Button(), gr.Button()
    columns_btn.click(partial(api_survey_columns, services), files, result, api_name="survey_columns")
    generate_btn.click(partial(api_generate_survey, services), [*files, *texts], result, api_name="generate_survey",
                       concurrency_limit=2, concurrency_id="generate")

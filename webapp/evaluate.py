"""The Evaluate tab: run eval.runner on a persona set with a chosen responder, show the metrics and plots, and
offer the HTML report and the RAGAS-style JSONL for download. The evaluation itself is eval/'s."""

from __future__ import annotations

from functools import partial
from typing import Any

import gradio as gr
import pandas as pd

from chat.responders.factory import RESPONDERS

from .handlers import friendly, gradio_progress, parse_ref
from .services import Progress, Services

_METRICS = [
    ("faithfulness", "mean faithfulness score"), ("faithful_share", "answers with no unsupported claim"),
    ("correctness", "correct answers (questions with gold)"), ("refusal_accuracy", "out-of-data questions refused"),
    ("false_refusals", "in-data questions refused"), ("recall_at_1", "gold fact retrieved first"),
    ("recall_at_k", "gold fact retrieved in k"), ("mrr", "mean reciprocal rank"),
    ("latency_p50_ms", "latency p50 (ms)"), ("latency_p95_ms", "latency p95 (ms)"), ("errors", "responder errors"),
    ("n", "questions"),
]


def run(services: Services, set_ref: str | None, responder: str, limit: int, progress: Progress) -> tuple[Any, Any]:
    """Evaluate and write the report: (eval.runner.EvalRun, eval.report.ReportPaths)."""
    from usecases.evaluate import evaluate

    name, version = parse_ref(set_ref)
    return evaluate(services.settings, services.store, set_name=name, version=version, responder=responder or None,
                    limit=int(limit) or None, progress=progress, responder_in_folder=True)


def metrics_frame(summary: Any) -> pd.DataFrame:
    d = summary.to_json()
    rows = [(label, "n/a" if d.get(key) is None else f"{d[key]:.3g}" if isinstance(d[key], float) else str(d[key]))
            for key, label in _METRICS if key in d]
    return pd.DataFrame(rows, columns=["metric", "value"])


def by_frame(summaries: dict[str, Any], key: str) -> pd.DataFrame:
    rows = []
    for name, s in summaries.items():
        d = s.to_json()
        rows.append({key: name, "questions": d["n"], "faithfulness": d.get("faithfulness"),
                     "correctness": d.get("correctness"), "recall@k": d.get("recall_at_k")})
    return pd.DataFrame(rows)


def _plot(frame: pd.DataFrame, key: str) -> pd.DataFrame:
    if frame.empty:
        return pd.DataFrame(columns=[key, "faithfulness"])
    return frame[[key, "faithfulness"]].dropna()


@friendly
def ui_run(services: Services, set_ref: str | None, responder: str, limit: float,
           progress: gr.Progress = gr.Progress()) -> tuple[Any, ...]:  # noqa: B008 - how Gradio injects progress
    result, paths = run(services, set_ref, responder, int(limit), gradio_progress(progress))
    kinds = by_frame(result.by_kind, "kind")
    people = by_frame(result.by_persona, "persona")
    people["persona"] = [f"{result.persona_names.get(p, '')} ({p})" for p in people["persona"]]
    notes = "".join(f"\n- {n}" for n in result.notes)
    text = (f"Evaluated **{len(result.results)} questions** on {result.set_name}@v{result.set_version} with the "
            f"**{result.responder}** responder (gate {result.gate_policy}) in {result.duration_s:.1f} s.{notes}")
    downloads = [str(paths.html), str(paths.ragas)]
    return text, metrics_frame(result.summary), _plot(kinds, "kind"), _plot(people, "persona"), downloads


def evaluate_tab(services: Services, set_dd: gr.Dropdown) -> None:
    gr.Markdown("Asks the persona set generated questions (each with the fact that answers it) and questions its "
                "data cannot answer, through the same chat as the Chat tab, and scores every answer: faithfulness "
                "(every claim backed by the facts), correctness, refusals, retrieval recall and latency.")
    with gr.Row():
        responder = gr.Dropdown(list(RESPONDERS), value=services.settings.chat.responder, label="Responder")
        limit = gr.Slider(0, 300, value=40, step=10, label="Questions (0: all)")
        go = gr.Button("Run evaluation", variant="primary", elem_id="evaluate-go")
    status = gr.Markdown(elem_id="evaluate-status")
    with gr.Row():
        table = gr.Dataframe(label="Metrics", interactive=False, scale=1)
        files = gr.File(label="Report (HTML) and RAGAS-style JSONL", file_count="multiple", interactive=False,
                        scale=1, elem_id="evaluate-files")
    with gr.Row():
        kinds = gr.BarPlot(x="kind", y="faithfulness", title="Mean faithfulness by question kind", height=320,
                           x_label_angle=-30, y_lim=[0, 1])
        people = gr.BarPlot(x="persona", y="faithfulness", title="Mean faithfulness by persona", height=320,
                            x_label_angle=-30, y_lim=[0, 1])
    go.click(partial(ui_run, services), [set_dd, responder, limit], [status, table, kinds, people, files],
             api_visibility="private", concurrency_limit=1, concurrency_id="evaluate")

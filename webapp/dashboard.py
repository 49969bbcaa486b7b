"""The Dashboard tab: the chosen set as a whole (the audience split by each group column and which persona
represents which part, the personas side by side, the quality metrics), plots with their table under each,
and the shareable report (HTML or PDF) for download; also the Chat tab's transcript download. The numbers are the set's stored quality
(personas/quality.py); the report is usecases/report.py's."""

from __future__ import annotations

import uuid
from functools import partial
from pathlib import Path
from typing import Any

import gradio as gr
import pandas as pd

from personas import formatting as fmt

from .handlers import friendly, parse_ref
from .services import Services

REPORTS = "reports"  # under the data home; the server allows downloads from there


def _load(services: Services, ref: str | None) -> Any:
    name, version = parse_ref(ref)
    return services.store.load(*services.store.resolve(name, version))


def quality_frame(pset: Any) -> pd.DataFrame:
    q, sq = pset.quality, pset.quality.get("set") or {}
    rows = [("personas (k)", str(q["k"])), ("mean stability", f"{q['stability']:.3f}")]
    if sq:
        rows += [
            ("coverage: personas' own groups", fmt.share(sq["coverage_direct"])),
            (f"coverage: with groups a behaviour explains >= {fmt.share(sq['coverage_threshold'])}",
             fmt.share(sq["coverage_by_behaviour"])),
            ("diversity (share of demographic values covered)", f"{sq['diversity']:.3f}"),
            ("fairness (mean |statistical parity|, lower is fairer)", f"{sq['fairness']:.3f}"),
            ("consistency (overlap of persona groups, k = 5, 10, 15)",
             "not measured" if sq["consistency"] is None else f"{sq['consistency']:.3f}"),
            ("representativeness (1 - distance of the demographic mix)", f"{sq['representativeness']:.3f}"),
        ]
    change = q.get("change_from_previous")
    if change:
        rows.append((f"change rate from {change['previous']} (APG's month to month)", fmt.share(change["change_rate"])))
    return pd.DataFrame(rows, columns=["metric", "value"])


def personas_frame(pset: Any) -> pd.DataFrame:
    rep = (pset.quality.get("set") or {}).get("represented_share", {})
    return pd.DataFrame([{
        "persona": f"{p.name} ({p.group_label})", "audience share %": round(p.stats.audience_share * 100, 2),
        "represents %": round(rep.get(p.id, 0.0) * 100, 2), p.count_name: fmt.count(p.stats.group_interactions),
        "top topics": ", ".join(p.topic_names[:3]), "stability": round(p.stats.stability, 3),
    } for p in pset.personas])


def split_frame(pset: Any, column: str) -> pd.DataFrame:
    """One row per (value, persona): the share of all interactions of that value that the persona represents."""
    names = {p.id: p.name for p in pset.personas}
    per = ((pset.quality.get("set") or {}).get("split") or {}).get(column, {})
    rows = [{column: value, "persona": names.get(pid, "no persona"), "share %": round(w * 100, 2)}
            for value, cells in per.items() for pid, w in cells.items()]
    return pd.DataFrame(rows, columns=[column, "persona", "share %"])


def split_table(frame: pd.DataFrame, column: str) -> pd.DataFrame:
    """The plot's numbers as a table: a row per value, its audience share, then a column per persona."""
    if frame.empty:
        return frame
    wide = frame.pivot_table(index=column, columns="persona", values="share %", aggfunc="sum", fill_value=0.0)
    wide.insert(0, "audience %", wide.sum(axis=1).round(2))
    return wide.sort_values("audience %", ascending=False).reset_index()


def _download_folder(services: Services) -> Path:
    folder = services.settings.home / REPORTS / uuid.uuid4().hex[:12]  # one folder per download: no clashes
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def drift_frames(report: Any) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(plot: each matched persona's audience share before and after; table: every persona of either set)."""
    plot = pd.DataFrame([{"persona": f"{m.name_after} ({when})", "when": when, "audience share %": round(share * 100, 2)}
                         for m in report.matched
                         for when, share in (("before", m.share_before), ("after", m.share_after))],
                        columns=["persona", "when", "audience share %"])
    rows = [{"before": f"{m.name_before} ({m.before})", "after": f"{m.name_after} ({m.after})",
             "change": "unchanged" if m.unchanged else "changed" + ("" if m.same_group else ", on another group"),
             "similarity": round(m.similarity, 3), "share before %": round(m.share_before * 100, 2),
             "share after %": round(m.share_after * 100, 2), "topics before": ", ".join(m.topics_before),
             "topics after": ", ".join(m.topics_after)} for m in report.matched]
    rows += [{"before": f"{p.name} ({p.persona_id})", "after": "", "change": "disappeared",
              "topics before": ", ".join(p.top_topics)} for p in report.disappeared]
    rows += [{"before": "", "after": f"{p.name} ({p.persona_id})", "change": "appeared",
              "topics after": ", ".join(p.top_topics)} for p in report.appeared]
    return plot, pd.DataFrame(rows)


def _drift_section(services: Services, pset: Any) -> None:
    from usecases.history import drift_from_previous

    report = drift_from_previous(services.store, pset.name, pset.version)
    if report is None:
        gr.Markdown("No earlier version or window of this set to compare with.", elem_id="dashboard-drift")
        return
    gr.Markdown(f"### Since {report.before}\nChange rate {fmt.share(report.change_rate)} (personas whose "
                f"demographic group is new or gone; APG saw 18.7% month to month), behaviour change rate "
                f"{fmt.share(report.behaviour_change_rate)}; {len(report.matched)} matched, "
                f"{len(report.appeared)} appeared, {len(report.disappeared)} disappeared.", elem_id="dashboard-drift")
    plot, table = drift_frames(report)
    if not plot.empty:
        gr.BarPlot(plot, x="persona", y="audience share %", color="when", title="Matched personas: audience share "
                   "before and after", x_label_angle=-30, height=300, sort="x")
    gr.Dataframe(table, label=f"{report.before} -> {report.after}", interactive=False)


@friendly
def build_report(services: Services, ref: str | None, kind: str) -> str:
    from usecases.report import default_name, report_bytes, write_atomic

    pset = _load(services, ref)
    out = _download_folder(services) / default_name(pset, kind)
    write_atomic(out, report_bytes(pset, kind))
    return str(out)


@friendly
def save_transcript(services: Services, persona_id: str | None, record: list[dict[str, Any]] | None,
                    suffix: str) -> str:
    """The Chat tab's conversation as a transcript file (Markdown or HTML) to download."""
    from personas.errors import InputError
    from usecases.transcript import transcript_of, write_transcript

    if not persona_id or not record:
        raise InputError("nothing to save yet: ask the persona something first")
    out = _download_folder(services) / f"interview-{persona_id}{suffix}"
    write_transcript(out, transcript_of(services.store, persona_id, record))
    return str(out)


def dashboard_tab(services: Services, set_dd: gr.Dropdown) -> None:
    gr.Markdown("The chosen set as a whole: who the audience is, which persona represents which part of it (each "
                "group counts for the persona whose behaviour explains most of its activity), and how good the set "
                "is. Hover a bar for its number; the table under each plot has them all.")
    with gr.Row():
        html_btn = gr.Button("Report (HTML)", size="sm", elem_id="report-html")
        pdf_btn = gr.Button("Report (PDF)", size="sm", elem_id="report-pdf")
        report_file = gr.File(label="Report to share", interactive=False, elem_id="report-file")
    html_btn.click(partial(build_report, services, kind="html"), set_dd, report_file, api_visibility="private")
    pdf_btn.click(partial(build_report, services, kind="pdf"), set_dd, report_file, api_visibility="private",
                  concurrency_limit=1, concurrency_id="pdf")

    @gr.render(inputs=set_dd)
    def board(ref: str | None) -> None:
        if not ref:
            gr.Markdown("No persona set yet: build one in the Generate tab.")
            return
        pset = _load(services, ref)
        gr.Markdown(f"## {pset.ref}: {len(pset.personas)} personas", elem_id="dashboard-title")
        gr.Dataframe(quality_frame(pset), label="Quality of the set (docs/reports.md: how each is computed)",
                     interactive=False, elem_id="dashboard-quality")
        people = personas_frame(pset)
        gr.BarPlot(people, x="persona", y="audience share %", title="Each persona's own group: share of the audience",
                   x_label_angle=-30, height=300, sort="-y")
        gr.Dataframe(people, label="Personas side by side", interactive=False, elem_id="dashboard-personas")
        _drift_section(services, pset)
        for column in pset.params.get("group_by", []):
            frame = split_frame(pset, column)
            if frame.empty:
                continue
            gr.BarPlot(frame, x=column, y="share %", color="persona", title=f"The audience by {column}, and the "
                       "persona that represents each part (% of all interactions)", x_label_angle=-30, height=320,
                       elem_classes=["dashboard-split"])
            gr.Dataframe(split_table(frame, column), label=f"By {column} (% of all interactions)",
                         interactive=False)





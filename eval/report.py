"""An evaluation run on disk: ``report.json`` (everything), ``report.html`` (one self-contained page with
plots) and ``ragas.jsonl`` (question, answer, contexts, ground_truth per row, for RAGAS or DeepEval).

The page draws its plots as inline SVG and carries its styles inline: it must open from a file, on a machine
without network, and show the same thing years later. Every text from the run is HTML-escaped.
"""

from __future__ import annotations

import html
import json
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from .metrics import Summary
from .runner import EvalRun, Result

_COLOURS = {"relevance": "#dd6b20", "faithfulness": "#2b6cb0", "correctness": "#2f855a", "recall_at_k": "#b7791f", "mrr": "#6b46c1",
            "refusal_accuracy": "#c53030", "faithful_share": "#4299e1"}
_LABEL_COLOURS = {"supported": "#2f855a", "unsupported": "#b7791f", "contradicted": "#c53030"}


@dataclass(frozen=True)
class ReportPaths:
    folder: Path
    json: Path
    html: Path
    ragas: Path


def default_folder(home: Path, label: str, now: datetime | None = None) -> Path:
    """HOME/eval/<label>-<UTC timestamp>: runs never overwrite each other and sort by time."""
    stamp = (now or datetime.now(UTC)).strftime("%Y%m%d-%H%M%S")
    safe = "".join(ch if ch.isalnum() or ch in "._-" else "-" for ch in label)[:64] or "run"
    return Path(home) / "eval" / f"{safe}-{stamp}"


def write_report(run: EvalRun, folder: Path) -> ReportPaths:
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    paths = ReportPaths(folder, folder / "report.json", folder / "report.html", folder / "ragas.jsonl")
    paths.json.write_text(json.dumps(run.to_json(), ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    paths.html.write_text(render_html(run), encoding="utf-8")
    write_ragas(run.results, paths.ragas)
    return paths


def write_ragas(results: Sequence[Result], path: Path) -> None:
    with Path(path).open("w", encoding="utf-8") as fh:
        fh.writelines(json.dumps(r.ragas_row(), ensure_ascii=False) + "\n" for r in results)


# ----------------------------------------------------------------------------------------------- SVG plots


def _e(x: Any) -> str:
    return html.escape(str(x), quote=True)


def bar_chart(title: str, rows: Sequence[tuple[str, dict[str, float | None]]], series: Sequence[str]) -> str:
    """Horizontal grouped bars of rates in [0, 1], one group per row; a missing rate is drawn as 'n/a'."""
    label_w, bar_w, bar_h, gap = 190, 440, 11, 10
    group_h = bar_h * len(series) + gap
    legend_h = 26
    height = legend_h + group_h * len(rows) + 24
    width = label_w + bar_w + 60
    parts = [(f'<svg role="img" aria-label="{_e(title)}" width="{width}" height="{height}" '
             f'viewBox="0 0 {width} {height}" font-family="sans-serif" font-size="11">'), f"<title>{_e(title)}</title>"]
    x = label_w
    for s in series:
        parts.append(f'<rect x="{x}" y="6" width="10" height="10" fill="{_COLOURS.get(s, "#718096")}"/>'
                     f'<text x="{x + 14}" y="15">{_e(s.replace("_", " "))}</text>')
        x += 14 + 7 * len(s) + 18
    for i, (label, values) in enumerate(rows):
        y0 = legend_h + i * group_h
        parts.append(f'<text x="{label_w - 6}" y="{y0 + group_h / 2}" text-anchor="end">{_e(label[:30])}</text>')
        for j, s in enumerate(series):
            y = y0 + j * bar_h
            v = values.get(s)
            if v is None:
                parts.append(f'<text x="{label_w + 2}" y="{y + bar_h - 2}" fill="#a0aec0">n/a</text>')
                continue
            w = max(0.0, min(1.0, v)) * bar_w
            parts.append(f'<rect x="{label_w}" y="{y}" width="{w:.1f}" height="{bar_h - 1}" '
                         f'fill="{_COLOURS.get(s, "#718096")}"><title>{_e(label)}: {_e(s)} {v:.3f}</title></rect>'
                         f'<text x="{label_w + w + 4:.1f}" y="{y + bar_h - 2}">{v:.2f}</text>')
    axis_y = legend_h + group_h * len(rows) + 4
    for t in (0, 0.25, 0.5, 0.75, 1.0):
        tx = label_w + t * bar_w
        parts.append(f'<line x1="{tx:.1f}" y1="{legend_h}" x2="{tx:.1f}" y2="{axis_y}" stroke="#e2e8f0"/>'
                     f'<text x="{tx:.1f}" y="{axis_y + 12}" text-anchor="middle" fill="#4a5568">{t:g}</text>')
    parts.append("</svg>")
    return "".join(parts)


def histogram(title: str, values: Sequence[float], marks: dict[str, float | None], bins: int = 20) -> str:
    """Latency distribution (ms) with vertical marks (p50, p95)."""
    width, height, left, bottom = 660, 200, 50, 30
    plot_w, plot_h = width - left - 20, height - bottom - 20
    parts = [(f'<svg role="img" aria-label="{_e(title)}" width="{width}" height="{height}" '
             f'viewBox="0 0 {width} {height}" font-family="sans-serif" font-size="11">'), f"<title>{_e(title)}</title>"]
    if not values:
        parts.append('<text x="20" y="40">no timings</text></svg>')
        return "".join(parts)
    hi = max(values) * 1.05 or 1.0
    counts = [0] * bins
    for v in values:
        counts[min(bins - 1, int(v / hi * bins))] += 1
    top = max(counts)
    bw = plot_w / bins
    for i, c in enumerate(counts):
        h = c / top * plot_h
        parts.append(f'<rect x="{left + i * bw:.1f}" y="{20 + plot_h - h:.1f}" width="{bw - 1:.1f}" height="{h:.1f}" '
                     f'fill="#4299e1"><title>{i * hi / bins:.0f}-{(i + 1) * hi / bins:.0f} ms: {c}</title></rect>')
    base = 20 + plot_h
    parts.append(f'<line x1="{left}" y1="{base}" x2="{left + plot_w}" y2="{base}" stroke="#4a5568"/>')
    for t in range(6):
        tx = left + t * plot_w / 5
        parts.append(f'<text x="{tx:.1f}" y="{base + 14}" text-anchor="middle">{hi * t / 5:.0f}</text>')
    parts.append(f'<text x="{left + plot_w}" y="{base + 27}" text-anchor="end">ms</text>'
                 f'<text x="{left - 6}" y="{20 + 4}" text-anchor="end">{top}</text>')
    for name, v in marks.items():
        if v is None:
            continue
        mx = left + min(v, hi) / hi * plot_w
        parts.append(f'<line x1="{mx:.1f}" y1="14" x2="{mx:.1f}" y2="{base}" stroke="#c53030" stroke-dasharray="3,2"/>'
                     f'<text x="{mx + 3:.1f}" y="12" fill="#c53030">{_e(name)} {v:.0f}</text>')
    parts.append("</svg>")
    return "".join(parts)


def stacked_bar(title: str, counts: dict[str, int]) -> str:
    """One bar split by claim label: how many claims were supported, unsupported, contradicted."""
    width, bar_w = 660, 560
    total = sum(counts.values())
    parts = [(f'<svg role="img" aria-label="{_e(title)}" width="{width}" height="60" viewBox="0 0 {width} 60" '
             f'font-family="sans-serif" font-size="11"><title>{_e(title)}</title>')]
    x = 0.0
    for label in ("supported", "unsupported", "contradicted"):
        n = counts.get(label, 0)
        w = n / total * bar_w if total else 0
        if w:
            parts.append(f'<rect x="{x:.1f}" y="4" width="{w:.1f}" height="22" fill="{_LABEL_COLOURS[label]}">'
                         f'<title>{label}: {n}</title></rect>')
        x += w
    lx = 0
    for label in ("supported", "unsupported", "contradicted"):
        parts.append(f'<rect x="{lx}" y="36" width="10" height="10" fill="{_LABEL_COLOURS[label]}"/>'
                     f'<text x="{lx + 14}" y="45">{label}: {counts.get(label, 0)}</text>')
        lx += 170
    parts.append("</svg>")
    return "".join(parts)


# ----------------------------------------------------------------------------------------------- page

_CSS = """
body{font-family:system-ui,sans-serif;margin:24px auto;max-width:1100px;color:#1a202c;padding:0 16px}
h1{font-size:1.5em}h2{font-size:1.2em;margin-top:1.8em;border-bottom:1px solid #e2e8f0}
table{border-collapse:collapse;font-size:13px;margin:8px 0}th,td{border:1px solid #e2e8f0;padding:3px 7px;
text-align:right;vertical-align:top}th{background:#f7fafc}td.t{text-align:left;max-width:520px}
.cards{display:flex;flex-wrap:wrap;gap:10px}.card{border:1px solid #e2e8f0;border-radius:6px;padding:8px 12px;
min-width:130px}.card b{display:block;font-size:1.4em}.muted{color:#718096}.bad{color:#c53030}
.ok{color:#2f855a}code{background:#f7fafc;padding:0 3px}details{margin:6px 0}
"""

_COLUMNS = (("n", "questions"), ("relevance", "relevant"), ("faithfulness", "faithfulness"),
            ("faithful_share", "faithful"), ("correctness", "correct"), ("refusal_accuracy", "refusal acc."), ("false_refusals", "false refusals"),
            ("recall_at_1", "R@1"), ("recall_at_k", "R@k"), ("mrr", "MRR"), ("latency_p50_ms", "p50 ms"),
            ("latency_p95_ms", "p95 ms"))


def _fmt(v: Any, ms: bool = False) -> str:
    if v is None:
        return '<span class="muted">-</span>'
    if ms:
        return f"{v:.1f}"
    if isinstance(v, float):
        return f"{v:.0f}" if v >= 10 else f"{v:.3f}"
    return _e(v)


def _table(rows: Sequence[tuple[str, Summary]], first: str) -> str:
    head = "".join(f"<th>{_e(h)}</th>" for _, h in _COLUMNS)
    body = "".join(
        f'<tr><td class="t">{_e(name)}</td>' + "".join(f"<td>{_fmt(getattr(s, k), k.endswith('_ms'))}</td>" for k, _ in _COLUMNS) + "</tr>"
        for name, s in rows)
    return f"<table><tr><th>{_e(first)}</th>{head}</tr>{body}</table>"


def _cards(s: Summary, k: int) -> str:
    items = [(f"relevant ({s.n_relevance} of a fixed kind)", s.relevance),
             ("faithfulness (mean score)", s.faithfulness), ("faithful answers", s.faithful_share),
             (f"correct ({s.n_gold} with gold)", s.correctness),
             (f"refusal accuracy ({s.n_out_of_data} out of data)", s.refusal_accuracy),
             (f"recall@{k}", s.recall_at_k), ("MRR", s.mrr), ("latency p50 ms", s.latency_p50_ms),
             ("latency p95 ms", s.latency_p95_ms)]
    return '<div class="cards">' + "".join(
        f'<div class="card"><b>{_fmt(v, "ms" in t)}</b><span class="muted">{_e(t)}</span></div>' for t, v in items) + "</div>"


def _rates(s: Summary) -> dict[str, float | None]:
    return {"relevance": s.relevance, "faithfulness": s.faithfulness, "correctness": s.correctness,
            "recall_at_k": s.recall_at_k, "refusal_accuracy": s.refusal_accuracy}


def _claims_html(r: Result) -> str:
    if not r.claims:
        return '<span class="muted">no factual claims</span>'
    items = []
    for c in r.claims:
        cls = "ok" if c["label"] == "supported" else "bad"
        reason = f' <span class="muted">({_e(c.get("reason") or "")})</span>' if c.get("reason") else ""
        items.append(f'<li><span class="{cls}">{_e(c["label"])}</span>: {_e(c["text"])}{reason}</li>')
    return "<ul>" + "".join(items) + "</ul>"


def _problems(run: EvalRun) -> list[tuple[str, Result]]:
    out = []
    for r in run.results:
        why = []
        if r.error:
            why.append("error")
        if r.faithful is False:
            why.append("unfaithful")
        if r.correct is False:
            why.append("incorrect")
        if r.refusal_ok is False:
            why.append("no proper refusal")
        if why:
            out.append((", ".join(why), r))
    return out


def _result_rows(results: Sequence[tuple[str, Result]]) -> str:
    rows = []
    for why, r in results:
        q = r.question
        score = "-" if r.faithfulness_score is None else f"{r.faithfulness_score:.2f}"
        rows.append(
            f'<tr><td class="t">{_e(q.id)}<br><span class="muted">{_e(q.kind)}</span></td>'
            f'<td class="t">{_e(q.question)}</td><td class="t">{_e(r.answer)}'
            f'{"<br><span class=bad>" + _e(r.error) + "</span>" if r.error else ""}</td>'
            f'<td class="t">{_e(r.ground_truth[:300])}</td><td>{score}</td><td class="t">{_e(why)}'
            f"{_claims_html(r) if why else ''}</td></tr>")
    head = "<tr><th>id</th><th>question</th><th>answer</th><th>ground truth</th><th>faithf.</th><th>notes</th></tr>"
    return f"<table>{head}{''.join(rows)}</table>"


def render_html(run: EvalRun) -> str:
    s = run.summary
    kinds = list(run.by_kind.items())
    personas = [(f"{pid} {run.persona_names.get(pid, '')}".strip(), summ) for pid, summ in run.by_persona.items()]
    labels = Counter(c["label"] for r in run.results for c in r.claims)
    totals = [r.timings["total"] for r in run.results if "total" in r.timings]
    problems = _problems(run)
    where = f"{run.set_name}@v{run.set_version}" if run.set_name else "questions from a file"
    notes = "".join(f"<li>{_e(n)}</li>" for n in run.notes)
    return "".join([
        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">",
        f"<title>Persona chat evaluation: {_e(run.label)}</title><style>{_CSS}</style></head><body>",
        f"<h1>Persona chat evaluation: {_e(run.label)}</h1>",
        f'<p class="muted">{_e(where)} &middot; responder <code>{_e(run.responder)}</code> &middot; gate '
        f"<code>{_e(run.gate_policy)}</code> &middot; k = {run.k} facts per turn &middot; {len(run.results)} "
        f"questions &middot; {_e(run.started_at)} &middot; {run.duration_s:.1f} s"
        + (f" &middot; warm-up turn (not scored) {run.warmup_ms:.0f} ms" if run.warmup_ms is not None else "")
        + "</p>",
        f"<ul>{notes}</ul>" if notes else "",
        _cards(s, run.k),
        "<h2>By question kind</h2>",
        bar_chart("Rates by question kind", [(k, _rates(v)) for k, v in kinds],
                  ("relevance", "faithfulness", "correctness", "recall_at_k", "refusal_accuracy")),
        _table(kinds, "kind"),
        "<h2>By persona</h2>",
        bar_chart("Rates by persona", [(k, _rates(v)) for k, v in personas],
                  ("relevance", "faithfulness", "correctness", "recall_at_k", "refusal_accuracy")),
        _table(personas, "persona"),
        "<h2>Claims</h2>", stacked_bar("Claims by label", dict(labels)),
        "<h2>Latency</h2>",
        histogram("Answer latency (ms)", totals, {"p50": s.latency_p50_ms, "p95": s.latency_p95_ms}),
        f"<h2>Answers that need a look ({len(problems)})</h2>",
        _result_rows(problems) if problems else '<p class="ok">none</p>',
        f"<details><summary>All {len(run.results)} answers</summary>",
        _result_rows([("", r) for r in run.results]), "</details>",
        '<h2>Definitions</h2><ul class="muted">',
        ("<li>faithfulness: mean checker score (supported claims / all claims; 1.0 for an answer with no factual "
        "claim); faithful: no contradicted and no unsupported claim.</li>"),
        ("<li>correct: the gold values (numbers after normalisation, names, titles, months) appear in the "
        "answer; would-watch answers must also take the stance the topic's lift implies.</li>"),
        ("<li>refusal accuracy: out-of-data questions answered with a refusal that makes no unsupported or "
        "contradicted claim; false refusals: questions with gold answered with a refusal.</li>"),
        (f"<li>R@1 / R@k / MRR: rank of the first gold fact among the facts retrieved for the turn (k = {run.k}, "
        "plus the other persona's facts for comparisons).</li>"),
        "<li>latency: the chat turn end to end (retrieve, respond, check).</li></ul>",
        "</body></html>\n",
    ])

"""An interview transcript: a conversation with a persona, each answer with its citations and faithfulness
verdict, as Markdown (to paste into a research document), self-contained HTML, or PDF printed from that HTML.

The answers are the chat's answer objects in their JSON form (chat.answer.Answer.to_json), so the CLI and the
app (which keeps them in the page's state) write the same transcript."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timezone
from html import escape
from pathlib import Path
from typing import Any

from personas.errors import InputError

SUFFIXES = (".md", ".html", ".pdf")


@dataclass(frozen=True)
class Transcript:
    persona_id: str
    persona_name: str
    group_label: str
    answers: list[dict[str, Any]]  # Answer.to_json() of each turn, in order
    saved_at: str = field(default_factory=lambda: datetime.now(timezone.utc).isoformat(timespec="seconds"))


def transcript_of(store: Any, persona_id: str, answers: list[dict[str, Any]]) -> Transcript:
    p = store.find_persona(persona_id)
    return Transcript(p.id, p.name, p.group_label, list(answers))


def check_transcript_path(out: Path) -> Path:
    """The transcript file's format comes from its name; checked before the conversation starts."""
    from .report import check_out

    suffix = Path(out).suffix.lower()
    if suffix not in SUFFIXES:
        raise InputError(f"--transcript {out}: the name must end in {', '.join(SUFFIXES)} (the format)")
    return check_out(Path(out), suffix[1:])  # type: ignore[return-value]


def verdict(a: dict[str, Any]) -> tuple[str, list[tuple[str, str]]]:
    """('FAITHFUL (score 1.00, 3 of 3 claims supported); gate: passed', [(label, claim) not supported])."""
    f = a.get("faithfulness")
    gate = a.get("gate") or {}
    gate_text = f"; gate: {gate['action']}" if gate.get("action") else ""
    if not f:
        return "not checked" + gate_text, []
    claims = f.get("claims") or []
    supported = sum(1 for c in claims if c.get("label") == "supported")
    head = "FAITHFUL" if f.get("faithful") else "NOT FAITHFUL"
    counted = f"{supported} of {len(claims)} claims supported" if claims else "no factual claims"
    bad = [(c.get("label", ""), c.get("text", "")) for c in claims if c.get("label") != "supported"]
    return f"{head} (score {f.get('score', 0):.2f}, {counted}){gate_text}", bad


def transcript_markdown(t: Transcript) -> str:
    lines = [f"# Interview with {t.persona_name} ({t.group_label})", "",
             f"Persona `{t.persona_id}`; saved {t.saved_at}; {len(t.answers)} question"
             f"{'s' if len(t.answers) != 1 else ''}. Every answer cites the facts of the persona's data it used "
             "and was checked for faithfulness against them.", ""]
    for i, a in enumerate(t.answers, start=1):
        head, bad = verdict(a)
        lines += [f"## {i}. {a.get('question', '')}", "", f"**{t.persona_name}:** {a.get('answer', '')}", ""]
        if a.get("citations"):
            lines.append("Sources:")
            lines += [f"- [{c['marker']}] {c['text']} (`{c['id']}`)" for c in a["citations"]]
            lines.append("")
        lines.append(f"Faithfulness: {head}")
        lines += [f"- {label}: {text}" for label, text in bad]
        note = (a.get("gate") or {}).get("note")
        if note:
            lines.append(f"- note: {note}")
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"


def transcript_html(t: Transcript) -> str:
    parts = [f"<h1>Interview with {escape(t.persona_name)} ({escape(t.group_label)})</h1>",
             f"<p class='muted'>Persona {escape(t.persona_id)}; saved {escape(t.saved_at)}; {len(t.answers)} "
             "questions. Every answer cites the facts it used and was checked for faithfulness against them.</p>"]
    for i, a in enumerate(t.answers, start=1):
        head, bad = verdict(a)
        parts.append(f"<h2>{i}. {escape(a.get('question', ''))}</h2><p><b>{escape(t.persona_name)}:</b> "
                     f"{escape(a.get('answer', ''))}</p>")
        if a.get("citations"):
            parts.append("<p>Sources:</p><ul>" + "".join(
                f"<li>[{c['marker']}] {escape(c['text'])} <code>{escape(c['id'])}</code></li>" for c in a["citations"])
                + "</ul>")
        cls = "ok" if head.startswith("FAITHFUL") else "bad"
        parts.append(f"<p class='{cls}'>Faithfulness: {escape(head)}</p>")
        if bad:
            parts.append("<ul>" + "".join(f"<li>{escape(lb)}: {escape(tx)}</li>" for lb, tx in bad) + "</ul>")
    css = ("body{font-family:'DejaVu Sans',Arial,sans-serif;max-width:820px;margin:24px auto;color:#1d2733;"
           "font-size:13px}h2{font-size:15px;margin-top:22px}.muted{color:#5b6876}.ok{color:#1d6b35}"
           ".bad{color:#a32020}code{font-size:11px;color:#5b6876}")
    return (f"<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'><title>Interview with "
            f"{escape(t.persona_name)}</title><style>{css}</style></head><body>{''.join(parts)}</body></html>\n")


def transcript_bytes(t: Transcript, suffix: str) -> bytes:
    if suffix == ".md":
        return transcript_markdown(t).encode("utf-8")
    if suffix == ".html":
        return transcript_html(t).encode("utf-8")
    if suffix == ".pdf":
        from .report import html_to_pdf

        return html_to_pdf(transcript_html(t))
    raise InputError(f"transcript format must be one of {', '.join(SUFFIXES)}, not {suffix!r}")


def write_transcript(out: Path, t: Transcript) -> None:
    from .report import write_atomic

    write_atomic(Path(out), transcript_bytes(t, Path(out).suffix.lower()))

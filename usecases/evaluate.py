"""Evaluate the chat on a persona set and write the report (`personas eval run`, the Evaluate tab)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from .chat import open_chat
from .progress import Progress
from .settings import Settings

if TYPE_CHECKING:
    from eval.questions import Question
    from eval.report import ReportPaths
    from eval.runner import EvalRun
    from retrieval.store import ChromaSetStore


def evaluate(
    settings: Settings, store: ChromaSetStore, *, set_name: str | None = None, version: int | None = None,
    responder: str | None = None, questions: Sequence[Question] | None = None, limit: int | None = None,
    progress: Progress | None = None, label: str | None = None, seed: int = 0, out: Path | None = None,
    responder_in_folder: bool = False,
) -> tuple[EvalRun, ReportPaths]:
    """Ask the questions (default: the set's generated ones), score every answer, write the report to ``out``
    (default: HOME/eval/<label>-<timestamp>, or <label>-<responder>-<timestamp> with ``responder_in_folder``)."""
    from eval.report import default_folder, write_report
    from eval.runner import run_evaluation

    run = run_evaluation(open_chat(settings, store), store, set_name=set_name, responder=responder,
                         questions=questions, limit=limit, progress=progress, label=label, seed=seed, version=version)
    folder = out or default_folder(settings.home, f"{run.label}-{run.responder}" if responder_in_folder else run.label)
    return run, write_report(run, folder)

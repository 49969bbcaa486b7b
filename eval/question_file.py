"""Question files that users write: JSONL or YAML, one question per record, checked line by line.

Errors name the file and line, because a question file is written by hand and read by the runner long after.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from personas.errors import InputError, NotFoundError

from .questions import Question, with_ids


class QuestionFileError(InputError):
    """A question file that cannot be read as given (the message names the line)."""


class UnknownPersonaError(InputError):
    """A question file names personas that the store does not hold."""


_FIELDS = {"id", "persona_id", "question", "gold_answer", "ground_truth", "gold_fact_ids", "kind", "follow_up",
           "expect_refusal"}
_EXAMPLE = '{"persona_id": "demo-v1-01", "question": "How old are you?", "gold_answer": "19"}'


_FACT_ID = re.compile(r"^[^\s:]+:[a-z_]+:[^\s:]+$")  # persona id : fact type : key


def load_question_file(path: Path) -> list[Question]:
    """Questions from a JSONL file (one object a line) or a YAML file (a list of mappings, or a mapping with a
    ``questions`` list). Fields: persona_id, question (required); gold_answer (or ground_truth), gold_fact_ids,
    kind, follow_up, expect_refusal, id (optional)."""
    path = Path(path)
    if not path.is_file():
        raise QuestionFileError(f"question file {path} does not exist")
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise QuestionFileError(f"{path.name} is not UTF-8 text; save it as UTF-8") from None
    suffix = path.suffix.lower()
    if suffix in (".jsonl", ".ndjson", ".json"):
        rows = _jsonl_rows(path.name, text)
    elif suffix in (".yaml", ".yml"):
        rows = _yaml_rows(path.name, text)
    else:
        raise QuestionFileError(f"{path.name}: use a .jsonl or .yaml question file (one question per record)")
    if not rows:
        raise QuestionFileError(f"{path.name} holds no questions; write one per line, e.g. {_EXAMPLE}")
    questions = [_question(path.name, line, row) for line, row in rows]
    if questions[0].follow_up:
        raise QuestionFileError(f"{path.name}: line {rows[0][0]}: the first question cannot be a follow-up")
    for (line, _), q, prev in zip(rows[1:], questions[1:], questions[:-1]):
        if q.follow_up and q.persona_id != prev.persona_id:
            raise QuestionFileError(f"{path.name}: line {line}: a follow-up must ask the same persona as the "
                                    f"question before it ({prev.persona_id})")
    return with_ids(questions)


def _jsonl_rows(name: str, text: str) -> list[tuple[int, Any]]:
    rows = []
    for n, line in enumerate(text.splitlines(), start=1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        try:
            rows.append((n, json.loads(line)))
        except json.JSONDecodeError as exc:
            raise QuestionFileError(f"{name}: line {n}: not valid JSON ({exc.msg}); write one object per line, "
                                    f"e.g. {_EXAMPLE}") from None
    return rows


def _yaml_rows(name: str, text: str) -> list[tuple[int, Any]]:
    import yaml

    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)  # nodes keep their line numbers
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}: " if mark is not None else ""
        problem = getattr(exc, "problem", None) or "not valid YAML"
        raise QuestionFileError(f"{name}: {where}{problem}; write a list of mappings with persona_id and "
                                "question") from None
    if root is None:
        return []
    if isinstance(data, dict) and isinstance(data.get("questions"), list):
        node = next(v for k, v in root.value if k.value == "questions")
        data = data["questions"]
    elif isinstance(data, list):
        node = root
    else:
        raise QuestionFileError(f"{name}: line {root.start_mark.line + 1}: expected a list of questions (or a "
                                "mapping with a 'questions' list)")
    return [(item.start_mark.line + 1, row) for item, row in zip(node.value, data)]


def _question(name: str, line: int, row: Any) -> Question:
    where = f"{name}: line {line}"
    if not isinstance(row, dict):
        raise QuestionFileError(f"{where}: expected an object with persona_id and question, e.g. {_EXAMPLE}")
    unknown = sorted(set(row) - _FIELDS)
    if unknown:
        raise QuestionFileError(f"{where}: unknown field {', '.join(map(repr, unknown))}; allowed: "
                                f"{', '.join(sorted(_FIELDS))}")
    for key in ("persona_id", "question"):
        if not isinstance(row.get(key), str) or not row[key].strip():
            raise QuestionFileError(f"{where}: '{key}' is missing or empty; every question needs persona_id and "
                                    "question")
    gold_answer = row.get("gold_answer", row.get("ground_truth"))
    if gold_answer is not None and not isinstance(gold_answer, (str, int, float)):
        raise QuestionFileError(f"{where}: 'gold_answer' must be text")
    ids = row.get("gold_fact_ids", [])
    if isinstance(ids, str):
        ids = [ids]
    if not isinstance(ids, list) or not all(isinstance(i, str) and i.strip() for i in ids):
        raise QuestionFileError(f"{where}: 'gold_fact_ids' must be a list of fact ids (see `personas retrieve "
                                "--json`)")
    bad = [i for i in ids if not _FACT_ID.match(i.strip())]
    if bad:
        raise QuestionFileError(f"{where}: {bad[0]!r} is not a fact id; fact ids look like "
                                "'demo-v1-03:audience:size' (see `personas retrieve PERSONA_ID QUESTION --json`)")
    for key in ("follow_up", "expect_refusal"):
        if key in row and not isinstance(row[key], bool):
            raise QuestionFileError(f"{where}: '{key}' must be true or false")
    kind = row.get("kind", "user")
    if not isinstance(kind, str) or not kind.strip():
        raise QuestionFileError(f"{where}: 'kind' must be text")
    qid = row.get("id")
    return Question(
        id=str(qid) if qid is not None else f"line{line}",
        persona_id=row["persona_id"].strip(),
        question=row["question"].strip(),
        kind=kind.strip(),
        gold_fact_ids=tuple(i.strip() for i in ids),
        gold_answer=None if gold_answer is None else str(gold_answer),
        expect_refusal=bool(row.get("expect_refusal", False)),
        follow_up=bool(row.get("follow_up", False)),
        source="user",
    )


def check_personas(questions: Sequence[Question], store: Any) -> None:
    """Every persona id must be in the store; all unknown ids are listed at once, so one fix does it."""
    unknown = []
    for pid in dict.fromkeys(q.persona_id for q in questions):
        try:
            store.find_persona(pid)
        except NotFoundError:
            unknown.append(pid)
    if unknown:
        shown = ", ".join(unknown[:10]) + (f" and {len(unknown) - 10} more" if len(unknown) > 10 else "")
        raise UnknownPersonaError(f"the question file names unknown persona id{'s' if len(unknown) > 1 else ''} "
                                  f"{shown}; see `personas list` (or `personas list --sets`) for the ids")

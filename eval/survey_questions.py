"""Generated questions for survey personas: their positions, where they differ most and what they are most
united on, with gold facts (the position facts) and gold values (the shares a correct answer states) read
from the persona's own facts (retrieval/survey_documents.py), as eval/questions.py does for analytics facts.
"""

from __future__ import annotations

import json
import random
from collections.abc import Callable, Sequence
from typing import Any

from personas.profile import Persona
from retrieval.documents import FactDoc, persona_documents

SURVEY_KINDS = ("opinion", "distinctive", "strongest")
OPINIONS_PER_PERSONA = 3  # the items a persona is asked about: its most distinctive first, then one at random

_OPINION_WORDINGS = (
    "What does your group think about {s}?",
    "How do you feel about {s}?",
    "Where do you stand on {s}?",
)


def _values(doc: FactDoc) -> dict[str, Any]:
    return json.loads(str(doc.metadata.get("values_json", "{}")))


def _subject(statement: str) -> str:
    """'Spending on welfare' -> 'spending on welfare'; a statement keeps its capitals after the first word."""
    return statement[:1].lower() + statement[1:] if statement[1:2].islower() else statement


def survey_questions(persona: Persona, ask: Callable[..., None], gold: Callable[..., Any], seed: int = 0) -> None:
    """Calls ``ask(kind, wordings, facts, gold_values)`` for each survey question of ``persona``."""
    if persona.survey is None:
        return
    rng = random.Random(f"{seed}:{persona.id}:survey")
    docs = persona_documents(persona)
    positions = sorted((d for d in docs if d.fact_type == "position"), key=lambda d: int(_values(d)["rank"]))
    if not positions:
        return
    chosen: list[FactDoc] = positions[:OPINIONS_PER_PERSONA - 1]
    rest = positions[len(chosen):]
    if rest:
        chosen.append(rest[rng.randrange(len(rest))])
    for doc in chosen:
        v = _values(doc)
        ask("opinion", [w.format(s=_subject(str(v["statement"]))) for w in _OPINION_WORDINGS], [doc],
            [gold(float(v["top_share"]), "share"), gold(float(v["top_sample_share"]), "share")])
    first = _values(positions[0])
    ask("distinctive", ("Where do you differ from everyone else?", "What sets your group's answers apart?"),
        positions[:1], [gold(float(first["over_share"]), "share")])
    united = max(positions, key=lambda d: float(_values(d)["top_share"]))
    ask("strongest", ("What do you feel most strongly about?", "What is your group most united on?"), [united],
        [gold(float(_values(united)["top_share"]), "share")])


def survey_quote_golds(persona: Persona) -> Sequence[str]:
    return list(persona.survey.quotes) if persona.survey is not None else []

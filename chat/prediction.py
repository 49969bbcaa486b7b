"""The predicted interest of a persona in a new title, as a fact of the turn ("would you watch a new video
about budget travel in Japan?").

The prediction (personas/predict.py) is computed for the question when it is asked, from the persona set's
topic shares and lifts and the title's similarity to each persona's content. Its figures enter the turn as one
more context fact, so the grounded answer cites them and the faithfulness gate reads the same sentence.
"""

from __future__ import annotations

import json
import re
from typing import Any

from personas.errors import InputError
from personas.predict import Prediction, interest_of
from personas.profile import Persona
from retrieval.documents import FactDoc
from retrieval.retriever import RetrievedFact

from .intents import Intent, plain, title_named, topic_named

FACT_TYPE = "prediction"
# What a question calls the new item: "a (new) video about X", "a film called X", "a show on X"
_ABOUT = re.compile(r"\b(?:about|called|titled|named|covering|featuring)\s+(.+?)\s*[?.!]*$", re.IGNORECASE)
_ON = re.compile(r"\b(?:on|like)\s+(.+?)\s*[?.!]*$", re.IGNORECASE)  # weaker: "click on" is no subject
_LEAD = re.compile(r"^(?:a|an|the|some|new|more)\s+", re.IGNORECASE)


def item_title(question: str, intent: Intent) -> str:
    """The new item the question asks about: its quoted title, else what follows "about", "called", ...,
    else the question itself (its words still carry the topic and the similarity)."""
    if intent.quoted:
        return intent.quoted
    m = _ABOUT.search(question) or _ON.search(question)
    text = m.group(1) if m else question
    # "... about space documentaries, would it appeal to you?": the item ends where the question goes on
    text = re.split(r",|\s+-\s+|\s+(?:would|will|could|do|does|is|are)\s+(?:it|you|that|they)\b", text, maxsplit=1)[0]
    while _LEAD.match(text):
        text = _LEAD.sub("", text, count=1)
    return text.strip(" ?.!\"'") or question.strip()


def relative_words(p: Prediction) -> str:
    """'1.42 times the average persona's': the figure the fact and the answer both state."""
    return f"{p.relative:.2f} times the average persona's"


def interest_words(p: Prediction) -> str:
    return f"{p.interest:.1%} of the whole set's predicted interest"


def fact_text(persona: Persona, title: str, p: Prediction, item: str) -> str:
    return (f"Predicted interest of {persona.name} in a new {item} \"{title}\": {relative_words(p)}, "
            f"{interest_words(p)}; why: {p.why}.")


def prediction_fact(store: Any, persona: Persona, question: str, intent: Intent, item: str = "video"
                    ) -> RetrievedFact | None:
    """The persona's predicted interest in the new item the question names, as a fact; None when the question
    names one of the persona's own topics or titles (their figures answer it) or nothing can be predicted."""
    q = plain(question)
    if any(topic_named(t.topic, q) for t in persona.stats.topics) or any(
            title_named(c.title, question) for c in persona.stats.top_content):
        return None
    title = item_title(question, intent)
    try:
        pset = store.load(persona.set_name, persona.set_version)
        p = interest_of(pset, persona.id, title, embed=store.embed)
    except InputError:
        return None
    values = {"title": title, "relative": p.relative, "interest": p.interest, "why": p.why,
              "relative_words": relative_words(p), "interest_words": interest_words(p)}
    meta = {"fact_type": FACT_TYPE, "persona_id": persona.id, "values_json": json.dumps(values)}
    doc = FactDoc(f"{persona.id}:prediction", fact_text(persona, title, p, item), FACT_TYPE, meta)
    return RetrievedFact(doc, persona.id, 1.0, 1.0, 0.0)

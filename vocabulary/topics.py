"""Everyday words for the policy areas questionnaires ask about, next to the words their statements use.

People ask "should we raise pensions?" of an item worded "Social Security", or "the NHS" of one worded
"health"; a sentence embedding alone ranks such pairs below a near neighbour ("welfare"). Each row gives an
area's statement words first and the everyday words that name it; matching a question to an item reads a
question word as its area's statement words too (retrieval/survey_items.py). Areas only, no survey's codes.
"""

from __future__ import annotations

POLICY_AREAS: tuple[tuple[tuple[str, ...], tuple[str, ...]], ...] = (
    (("social security",), ("pension", "pensions", "pensioner", "pensioners", "retirement", "retiree", "retirees")),
    (("health",), ("healthcare", "nhs", "hospital", "hospitals", "doctors", "medical", "medicine", "medicare")),
    (("education",), ("schools", "school", "teachers", "universities", "classrooms", "pupils")),
    (("military", "defense", "defence"), ("army", "armed forces", "troops", "navy", "soldiers", "weapons")),
    (("welfare",), ("benefits", "handouts", "food stamps", "unemployment benefit")),
    (("immigrants",), ("migrants", "migration", "immigration", "refugees", "asylum")),
    (("environment",), ("pollution", "climate", "green", "nature")),
    (("crime",), ("police", "policing", "cops", "criminals", "law and order")),
    (("foreign aid",), ("overseas aid", "aid abroad", "poor countries", "developing countries")),
    (("space exploration",), ("nasa", "space program", "rockets", "astronauts")),
    (("highways", "bridges"), ("roads", "infrastructure", "motorways")),
    (("mass transportation",), ("public transport", "buses", "trains", "transit", "subway")),
    (("child care",), ("daycare", "day care", "nursery", "nurseries", "childcare")),
    (("drug addiction",), ("addicts", "opioids", "narcotics", "rehab")),
    (("left-right",), ("politically", "political views", "liberal", "conservative")),
)


def area_words(text: str) -> list[str]:
    """The statement words of every area ``text`` names in everyday words (whole words, lower case)."""
    import re

    low = f" {re.sub(r'[^a-z0-9 ]+', ' ', text.lower())} "
    return [w for names, everyday in POLICY_AREAS if any(f" {e} " in low for e in everyday) for w in names]

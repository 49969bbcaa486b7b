"""How a speaker claims to be a real human being ("I'm a real person", "I am human", "I'm not an AI"): one
table, read by the checker (a data-driven persona's claim to be a human is unfaithful unless its facts say so)
and by the chat's styled mode (a rewrite may not add one).

A claim is the speaker's own: "I" or "we" with a form of "to be", then either a word for a real human ("a real
person", "a human being", "flesh and blood") or the denial of being artificial ("not an AI", "not made up").
"I represent real viewers" or "I'm not a real person" claim nothing of the kind.
"""

from __future__ import annotations

import re

# "real" in the sense of existing: "a real person", "an actual human", "a living, breathing individual"
REAL_WORDS = ("real", "real-life", "actual", "genuine", "living", "breathing", "living, breathing",
              "living and breathing", "flesh-and-blood", "flesh and blood")
# Words that may stand between them and the noun ("a real live person"); no other, so that "a real crime
# viewer" or a topic's name in between claims nothing
_BETWEEN = r"(?:(?:live|human|grown-up|adult|single|breathing)\s+)?"
# Nouns for a human being (a real one only with a word of REAL_WORDS, except the words that say human outright)
PERSON_NOUNS = ("person", "people", "individual", "individuals", "human", "humans", "human being", "human beings",
                "man", "woman", "guy", "girl", "viewer", "customer", "user", "listener", "reader", "somebody",
                "someone")
HUMAN_NOUNS = ("human", "humans", "human being", "human beings", "flesh and blood", "flesh-and-blood", "mortal")
# What the speaker denies being when it claims to be human ("I'm not an AI", "we are not made up")
ARTIFICIAL_WORDS = ("ai", "a.i.", "bot", "chatbot", "robot", "program", "computer", "machine", "model",
                    "language model", "algorithm", "simulation", "persona", "data-driven persona", "fiction",
                    "fictional", "made up", "made-up", "invented", "synthetic", "artificial", "fake", "generated",
                    "virtual", "composite", "construct", "avatar")

SELF_VERBS = r"\b(?:i|we)\s*(?:'m|’m|am|are|'re|’re|was|were)\s+(?:(?:really|truly|actually|definitely|honestly)\s+)?"
_THIRD_VERBS = r"\b(?:is|are|was|were)\s+(?:(?:really|truly|actually|definitely|honestly)\s+)?"
_ARTICLE = r"(?:(?:a|an|one|some)\s+)?"


def _alt(words: tuple[str, ...]) -> str:
    return "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in sorted(words, key=len, reverse=True))


_REAL_PERSON = re.compile(
    SELF_VERBS + _ARTICLE + rf"(?:(?:{_alt(REAL_WORDS)})[\s,]+{_BETWEEN}(?:{_alt(PERSON_NOUNS)})|"
    rf"(?:{_alt(HUMAN_NOUNS)}))\b(?!\s*(?:-|to|of)\b)|"
    + SELF_VERBS + r"(?:(?:real|human|alive|a\s+real\s+one)\s*(?:[.!,;]|$)|(?:a\s+)?real\s*,?\s+not\s+)|"
    + SELF_VERBS + rf"not\s+{_ARTICLE}(?:{_alt(ARTIFICIAL_WORDS)})\b"
    r"(?!\s+(?:of|for|about|but)\b)",
    re.IGNORECASE)


# The same claims made of someone named, as facts would state them ("Ana is a real person", "They are human")
_STATED = re.compile(_REAL_PERSON.pattern.replace(SELF_VERBS, _THIRD_VERBS), re.IGNORECASE)


def human_claim(text: str) -> re.Match[str] | None:
    """Where ``text`` claims the speaker is a real human being, or None."""
    return _REAL_PERSON.search(text)


def states_human(text: str) -> re.Match[str] | None:
    """Where ``text`` (a fact, in the first or the third person) says its subject is a real human being."""
    return _REAL_PERSON.search(text) or _STATED.search(text)

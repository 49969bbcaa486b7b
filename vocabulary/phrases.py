"""How a persona says its data does not cover something: shared by the chat's answers and the checker."""

from __future__ import annotations

# Verbs of "my data doesn't <verb> that": a sentence built on one names things only to say they are missing.
REFUSAL_VERBS = ("tell", "say", "show", "know", "include", "contain", "cover", "have", "record", "mention")
# Fixed phrases of a refusal.
REFUSAL_PHRASES = ("isn't in my data", "is not in my data", "isn't part of my data", "is not part of my data",
                   "my data doesn't", "my data does not")

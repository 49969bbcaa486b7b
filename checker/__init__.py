"""The faithfulness checker: is every claim of an answer backed by the contexts it was given?

A leaf package: it reads any contexts (sentences, "key: value" lines, lists, markdown tables, paragraphs)
and knows nothing of who wrote them. It imports nothing of this project but the shared word tables
(``vocabulary``); the sentence-embedding model, when used, is passed in or loaded by ``checker.embedding``.
"""

from .faithfulness import Claim, Evidence, FaithfulnessResult, check, deterministic_check, result_of

__all__ = ["Claim", "Evidence", "FaithfulnessResult", "check", "deterministic_check", "result_of"]

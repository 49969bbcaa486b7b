"""The faithfulness checker lives in the ``checker`` package; this name stays for callers of
``eval.faithfulness:check`` (external scorers, older scripts)."""

from checker import Claim, Evidence, FaithfulnessResult, check, deterministic_check, result_of

__all__ = ["Claim", "Evidence", "FaithfulnessResult", "check", "deterministic_check", "result_of"]

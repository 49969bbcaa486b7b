"""Who writes an answer: the grounded composer or an LLM backend, behind one small interface."""

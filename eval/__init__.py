"""Evaluation above the chat: question sets, the runner, metrics and reports (the checker is ``checker``)."""

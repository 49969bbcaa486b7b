"""Evaluation: the faithfulness checker (depends only on its inputs), question sets, the runner, reports."""

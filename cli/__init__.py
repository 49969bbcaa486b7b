"""The `personas` command: one module per command group, composing the use cases (usecases/) and presenting
their results. Nothing below imports it."""

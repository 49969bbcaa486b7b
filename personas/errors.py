"""Expected failures, each with a one-line message that says what is wrong and what to do."""

from __future__ import annotations


class PersonaError(Exception):
    """An expected failure; the CLI prints its message on one line and exits with status 2."""


class InputError(PersonaError):
    """The input data or options cannot be used as given."""


class NotFoundError(PersonaError):
    """A persona set or persona that was asked for does not exist."""

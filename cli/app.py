"""`personas app [options]`: start the web app (the same as `personas-app`; the options are webapp/main.py's)."""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from typing import Any

HELP = "start the web app: browse, chat with, search, generate and evaluate personas (see `personas app --help`)"


def add_parsers(sub: Any) -> None:
    sub.add_parser("app", help=HELP, add_help=False)


def split_app_args(argv: Sequence[str]) -> tuple[list[str], list[str]] | None:
    """``personas [--home H] app ARGS...`` -> (the main options and 'app', ARGS): everything after `app` is the
    app's own command line. None when the command is not `app`."""
    argv = list(argv)
    i = 0
    while i < len(argv) and argv[i].startswith("-"):
        i += 2 if argv[i] == "--home" else 1
    if i < len(argv) and argv[i] == "app":
        return argv[: i + 1], argv[i + 1:]
    return None


def run_app(args: argparse.Namespace, app_args: list[str]) -> int:
    """Runs before any settings are built: the app builds its own, with its flags over the environment."""
    from webapp.main import main

    home = ["--home", str(args.home)] if args.home and "--home" not in app_args else []
    return main([*home, *app_args], prog="personas app")

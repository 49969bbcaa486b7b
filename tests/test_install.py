"""The installed package, not the checkout: build the wheel, install it (non-editable) into a fresh virtual
environment outside the checkout, and run `personas generate --demo` and `personas app` from there.

The fresh environment installs the wheel alone (--no-deps, from the local file); its dependencies come from
the environment running the tests, added as a path (not as a site folder, so that an editable install of the
project there stays invisible), so nothing is downloaded."""

from __future__ import annotations

import os
import subprocess
import sys
import sysconfig
import time
from pathlib import Path

import httpx
import pytest
from app_fixtures import free_port
from conftest import HASH_EMBEDDINGS

pytestmark = [pytest.mark.slow, pytest.mark.install]
ROOT = Path(__file__).resolve().parents[1]


def _run(cmd: list[str], cwd: Path, env: dict[str, str], timeout: float = 600) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout, check=False)
    assert done.returncode == 0, f"{' '.join(cmd)} failed:\n{done.stdout}\n{done.stderr}"
    return done


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, str], Path]:
    """(the fresh environment's bin folder, an environment for its commands, a working folder outside ROOT)."""
    work = tmp_path_factory.mktemp("install")
    assert not work.resolve().is_relative_to(ROOT)
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    wheels = work / "wheels"
    _run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q", "-w", str(wheels),
          str(ROOT)], work, env)
    wheel = next(wheels.glob("data_personas-*.whl"))
    venv = work / "venv"
    _run([sys.executable, "-m", "venv", str(venv)], work, env)
    python = venv / "bin" / "python"
    purelib = Path(_run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"], work,
                        env).stdout.strip())
    (purelib / "_test_dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n", encoding="utf-8")
    _run([str(python), "-m", "pip", "install", "-q", "--no-deps", "--no-index", str(wheel)], work, env)
    env.update(PERSONAS_HOME=str(work / "home"), PERSONAS_EMBEDDING_MODEL=HASH_EMBEDDINGS)
    return venv / "bin", env, work


def test_the_installed_package_is_the_wheel_not_the_checkout(installed: tuple[Path, dict[str, str], Path]) -> None:
    bin_dir, env, work = installed
    out = _run([str(bin_dir / "python"), "-c", "import cli, personas, usecases, webapp; "
                "print(personas.__file__); print(webapp.__file__)"], work, env).stdout.split()
    assert all(Path(p).is_relative_to(bin_dir.parent) for p in out), out


def test_the_installed_command_generates_the_demo_set(installed: tuple[Path, dict[str, str], Path]) -> None:
    bin_dir, env, work = installed
    done = _run([str(bin_dir / "personas"), "generate", "--demo", "--no-progress"], work, env)
    assert "demo@v1 is now active" in done.stdout
    listed = _run([str(bin_dir / "personas"), "list"], work, env)
    assert "demo-v1-01" in listed.stdout


def test_the_installed_app_serves_on_loopback(installed: tuple[Path, dict[str, str], Path]) -> None:
    bin_dir, env, work = installed
    port = free_port()
    proc = subprocess.Popen([str(bin_dir / "personas"), "app", "--host", "127.0.0.1", "--port", str(port)], cwd=work,
                            env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        end = time.monotonic() + 240
        while True:
            assert proc.poll() is None, f"the app exited with {proc.returncode}: {proc.communicate()[1]}"
            try:
                page = httpx.get(f"http://127.0.0.1:{port}/", timeout=2)
                break
            except httpx.HTTPError:
                assert time.monotonic() < end, "the installed app did not serve within 240 s"
                time.sleep(0.5)
        assert page.status_code == 200 and "Data-driven personas" in page.text
    finally:
        proc.terminate()
        proc.wait(timeout=30)
    assert proc.returncode is not None

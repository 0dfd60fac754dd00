"""Start the page on loopback behind one of its servers: waitress (`python -m
webapp.server`), nginx or Caddy with the configs `webapp.deploy` generates. For the tests
and `python -m bench.load`, which compare them on the same machine; unprivileged, each
process's log in a file (an unread pipe fills up and then blocks a server mid-request).
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from webapp import deploy

ROOT = Path(__file__).resolve().parents[1]
SERVERS = ("waitress", "nginx", "caddy")
INSTALL_HINT = "install Debian's {0} (`make servers`, which `make test` runs): apt-get install {0}"


class ServerError(RuntimeError):
    """A server is not installed, or did not start."""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_until_listening(process: subprocess.Popen, port: int, log: Path) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise ServerError(f"server exited: {log.read_text()}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.1)
    process.kill()
    raise ServerError(f"server did not start in 30 s: {log.read_text()}")


def _executable(name: str) -> str:
    found = shutil.which(name) or shutil.which(name, path="/usr/sbin:/usr/bin")
    if not found:
        raise ServerError(INSTALL_HINT.format(name))
    return found


def start(
    server: str, static_dir: Path, port: int, workdir: Path | None = None
) -> subprocess.Popen:
    """Serve `static_dir` on 127.0.0.1:`port`; returns once it answers. nginx and Caddy
    get their config, pid and logs in `workdir` (a new temporary folder if None)."""
    workdir = Path(workdir or tempfile.mkdtemp(prefix=f"{server}-"))
    workdir.mkdir(parents=True, exist_ok=True)
    log = workdir / f"{server}.log"
    if server == "waitress":
        command = [
            sys.executable, "-m", "webapp.server", "--host", "127.0.0.1", "--port", str(port),
            "--static-dir", str(static_dir),
        ]  # fmt: skip
    elif server == "nginx":
        config = workdir / "nginx.conf"
        block = deploy.nginx_server(static_dir, f"127.0.0.1:{port}")
        config.write_text(deploy.nginx_standalone(block, workdir))
        # Started as root, nginx drops its workers to `nobody`, who may not read a private
        # folder (pytest's tmp_path): the workers then stay the user who started it.
        same_user = " user root;" if os.geteuid() == 0 else ""
        command = [_executable("nginx"), "-c", str(config), "-e", str(workdir / "error.log"),
                   "-g", f"daemon off;{same_user}"]  # fmt: skip
    elif server == "caddy":
        config = workdir / "Caddyfile"
        config.write_text(deploy.caddyfile(static_dir, f"http://127.0.0.1:{port}", standalone=True))
        command = [_executable("caddy"), "run", "--config", str(config), "--adapter", "caddyfile"]
    else:
        raise ValueError(f"unknown server {server!r}: one of {', '.join(SERVERS)}")
    with log.open("wb") as out:
        # Caddy keeps its state under $HOME: a private one, so nothing outside workdir.
        env = (
            {"PATH": "/usr/bin:/bin:/usr/sbin", "HOME": str(workdir)} if server == "caddy" else None
        )
        process = subprocess.Popen(command, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT, env=env)
    _wait_until_listening(process, port, log)
    return process


def stop(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(10)

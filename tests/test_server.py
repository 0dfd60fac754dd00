"""The asset server, tested against the running processes on loopback: the Flask app under
waitress, and nginx and Caddy with the configs `python -m webapp.deploy` generates from
the same policy. Every HTTP check runs against all three."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT, STATIC, free_port, raw_request, start_server
from webapp import hosts

MODEL_JSON = "/models/default/model.json"


def shard_path() -> str:
    shard = next((STATIC / "models/default").glob("*.bin"))
    return f"/models/default/{shard.name}"


def hashed_asset() -> str:
    return "/assets/" + next((STATIC / "assets").glob("main-*.js")).name


@pytest.mark.parametrize("method", ["POST", "PUT", "DELETE", "PATCH", "OPTIONS"])
@pytest.mark.parametrize("path", ["/", "/index.html", MODEL_JSON, "/no/such/file"])
def test_only_get_and_head(hosted_url: str, method: str, path: str) -> None:
    assert raw_request(hosted_url, method, path).status == 405


def test_get_and_head_serve_files(hosted_url: str) -> None:
    get = raw_request(hosted_url, "GET", "/")
    head = raw_request(hosted_url, "HEAD", "/")
    assert get.status == head.status == 200
    assert b'<div id="root">' in get.body and head.body == b""


def test_a_body_is_refused(hosted_url: str) -> None:
    response = raw_request(
        hosted_url, "GET", "/", body=b"x" * 10, headers={"Content-Type": "image/png"}
    )
    assert response.status == 400


@pytest.mark.parametrize(
    "path",
    [
        "/../README.md",
        "/models/../../server.py",
        "/%2e%2e/README.md",
        "/models/%2e%2e/%2e%2e/server.py",
        "/%2E%2E%2FREADME.md",
        "//etc/passwd",
        "/..%2fREADME.md",
        "/models/",
        "/assets",
    ],
)
def test_nothing_outside_static_and_no_listings(hosted_url: str, path: str) -> None:
    response = raw_request(hosted_url, "GET", path)
    # nginx answers 400 to a path that climbs above the root, before any config applies.
    assert response.status in (400, 404), path
    assert b"root:" not in response.body and b"create_app" not in response.body


# Caddy follows links (it has no switch for it): docs/deploy.md says to deploy a plain copy.
@pytest.mark.parametrize("server", ["waitress", "nginx"])
def test_symlink_out_of_static_is_not_followed(tmp_path: Path, server: str) -> None:
    static = tmp_path / "static"
    (static / "models/default").mkdir(parents=True)
    (static / "index.html").write_text("<html></html>")
    (static / "models/default/model.json").write_text("{}")
    secret = tmp_path / "secret.txt"
    secret.write_text("secret")
    (static / "leak.txt").symlink_to(secret)
    port = free_port()
    process = start_server(static, port, server)
    try:
        assert raw_request(f"http://127.0.0.1:{port}", "GET", "/leak.txt").status in (403, 404)
        assert raw_request(f"http://127.0.0.1:{port}", "GET", "/index.html").status == 200
    finally:
        hosts.stop(process)


def test_privacy_and_isolation_headers(hosted_url: str) -> None:
    headers = raw_request(hosted_url, "GET", "/").headers
    csp = headers["content-security-policy"]
    assert "connect-src 'self'" in csp and "default-src 'self'" in csp
    script_src = next(d for d in csp.split(";") if d.strip().startswith("script-src"))
    assert "unsafe-inline" not in script_src and "unsafe-eval'" not in script_src.replace(
        "wasm-unsafe-eval'", ""
    )
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["referrer-policy"] == "no-referrer"
    assert headers["cross-origin-opener-policy"] == "same-origin"
    assert headers["cross-origin-embedder-policy"] == "require-corp"


@pytest.mark.parametrize("path", [MODEL_JSON, "/wasm/tfjs-backend-wasm-simd.wasm"])
def test_embeddable_files_are_readable_cross_origin(hosted_url: str, path: str) -> None:
    headers = raw_request(hosted_url, "GET", path).headers
    assert headers["cross-origin-resource-policy"] == "cross-origin"
    assert headers["access-control-allow-origin"] == "*"


def test_page_can_be_framed_but_is_not_cors_readable(hosted_url: str) -> None:
    headers = raw_request(hosted_url, "GET", "/").headers
    assert "access-control-allow-origin" not in headers
    assert headers["cross-origin-resource-policy"] == "cross-origin"
    assert "frame-ancestors *" in headers["content-security-policy"]


@pytest.mark.parametrize(
    "path,mime",
    [
        ("/wasm/tfjs-backend-wasm.wasm", "application/wasm"),
        (MODEL_JSON, "application/json"),
        ("/models/index.json", "application/json"),
        ("/", "text/html"),
    ],
)
def test_mime_types(hosted_url: str, path: str, mime: str) -> None:
    assert raw_request(hosted_url, "GET", path).headers["content-type"].startswith(mime)


def test_mime_types_of_build_assets(hosted_url: str) -> None:
    assert raw_request(hosted_url, "GET", shard_path()).headers["content-type"] == (
        "application/octet-stream"
    )
    assert (
        raw_request(hosted_url, "GET", hashed_asset())
        .headers["content-type"]
        .startswith("text/javascript")
    )


def test_caching(hosted_url: str) -> None:
    immutable = raw_request(hosted_url, "GET", hashed_asset()).headers["cache-control"]
    assert immutable == "public, max-age=31536000, immutable"
    for path in ("/", "/index.html", MODEL_JSON):
        assert raw_request(hosted_url, "GET", path).headers["cache-control"] == "no-cache"


@pytest.mark.parametrize("path", ["/", MODEL_JSON])
def test_conditional_get(hosted_url: str, path: str) -> None:
    first = raw_request(hosted_url, "GET", path)
    etag = first.headers["etag"]
    again = raw_request(hosted_url, "GET", path, headers={"If-None-Match": etag})
    assert again.status == 304 and again.body == b""
    changed = raw_request(hosted_url, "GET", path, headers={"If-None-Match": '"other"'})
    assert changed.status == 200


def test_missing_build_says_what_to_run(tmp_path: Path) -> None:
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "webapp.server",
            "--static-dir",
            str(tmp_path),
            "--port",
            str(free_port()),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    assert result.returncode == 3
    assert "run the build first: make build" in result.stderr
    assert "index.html" in result.stderr


def test_missing_default_model_is_named(tmp_path: Path) -> None:
    (tmp_path / "index.html").write_text("<html></html>")
    result = subprocess.run(
        [sys.executable, "-m", "webapp.server", "--static-dir", str(tmp_path)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 3 and "models/default/model.json" in result.stderr

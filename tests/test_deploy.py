"""The configs `python -m webapp.deploy` writes from webapp/policy.py. nginx and Caddy run
for real in test_server.py (every header check) and test_page.py (the browser path);
here: the `_headers` file as the two static hosts read it, the policy against the built
files, the command's errors, and the widget embedded from nginx by another origin."""

from __future__ import annotations

import fnmatch
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from tests.conftest import ROOT, STATIC, free_port
from tests.test_page import noisy_png
from tests.test_widget import host_page, png_pixels, wait_for
from training.metrics import psnr_uint8
from webapp import deploy, hosts, policy


def built_files() -> list[str]:
    files = [p.relative_to(STATIC).as_posix() for p in STATIC.rglob("*") if p.is_file()]
    assert "index.html" in files, "the page is not built: run `make build`"
    return files


def parse_headers_file(text: str) -> list[tuple[str, list[tuple[str, str]]]]:
    """`_headers` as Netlify and Cloudflare Pages parse it: a URL pattern, then indented
    `Name: value` lines."""
    rules: list[tuple[str, list[tuple[str, str]]]] = []
    for line in text.splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        if line.startswith("/"):
            rules.append((line.strip(), []))
        else:
            name, value = line.strip().split(":", 1)
            rules[-1][1].append((name.strip(), value.strip()))
    return rules


def served_headers(rules: list, path: str, host: str) -> dict[str, str]:
    """What a host sends for `path`: every matching rule applies; a header set by two
    rules is joined with ", " by Cloudflare Pages and replaced by the later one on
    Netlify (their documented behaviour)."""
    headers: dict[str, str] = {}
    for pattern, pairs in rules:
        if not fnmatch.fnmatchcase("/" + path, pattern):
            continue
        for name, value in pairs:
            joined = host == "cloudflare" and name in headers
            headers[name] = f"{headers[name]}, {value}" if joined else value
    return headers


@pytest.mark.parametrize("host", ["netlify", "cloudflare"])
def test_headers_file_gives_every_built_file_the_policy(host: str) -> None:
    rules = parse_headers_file(deploy.headers_file())
    for path in built_files():
        expected = policy.headers_for(path)
        if expected["Cache-Control"] == policy.REVALIDATE:
            del expected["Cache-Control"]  # both hosts revalidate by default
        assert served_headers(rules, path, host) == expected, path


def test_routes_splats_and_regular_expressions_agree_on_the_build() -> None:
    """nginx and Caddy match the regular expressions, static hosts the splats: on every
    file of the build both must name the same route."""
    for path in built_files():
        by_splat = next(
            route
            for route in policy.ROUTES
            if any(fnmatch.fnmatchcase("/" + path, s) for s in route.splats)
        )
        assert by_splat == policy.route_for(path), path


def test_every_built_file_has_its_mime_type() -> None:
    suffixes = {Path(p).suffix for p in built_files()}
    assert suffixes <= set(policy.MIME_TYPES), suffixes - set(policy.MIME_TYPES)


def run_deploy(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "webapp.deploy", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_a_missing_build_is_named_and_nothing_written(tmp_path: Path) -> None:
    out = tmp_path / "denoiser.conf"
    result = run_deploy("nginx", "--root", str(tmp_path / "nowhere"), "-o", str(out))
    assert result.returncode == 2
    assert "holds no index.html: run `make build` first" in result.stderr
    assert not out.exists()


def test_the_generated_nginx_config_is_valid_and_uses_the_given_root(tmp_path: Path) -> None:
    out = tmp_path / "nginx.conf"
    result = run_deploy(
        "nginx", "--listen", "127.0.0.1:8089", "--standalone", str(tmp_path), "-o", str(out)
    )
    assert result.returncode == 0, result.stderr
    text = out.read_text()
    assert f'root "{STATIC}";' in text and "listen 127.0.0.1:8089;" in text
    check = subprocess.run(
        ["nginx", "-t", "-c", str(out), "-e", str(tmp_path / "error.log")],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert check.returncode == 0, check.stderr


def test_the_generated_caddyfile_is_valid(tmp_path: Path) -> None:
    out = tmp_path / "Caddyfile"
    assert run_deploy("caddy", "--listen", ":8090", "-o", str(out)).returncode == 0
    check = subprocess.run(
        ["caddy", "validate", "--config", str(out), "--adapter", "caddyfile"],
        capture_output=True,
        text=True,
        timeout=60,
        env={"PATH": "/usr/bin:/bin", "HOME": str(tmp_path)},
    )
    assert check.returncode == 0, check.stdout + check.stderr


@pytest.fixture
def other_origin(tmp_path: Path, nginx_url: str) -> Iterator[tuple[str, np.ndarray, np.ndarray]]:
    """A host page on a second loopback port that embeds the widget from nginx; with the
    clean and noisy image it denoises."""
    path, clean, noisy = noisy_png(tmp_path)
    path.rename(tmp_path / "noisy.png")
    (tmp_path / "api.html").write_text(
        host_page(
            nginx_url,
            "",
            f"""
const {{ createDenoiser }} = await import('{nginx_url}/widget/denoise-widget.js');
const denoiser = await createDenoiser({{ model: 'default' }});
const input = await (await fetch('noisy.png')).blob();
window.results.api = await bytes(await denoiser.denoise(input, {{ strength: 25 }}));""",
        )
    )
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "http.server", str(port), "--bind", "127.0.0.1"],
        cwd=tmp_path,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    time.sleep(0.5)
    yield f"http://127.0.0.1:{port}", clean, noisy
    process.terminate()
    process.wait(10)


def test_the_widget_embeds_from_nginx_on_another_origin(session, other_origin, nginx_url) -> None:  # noqa: ANN001
    host_url, clean, noisy = other_origin
    page = session.page
    page.goto(f"{host_url}/api.html")
    result = png_pixels(wait_for(page, "api"))
    assert result.shape == clean.shape
    assert psnr_uint8(clean, result) > psnr_uint8(clean, noisy) + 5
    fetched = [r.url for r in session.requests if r.url.startswith(nginx_url)]
    assert any(u.endswith("/models/default/model.json") for u in fetched)


def test_a_server_that_is_not_installed_says_how_to_install_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(hosts.shutil, "which", lambda *args, **kwargs: None)
    with pytest.raises(hosts.ServerError, match="apt-get install nginx"):
        hosts.start("nginx", STATIC, free_port(), tmp_path)
    with pytest.raises(ValueError, match="unknown server 'apache'"):
        hosts.start("apache", STATIC, free_port(), tmp_path)

"""Shared fixtures: the real asset server on a free loopback port and a real
headless Chromium (Debian's /usr/bin/chromium through Playwright, no download)."""

from __future__ import annotations

import http.client
import os
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlparse

import pytest

from webapp import hosts
from webapp.hosts import free_port

ROOT = Path(__file__).resolve().parents[1]
STATIC = ROOT / "webapp" / "static"
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
FIXTURES = ROOT / "tests" / "fixtures"


def start_server(static_dir: Path, port: int, server: str = "waitress") -> subprocess.Popen:
    """The page's server for real on loopback (waitress by default), once it answers."""
    return hosts.start(server, static_dir, port)


def _serve(server: str) -> Iterator[str]:
    if not (STATIC / "index.html").is_file():
        pytest.fail("the page is not built: run `make build` (make test does it)")
    port = free_port()
    try:
        process = start_server(STATIC, port, server)
    except hosts.ServerError as error:
        pytest.fail(str(error))
    yield f"http://127.0.0.1:{port}"
    hosts.stop(process)


@pytest.fixture(scope="session")
def server_url() -> Iterator[str]:
    """The Flask app under waitress, as `make run` serves it."""
    yield from _serve("waitress")


@pytest.fixture(scope="session")
def nginx_url() -> Iterator[str]:
    """Debian's nginx with the config `python -m webapp.deploy nginx` generates."""
    yield from _serve("nginx")


@pytest.fixture(scope="session")
def caddy_url() -> Iterator[str]:
    """Debian's Caddy with the generated Caddyfile."""
    yield from _serve("caddy")


@pytest.fixture(params=hosts.SERVERS)
def hosted_url(request: pytest.FixtureRequest) -> str:
    """Each server that hosts the page, in turn: the header policy must hold on all."""
    return request.getfixturevalue(
        "server_url" if request.param == "waitress" else f"{request.param}_url"
    )


@dataclass
class Response:
    status: int
    headers: dict[str, str]
    body: bytes

    def header(self, name: str) -> str | None:
        return self.headers.get(name.lower())


def raw_request(
    base: str,
    method: str,
    path: str,
    headers: dict[str, str] | None = None,
    body: bytes | None = None,
) -> Response:
    """One HTTP request with the path sent exactly as given (no client normalisation)."""
    parsed = urlparse(base)
    connection = http.client.HTTPConnection(parsed.hostname, parsed.port, timeout=30)
    try:
        connection.request(method, path, body=body, headers=headers or {})
        response = connection.getresponse()
        return Response(
            response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()
        )
    finally:
        connection.close()


@pytest.fixture(scope="session")
def browser():  # noqa: ANN201 (a Playwright Browser)
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} missing: install Debian's chromium (make test does it)")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        yield chromium
        chromium.close()


@dataclass
class PageSession:
    """A fresh browser context and page that records what the page did on the network."""

    page: object
    context: object
    requests: list = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)
    console_warnings: list[str] = field(default_factory=list)


@pytest.fixture
def session(browser) -> Iterator[PageSession]:  # noqa: ANN001
    context = browser.new_context(accept_downloads=True)
    page = context.new_page()
    recorded = PageSession(page=page, context=context)
    context.on("request", lambda request: recorded.requests.append(request))
    page.on("console", lambda m: m.type == "error" and recorded.console_errors.append(m.text))
    page.on("console", lambda m: m.type == "warning" and recorded.console_warnings.append(m.text))
    page.on("pageerror", lambda e: recorded.console_errors.append(str(e)))
    yield recorded
    context.close()


def wait_until_ready(page, timeout_ms: int = 120_000) -> str:  # noqa: ANN001
    """Wait for the engine to load its model; returns the backend it chose."""
    page.wait_for_selector(
        "[data-testid=backend][data-backend]:not([data-backend=''])", timeout=timeout_ms
    )
    return page.get_attribute("[data-testid=backend]", "data-backend")


def denoise_through_ui(  # noqa: ANN201
    page,  # noqa: ANN001
    image: Path,
    strength: int | None = None,
    passes: int | None = None,
):
    """Choose `image`, optionally set the strength and the passes, denoise, download;
    returns the Playwright download (its `.path()` is the PNG, `.suggested_filename` its
    name)."""
    page.set_input_files("[data-testid=file-input]", str(image))
    if strength is not None:
        page.locator("[data-testid=strength]").fill(str(strength))
    if passes is not None:
        page.select_option("[data-testid=passes]", str(passes))
    page.click("[data-testid=denoise]")
    page.wait_for_selector("[data-testid=download]", timeout=180_000)
    with page.expect_download() as download_info:
        page.click("[data-testid=download]")
    return download_info.value

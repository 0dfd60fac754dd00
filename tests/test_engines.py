"""The page, the widget and the offline path in each browser engine, not only Chromium.

Chromium runs through Playwright (tests/conftest.py), Firefox ESR through Marionette
(Mozilla's marionette_driver; not WebDriver BiDi, see FirefoxEngine) and WebKitGTK's
MiniBrowser through WebKitWebDriver and Selenium under an Xvfb started here: Debian's
browsers as `make browsers` installs them, never a download. One browser per engine for
the whole session; every engine sees the same small synthetic images, and its results
must stay within one grey level of Chromium's. What each engine got (backend, threads, memory,
tile size) is recorded in the test report (`record_property`) and in docs/browsers.md,
whose table `python -m tests.test_engines` measures.
"""

from __future__ import annotations

import base64
import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

import numpy as np
import pytest
from PIL import Image

from tests.conftest import STATIC, free_port, raw_request, start_server
from tests.test_page import noisy_png, synthetic_photo
from tests.test_widget import host_page
from training.metrics import psnr_uint8
from webapp import hosts

ENGINES = ("chromium", "firefox", "webkit")
FIREFOX = os.environ.get("FIREFOX", "/usr/bin/firefox-esr")
WEBKIT_DRIVER = os.environ.get("WEBKIT_DRIVER", "/usr/bin/WebKitWebDriver")
MINIBROWSER = os.environ.get("MINIBROWSER", "/usr/lib/x86_64-linux-gnu/webkit2gtk-4.1/MiniBrowser")
# WebKitGTK and WPE do not enable SharedArrayBuffer (a JSC option the GLib ports never
# set), so a cross-origin isolated page still has no shared memory: WASM runs on one
# thread. docs/browsers.md has the evidence (JSC_useSharedArrayBuffer=1 gives threads).
WEBKIT_NO_SHARED_MEMORY = (
    "WebKitGTK 2.50 is cross-origin isolated but exposes no SharedArrayBuffer, so "
    "tfjs-backend-wasm starts its single-threaded build: "
    "https://bugs.webkit.org/show_bug.cgi?id=317847 (open: "
    "https://github.com/WebKit/WebKit/pull/74274)"
)
SLOW_MS = 300_000  # WebKit's one WASM thread on a busy 2-core machine is slow
LOAD_S = 120  # model download and warm-up


class Engine(Protocol):
    """What the tests need from a browser: the same few verbs in every engine."""

    name: str

    def goto(self, url: str) -> None: ...

    def evaluate(self, expression: str) -> Any:
        """Evaluate JavaScript `expression` in the page; a promise is awaited."""

    def set_file(self, selector: str, path: Path) -> None: ...

    def click(self, selector: str) -> None: ...

    def fresh(self) -> None:
        """Start the next test from a new tab (or a blank page where tabs are costly)."""


@dataclass
class ChromiumEngine:
    """Playwright's Chromium (the conftest's session browser), one context per test."""

    browser: Any
    name: str = "chromium"
    context: Any = None
    page: Any = None

    def fresh(self) -> None:
        if self.context is not None:
            self.context.close()
        self.context = self.browser.new_context()
        self.page = self.context.new_page()
        self.page.set_default_timeout(SLOW_MS)

    def goto(self, url: str) -> None:
        self.page.goto(url)

    def evaluate(self, expression: str) -> Any:
        return self.page.evaluate(expression)

    def set_file(self, selector: str, path: Path) -> None:
        self.page.set_input_files(selector, str(path))

    def click(self, selector: str) -> None:
        self.page.click(selector)

    def close(self) -> None:
        if self.context is not None:
            self.context.close()


class WebDriverEngine:
    """What Firefox (Marionette) and WebKitGTK (WebDriver) share: WebDriver-classic
    verbs, a script run asynchronously in the page, CSS selectors."""

    name: str

    def _run_async(self, script: str) -> Any:
        raise NotImplementedError

    def _find(self, selector: str) -> Any:
        raise NotImplementedError

    def fresh(self) -> None:
        self.goto("about:blank")

    def evaluate(self, expression: str) -> Any:
        reply = self._run_async(
            "const done = arguments[arguments.length - 1];"
            f"Promise.resolve().then(() => ({expression}))"
            ".then(v => done({ok: v === undefined ? null : v}),"
            " e => done({error: String(e && e.stack || e)}));"
        )
        if "error" in reply:
            raise RuntimeError(f"{self.name} evaluate: {reply['error']}")
        return reply["ok"]

    def set_file(self, selector: str, path: Path) -> None:
        """Choose `path` alone. WebDriver's Send Keys appends to a `multiple` file input
        (the page's takes several photos), where Playwright replaces: clear it first."""
        element = self._find(selector)
        element.clear()
        element.send_keys(str(path))

    def click(self, selector: str) -> None:
        self._find(selector).click()


class FirefoxEngine(WebDriverEngine):
    """Firefox ESR through Marionette, its own automation protocol, with Mozilla's
    marionette_driver (PyPI), which also starts it on a fresh profile.

    Not WebDriver BiDi (puppeteer-core, the first harness): any BiDi session makes
    Firefox ESR 153 register a worker-debugger listener in every content process
    (RootMessageHandler -> WebDriverWorkerListenerActor), and with it a worker that
    starts several workers of its own intermittently hangs inside `new Worker()`. The
    engine's worker starts 8 (TF.js WASM's pthread pool) plus one per core (LiteRT.js):
    measured here, 2-5 page loads in 10 never finished starting, and a bare page whose
    module worker starts 8 blob workers hung in 3-5 of 12-20 loads under BiDi, in none
    of 41 loads without automation and in none of 41 under Marionette, whose sessions
    never create that listener. docs/browsers.md has the details."""

    name = "firefox"

    def __init__(self) -> None:
        from marionette_driver.marionette import Marionette

        self.client = Marionette(
            host="127.0.0.1",
            port=free_port(),
            bin=FIREFOX,
            headless=True,
            startup_timeout=120,
            # Firefox's own log, kept out of the checkout (the default is ./gecko.log).
            gecko_log=str(Path(tempfile.gettempdir()) / "test-engines-gecko.log"),
        )
        self.client.start_session()
        self.client.timeout.page_load = 120

    def _run_async(self, script: str) -> Any:
        # sandbox=None: run in the page itself, where `import()` and its globals live.
        return self.client.execute_async_script(script, sandbox=None, script_timeout=SLOW_MS)

    def _find(self, selector: str) -> Any:
        return self.client.find_element("css selector", selector)

    def goto(self, url: str) -> None:
        self.client.navigate(url)

    def close(self) -> None:
        try:
            self.client.delete_session()
        finally:
            self.client.cleanup()


class WebKitEngine(WebDriverEngine):
    """WebKitGTK's MiniBrowser (`--automation`) through WebKitWebDriver, on an Xvfb display
    of its own (MiniBrowser has no headless mode)."""

    name = "webkit"

    def __init__(self) -> None:
        from selenium import webdriver
        from selenium.webdriver.webkitgtk.options import Options
        from selenium.webdriver.webkitgtk.service import Service

        for path in (WEBKIT_DRIVER, MINIBROWSER):
            if not Path(path).exists():
                pytest.fail(f"{path} missing: install webkit2gtk-driver (make browsers)")
        read, write = os.pipe()
        self.xvfb = subprocess.Popen(
            ["Xvfb", "-displayfd", str(write), "-screen", "0", "1280x900x24", "-nolisten", "tcp"],
            pass_fds=(write,),
            stderr=subprocess.DEVNULL,
        )
        os.close(write)
        with os.fdopen(read) as display:
            number = display.readline().strip()
        if not number:
            pytest.fail("Xvfb did not start (install xvfb: make browsers)")
        options = Options()
        options.binary_location = MINIBROWSER
        options.add_argument("--automation")
        service = Service(
            executable_path=WEBKIT_DRIVER, env={**os.environ, "DISPLAY": f":{number}"}
        )
        self.driver = webdriver.WebKitGTK(options=options, service=service)
        self.driver.set_script_timeout(SLOW_MS / 1000)
        self.driver.set_page_load_timeout(120)

    def _run_async(self, script: str) -> Any:
        return self.driver.execute_async_script(script)

    def _find(self, selector: str) -> Any:
        return self.driver.find_element("css selector", selector)

    def goto(self, url: str) -> None:
        self.driver.get(url)

    def close(self) -> None:
        try:
            self.driver.quit()
        finally:
            self.xvfb.terminate()
            self.xvfb.wait(10)


@pytest.fixture(scope="session", params=ENGINES)
def engine(request: pytest.FixtureRequest) -> Iterator[Engine]:
    """One browser per engine for the session (pytest runs each engine's tests together)."""
    if request.param == "chromium":
        started: Any = ChromiumEngine(request.getfixturevalue("browser"))
    elif request.param == "firefox":
        if not Path(FIREFOX).exists():
            pytest.fail(f"{FIREFOX} missing: install firefox-esr (make browsers)")
        started = FirefoxEngine()
    else:
        started = WebKitEngine()
    yield started
    started.close()


@pytest.fixture
def tab(engine: Engine) -> Engine:
    engine.fresh()
    return engine


# --- what the tests do in the page ------------------------------------------------------

BACKEND = "document.querySelector('[data-testid=backend]')"
ENVIRONMENT = f"""({{
    backend: {BACKEND}?.dataset.backend || '',
    threads: Number({BACKEND}?.dataset.threads || 0),
    cores: navigator.hardwareConcurrency,
    deviceMemory: navigator.deviceMemory ?? null,
    isolated: self.crossOriginIsolated === true,
    sharedArrayBuffer: typeof SharedArrayBuffer,
    offscreenCanvas: typeof OffscreenCanvas,
    userAgent: navigator.userAgent,
}})"""
# The result's pixels, read through an <img> (the page's CSP allows blob: images but
# not fetching blob: URLs) and a canvas, base64 so that every driver carries them.
PIXELS_OF = """async (url) => {
    const img = new Image();
    img.src = url;
    await img.decode();
    const canvas = document.createElement('canvas');
    canvas.width = img.naturalWidth;
    canvas.height = img.naturalHeight;
    const context = canvas.getContext('2d');
    context.drawImage(img, 0, 0);
    const data = context.getImageData(0, 0, canvas.width, canvas.height).data;
    let text = '';
    for (let i = 0; i < data.length; i += 0x8000) text += String.fromCharCode(...data.subarray(i, i + 0x8000));
    return {width: canvas.width, height: canvas.height, rgba: btoa(text)};
}"""


def wait_for(engine: Engine, expression: str, timeout_s: float = SLOW_MS / 1000) -> Any:
    """Poll `expression` until it is truthy (polling works the same in every driver)."""
    deadline = time.monotonic() + timeout_s
    while True:
        value = engine.evaluate(expression)
        if value:
            return value
        if time.monotonic() > deadline:
            page = engine.evaluate("location.href + ' ' + document.body.innerText.slice(0, 400)")
            raise AssertionError(
                f"{engine.name}: still falsy after {timeout_s} s: {expression}; page: {page}"
            )
        time.sleep(0.25)


def open_page(engine: Engine, url: str) -> dict:
    """Load the page and wait for its model to be warm; returns what the engine got."""
    engine.goto(url)
    state = wait_for(
        engine,
        f"{BACKEND}?.dataset.backend || document.querySelector('[data-testid=error]')?.textContent",
        LOAD_S,
    )
    got = engine.evaluate(ENVIRONMENT)
    assert got["backend"], f"{engine.name}: the page failed to start: {state}"
    # Let the service worker finish precaching before the page is left.
    wait_for(engine, "navigator.serviceWorker.ready.then(r => r.active.state === 'activated')")
    return got


def rgba(reply: dict) -> np.ndarray:
    flat = np.frombuffer(base64.b64decode(reply["rgba"]), np.uint8)
    return flat.reshape(reply["height"], reply["width"], 4)


def choose(engine: Engine, path: Path) -> None:
    engine.set_file("[data-testid=file-input]", path)


def denoise_in_page(engine: Engine, path: Path) -> tuple[str, np.ndarray]:
    """Choose `path`, denoise at the page's strength, read the download link's file name
    and the result's RGBA pixels."""
    choose(engine, path)
    # Ready, and the auto strength known: with `photo`, camera-like noise waits a moment
    # for the learned noise level, and a WebDriver click on a disabled button is lost.
    wait_for(
        engine,
        "document.querySelector('[data-testid=phase]')?.dataset.phase === 'ready'"
        " && !document.querySelector('[data-testid=denoise]').disabled",
    )
    engine.click("[data-testid=denoise]")
    wait_for(engine, "!!document.querySelector('[data-testid=download]')")
    link = "document.querySelector('[data-testid=download]')"
    name = engine.evaluate(f"{link}.download")
    return name, rgba(engine.evaluate(f"({PIXELS_OF})({link}.href)"))


def error_text(engine: Engine) -> str:
    return engine.evaluate("document.querySelector('[data-testid=error]').textContent")


# --- the reference: Chromium's result on the same input ---------------------------------


@dataclass
class Reference:
    noisy: Path
    clean: np.ndarray
    noisy_pixels: np.ndarray
    strength: int
    rgb: np.ndarray


@pytest.fixture(scope="session")
def inputs(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("engine-inputs")


@pytest.fixture(scope="session")
def reference(browser, server_url: str, inputs: Path) -> Reference:  # noqa: ANN001
    """Chromium's page at auto strength on the shared noisy picture (computed once)."""
    path, clean, noisy = noisy_png(inputs)
    chromium = ChromiumEngine(browser)
    chromium.fresh()
    try:
        open_page(chromium, server_url + "/")
        choose(chromium, path)
        strength = int(
            wait_for(chromium, "document.querySelector('[data-testid=strength]')?.dataset.auto")
        )
        _, out = denoise_in_page(chromium, path)
    finally:
        chromium.close()
    return Reference(path, clean, noisy, strength, out[..., :3])


# --- the tests --------------------------------------------------------------------------


def test_page_is_isolated_on_the_cpu_with_the_default_tile_for_its_memory(
    tab: Engine, server_url: str, record_property: Any
) -> None:
    """Every engine here lacks a hardware GPU, so each must land on the CPU, cross-origin
    isolated: LiteRT.js where memory can be shared (its threaded build needs it), TF.js
    WASM elsewhere (WebKitGTK). The engine's default tile follows
    navigator.deviceMemory, which Firefox and WebKit do not report: 512 px there on TF.js
    WASM, 1024 on LiteRT.js (which holds far less) outside phones."""
    got = open_page(tab, server_url + "/")
    tile = tab.evaluate(
        """(async () => {
            const { createEngine } = await import('/widget/denoise-widget.js');
            const engine = await createEngine({ model: 'fast' });
            try {
                const result = await engine.denoise(new ImageData(40, 40), { sigma: 25 });
                return result.tileSize;
            } finally { engine.dispose(); }
        })()"""
    )
    for key, value in {**got, "tileSize": tile}.items():
        record_property(key, value)
    assert got["isolated"] is True
    assert got["backend"] == ("litert-wasm" if got["sharedArrayBuffer"] == "function" else "wasm")
    assert got["threads"] >= 1
    big = got["deviceMemory"] is not None and got["deviceMemory"] >= 8
    unknown_on_litert = got["deviceMemory"] is None and got["backend"] == "litert-wasm"
    assert tile == (1024 if big or unknown_on_litert else 512)
    if tab.name != "chromium":
        assert got["deviceMemory"] is None  # what docs/browsers.md says of them


@pytest.mark.parametrize(
    "engine",
    [
        "chromium",
        "firefox",
        pytest.param(
            "webkit", marks=pytest.mark.xfail(reason=WEBKIT_NO_SHARED_MEMORY, strict=True)
        ),
    ],
    indirect=True,
)
def test_wasm_gets_a_thread_per_reported_core(tab: Engine, server_url: str) -> None:
    got = open_page(tab, server_url + "/")
    assert got["sharedArrayBuffer"] == "function", got
    assert got["threads"] == got["cores"] >= 2, got


def test_user_path_matches_chromium_within_one_grey_level(
    tab: Engine, server_url: str, reference: Reference
) -> None:
    """Load, choose a photo, auto strength, denoise, download: the same strength and,
    within a grey level, the same pixels as Chromium (thread counts change float sums)."""
    open_page(tab, server_url + "/")
    choose(tab, reference.noisy)
    strength = int(wait_for(tab, "document.querySelector('[data-testid=strength]')?.dataset.auto"))
    assert strength == reference.strength
    name, out = denoise_in_page(tab, reference.noisy)
    assert name == "holiday photo-denoised.png"  # a PNG in gives a PNG out
    assert (out[..., 3] == 255).all()
    rgb = out[..., :3]
    assert (
        psnr_uint8(reference.clean, rgb) > psnr_uint8(reference.clean, reference.noisy_pixels) + 5
    )
    assert np.abs(rgb.astype(int) - reference.rgb.astype(int)).max() <= 1
    assert error_text(tab) == ""


def test_bad_file_gray_alpha_and_exif_orientation(
    tab: Engine, server_url: str, tmp_path: Path
) -> None:
    bad = tmp_path / "notes.png"
    bad.write_bytes(b"this is not a png")
    clean = synthetic_photo((64, 48))
    gray = np.round(clean @ [0.299, 0.587, 0.114]).astype(np.uint8)
    noisy = np.clip(gray + np.random.default_rng(2).normal(0, 20, gray.shape), 0, 255)
    alpha = np.tile(np.linspace(255, 40, gray.shape[1]).astype(np.uint8), (gray.shape[0], 1))
    gray_alpha = tmp_path / "gray-alpha.png"
    Image.fromarray(np.stack([noisy.astype(np.uint8), alpha], -1)).save(gray_alpha)
    exif = Image.Exif()
    exif[0x0112] = 6  # landscape pixels shown rotated 90 degrees: portrait
    phone = tmp_path / "phone.jpg"
    Image.fromarray(synthetic_photo((72, 40))).save(phone, quality=95, exif=exif)

    open_page(tab, server_url + "/")
    choose(tab, bad)
    message = wait_for(tab, "document.querySelector('[data-testid=error]').textContent")
    assert "could not be decoded" in message
    assert tab.evaluate("document.querySelector('[data-testid=denoise]').disabled") is True

    _, out = denoise_in_page(tab, gray_alpha)
    np.testing.assert_array_equal(out[..., 3], alpha)  # alpha carried through untouched
    opaque = alpha == 255
    assert opaque.any()
    assert np.array_equal(out[..., 0][opaque], out[..., 1][opaque])  # gray stays gray
    assert np.array_equal(out[..., 0][opaque], out[..., 2][opaque])

    name, upright = denoise_in_page(tab, phone)
    assert name == "phone-denoised.jpg"  # a JPEG in gives a JPEG out
    assert upright.shape[:2] == (72, 40)
    assert error_text(tab) == ""


@pytest.fixture(scope="module")
def widget_host(inputs: Path, server_url: str, reference: Reference) -> Iterator[str]:
    """A host page on another origin (no COOP/COEP) that loads the widget module from the
    app's origin and denoises the shared picture through createDenoiser()."""
    folder = inputs / "host"
    folder.mkdir(exist_ok=True)
    (folder / "noisy.png").write_bytes(reference.noisy.read_bytes())
    (folder / "api.html").write_text(
        host_page(
            server_url,
            "",
            f"""
const {{ createDenoiser }} = await import('{server_url}/widget/denoise-widget.js');
try {{
  const denoiser = await createDenoiser();
  const input = await (await fetch('noisy.png')).blob();
  const out = await denoiser.denoise(input, {{ strength: {reference.strength} }});
  window.results.api = await bytes(out);
  window.results.backend = denoiser.backend;
  window.results.threads = denoiser.threads;
}} catch (e) {{ window.results.error = String(e && e.stack || e); }}""",
        )
    )
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "http.server", str(port), "--bind", "127.0.0.1"],
        cwd=folder,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while True:
        try:
            raw_request(url, "GET", "/api.html")
            break
        except OSError:
            assert time.monotonic() < deadline, "the host page's server did not start"
            time.sleep(0.2)
    yield url
    process.terminate()
    process.wait(10)


def test_widget_from_another_origin_matches_chromium(
    tab: Engine, widget_host: str, reference: Reference
) -> None:
    tab.goto(f"{widget_host}/api.html")
    wait_for(tab, "window.results && (window.results.api || window.results.error)")
    results = tab.evaluate("window.results")
    assert "error" not in results, results.get("error")
    assert tab.evaluate("self.crossOriginIsolated === true") is False
    assert (results["backend"], results["threads"]) == ("wasm", 1)  # not isolated: 1 thread
    from io import BytesIO

    out = np.asarray(Image.open(BytesIO(bytes(results["api"]))).convert("RGB"))
    assert np.abs(out.astype(int) - reference.rgb.astype(int)).max() <= 1


def test_offline_reload_through_the_service_worker(tab: Engine, tmp_path: Path) -> None:
    """A server of its own (its own origin and service worker), stopped after two visits:
    the third load comes from the worker's cache, isolated, and still denoises."""
    path, clean, noisy = noisy_png(tmp_path)
    port = free_port()
    server = start_server(STATIC, port)
    url = f"http://127.0.0.1:{port}/"
    try:
        open_page(tab, url)
        state = tab.evaluate("navigator.serviceWorker.ready.then(r => r.active.state)")
        assert state in ("activating", "activated")
        open_page(tab, url)  # now controlled by the worker, which has precached everything
        assert tab.evaluate("navigator.serviceWorker.controller !== null") is True
    finally:
        hosts.stop(server)
    got = open_page(tab, url)
    assert got["isolated"] is True  # the headers came from the cache too
    assert tab.evaluate("navigator.serviceWorker.controller !== null") is True
    _, out = denoise_in_page(tab, path)
    assert psnr_uint8(clean, out[..., :3]) > psnr_uint8(clean, noisy) + 5
    assert error_text(tab) == ""


# --- python -m tests.test_engines: the speed table of docs/browsers.md ------------------

MEASURE = """(async (model) => {
    const { createEngine } = await import('/widget/denoise-widget.js');
    const engine = await createEngine({ model });
    try {
        const side = 1024;
        const image = new ImageData(side, side);
        let seed = 7;
        for (let i = 0; i < image.data.length; i++) {
            seed = (seed * 1103515245 + 12345) & 0x7fffffff;
            image.data[i] = i % 4 === 3 ? 255 : 96 + (seed % 64);
        }
        await engine.denoise(image, { sigma: 25 });  // first image: warm-up apart
        const { elapsedMs, tileSize } = await engine.denoise(image, { sigma: 25 });
        return { backend: engine.backend, threads: engine.threads, elapsedMs, tileSize,
                 msPerMp: elapsedMs / (side * side / 1e6) };
    } finally { engine.dispose(); }
})"""


def measure() -> None:
    """Print one row per engine and model: a warm 1024 x 1024 denoise (a megapixel:
    LiteRT.js where the engine has it) on the page's origin (cross-origin isolated),
    timed by the engine itself."""
    from playwright.sync_api import sync_playwright

    from tests.conftest import CHROMIUM, CHROMIUM_FLAGS

    port = free_port()
    server = start_server(STATIC, port)
    url = f"http://127.0.0.1:{port}/"
    try:
        with sync_playwright() as playwright:
            chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
            starts = {
                "chromium": lambda: ChromiumEngine(chromium),
                "firefox": FirefoxEngine,
                "webkit": WebKitEngine,
            }
            for name, start in starts.items():
                browser = start()
                try:
                    browser.fresh()
                    got = open_page(browser, url)
                    for model in ("fast", "default"):
                        row = browser.evaluate(f"({MEASURE})({json.dumps(model)})")
                        print(
                            f"| {name} | {model} | {row['backend']} | {row['threads']} "
                            f"| {row['tileSize']} | {row['elapsedMs']:.0f} | {row['msPerMp']:.0f} "
                            f"| {got['cores']} | {got['deviceMemory']} |",
                            flush=True,
                        )
                finally:
                    browser.close()
            chromium.close()
    finally:
        hosts.stop(server)


if __name__ == "__main__":
    measure()

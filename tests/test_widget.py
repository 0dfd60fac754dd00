"""The embeddable widget, on a host page served from another origin (a second
loopback port, no COOP/COEP), in real Chromium against the real app server."""

from __future__ import annotations

import io
import json
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from converter import WEB_MODELS
from tests.conftest import denoise_through_ui, free_port, wait_until_ready
from tests.test_page import noisy_png

SIGMA = 25


def host_page(app: str, body: str, script: str) -> str:
    return f"""<!doctype html><html><head><meta charset="utf-8"></head><body>{body}
<script type="module">
window.results = {{}};
const bytes = async (blob) => Array.from(new Uint8Array(await blob.arrayBuffer()));
{script}
await import('{app}/widget/denoise-widget.js');
</script></body></html>"""


@pytest.fixture(scope="module")
def host(tmp_path_factory: pytest.TempPathFactory, server_url: str) -> Iterator[tuple[str, Path]]:
    folder = tmp_path_factory.mktemp("host")
    path, _, _ = noisy_png(folder)
    path.rename(folder / "noisy.png")
    (folder / "notes.txt").write_text("not an image")
    (folder / "element.html").write_text(
        host_page(
            server_url,
            """
<denoise-image id="a" model="default" strength="25" src="noisy.png"></denoise-image>""",
            """
const a = document.getElementById('a');
a.addEventListener('denoise-done', async (e) => { window.results.element = await bytes(e.detail.blob); });
a.addEventListener('denoise-error', (e) => { window.results.elementError = e.detail.message; });""",
        )
    )
    (folder / "api.html").write_text(
        host_page(
            server_url,
            "",
            f"""
const {{ createDenoiser }} = await import('{server_url}/widget/denoise-widget.js');
const denoiser = await createDenoiser({{ model: 'default' }});
const input = await (await fetch('noisy.png')).blob();
const out = await denoiser.denoise(input, {{ strength: {SIGMA} }});
window.results.api = await bytes(out);
window.results.backend = denoiser.backend;
window.results.threads = denoiser.threads;""",
        )
    )
    (folder / "two.html").write_text(
        host_page(
            server_url,
            """
<denoise-image id="a" strength="25" src="noisy.png"></denoise-image>
<denoise-image id="b" strength="25" src="noisy.png"></denoise-image>""",
            """
for (const id of ['a', 'b']) document.getElementById(id).addEventListener('denoise-done',
  async (e) => { window.results[id] = await bytes(e.detail.blob); });""",
        )
    )
    (folder / "bad.html").write_text(
        host_page(
            server_url,
            """
<denoise-image id="missing" src="missing.png"></denoise-image>
<denoise-image id="text" src="notes.txt"></denoise-image>""",
            """
for (const id of ['missing', 'text']) {
  const el = document.getElementById(id);
  el.addEventListener('denoise-error', (e) => { window.results[id] = e.detail.message; });
  el.addEventListener('denoise-done', async (e) => { window.results[id + 'Done'] = await bytes(e.detail.blob); });
}""",
        )
    )
    (folder / "passes.html").write_text(
        host_page(
            server_url,
            """
<denoise-image id="one" model="default" strength="25" passes="1" src="noisy.png"></denoise-image>
<denoise-image id="bad" model="default" strength="25" passes="five"></denoise-image>""",
            f"""
const one = document.getElementById('one');
one.addEventListener('denoise-done', async (e) => {{ window.results.one = await bytes(e.detail.blob); }});
const bad = document.getElementById('bad');
bad.addEventListener('denoise-error', (e) => {{ window.results.bad = e.detail.message; }});
bad.addEventListener('denoise-done', async (e) => {{ window.results.badDone = await bytes(e.detail.blob); }});
const {{ createDenoiser }} = await import('{server_url}/widget/denoise-widget.js');
const denoiser = await createDenoiser({{ model: 'default' }});
const input = await (await fetch('noisy.png')).blob();
window.results.apiOne = await bytes(await denoiser.denoise(input, {{ strength: {SIGMA}, passes: 1 }}));
window.results.apiAuto = await bytes(await denoiser.denoise(input, {{ strength: {SIGMA} }}));
bad.src = 'noisy.png';""",
        )
    )
    port = free_port()
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "http.server",
            str(port),
            "--bind",
            "127.0.0.1",
            "--directory",
            str(folder),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    time.sleep(0.5)
    yield f"http://127.0.0.1:{port}", folder
    process.terminate()
    process.wait(10)


def wait_for(page, key: str, timeout: float = 180) -> object:  # noqa: ANN001
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = page.evaluate(f"window.results && window.results[{key!r}]")
        if value is not None:
            return value
        time.sleep(0.2)
    raise AssertionError(f"no {key} within {timeout} s")


def png_pixels(values: list[int]) -> np.ndarray:
    return np.asarray(Image.open(io.BytesIO(bytes(values))).convert("RGB"))


def only_two_origins_and_no_bodies(requests: list, host_url: str, app_url: str) -> None:
    for request in requests:
        if request.url.startswith(("blob:", "data:")):
            continue
        assert request.url.startswith((host_url + "/", app_url + "/")), request.url
        assert request.method == "GET" and not request.post_data_buffer, request.url


def test_element_and_api_match_the_page_single_threaded(session, server_url, host) -> None:  # noqa: ANN001
    host_url, folder = host
    page = session.page
    page.goto(f"{host_url}/element.html")
    element = png_pixels(wait_for(page, "element"))
    assert page.evaluate("crossOriginIsolated") is False
    page.goto(f"{host_url}/api.html")
    api = png_pixels(wait_for(page, "api"))
    assert page.evaluate("window.results.backend") == "wasm"
    assert page.evaluate("window.results.threads") == 1  # not isolated: one WASM thread
    only_two_origins_and_no_bodies(session.requests, host_url, server_url)

    page.goto(server_url + "/?model=default")  # the model the element and the API asked for
    wait_until_ready(page)
    app = np.asarray(
        Image.open(denoise_through_ui(page, folder / "noisy.png", SIGMA).path()).convert("RGB")
    )
    np.testing.assert_array_equal(element, api)
    assert np.abs(element.astype(int) - app.astype(int)).max() <= 1  # threads change float sums


def test_two_widgets_share_one_model(session, server_url, host) -> None:  # noqa: ANN001
    host_url, _ = host
    page = session.page
    page.goto(f"{host_url}/two.html")
    a, b = png_pixels(wait_for(page, "a")), png_pixels(wait_for(page, "b"))
    np.testing.assert_array_equal(a, b)
    # No model attribute: the one the app's index.json names as default, loaded once, and
    # for this white-noise image the index's white-noise model, as the page would pick it
    # (training.strength.page_model), also loaded once.
    from training.strength import estimate_noise, page_model

    index = json.loads((WEB_MODELS / "index.json").read_text())
    noisy = np.asarray(Image.open(host[1] / "noisy.png").convert("RGB"))
    assert page_model(estimate_noise(noisy), index) == index["white_noise"]
    for model in (index["default"], index["white_noise"]):
        loads = [r for r in session.requests if r.url.endswith(f"/models/{model}/model.json")]
        assert len(loads) == 1, model


def test_a_bad_src_fires_denoise_error_and_the_element_stays_usable(
    session, server_url, host
) -> None:  # noqa: ANN001
    host_url, _ = host
    page = session.page
    page.goto(f"{host_url}/bad.html")
    assert "HTTP 404" in wait_for(page, "missing")
    assert "not an image" in wait_for(page, "text")
    page.evaluate("document.getElementById('missing').src = 'noisy.png'")
    assert len(wait_for(page, "missingDone")) > 0


def test_the_page_works_in_an_iframe_of_another_origin(session, server_url, host) -> None:  # noqa: ANN001
    host_url, folder = host
    (folder / "frame.html").write_text(
        f'<!doctype html><iframe src="{server_url}/" width="900" height="700"></iframe>'
    )
    page = session.page
    page.goto(f"{host_url}/frame.html")
    frame = page.frame_locator("iframe")
    frame.locator("[data-testid=backend][data-backend=wasm]").wait_for(timeout=120_000)
    frame.locator("[data-testid=file-input]").set_input_files(str(folder / "noisy.png"))
    frame.locator("[data-testid=denoise]").click()
    frame.locator("[data-testid=download]").wait_for(timeout=120_000)
    assert frame.locator("[data-testid=error]").inner_text() == ""


def test_cancel_stops_the_element_and_it_denoises_again(session, server_url, host) -> None:  # noqa: ANN001
    host_url, folder = host
    from tests.test_page import synthetic_photo

    Image.fromarray(synthetic_photo((320, 240), seed=4)).save(folder / "big.png")
    (folder / "cancel.html").write_text(
        host_page(
            server_url,
            """
<denoise-image id="c" strength="20" tile-size="64"></denoise-image>""",
            """
const c = document.getElementById('c');
c.addEventListener('denoise-progress', (e) => {
  window.results.progress = e.detail;
  if (!window.results.cancelled) { window.results.cancelled = true; c.cancel(); }
});
c.addEventListener('denoise-error', (e) => { window.results.error = e.detail.message; });
c.addEventListener('denoise-done', async (e) => { window.results.done = await bytes(e.detail.blob); });
window.go = async (name) => {
  await customElements.whenDefined('denoise-image');  // the module may still be loading
  return c.denoise(await (await fetch(name)).blob()).catch(() => {});
};""",
        )
    )
    page = session.page
    page.goto(f"{host_url}/cancel.html")
    page.wait_for_function("() => typeof window.go === 'function'")
    page.evaluate("window.go('big.png')")
    assert "cancelled" in wait_for(page, "error")
    assert page.evaluate("window.results.done") is None
    assert page.evaluate("window.results.progress.total") > 4
    page.evaluate("window.go('noisy.png')")
    assert len(wait_for(page, "done")) > 0


def test_the_passes_attribute_runs_that_many_and_a_bad_one_is_named(
    session, server_url, host
) -> None:  # noqa: ANN001
    host_url, _ = host
    page = session.page
    page.goto(f"{host_url}/passes.html")
    one, api_one = png_pixels(wait_for(page, "one")), png_pixels(wait_for(page, "apiOne"))
    api_auto = png_pixels(wait_for(page, "apiAuto"))
    np.testing.assert_array_equal(one, api_one)
    assert np.abs(one.astype(int) - api_auto.astype(int)).max() > 0  # Auto ran 4 on this photo
    assert 'passes="five": use auto or a whole number from 1 to 8' in wait_for(page, "bad")
    page.evaluate("document.getElementById('bad').setAttribute('passes', '1')")
    page.evaluate("document.getElementById('bad').src = 'noisy.png?again'")
    np.testing.assert_array_equal(png_pixels(wait_for(page, "badDone")), one)

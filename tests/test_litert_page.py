"""The LiteRT.js path in real Chromium: with int8 .tflite files in the card (converter
--litert-tiles) the page picks LiteRT.js over TF.js WASM, its result stays within the
parity bound of Keras, a LiteRT.js failure mid-image finishes on TF.js WASM, and
?backend=wasm still forces TF.js.

The shipped models may have no .tflite files: the page's build is copied to a scratch
folder and `fast` converted into it with --litert-tiles 64."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from tests.conftest import STATIC, denoise_through_ui, start_server, wait_until_ready
from tests.test_browser_parity import keras_fast
from tests.test_page import SIGMA, noisy_png
from training import card
from training.inference import context_pixels
from training.metrics import psnr_uint8
from webapp import hosts

ROOT = Path(__file__).resolve().parents[1]
TILE = 64  # small tiles: a small image makes several, edge tiles among them


@pytest.fixture(scope="module")
def litert_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    if not (STATIC / "index.html").is_file():
        pytest.fail("the page is not built: run `make build` (make test does it)")
    static = tmp_path_factory.mktemp("litert") / "static"
    shutil.copytree(STATIC, static)
    result = subprocess.run(
        [sys.executable, "-m", "converter", str(ROOT / "models/fast"), "--out",
         str(static / "models"), "--litert-tiles", str(TILE)],
        cwd=ROOT, capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert (static / "wasm/litert/litert_wasm_threaded_internal.wasm").is_file()
    port = hosts.free_port()
    process = start_server(static, port)
    yield f"http://127.0.0.1:{port}"
    hosts.stop(process)


def denoise(session, url: str, image: Path) -> np.ndarray:  # noqa: ANN001
    session.page.goto(url)
    wait_until_ready(session.page)
    download = denoise_through_ui(session.page, image, SIGMA)
    return np.asarray(Image.open(download.path()).convert("RGB"))


def backend_of(page) -> str:  # noqa: ANN001
    return page.get_attribute("[data-testid=backend]", "data-backend")


def test_the_page_picks_litert_and_matches_keras(session, litert_url: str, tmp_path: Path) -> None:
    path, clean, noisy = noisy_png(tmp_path)
    got = denoise(session, f"{litert_url}/?model=fast&tile={TILE}", path)
    page = session.page
    assert backend_of(page) == "litert-wasm"
    cores = page.evaluate("navigator.hardwareConcurrency")
    assert page.get_attribute("[data-testid=backend]", "data-threads") == str(cores)
    assert f"litert-wasm ({cores} threads)" in page.inner_text("[data-testid=backend]")
    assert page.locator("[data-testid=notice]").count() == 0  # no fallback happened
    assert page.inner_text("[data-testid=error]") == ""
    ran_on = page.get_attribute("[data-testid=time]", "data-ran-on")  # edge tiles: TF.js
    assert ran_on == "" or re.fullmatch(r"\d+ of \d+ tiles ran on TF\.js WASM", ran_on), ran_on
    assert psnr_uint8(keras_fast(noisy), got) >= 45
    assert psnr_uint8(clean, got) > psnr_uint8(clean, noisy) + 5
    names = [r.url.rsplit("/", 1)[-1] for r in session.requests]
    context = context_pixels(card.read_card(ROOT / "models/fast")["halo"], 8)
    assert f"model-dr8-{TILE + 2 * context}.tflite" in names
    assert "litert_wasm_threaded_internal.wasm" in names
    assert session.console_errors == [], session.console_errors
    # LiteRT.js looks for a WebGPU device as it loads; the engine runs it on the CPU only.
    assert not [w for w in session.console_warnings if "WebGPU" in w], session.console_warnings


def test_a_litert_failure_mid_image_finishes_on_wasm(
    session, litert_url: str, tmp_path: Path
) -> None:
    path, _, noisy = noisy_png(tmp_path)
    got = denoise(session, f"{litert_url}/?model=fast&tile={TILE}&litert-fail-after=2", path)
    page = session.page
    assert backend_of(page) == "wasm"
    assert "litert-wasm failed" in page.inner_text("[data-testid=notice]")
    assert page.inner_text("[data-testid=error]") == ""
    assert psnr_uint8(keras_fast(noisy), got) >= 45


def test_backend_wasm_in_the_address_still_forces_tfjs(
    session, litert_url: str, tmp_path: Path
) -> None:
    path, _, noisy = noisy_png(tmp_path)
    got = denoise(session, f"{litert_url}/?model=fast&tile={TILE}&backend=wasm", path)
    assert backend_of(session.page) == "wasm"
    assert psnr_uint8(keras_fast(noisy), got) >= 45
    names = [r.url.rsplit("/", 1)[-1] for r in session.requests]
    assert not any(name.endswith(".tflite") for name in names)


def test_a_photo_under_a_megapixel_stays_on_tfjs_at_full_precision(
    session, server_url: str, tmp_path: Path
) -> None:
    """Below LITERT_MIN_PIXELS the page keeps TF.js WASM's float32 path (the real camera
    crops of CC15/Nam25 lost 0.03-0.07 dB on LiteRT.js's int8 one): no .tflite but the
    warm-up's is fetched, and the 512-px file, which would fit this photo, stays unused."""
    path, clean, noisy = noisy_png(tmp_path, (512, 384), "small.png")
    card = json.loads((STATIC / "models/photo/denoiser.json").read_text())
    small = next(f["file"] for f in card["litert"]["files"] if f["tile"] == 512)
    page = session.page
    page.goto(server_url + "/?model=photo")
    assert wait_until_ready(page) == "litert-wasm"
    download = denoise_through_ui(page, path, SIGMA)
    assert not any(r.url.endswith(small) for r in session.requests), small
    ran_on = page.get_attribute("[data-testid=time]", "data-ran-on")
    assert ran_on == "this photo ran on TF.js WASM"  # the label does not claim LiteRT.js
    assert ran_on in page.inner_text("[data-testid=time]")
    got = np.asarray(Image.open(download.path()).convert("RGB"))
    assert psnr_uint8(clean, got) > psnr_uint8(clean, noisy) + 5
    assert session.console_errors == [], session.console_errors

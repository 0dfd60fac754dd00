"""The shipped web model in headless Chromium, on WASM and on WebGL (SwiftShader, so a
small image), against Keras; and tiled against whole-image inference in the page."""

from __future__ import annotations

import time
from pathlib import Path

import keras
import numpy as np
import pytest
from PIL import Image

import training.models.unet  # noqa: F401  (registers the custom layers)
from tests.conftest import denoise_through_ui
from tests.test_page import synthetic_photo
from training import card
from training.inference import auto_passes, denoise_rgb
from training.metrics import psnr_uint8, to_uint8

ROOT = Path(__file__).resolve().parents[1]
SIGMA = 25


@pytest.fixture(scope="module")
def small_noisy(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, np.ndarray]:
    clean = synthetic_photo((44, 36), seed=5)
    noisy = np.clip(clean + np.random.default_rng(4).normal(0, SIGMA, clean.shape), 0, 255)
    noisy = np.round(noisy).astype(np.uint8)
    path = tmp_path_factory.mktemp("parity") / "small.png"
    Image.fromarray(noisy).save(path)
    return path, noisy


def denoise_in_page(  # noqa: ANN001
    session, server_url: str, query: str, image: Path, passes: int | None = None
) -> np.ndarray:
    page = session.page
    page.goto(f"{server_url}/?{query}")
    deadline = time.monotonic() + 180
    while not page.get_attribute("[data-testid=backend]", "data-backend"):
        assert time.monotonic() < deadline, "the engine did not start"
        assert not page.inner_text("[data-testid=error]"), page.inner_text("[data-testid=error]")
        time.sleep(0.2)
    download = denoise_through_ui(page, image, SIGMA, passes)
    return np.asarray(Image.open(download.path()).convert("RGB"))


def keras_fast(noisy: np.ndarray, passes: int | None = None) -> np.ndarray:
    """Keras `fast` at `passes`, or the page's automatic count for this image."""
    model = keras.saving.load_model(ROOT / "models/fast" / card.KERAS_NAME)
    geometry = card.read_card(ROOT / "models/fast")
    return to_uint8(
        denoise_rgb(
            model,
            noisy / 255.0,
            SIGMA,
            multiple=geometry["size_multiple"],
            halo=geometry["halo"],
            passes=passes or auto_passes(*noisy.shape[:2], geometry["macs_per_pixel"]),
        )
    )


@pytest.mark.parametrize("backend", ["wasm", "webgl"])
def test_page_output_matches_keras(session, server_url: str, small_noisy, backend: str) -> None:  # noqa: ANN001
    path, noisy = small_noisy
    got = denoise_in_page(session, server_url, f"backend={backend}&model=fast", path)
    assert session.page.get_attribute("[data-testid=backend]", "data-backend") == backend
    # The page's automatic passes on this small image: all eight copies, as in Keras.
    assert session.page.get_attribute("[data-testid=download]", "data-passes") == "8"
    assert psnr_uint8(keras_fast(noisy), got) >= 45


def test_the_passes_menu_sets_the_passes(session, server_url: str, small_noisy) -> None:  # noqa: ANN001
    """One pass chosen in the menu: the page's result is Keras's one-pass result, which
    differs from the automatic eight's."""
    path, noisy = small_noisy
    got = denoise_in_page(session, server_url, "backend=wasm&model=fast", path, passes=1)
    page = session.page
    assert page.get_attribute("[data-testid=download]", "data-passes") == "1"
    assert "8 for this photo" in page.inner_text("[data-testid=passes] option[value=auto]")
    one, automatic = keras_fast(noisy, 1), keras_fast(noisy)
    assert psnr_uint8(one, got) >= 45
    assert psnr_uint8(one, got) > psnr_uint8(automatic, got) + 5


def test_eight_passes_in_the_menu_match_keras(session, server_url: str, small_noisy) -> None:  # noqa: ANN001
    """8 chosen in the menu (the four flips, then on the transposed tile, at 16-px tiles
    so that most tiles are not square): the page's result is Keras's eight-pass result,
    not the four flips'."""
    path, noisy = small_noisy
    got = denoise_in_page(session, server_url, "backend=wasm&model=fast&tile=16", path, passes=8)
    assert session.page.get_attribute("[data-testid=download]", "data-passes") == "8"
    eight, four = keras_fast(noisy, 8), keras_fast(noisy, 4)
    assert psnr_uint8(eight, got) >= 45
    assert psnr_uint8(eight, got) > psnr_uint8(four, got) + 3


def test_tiles_in_the_page_equal_the_whole_image(session, server_url: str, small_noisy) -> None:  # noqa: ANN001
    path, _ = small_noisy
    whole = denoise_in_page(session, server_url, "backend=wasm&model=fast", path)
    tiled = denoise_in_page(session, server_url, "backend=wasm&model=fast&tile=16", path)
    assert np.abs(whole.astype(int) - tiled.astype(int)).max() <= 1


def test_a_lost_webgl_context_mid_image_finishes_on_wasm(
    session, server_url: str, small_noisy
) -> None:  # noqa: ANN001
    path, noisy = small_noisy
    got = denoise_in_page(
        session, server_url, "backend=webgl&model=fast&tile=16&lose-context-after=2", path
    )
    page = session.page
    # The next CPU runtime: LiteRT.js (its tiles at tile=16 run on TF.js WASM underneath).
    assert page.get_attribute("[data-testid=backend]", "data-backend") == "litert-wasm"
    assert "webgl failed" in page.inner_text("[data-testid=notice]")
    assert page.inner_text("[data-testid=error]") == ""
    assert psnr_uint8(keras_fast(noisy), got) >= 45

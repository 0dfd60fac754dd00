"""End to end in real Chromium against the real server: the harness, privacy, and a
real denoise through the UI compared with the Keras model on the same input."""

from __future__ import annotations

import json
import re
import time
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from converter import WEB_MODELS
from tests.conftest import denoise_through_ui, wait_until_ready
from training.metrics import psnr_uint8

SIGMA = 25


def synthetic_photo(
    size: tuple[int, int] = (136, 104), seed: int = 3, luma_texture: bool = False
) -> np.ndarray:
    """A clean uint8 RGB test picture: gradients, edges and a little texture, random 4-px
    blocks drawn per channel or (`luma_texture`) shared by the three channels, as a
    scene's fine detail mostly is (per channel, they are colour noise by construction)."""
    rng = np.random.default_rng(seed)
    h, w = size[1], size[0]
    y, x = np.mgrid[0:h, 0:w] / max(h, w)
    image = np.stack([0.2 + 0.6 * x, 0.3 + 0.4 * y, 0.5 + 0.3 * np.sin(6 * x + 3 * y)], -1)
    image[h // 4 : h // 2, w // 3 : 2 * w // 3] = [0.9, 0.8, 0.2]
    blocks = rng.standard_normal((h // 4 + 1, w // 4 + 1, 1 if luma_texture else 3))
    image += 0.03 * np.kron(blocks, np.ones((4, 4, 1)))[:h, :w]
    return np.round(np.clip(image, 0, 1) * 255).astype(np.uint8)


def noisy_png(
    tmp_path: Path, size: tuple[int, int] = (136, 104), name: str = "holiday photo.png"
) -> tuple[Path, np.ndarray, np.ndarray]:
    """(path, clean, noisy): `synthetic_photo(size)` with seeded noise at SIGMA, saved."""
    clean = synthetic_photo(size)
    rng = np.random.default_rng(11)
    noisy = np.round(np.clip(clean + rng.normal(0, SIGMA, clean.shape), 0, 255)).astype(np.uint8)
    path = tmp_path / name
    Image.fromarray(noisy).save(path)
    return path, clean, noisy


@pytest.fixture(params=["waitress", "nginx"])
def app_url(request: pytest.FixtureRequest) -> str:
    """The page behind waitress (`make run`) and behind nginx with the generated config
    (docs/deploy.md): what the browser relies on must hold on both."""
    return request.getfixturevalue("server_url" if request.param == "waitress" else "nginx_url")


def same_origin_gets_only(requests: list, server_url: str) -> None:
    for request in requests:
        if request.url.startswith(("blob:", "data:")):
            continue  # in-page objects, nothing on the network
        assert request.url.startswith(server_url + "/"), request.url
        assert request.method == "GET", (request.method, request.url)
        assert not request.post_data_buffer, request.url


def test_page_loads_cleanly_and_only_asks_its_own_origin(session, app_url: str) -> None:
    session.page.goto(app_url + "/")
    backend = wait_until_ready(session.page)
    # Headless Chromium here has only software GPUs (skipped); the shipped cards list int8
    # .tflite files and Chromium has relaxed SIMD, so the CPU path is LiteRT.js.
    assert backend == "litert-wasm"
    assert session.page.evaluate("crossOriginIsolated") is True
    assert session.console_errors == []
    same_origin_gets_only(session.requests, app_url)
    names = [r.url.rsplit("/", 1)[-1] for r in session.requests]
    assert "model.json" in names and "index.json" in names


def test_wasm_uses_every_core_when_cross_origin_isolated(session, app_url: str) -> None:
    """tfjs-backend-wasm alone would give one thread on a 2-core machine (it halves
    navigator.hardwareConcurrency); the engine asks for, and gets, one per core."""
    session.page.goto(app_url + "/")
    wait_until_ready(session.page)
    cores = session.page.evaluate("navigator.hardwareConcurrency")
    threads = int(session.page.get_attribute("[data-testid=backend]", "data-threads"))
    assert cores >= 2, "this check needs a machine with at least 2 cores"
    assert threads == cores
    assert f"({cores} threads)" in session.page.inner_text("[data-testid=backend]")
    session.page.goto(app_url + "/?threads=1")
    wait_until_ready(session.page)
    assert session.page.get_attribute("[data-testid=backend]", "data-threads") == "1"


def test_csp_blocks_sending_anywhere_else(session, server_url: str) -> None:
    session.page.goto(server_url + "/")
    outcome = session.page.evaluate(
        """async () => {
            const violations = [];
            document.addEventListener('securitypolicyviolation', e => violations.push(e.violatedDirective));
            let sent = 'sent';
            try { await fetch('http://127.0.0.2:9/upload', {method: 'POST', body: 'pixels'}); }
            catch (e) { sent = 'blocked'; }
            await new Promise(r => setTimeout(r, 100));
            return {sent, violations};
        }"""
    )
    assert outcome["sent"] == "blocked"
    assert any(v.startswith("connect-src") for v in outcome["violations"])
    assert not any("127.0.0.2" in r.url for r in session.requests)


@pytest.mark.parametrize("model", ["photo", "photo-fast", "default"])
def test_denoise_through_the_ui_matches_keras(
    session, server_url: str, tmp_path: Path, model: str
) -> None:
    """Each model chosen by ?model= (the page would pick `default` for this white-noise
    image by itself: test_white_noise_runs_the_white_noise_model_unless_one_was_picked)."""
    keras = pytest.importorskip("keras")
    import training.models.unet  # noqa: F401
    from training import card
    from training.inference import auto_passes, denoise_rgb
    from training.metrics import psnr_uint8, to_uint8

    path, clean, noisy = noisy_png(tmp_path)
    page = session.page
    page.goto(server_url + f"/?model={model}")
    wait_until_ready(page)
    assert page.input_value("[data-testid=model]") == model
    download = denoise_through_ui(page, path, SIGMA)
    assert page.input_value("[data-testid=model]") == model  # picked: never switched
    assert download.suggested_filename == "holiday photo-denoised.png"
    browser_out = np.asarray(Image.open(download.path()).convert("RGB"))

    model_dir = Path(__file__).resolve().parents[1] / "models" / model
    network = keras.saving.load_model(model_dir / card.KERAS_NAME)
    geometry = card.read_card(model_dir)
    passes = auto_passes(*noisy.shape[:2], geometry["macs_per_pixel"])
    assert page.get_attribute("[data-testid=download]", "data-passes") == str(passes) == "8"
    keras_out = to_uint8(
        denoise_rgb(
            network,
            noisy / 255.0,
            SIGMA,
            multiple=geometry["size_multiple"],
            halo=geometry["halo"],
            passes=passes,
        )
    )
    browser_psnr, keras_psnr = psnr_uint8(clean, browser_out), psnr_uint8(clean, keras_out)
    assert browser_psnr > psnr_uint8(clean, noisy) + 5  # it really denoised
    assert abs(browser_psnr - keras_psnr) <= 0.1, (browser_psnr, keras_psnr)
    assert page.inner_text("[data-testid=error]") == ""
    time_label = page.locator("[data-testid=time]")
    assert time_label.get_attribute("data-tensors") == time_label.get_attribute("data-baseline")
    same_origin_gets_only(session.requests, server_url)
    assert session.console_errors == []


def phone_png(tmp_path: Path) -> tuple[Path, np.ndarray]:
    """A synthetic photo through a noisy phone-like camera with JPEG: (file, uint8 pixels)."""
    import dataclasses

    from training import camera_noise

    rng = np.random.default_rng(4)
    camera = dataclasses.replace(camera_noise.sample_camera(rng), shot=3e-3, jpeg_quality=90)
    clean = synthetic_photo((256, 192)) / np.float32(255)
    noisy, _ = camera_noise.camera_noise(clean.astype(np.float32), rng, camera)
    noisy = np.round(noisy * 255).astype(np.uint8)
    path = tmp_path / "phone.png"
    Image.fromarray(noisy).save(path)
    return path, noisy


def page_auto_strengths(noisy: np.ndarray, web_card: dict, level_model) -> set[int]:  # noqa: ANN001
    """The strengths the page may start at for this image and model: training.strength's,
    with the learned level anywhere within the converter's gate on the web estimator
    (MAX_LEVEL_CHANGE, relative). A fit whose value lands near x.5 can round either way
    (default's level fit is 1.7 x level + 6: a 1 % change in the level moves it ~0.4)."""
    from dataclasses import replace

    from converter.level import MAX_LEVEL_CHANGE
    from training.strength import estimate_with_level, strength_for

    # strength_for itself ignores the level for a card without a level fit
    estimate = estimate_with_level(noisy, level_model)
    return {
        strength_for(replace(estimate, level=estimate.level * (1 + change)), web_card)
        for change in np.linspace(-MAX_LEVEL_CHANGE, MAX_LEVEL_CHANGE, 21)
    }


def test_auto_strength_is_the_models_calibration_of_the_estimate(
    session, server_url: str, tmp_path: Path
) -> None:
    """The page starts at the strength training.strength computes for the same image and
    model (the calibration was fitted in Python; `photo` reads the learned noise level
    in the engine, Keras here); the slider stays the user's after. `photo`'s card is
    served with a lower level fit, so that the level (the smaller of the two fits)
    decides on this image and the test sees the engine read it."""
    import keras

    from training.strength import auto_strength

    path, noisy = phone_png(tmp_path)
    level_model = keras.saving.load_model(
        Path(__file__).resolve().parents[1] / "models/noise-level/model.keras"
    )
    photo_card = json.loads((WEB_MODELS / "photo/denoiser.json").read_text())
    photo_card["auto_strength"]["level"].update(gain=0.5, offset=0.0)
    photo_card["sigma_range"] = [0, 50]  # the slider ends where the card's range does
    session.context.route(
        "**/models/photo/denoiser.json",
        lambda route: route.fulfill(json=photo_card),
    )
    # The level decides here: without it photo would start elsewhere.
    assert auto_strength(noisy, photo_card, level_model) != auto_strength(noisy, photo_card)
    page = session.page
    page.goto(server_url + "/")
    wait_until_ready(page)
    page.set_input_files("[data-testid=file-input]", str(path))
    slider = page.locator("[data-testid=strength]")
    strengths = {}
    for model in ("photo", "default"):
        if model != "photo":
            page.select_option("[data-testid=model]", model)
        web_card = (
            photo_card
            if model == "photo"
            else json.loads((WEB_MODELS / model / "denoiser.json").read_text())
        )
        expected = page_auto_strengths(noisy, web_card, level_model)
        assert auto_strength(noisy, web_card, level_model) in expected
        page.wait_for_function(
            "allowed => allowed.includes(Number(document.querySelector("
            "'[data-testid=strength]')?.dataset.auto))",
            arg=sorted(expected),
            timeout=60_000,
        )
        strengths[model] = int(slider.get_attribute("data-auto"))
        assert int(slider.input_value()) == strengths[model]
        assert "auto" in page.inner_text("label:has([data-testid=strength])")
        assert slider.get_attribute("max") == f"{web_card['sigma_range'][1]:g}"
    assert strengths["photo"] != strengths["default"]  # each model has its calibration
    slider.fill("40")
    assert "auto" not in page.inner_text("label:has([data-testid=strength])")
    assert slider.input_value() == "40"
    slider.fill("70")  # on default (0-75); photo then offers 0-50 and the choice follows
    page.select_option("[data-testid=model]", "photo")
    page.wait_for_selector("[data-testid=strength][max='50']", timeout=60_000)
    assert slider.input_value() == "50" and "σ 50" in page.inner_text(
        "label:has([data-testid=strength])"
    )


def test_white_noise_runs_the_white_noise_model_unless_one_was_picked(
    session, server_url: str, tmp_path: Path
) -> None:
    """With no model picked, an image whose noise reads white gets the index's white-noise
    model (as training.strength.page_model says, the same image in Python), says why, and
    starts at the estimate; a camera-noise image goes back to the default. A model picked
    in the menu, or with ?model=, is kept whatever the image."""
    from training.strength import estimate_noise, page_model, strength_for

    index = json.loads((WEB_MODELS / "index.json").read_text())
    white, _, white_noisy = noisy_png(tmp_path)
    camera, camera_noisy = phone_png(tmp_path)
    assert page_model(estimate_noise(white_noisy), index) == index["white_noise"] == "default"
    assert page_model(estimate_noise(camera_noisy), index) == index["default"] == "photo"
    default_card = json.loads((WEB_MODELS / "default/denoiser.json").read_text())
    page = session.page
    page.goto(server_url + "/")
    wait_until_ready(page)
    model = page.locator("[data-testid=model]")
    assert model.input_value() == "photo" and model.get_attribute("data-auto") == "true"

    page.set_input_files("[data-testid=file-input]", str(white))
    page.wait_for_selector("[data-testid=model-reason]", timeout=60_000)
    assert model.input_value() == "default"
    assert "white" in page.inner_text("[data-testid=model-reason]")
    expected = strength_for(estimate_noise(white_noisy), default_card)
    page.wait_for_selector(f"[data-testid=strength][data-auto='{expected}']", timeout=120_000)
    page.click("[data-testid=denoise]")
    page.wait_for_selector("[data-testid=download]", timeout=120_000)
    assert page.get_attribute("[data-testid=download]", "data-sigma") == str(expected)

    page.set_input_files("[data-testid=file-input]", str(camera))
    page.wait_for_function(
        "() => document.querySelector('[data-testid=model]').value === 'photo'", timeout=60_000
    )
    assert page.locator("[data-testid=model-reason]").count() == 0

    page.select_option("[data-testid=model]", "fast")  # the user's pick stays
    assert model.get_attribute("data-auto") is None
    page.set_input_files("[data-testid=file-input]", str(white))
    page.wait_for_selector("[data-testid=strength][data-auto]:not([data-auto=''])", timeout=120_000)
    wait_until_ready(page)
    assert model.input_value() == "fast"
    assert page.locator("[data-testid=model-reason]").count() == 0

    page.goto(server_url + "/?model=photo")  # as an address that names the model
    wait_until_ready(page)
    page.set_input_files("[data-testid=file-input]", str(white))
    page.click("[data-testid=denoise]")
    page.wait_for_selector("[data-testid=download]", timeout=120_000)
    assert model.input_value() == "photo"
    assert page.locator("[data-testid=model-reason]").count() == 0
    assert session.console_errors == []


def test_a_dark_shot_clipped_everywhere_starts_at_the_learned_levels_strength(
    session, server_url: str, tmp_path: Path
) -> None:
    """Heavy noise in a dark shot clips black in every block of the estimate's coarse scale:
    the page (as training.strength) counts that as camera noise and reads the learned
    level, instead of starting at the clipped estimate (0 here)."""
    import keras

    from training.strength import estimate_noise

    rng = np.random.default_rng(5)
    dark = synthetic_photo((256, 192)) // 8 + 4
    noisy = np.clip(np.round(dark + rng.normal(0, 30, dark.shape)), 0, 255).astype(np.uint8)
    path = tmp_path / "night.png"
    Image.fromarray(noisy).save(path)
    estimate = estimate_noise(noisy)
    assert estimate.coarse_clipped and round(estimate.auto) == 0
    level_model = keras.saving.load_model(
        Path(__file__).resolve().parents[1] / "models/noise-level/model.keras"
    )
    web_card = json.loads((WEB_MODELS / "photo/denoiser.json").read_text())
    expected = page_auto_strengths(noisy, web_card, level_model)
    assert min(expected) >= 10  # the level reads the heavy noise
    page = session.page
    page.goto(server_url + "/")
    wait_until_ready(page)
    page.set_input_files("[data-testid=file-input]", str(path))
    page.wait_for_function(
        "allowed => allowed.includes(Number(document.querySelector("
        "'[data-testid=strength]')?.dataset.auto))",
        arg=sorted(expected),
        timeout=60_000,
    )
    assert page.input_value("[data-testid=model]") == "photo"  # not taken for white noise


def test_without_its_learned_level_the_page_uses_the_hand_made_fit(
    session, server_url: str, tmp_path: Path
) -> None:
    """The estimator's files cannot be fetched: the engine says so where it lists what it
    passed over, `photo` starts at its hand-made calibration, and denoising works."""
    from training.strength import auto_strength

    path, noisy = phone_png(tmp_path)
    session.context.route("**/noise-level/**", lambda route: route.abort())
    page = session.page
    page.goto(server_url + "/")
    wait_until_ready(page)
    assert "learned noise level" in page.get_attribute("[data-testid=backend]", "title")
    page.set_input_files("[data-testid=file-input]", str(path))
    expected = auto_strength(noisy, json.loads((WEB_MODELS / "photo/denoiser.json").read_text()))
    page.wait_for_selector(f"[data-testid=strength][data-auto='{expected}']", timeout=60_000)
    page.click("[data-testid=denoise]")
    page.wait_for_selector("[data-testid=download]", timeout=120_000)
    assert page.get_attribute("[data-testid=download]", "data-sigma") == str(expected)


def test_not_an_image_gives_a_clear_message_and_the_page_recovers(
    session, server_url: str, tmp_path: Path
) -> None:
    bad = tmp_path / "notes.png"
    bad.write_bytes(b"this is not a png")
    good, _, _ = noisy_png(tmp_path)
    page = session.page
    page.goto(server_url + "/")
    wait_until_ready(page)
    page.set_input_files("[data-testid=file-input]", str(bad))
    page.wait_for_selector("[data-testid=error]:has-text('could not be decoded')")
    assert page.locator("[data-testid=denoise]").is_disabled()  # nothing to denoise
    denoise_through_ui(page, good)
    assert page.inner_text("[data-testid=error]") == ""


def test_works_offline_after_one_visit(session, app_url: str, tmp_path: Path) -> None:
    path, clean, noisy = noisy_png(tmp_path)
    page = session.page
    page.goto(app_url + "/")
    wait_until_ready(page)
    assert page.evaluate("async () => (await navigator.serviceWorker.ready).active.state") in (
        "activating",
        "activated",
    )
    page.reload()  # now controlled by the service worker, which has precached everything
    wait_until_ready(page)
    session.context.set_offline(True)
    try:
        page.reload()
        wait_until_ready(page)
        assert page.evaluate("navigator.serviceWorker.controller !== null")
        assert page.evaluate("crossOriginIsolated") is True  # headers came from the cache too
        denoise_through_ui(page, path)
        assert page.inner_text("[data-testid=error]") == ""
    finally:
        session.context.set_offline(False)


def test_the_page_is_installable(server_url: str) -> None:
    from tests.conftest import raw_request

    index = raw_request(server_url, "GET", "/").body.decode()
    assert 'rel="manifest"' in index
    manifest = raw_request(server_url, "GET", "/manifest.webmanifest")
    assert manifest.header("content-type").startswith("application/manifest+json")
    assert b'"display":"standalone"' in manifest.body.replace(b" ", b"")
    assert raw_request(server_url, "GET", "/sw.js").header("cache-control") == "no-cache"


def test_cancel_mid_image_then_the_next_image_is_right(
    session, server_url: str, tmp_path: Path
) -> None:
    big = tmp_path / "big.png"
    Image.fromarray(synthetic_photo((400, 300), seed=9)).save(big)
    small, clean, noisy = noisy_png(tmp_path)
    page = session.page
    page.goto(server_url + "/?tile=64")
    wait_until_ready(page)
    page.set_input_files("[data-testid=file-input]", str(big))
    page.click("[data-testid=denoise]")
    progress = page.locator("[data-testid=progress]")
    deadline = time.monotonic() + 120
    while float(progress.get_attribute("value") or 0) < 1:
        assert time.monotonic() < deadline, "no tile finished"
        time.sleep(0.1)
    assert int(progress.get_attribute("max")) > 10
    page.click("[data-testid=cancel]")
    page.wait_for_selector("[data-testid=denoise]:not([disabled])", timeout=60_000)
    assert page.locator("[data-testid=download]").count() == 0
    assert page.inner_text("[data-testid=error]") == ""

    out = np.asarray(Image.open(denoise_through_ui(page, small, SIGMA).path()).convert("RGB"))
    assert out.shape == clean.shape
    assert psnr_uint8(clean, out) > psnr_uint8(clean, noisy) + 5
    label = page.locator("[data-testid=time]")
    assert label.get_attribute("data-tensors") == label.get_attribute("data-baseline")


def test_compare_view_zooms_and_wipes(session, server_url: str, tmp_path: Path) -> None:
    path, _, noisy = noisy_png(tmp_path)
    page = session.page
    page.goto(server_url + "/")
    wait_until_ready(page)
    page.set_input_files("[data-testid=file-input]", str(path))
    page.click("[data-testid=denoise]")
    page.wait_for_selector("[data-testid=download]", timeout=120_000)
    after = page.locator(".compare-after")
    page.locator("[data-testid=compare]").fill("80")
    assert "80%" in after.evaluate("e => e.style.clipPath")
    # The divider on the picture: dragged by the pointer, moved by the keyboard.
    page.locator("[data-testid=divider]").scroll_into_view_if_needed()
    stack = page.locator(".compare-stack").bounding_box()
    handle = page.locator("[data-testid=divider]").bounding_box()
    page.mouse.move(handle["x"] + handle["width"] / 2, stack["y"] + stack["height"] / 2)
    page.mouse.down()
    page.mouse.move(stack["x"] + 0.25 * stack["width"], stack["y"] + stack["height"] / 2, steps=5)
    page.mouse.up()
    dragged = float(page.locator("[data-testid=divider]").get_attribute("aria-valuenow"))
    assert abs(dragged - 25) <= 2
    clip = after.evaluate("e => e.style.clipPath")  # inset(0px 0px 0px 25.3%)
    assert abs(float(re.findall(r"([\d.]+)%", clip)[-1]) - 25) <= 2
    page.locator("[data-testid=divider]").press("End")
    assert "100%" in after.evaluate("e => e.style.clipPath")
    page.locator("[data-testid=divider]").press("ArrowLeft")
    assert page.locator("[data-testid=divider]").get_attribute("aria-valuenow") == "98"
    page.select_option("[data-testid=zoom]", "2")
    width = page.locator(".compare-stack").evaluate("e => e.getBoundingClientRect().width")
    assert width == 2 * noisy.shape[1]


def denoise_file(page, path: Path) -> np.ndarray:  # noqa: ANN001
    return np.asarray(Image.open(denoise_through_ui(page, path).path()))


def test_gray_stays_gray_alpha_untouched_and_16_bit_accepted(
    session, server_url: str, tmp_path: Path
) -> None:
    page = session.page
    page.goto(server_url + "/")
    wait_until_ready(page)
    clean = synthetic_photo()
    gray = np.round(clean @ [0.299, 0.587, 0.114]).astype(np.uint8)
    noisy = np.clip(gray + np.random.default_rng(2).normal(0, 20, gray.shape), 0, 255)
    alpha = np.tile(np.linspace(255, 40, gray.shape[1]).astype(np.uint8), (gray.shape[0], 1))
    gray_alpha = tmp_path / "gray-alpha.png"
    Image.fromarray(np.stack([noisy.astype(np.uint8), alpha], -1)).save(gray_alpha)  # LA
    out = denoise_file(page, gray_alpha)
    assert out.shape[-1] == 4
    np.testing.assert_array_equal(out[..., 3], alpha)
    opaque = alpha == 255
    assert np.array_equal(out[..., 0][opaque], out[..., 1][opaque])
    assert np.array_equal(out[..., 0][opaque], out[..., 2][opaque])

    deep = tmp_path / "sixteen-bit.png"
    Image.fromarray(noisy.astype(np.uint16) * 257).save(deep)  # I;16
    out16 = denoise_file(page, deep)
    assert out16.shape == gray.shape  # gray and opaque: a one-channel PNG
    assert page.inner_text("[data-testid=error]") == ""


def test_too_large_is_refused_before_decoding(session, server_url: str, tmp_path: Path) -> None:
    import struct
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    huge = tmp_path / "huge.png"  # a 20000 x 10000 header, a few bytes of data
    huge.write_bytes(
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", struct.pack(">IIBBBBB", 20000, 10000, 8, 2, 0, 0, 0))
        + chunk(b"IDAT", zlib.compress(b"\0" * 100))
        + chunk(b"IEND", b"")
    )
    good, _, _ = noisy_png(tmp_path)
    page = session.page
    page.goto(server_url + "/")
    wait_until_ready(page)
    page.set_input_files("[data-testid=file-input]", str(huge))
    page.wait_for_selector("[data-testid=error]:has-text('too large')", timeout=30_000)
    assert "200 MP" in page.inner_text("[data-testid=error]")
    denoise_file(page, good)
    assert page.inner_text("[data-testid=error]") == ""


def test_no_backend_is_said_in_plain_words(session, server_url: str) -> None:
    # Headless Chromium here has no WebGPU adapter: forcing it leaves no backend.
    page = session.page
    page.goto(server_url + "/?backend=webgpu")
    page.wait_for_selector("[data-testid=error]:has-text('could not start')", timeout=60_000)
    assert "No backend could start" in page.inner_text("[data-testid=error]")
    assert page.locator("[data-testid=denoise]").is_disabled()


def test_a_24_megapixel_photo_completes_on_wasm(session, server_url: str, tmp_path: Path) -> None:
    """6000 x 4000 with the fast model: memory stays bounded by the tile, no leak."""
    rng = np.random.default_rng(8)
    coarse = rng.integers(0, 255, (40, 60, 3), dtype=np.uint8)
    big = np.kron(coarse, np.ones((100, 100, 1), np.uint8))
    big = np.clip(big + rng.normal(0, 15, big.shape), 0, 255).astype(np.uint8)
    path = tmp_path / "big.jpg"
    Image.fromarray(big).save(path, quality=92)
    page = session.page
    page.goto(server_url + "/?model=fast")
    assert wait_until_ready(page) == "litert-wasm"
    page.set_input_files("[data-testid=file-input]", str(path))
    page.click("[data-testid=denoise]")
    page.wait_for_selector("[data-testid=download]", timeout=900_000)
    assert page.inner_text("[data-testid=error]") == ""
    label = page.locator("[data-testid=time]")
    assert label.get_attribute("data-tensors") == label.get_attribute("data-baseline")
    with page.expect_download() as download_info:
        page.click("[data-testid=download]")
    with Image.open(download_info.value.path()) as result:
        assert result.size == (6000, 4000)


def test_usable_at_360_px_and_by_keyboard(browser, server_url: str) -> None:  # noqa: ANN001
    context = browser.new_context(viewport={"width": 360, "height": 740})
    try:
        page = context.new_page()
        page.goto(server_url + "/")
        wait_until_ready(page)
        assert page.evaluate("document.documentElement.scrollWidth") <= 360
        reached = set()
        for _ in range(12):
            page.keyboard.press("Tab")
            reached.add(page.evaluate("document.activeElement.dataset.testid || ''"))
        assert {"file-input", "model", "strength"} <= reached
        for testid in ("file-input", "model", "strength"):
            label = page.locator(f"[data-testid={testid}]").evaluate(
                "e => e.labels && e.labels.length ? e.labels[0].textContent : ''"
            )
            assert label.strip(), testid
    finally:
        context.close()


def test_exif_orientation_is_applied(session, server_url: str, tmp_path: Path) -> None:
    photo = synthetic_photo((120, 80))  # landscape pixels...
    exif = Image.Exif()
    exif[0x0112] = 6  # ...shown rotated 90 degrees: portrait
    path = tmp_path / "phone.jpg"
    Image.fromarray(photo).save(path, quality=95, exif=exif)
    page = session.page
    page.goto(server_url + "/")
    wait_until_ready(page)
    out = denoise_file(page, path)
    assert out.shape[:2] == (120, 80)


def test_a_text_file_is_not_an_image(session, server_url: str, tmp_path: Path) -> None:
    notes = tmp_path / "notes.txt"
    notes.write_text("hello")
    page = session.page
    page.goto(server_url + "/")
    wait_until_ready(page)
    page.set_input_files("[data-testid=file-input]", str(notes))
    page.wait_for_selector("[data-testid=error]:has-text('not an image')")


@pytest.mark.parametrize("how", ["drop", "paste"])
def test_drop_and_paste_take_an_image(session, server_url: str, tmp_path: Path, how: str) -> None:
    path, _, noisy = noisy_png(tmp_path)
    page = session.page
    page.goto(server_url + "/")
    wait_until_ready(page)
    data = list(path.read_bytes())
    page.evaluate(
        """([bytes, how]) => {
            const file = new File([new Uint8Array(bytes)], 'dropped.png', {type: 'image/png'});
            const transfer = new DataTransfer();
            transfer.items.add(file);
            if (how === 'drop') {
                document.querySelector('.drop').dispatchEvent(
                    new DragEvent('drop', {dataTransfer: transfer, bubbles: true, cancelable: true}));
            } else {
                window.dispatchEvent(new ClipboardEvent('paste', {clipboardData: transfer}));
            }
        }""",
        [data, how],
    )
    page.click("[data-testid=denoise]")
    page.wait_for_selector("[data-testid=download]", timeout=120_000)
    assert page.get_attribute("[data-testid=download]", "download") == "dropped-denoised.png"

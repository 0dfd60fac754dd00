"""The GPU parity probe in real Chromium: before the engine trusts WebGL (or WebGPU) it
runs the model on a test tile there and on TF.js WASM, and a GPU that disagrees by more
than a grey level is passed over for the CPU path, with the reason on the backend label.

Chromium here has only SwiftShader, which the engine skips as a software renderer; the
`?software-gpu` hook lets it count as a GPU so that the probe runs for real, and
`?gpu-probe-offset=N` adds N grey levels to the GPU's probe output: a GPU that is wrong."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
from PIL import Image

from tests.conftest import denoise_through_ui, wait_until_ready
from tests.test_browser_parity import keras_fast
from tests.test_page import SIGMA, noisy_png
from training.metrics import psnr_uint8


def passed_over(page) -> str:  # noqa: ANN001
    return page.get_attribute("[data-testid=backend]", "title") or ""


def test_a_gpu_that_agrees_with_wasm_is_used(session, server_url: str, tmp_path: Path) -> None:
    path, clean, noisy = noisy_png(tmp_path)
    page = session.page
    page.goto(f"{server_url}/?model=fast&software-gpu")
    assert wait_until_ready(page) == "webgl"
    assert "webgl" not in passed_over(page)
    assert "webgpu: no hardware WebGPU adapter" in passed_over(page)
    download = denoise_through_ui(page, path, SIGMA)
    got = np.asarray(Image.open(download.path()).convert("RGB"))
    assert psnr_uint8(keras_fast(noisy), got) >= 45
    assert psnr_uint8(clean, got) > psnr_uint8(clean, noisy) + 5
    assert session.console_errors == [], session.console_errors


def test_a_gpu_that_disagrees_is_passed_over_for_the_cpu(
    session, server_url: str, tmp_path: Path
) -> None:
    path, _, noisy = noisy_png(tmp_path)
    page = session.page
    page.goto(f"{server_url}/?model=fast&software-gpu&gpu-probe-offset=3")
    assert wait_until_ready(page) == "litert-wasm"
    reason = passed_over(page)
    assert re.search(r"webgl: its results were 3\.\d grey levels from TF.js WASM's", reason), reason
    download = denoise_through_ui(page, path, SIGMA)
    got = np.asarray(Image.open(download.path()).convert("RGB"))
    assert psnr_uint8(keras_fast(noisy), got) >= 45
    assert page.inner_text("[data-testid=error]") == ""

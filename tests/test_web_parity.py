"""The web model in real TF.js (Node, cpu and wasm backends) against Keras."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import keras
import numpy as np
import pytest

import training.models.unet  # noqa: F401  (registers the custom layers)
from tests.test_page import synthetic_photo
from training import card
from training.noise import seeded_gaussian_noise, with_sigma_map

ROOT = Path(__file__).resolve().parents[1]
WEBAPP = ROOT / "webapp"


@pytest.fixture(scope="module")
def float32_fast(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("web32")
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "converter",
            str(ROOT / "models/fast"),
            "--quantize",
            "float32",
            "--out",
            str(out),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    return out / "fast"


@pytest.fixture(scope="module")
def keras_case() -> tuple[np.ndarray, np.ndarray]:
    """A fixed noisy input (64 x 72, sigma 25) and the Keras model's output on it."""
    clean = synthetic_photo((72, 64)) / 255.0
    x = with_sigma_map(seeded_gaussian_noise(clean, 25, "parity"), 25)[None]
    model = keras.saving.load_model(ROOT / "models/fast" / card.KERAS_NAME)
    return x, np.asarray(model(x))


def run_in_node(model_dir: Path, x: np.ndarray, backend: str, tmp_path: Path) -> np.ndarray:
    x.astype(np.float32).tofile(tmp_path / "in.f32")
    result = subprocess.run(
        [
            "node",
            "scripts/run-web-model.mjs",
            str(model_dir),
            str(tmp_path / "in.f32"),
            *map(str, x.shape),
            backend,
            str(tmp_path / "out.f32"),
        ],
        cwd=WEBAPP,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout.strip().splitlines()[-1])["backend"] == backend
    return np.fromfile(tmp_path / "out.f32", np.float32).reshape(*x.shape[:3], 3)


@pytest.mark.parametrize("backend", ["cpu", "wasm"])
def test_float32_web_model_matches_keras(
    float32_fast: Path,
    keras_case,
    backend: str,  # noqa: ANN001
    tmp_path: Path,
) -> None:
    x, expected = keras_case
    got = run_in_node(float32_fast, x, backend, tmp_path)
    assert np.abs(got - expected).max() <= 1e-3


@pytest.mark.parametrize("backend", ["cpu", "wasm"])
def test_shipped_uint8_web_model_is_within_45_db(
    keras_case,
    backend: str,  # noqa: ANN001
    tmp_path: Path,
) -> None:
    x, expected = keras_case
    got = run_in_node(WEBAPP / "static/models/fast", x, backend, tmp_path)
    mse = np.mean((np.clip(got, 0, 1) - np.clip(expected, 0, 1)) ** 2)
    assert 10 * np.log10(1 / mse) >= 45

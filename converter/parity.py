"""What quantization costs: PSNR of the web model's weights against the Keras model's.

The quantized weights are produced by tensorflowjs's own quantize/dequantize
functions (the same per-tensor scheme the browser decodes), loaded into a copy of
the Keras model, and run on fixed CBSD68 crops (or generated images when the data
set is absent) with white noise at sigma 25 and, for a model trained on camera noise
(the photo contract), with seeded camera noise too: int8 rounding can cost more on the
low, correlated noise a photo model mostly meets than on white noise. The real-TF.js
parity is proven by the Node and browser tests; this is the quick number the converter
prints and gates on (the worst of the noises).
"""

from __future__ import annotations

import zlib
from typing import Any

import keras
import numpy as np

from training import camera_noise, card, data
from training.inference import denoise_rgb
from training.metrics import psnr_uint8, to_uint8
from training.noise import seeded_gaussian_noise

PARITY_SIGMA = 25.0
MAX_LOSS_DB = {"float32": 0.0, "float16": 0.05, "uint8": 0.2}
NOISES = {"white": f"white noise at sigma {PARITY_SIGMA:g}", "camera": "camera noise"}


def noises_for(model_card: dict[str, Any]) -> tuple[str, ...]:
    """The noises a model's web copies are gated on: white noise for every model, camera
    noise too for one whose strength map means camera noise's RMS (card.PHOTO_STRENGTH_MAP)."""
    photo = model_card.get("contract", {}).get("input") == card.PHOTO_STRENGTH_MAP
    return ("white", "camera") if photo else ("white",)


def parity_images(multiple: int, count: int = 4, size: int = 128) -> list[tuple[str, np.ndarray]]:
    """Fixed clean crops: CBSD68's first images if present, else seeded smooth images."""
    if data.DEFAULT_VAL_DIR.is_dir():
        return data.validation_crops(data.DEFAULT_VAL_DIR, count, size, multiple)
    rng = np.random.default_rng(1234)
    images = []
    for i in range(count):
        coarse = rng.random((size // 16, size // 16, 3))
        smooth = np.kron(coarse, np.ones((16, 16, 1)))
        images.append((f"synthetic{i}", np.round(smooth * 255).astype(np.uint8)))
    return images


def quantized_copy(model: keras.Model, quantize: str) -> keras.Model:
    """A clone of `model` whose weights went through TF.js quantization and back."""
    from tensorflowjs.quantization import (
        QUANTIZATION_OPTION_TO_DTYPES,
        dequantize_weights,
        quantize_weights,
    )

    clone = keras.models.clone_model(model)
    weights = []
    for weight in model.get_weights():
        if quantize == "float32":
            weights.append(weight)
            continue
        quantized, metadata = quantize_weights(weight, QUANTIZATION_OPTION_TO_DTYPES[quantize])
        weights.append(dequantize_weights(quantized, metadata, np.float32))
    clone.set_weights(weights)
    return clone


def noisy_crop(name: str, clean: np.ndarray, noise: str) -> tuple[np.ndarray, np.ndarray, float]:
    """(target uint8, noisy float in [0, 1], strength told) for one fixed crop, seeded by
    its name: white noise at PARITY_SIGMA, or a camera's noise (camera_noise.camera_noise,
    whose target is the clean crop's own round trip) told its RMS, as in training."""
    if noise == "white":
        return clean, seeded_gaussian_noise(clean / 255.0, PARITY_SIGMA, name), PARITY_SIGMA
    rng = np.random.default_rng(zlib.crc32(name.encode()))
    noisy, target = camera_noise.camera_noise(clean / np.float32(255), rng)
    return to_uint8(target), noisy, camera_noise.strength(noisy, target)


def outputs(
    candidate,  # noqa: ANN001
    multiple: int,
    halo: int,
    tile: int | None = None,
    noise: str = "white",
) -> list[tuple[np.ndarray, np.ndarray]]:
    """(target crop, `candidate`'s unclipped output) for each fixed crop with seeded
    `noise` (see noisy_crop); `candidate` is anything called like a Keras model, run in
    tiles of `tile` px as the engine would."""
    pairs = []
    for name, clean in parity_images(multiple):
        target, noisy, strength = noisy_crop(name, clean, noise)
        out = denoise_rgb(candidate, noisy, strength, multiple=multiple, halo=halo, tile=tile)
        pairs.append((target, out))
    return pairs


def mean_psnr_of(pairs: list[tuple[np.ndarray, np.ndarray]]) -> float:
    """Mean uint8 PSNR of the outputs against their clean crops."""
    return float(np.mean([psnr_uint8(clean, to_uint8(out)) for clean, out in pairs]))


def mean_psnr(
    candidate,  # noqa: ANN001
    multiple: int,
    halo: int,
    tile: int | None = None,
    noise: str = "white",
) -> float:
    """Mean uint8 PSNR of `candidate` against the target crops (see `outputs`)."""
    return mean_psnr_of(outputs(candidate, multiple, halo, tile, noise))


def psnr_change(
    model: keras.Model,
    quantize: str,
    multiple: int,
    halo: int,
    noises: tuple[str, ...] = ("white",),
) -> dict[str, tuple[float, float]]:
    """Per noise: (mean PSNR of the Keras model, change caused by quantization) on the
    fixed crops."""
    quantized = quantized_copy(model, quantize)
    changes = {}
    for noise in noises:
        base = mean_psnr(model, multiple, halo, noise=noise)
        changes[noise] = (base, mean_psnr(quantized, multiple, halo, noise=noise) - base)
    return changes


def compare(
    model: keras.Model,
    candidate,  # noqa: ANN001
    multiple: int,
    halo: int,
    tile: int,
    noise: str = "white",
) -> tuple[float, float]:
    """(PSNR change of `candidate` against the Keras model on the target crops, lowest
    PSNR of its output against the Keras model's, both clipped to [0, 1]), each model
    run once per crop in tiles of `tile` px, with `noise`."""
    ours = outputs(model, multiple, halo, tile, noise)
    theirs = outputs(candidate, multiple, halo, tile, noise)
    worst = float("inf")
    for (_, a), (_, b) in zip(ours, theirs, strict=True):
        mse = float(np.mean((np.clip(a, 0, 1) - np.clip(b, 0, 1)) ** 2, dtype=np.float64))
        worst = min(worst, float("inf") if mse == 0 else 10 * np.log10(1 / mse))
    return mean_psnr_of(theirs) - mean_psnr_of(ours), worst

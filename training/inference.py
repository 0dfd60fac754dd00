"""Run a denoiser on one image of any size, exactly as the browser engine does.

The image is reflect-padded by the model's halo (rounded up to the size multiple) on
every side, plus whatever the right and bottom edges need to reach the multiple; the
output is cropped back. This is the engine's whole-image computation (one tile), so
Keras and web results are comparable pixel for pixel, borders included. Evaluation,
the converter's parity checks and the tests all go through it.
"""

from __future__ import annotations

import math

import keras
import numpy as np

from training.noise import with_sigma_map


def context_pixels(halo: int, multiple: int) -> int:
    """Context kept on each side: the halo rounded up to the grid (engine: tiling.ts)."""
    return math.ceil(max(0, halo) / multiple) * multiple


def denoise_rgb(
    model: keras.Model, noisy: np.ndarray, sigma: float, *, multiple: int, halo: int
) -> np.ndarray:
    """Float `[H, W, 3]` noisy RGB in [0, 1] -> unclipped clean estimate, same shape."""
    height, width = noisy.shape[:2]
    pad = context_pixels(halo, multiple)
    bottom = math.ceil((height + 2 * pad) / multiple) * multiple - height - pad
    right = math.ceil((width + 2 * pad) / multiple) * multiple - width - pad
    padded = np.pad(noisy, ((pad, bottom), (pad, right), (0, 0)), mode="reflect")
    out = np.asarray(model(with_sigma_map(padded, sigma)[None], training=False))[0]
    return out[pad : pad + height, pad : pad + width]


def denoise_any(
    model: keras.Model, noisy: np.ndarray, sigma: float, *, multiple: int, halo: int
) -> np.ndarray:
    """Like denoise_rgb, but a gray `[H, W]` image goes in replicated and comes out averaged."""
    if noisy.ndim == 2:
        rgb = np.repeat(noisy[..., None], 3, axis=-1)
        return denoise_rgb(model, rgb, sigma, multiple=multiple, halo=halo).mean(axis=-1)
    return denoise_rgb(model, noisy, sigma, multiple=multiple, halo=halo)

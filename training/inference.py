"""Run a denoiser on one image of any size: reflect-pad to the size multiple, crop.

The one place where the Python side applies the model contract; evaluation, the
converter's parity checks and the tests all go through it.
"""

from __future__ import annotations

import keras
import numpy as np

from training.noise import with_sigma_map


def pad_amounts(size: int, multiple: int) -> tuple[int, int]:
    """(before, after) padding that makes `size` a multiple of `multiple`."""
    total = -size % multiple
    return total // 2, total - total // 2


def denoise_rgb(model: keras.Model, noisy: np.ndarray, sigma: float, multiple: int) -> np.ndarray:
    """Float `[H, W, 3]` noisy RGB in [0, 1] -> unclipped clean estimate, same shape."""
    height, width = noisy.shape[:2]
    (top, bottom), (left, right) = pad_amounts(height, multiple), pad_amounts(width, multiple)
    padded = np.pad(noisy, ((top, bottom), (left, right), (0, 0)), mode="reflect")
    out = np.asarray(model(with_sigma_map(padded, sigma)[None], training=False))[0]
    return out[top : top + height, left : left + width]


def denoise_any(model: keras.Model, noisy: np.ndarray, sigma: float, multiple: int) -> np.ndarray:
    """Like denoise_rgb, but a gray `[H, W]` image goes in replicated and comes out averaged."""
    if noisy.ndim == 2:
        rgb = np.repeat(noisy[..., None], 3, axis=-1)
        return denoise_rgb(model, rgb, sigma, multiple).mean(axis=-1)
    return denoise_rgb(model, noisy, sigma, multiple)

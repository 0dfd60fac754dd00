"""PSNR the way the protocol wants it (uint8), and a Keras metric for training logs."""

from __future__ import annotations

import numpy as np
from keras import ops


def to_uint8(image: np.ndarray) -> np.ndarray:
    """[0, 1] floats -> uint8, clipped and rounded (the evaluation protocol)."""
    return np.round(np.clip(image, 0.0, 1.0) * 255.0).astype(np.uint8)


def psnr_uint8(reference: np.ndarray, estimate: np.ndarray) -> float:
    """PSNR in dB of two uint8 images (peak 255); inf when identical."""
    mse = np.mean((reference.astype(np.float64) - estimate.astype(np.float64)) ** 2)
    return float("inf") if mse == 0 else float(10.0 * np.log10(255.0**2 / mse))


def psnr_metric(y_true, y_pred):  # noqa: ANN001, ANN201 (Keras tensors of any backend)
    """Per-batch PSNR on [0, 1] images, for the progress bar."""
    mse = ops.mean(ops.square(ops.clip(y_pred, 0.0, 1.0) - y_true))
    return 10.0 * ops.log10(1.0 / ops.maximum(mse, 1e-10))


psnr_metric.__name__ = "psnr"

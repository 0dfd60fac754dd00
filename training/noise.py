"""Noise models: the training-time synthesis layer and the seeded evaluation noise.

Training noise is synthesised inside the training graph (on the accelerator, any Keras
backend), so the input pipeline only has to deliver clean patches. Evaluation noise is
numpy, seeded per image, and never clipped: the standard protocol of the literature.
"""

from __future__ import annotations

import zlib

import keras
import numpy as np
from keras import ops

SIGMA_SCALE = 255.0  # sigma is quoted on the 0-255 scale; the model sees sigma / 255.


def with_sigma_map(noisy_rgb: np.ndarray, sigma: float) -> np.ndarray:
    """Append the constant sigma/255 channel to `[..., H, W, 3]` values in [0, 1]."""
    sigma_map = np.full(noisy_rgb.shape[:-1] + (1,), sigma / SIGMA_SCALE, np.float32)
    return np.concatenate([noisy_rgb.astype(np.float32), sigma_map], axis=-1)


def seeded_gaussian_noise(clean: np.ndarray, sigma: float, key: str) -> np.ndarray:
    """White Gaussian noise for evaluation: float, unclipped, seeded by image and sigma.

    `clean` is in [0, 1]; the result is the noisy float image in the same scale. The
    same `key` (e.g. the file name) and sigma give the same noise on every machine.
    """
    seed = zlib.crc32(f"{key}|{sigma:g}".encode())
    rng = np.random.default_rng(seed)
    noise = rng.standard_normal(clean.shape).astype(np.float32)
    return clean.astype(np.float32) + noise * np.float32(sigma / SIGMA_SCALE)


@keras.saving.register_keras_serializable(package="denoiser")
class SyntheticNoise(keras.layers.Layer):
    """Clean `[N, H, W, 3]` in [0, 1] -> noisy model input `[N, H, W, 4]`.

    Each patch draws sigma uniformly from [0, sigma_max] (0-255 scale) and gets white
    Gaussian noise of that strength; the sigma/255 map is the 4th channel. A fraction
    of the patches are clipped to [0, 1] and quantised to 8 bits, as a noisy PNG or
    JPEG would be, so the model also knows real files. Gray patches (the three
    channels equal; the input pipeline makes some) get one noise field for all three
    channels, as a gray photo replicated to RGB has: noise identical across channels
    is a different problem from independent colour noise, and a model that never saw
    it leaves it in.
    """

    def __init__(
        self,
        sigma_max: float = 75.0,
        quantized_fraction: float = 0.3,
        seed: int | None = None,
        **kwargs: object,
    ) -> None:
        super().__init__(**kwargs)
        self.sigma_max = sigma_max
        self.quantized_fraction = quantized_fraction
        self.seed = seed
        self.seed_generator = keras.random.SeedGenerator(seed)

    def call(self, clean: keras.KerasTensor) -> keras.KerasTensor:
        clean = ops.cast(clean, "float32")
        batch = ops.shape(clean)[0]
        sigma = keras.random.uniform(
            (batch, 1, 1, 1),
            0.0,
            self.sigma_max / SIGMA_SCALE,
            seed=self.seed_generator,
        )
        spread = ops.max(ops.abs(clean - clean[..., :1]), axis=(1, 2, 3), keepdims=True)
        gray = spread == 0.0
        colour_noise = keras.random.normal(ops.shape(clean), seed=self.seed_generator)
        gray_noise = ops.repeat(colour_noise[..., :1], 3, axis=-1)
        noisy = clean + sigma * ops.where(gray, gray_noise, colour_noise)
        quantize = (
            keras.random.uniform((batch, 1, 1, 1), seed=self.seed_generator)
            < self.quantized_fraction
        )
        quantized = ops.round(ops.clip(noisy, 0.0, 1.0) * 255.0) / 255.0
        noisy = ops.where(quantize, quantized, noisy)
        sigma_map = ops.ones_like(clean[..., :1]) * sigma
        return ops.concatenate([noisy, sigma_map], axis=-1)

    def compute_output_shape(self, input_shape: tuple) -> tuple:
        return (*input_shape[:-1], 4)

    def get_config(self) -> dict:
        return {
            **super().get_config(),
            "sigma_max": self.sigma_max,
            "quantized_fraction": self.quantized_fraction,
            "seed": self.seed,
        }

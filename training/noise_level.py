"""The learned noise level: a small network that reads how strong a photo's noise is.

Why: the hand-made estimate (training/strength.py, webapp/src/engine/sigma.ts) reads the
quietest blocks of the finest wavelet band. That is exact for white noise but not for a
developed photo, where the ISP and JPEG smooth the noise and texture looks like noise: on
camera-noise crops it misses the true RMS by a factor of two both ways, and `photo`
told the true RMS instead gains 1.1 dB on average (docs/real-noise.md). The statistics
that separate noise from texture are what a convolutional network learns well, from the
same synthetic pairs the photo model trains on, whose true RMS is known exactly.

The network sees crops of CROP pixels and answers log(1 + RMS) (0-255 scale) per crop;
a photo is read on a grid of up to GRID x GRID crops spread over it, and its level is
the root mean square of the crops' answers (the RMS of the whole photo, as the photo
model was told in training). webapp/src/engine/level.ts mirrors `crop_corners` and
`photo_level` exactly; the network itself runs as a TF.js graph model there.
"""

from __future__ import annotations

import math

import keras
import numpy as np

CROP = 96
GRID = 5
KIND = "noise_level"
WEB_CARD_NAME = "estimator.json"


def build(seed: int = 0) -> keras.Model:
    """RGB crop `[N, h, w, 3]` in [0, 1] -> `[N, 1]` log(1 + noise RMS on 0-255).

    Two full-resolution convolutions see the noise's grain, two halvings see whether
    a pattern repeats like texture or not; the global mean pools the evidence of the
    whole crop. About 12 k multiply-adds per pixel: 25 crops cost the page well under a
    second even on the CPU."""
    init = keras.initializers.HeNormal(seed=seed)
    inputs = keras.Input((None, None, 3), name="noisy_rgb")
    x = inputs
    for i, (filters, stride) in enumerate(((24, 1), (24, 1), (32, 2), (32, 1), (48, 2), (48, 1))):
        x = keras.layers.Conv2D(
            filters,
            3,
            strides=stride,
            padding="same",
            activation="relu",
            kernel_initializer=init,
            name=f"level_conv{i}",
        )(x)
    x = keras.layers.GlobalAveragePooling2D(name="level_pool")(x)
    x = keras.layers.Dense(48, activation="relu", kernel_initializer=init, name="level_dense")(x)
    outputs = keras.layers.Dense(1, name="log1p_rms")(x)
    return keras.Model(inputs, outputs, name="noise_level")


def macs_per_pixel(model: keras.Model) -> int:
    """Multiply-adds per input pixel of the convolutions (strides shrink later layers)."""
    total, area = 0.0, 1.0
    for layer in model.layers:
        if isinstance(layer, keras.layers.Conv2D):
            area /= layer.strides[0] * layer.strides[1]
            kernel = layer.kernel.shape
            total += area * kernel[0] * kernel[1] * kernel[2] * kernel[3]
    return int(round(total))


def _starts(length: int) -> list[int]:
    """Evenly spread crop starts along one side: as many crops as fit whole, at most
    GRID, from edge to edge; one crop of the whole side when it is shorter than CROP."""
    if length <= CROP:
        return [0]
    count = min(GRID, length // CROP)
    if count == 1:
        return [(length - CROP) // 2]
    return [math.floor(i * (length - CROP) / (count - 1)) for i in range(count)]


def crop_corners(height: int, width: int) -> list[tuple[int, int]]:
    """(top, left) of each crop read for a `height` x `width` photo, row by row."""
    return [(top, left) for top in _starts(height) for left in _starts(width)]


def crops(rgb: np.ndarray) -> np.ndarray:
    """The crops of a uint8 `[H, W, 3]` photo as float `[N, h, w, 3]` in [0, 1]."""
    height, width = rgb.shape[:2]
    side_h, side_w = min(CROP, height), min(CROP, width)
    return np.stack(
        [rgb[t : t + side_h, x : x + side_w] for t, x in crop_corners(height, width)]
    ).astype(np.float32) / np.float32(255)


def level_of(answers: np.ndarray) -> float:
    """The photo's level from the crops' answers: RMS of the crops' RMS estimates."""
    rms = np.maximum(np.expm1(np.asarray(answers, np.float64).reshape(-1)), 0.0)
    return float(np.sqrt(np.mean(rms**2)))


def photo_level(model: keras.Model, rgb: np.ndarray) -> float:
    """Noise RMS (0-255 scale) the network reads in a uint8 `[H, W, 3]` (or gray) photo."""
    if rgb.ndim == 2:
        rgb = np.repeat(rgb[..., None], 3, axis=-1)
    return level_of(np.asarray(model(crops(rgb[..., :3]), training=False)))

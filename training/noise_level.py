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
    inputs = keras.Input((None, None, 3), name="noisy_rgb")
    return keras.Model(inputs, _reader(inputs, "level", seed), name="noise_level")


def _reader(x: keras.KerasTensor, prefix: str, seed: int) -> keras.KerasTensor:
    """One level network on `x`; its layers named `prefix`_... (the shipped level's
    names for prefix "level", its output `log1p_rms`)."""
    init = keras.initializers.HeNormal(seed=seed)
    for i, (filters, stride) in enumerate(((24, 1), (24, 1), (32, 2), (32, 1), (48, 2), (48, 1))):
        x = keras.layers.Conv2D(
            filters,
            3,
            strides=stride,
            padding="same",
            activation="relu",
            kernel_initializer=init,
            name=_layer_name(f"conv{i}", prefix),
        )(x)
    x = keras.layers.GlobalAveragePooling2D(name=_layer_name("pool", prefix))(x)
    x = keras.layers.Dense(
        48, activation="relu", kernel_initializer=init, name=_layer_name("dense", prefix)
    )(x)
    return keras.layers.Dense(1, name=_layer_name("log1p_rms", prefix))(x)


def _layer_name(base: str, prefix: str) -> str:
    """The name of a level network's layer `base` (as in "conv0", "log1p_rms") under
    `prefix`: the shipped level's output is bare `log1p_rms`, every other layer and
    every other prefix's output carries the prefix."""
    return base if (prefix, base) == ("level", "log1p_rms") else f"{prefix}_{base}"


def _base_name(name: str) -> str:
    """`name` of a shipped level's layer without its prefix (the inverse of _layer_name)."""
    return name.removeprefix("level_")


# The blended level: a frozen level and a copy fine-tuned for heavy noise, the copy's
# answer taking over as the frozen one reads more than BLEND_ABOVE (0-255 RMS; half-way
# there, BLEND_SLOPE per unit of log(1 + RMS)).
BLEND_SLOPE = 12.0
GATE = "heavy_gate"


def build_blended(start: keras.Model, above: float) -> keras.Model:
    """`start`'s reading t where it reads well under `above`, a fine-tunable copy's
    reading s where it reads well over it: t + g(t) (s - t), g a fixed sigmoid of t.

    Why: the real pairs, on which every model's auto strength is fitted, read 1.6-12 with
    the shipped level, while heavy phone noise reads 12-40 and about 15 % low. A level
    fine-tuned as a whole to read heavy noise right moved the pairs' readings (by 13-15 %
    when taught the truth, session 17; by up to 10 % when anchored to its own readings,
    session 21); here the pairs keep `start`'s reading by construction. Costs twice the
    multiply-adds (24 k per pixel of the 25 crops) and twice the weights."""
    if any(layer.name == GATE for layer in start.layers):
        raise ValueError("the starting level is already blended")
    inputs = keras.Input((None, None, 3), name="noisy_rgb")
    frozen = _reader(inputs, "level", 0)
    copy = _reader(inputs, "heavy", 0)
    gate = keras.layers.Dense(1, activation="sigmoid", trainable=False, name=GATE)(frozen)
    change = keras.layers.Subtract(name="heavy_change")([copy, frozen])
    gated = keras.layers.Multiply(name="heavy_gated")([gate, change])
    output = keras.layers.Add(name="blended_log1p_rms")([frozen, gated])
    model = keras.Model(inputs, output, name="noise_level_blended")
    for layer in start.layers:
        if layer.get_weights():
            model.get_layer(layer.name).set_weights(layer.get_weights())
            copy_name = _layer_name(_base_name(layer.name), "heavy")
            model.get_layer(copy_name).set_weights(layer.get_weights())
            model.get_layer(layer.name).trainable = False
    centre = math.log1p(above)
    model.get_layer(GATE).set_weights(
        [np.array([[BLEND_SLOPE]], np.float32), np.array([-BLEND_SLOPE * centre], np.float32)]
    )
    return model


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

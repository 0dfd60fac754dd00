"""The model card (`card.json`): the contract between training, converter and page.

Parameters, multiply-accumulates per pixel and the halo are computed from the
network itself, never typed in by hand.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import keras
import numpy as np

from training import models

CARD_NAME = "card.json"
KERAS_NAME = "model.keras"
CONTRACT = {
    "input": "float32 [N,H,W,4]: noisy sRGB in [0,1] + sigma/255 map",
    "output": "float32 [N,H,W,3]: clean sRGB estimate in [0,1], consumers clip",
    "gray": "replicate to 3 channels in, average the 3 channels out",
}
# What channel 3 means for a model trained on the camera-noise mix (--noise photo).
PHOTO_STRENGTH_MAP = (
    "float32 [N,H,W,4]: noisy sRGB in [0,1] + strength map: the RMS of the noise to remove "
    "on the 0-255 scale, /255 (for white noise that is sigma/255); trained with the true "
    "RMS of each synthetic pair; the page sets it from its noise estimate through the "
    "card's auto_strength"
)
SIGMA_RANGE = (0.0, 75.0)


def macs_per_pixel(
    arch: str, probe_size: int = 64, options: models.AutoencoderOptions | None = None
) -> float:
    """Multiply-accumulates of all convolutions and dense layers, per input pixel."""
    probe_size = models.fixed_input_size(arch, options) or probe_size
    return model_macs_per_pixel(models.build(arch, input_size=probe_size, options=options))


def model_macs_per_pixel(model: keras.Model) -> float:
    """macs_per_pixel of a network built with a fixed square input size."""
    probe_size = model.inputs[0].shape[1]
    total = 0
    for layer in model._flatten_layers(include_self=False):
        if isinstance(layer, keras.layers.Dense):
            total += layer.kernel.shape[0] * layer.kernel.shape[1]
        elif isinstance(layer, keras.layers.Conv2DTranspose):
            _, height, width, cin = layer.input.shape
            kh, kw = layer.kernel_size
            total += height * width * cin * layer.filters * kh * kw
        elif isinstance(layer, keras.layers.SeparableConv2D):
            _, height, width, cout = layer.output.shape
            kh, kw = layer.kernel_size
            cin = layer.input.shape[-1]
            total += height * width * (kh * kw * cin + cin * cout)
        elif isinstance(layer, keras.layers.Conv2D):
            _, height, width, cout = layer.output.shape
            kh, kw = layer.kernel_size
            total += height * width * cout * kh * kw * layer.input.shape[-1]
    return total / probe_size**2


def receptive_halo(arch: str, options: models.AutoencoderOptions | None = None) -> int:
    """Pixels of context per side that the output at a point can depend on.

    Measured, not derived by hand: with every kernel positive, biases zero and a zero
    input, nothing cancels and the ReLUs pass everything, so a unit impulse lights up
    exactly the pixels whose output depends on it. The impulse is tried at every
    phase of the downsampling grid; the widest spread wins.
    """
    fixed = models.fixed_input_size(arch, options)
    if fixed:
        return fixed  # dense layers: every output pixel sees the whole window
    multiple = models.size_multiple(arch, options)
    model = models.build(arch, options=options)
    for layer in model._flatten_layers(include_self=False):
        for weight in layer.weights:
            value = np.full(weight.shape, 0.0 if "bias" in weight.path else 1.0, np.float32)
            if "bias" not in weight.path:
                value /= np.prod(weight.shape[:-1])
            weight.assign(value)
    side = 16 * multiple
    while True:
        impulses = np.zeros((multiple, side, side, 4), np.float32)
        centre = side // 2
        for phase in range(multiple):
            impulses[phase, centre + phase, centre + phase, :] = 1.0
        response = np.abs(np.asarray(model(impulses))).max(axis=-1)
        halo = 0
        for phase in range(multiple):
            rows, cols = np.nonzero(response[phase] > 0)
            spread = np.maximum(np.abs(rows - centre - phase), np.abs(cols - centre - phase))
            halo = max(halo, int(spread.max()))
        if halo < side // 2 - multiple:
            return halo
        side *= 2


def describe(
    model: keras.Model, arch: str, options: models.AutoencoderOptions | None = None
) -> dict[str, Any]:
    """The architecture part of a card; `input_size` only for fixed-size networks."""
    fixed = models.fixed_input_size(arch, options)
    return {
        "architecture": arch,
        "parameters": int(model.count_params()),
        "macs_per_pixel": round(macs_per_pixel(arch, options=options)),
        "size_multiple": models.size_multiple(arch, options),
        # python -m training.halo measures the smaller context tiles really need.
        "halo": (receptive := receptive_halo(arch, options)),
        "receptive_field": receptive,
        **({"input_size": fixed} if fixed else {}),
        "sigma_range": list(SIGMA_RANGE),
        "contract": CONTRACT,
    }


def read_card(model_dir: Path) -> dict[str, Any]:
    return json.loads((Path(model_dir) / CARD_NAME).read_text())


def write_card(model_dir: Path, card: dict[str, Any]) -> Path:
    path = Path(model_dir) / CARD_NAME
    path.write_text(json.dumps(card, indent=2, sort_keys=False) + "\n")
    return path

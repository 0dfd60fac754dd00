"""Converting the learned noise level (training/noise_level.py), not a denoiser.

It has its own contract (RGB crops in, one number per crop out) and its own card name,
estimator.json, so the models index (built from denoiser.json files) does not offer it
as a model. Its quantization gate is on what it reads, not on PSNR: the level of fixed
noisy crops may move by at most MAX_LEVEL_CHANGE.
"""

from __future__ import annotations

import shutil
import tempfile
import zlib
from pathlib import Path
from typing import Any

import keras
import numpy as np

from converter import export, parity
from converter.checks import ConversionError
from training import camera_noise, noise_level
from training.metrics import to_uint8

MAX_LEVEL_CHANGE = 0.01  # relative


def check_level_contract(model: keras.Model, model_card: dict[str, Any]) -> None:
    """Input [N,H,W,3], output [N,1], and a card that belongs to this model."""
    if len(model.inputs) != 1 or len(model.outputs) != 1:
        raise ConversionError("the noise level must have exactly one input and one output")
    in_shape, out_shape = tuple(model.inputs[0].shape), tuple(model.outputs[0].shape)
    if len(in_shape) != 4 or in_shape[-1] != 3:
        raise ConversionError(f"noise level input is {in_shape}, the contract wants [N,H,W,3]")
    if out_shape[1:] != (1,):
        raise ConversionError(f"noise level output is {out_shape}, the contract wants [N,1]")
    if model_card.get("parameters") != model.count_params():
        raise ConversionError(
            f"card.json says {model_card.get('parameters')} parameters, the model has "
            f"{model.count_params()}: the card belongs to another model"
        )


def noisy_crops() -> list[np.ndarray]:
    """The parity crops with seeded camera-mix noise, uint8."""
    out = []
    for name, clean in parity.parity_images(2):
        rng = np.random.default_rng(zlib.crc32(name.encode()))
        noisy, _, _ = camera_noise.realistic_pair(clean.astype(np.float32) / 255, rng)
        out.append(to_uint8(noisy))
    return out


def level_change(model: keras.Model, quantize: str) -> float:
    """Largest relative change of the level over the fixed crops caused by quantization."""
    quantized = parity.quantized_copy(model, quantize)
    changes = []
    for noisy in noisy_crops():
        base = noise_level.photo_level(model, noisy)
        changes.append(abs(noise_level.photo_level(quantized, noisy) - base) / max(base, 1.0))
    return float(max(changes))


def convert_level(
    model: keras.Model, model_card: dict[str, Any], name: str, quantize: str, out: Path
) -> Path:
    """Write the web estimator `out/name` (model.json, shards, estimator.json)."""
    check_level_contract(model, model_card)
    change = level_change(model, quantize)
    if change > MAX_LEVEL_CHANGE:
        raise ConversionError(
            f"{quantize} moves the noise level by {change:.1%} "
            f"(allowed {MAX_LEVEL_CHANGE:.0%}): refused; use float16 or float32"
        )
    out.mkdir(parents=True, exist_ok=True)
    target = out / name
    staging = Path(tempfile.mkdtemp(prefix=f".{name}.", dir=out))
    staging.chmod(0o755)
    try:
        export.export_graph_model(model, staging, quantize)
        web_card = {
            **model_card,
            "crop": noise_level.CROP,
            "grid": noise_level.GRID,
            "level_change_from_quantization": round(change, 4),
        }
        export.write_web_card(staging, web_card, quantize, name, noise_level.WEB_CARD_NAME)
        export.replace_folder(staging, target)
    finally:
        if staging.exists():
            shutil.rmtree(staging)
    print(
        f"{name}: noise level, {quantize}, {export.folder_bytes(target) / 1e6:.2f} MB, "
        f"level change from Keras {change:.2%} -> {target}"
    )
    return target

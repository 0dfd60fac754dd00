"""Architectures, one file per family; `build(arch)` is the one way to get a network.

`default` and `fast` are the shipped residual U-Nets; `undercomplete`, `sparse` and
`vae` are the classic autoencoders (training/models/autoencoders.py), kept for
learning and comparison.
"""

from __future__ import annotations

import keras

from training.models.autoencoders import (
    BUILDERS,
    ENCODER_PREFIXES,
    SIZE_MULTIPLES,
    AutoencoderOptions,
)
from training.models.unet import PRESETS, build_unet

ARCHITECTURES: tuple[str, ...] = (*PRESETS, *BUILDERS)
SHIPPABLE: tuple[str, ...] = tuple(PRESETS)
__all__ = ["ARCHITECTURES", "ENCODER_PREFIXES", "SHIPPABLE", "AutoencoderOptions", "build"]


def build(
    arch: str,
    input_size: int | None = None,
    options: AutoencoderOptions | None = None,
    seed: int | None = None,
) -> keras.Model:
    """The untrained network named `arch` (see ARCHITECTURES).

    `input_size` fixes H = W of a fully convolutional network (used to count
    operations); the undercomplete autoencoder's size comes from `options`.
    """
    options = options or AutoencoderOptions()
    name = f"denoiser_{arch}"
    if arch in PRESETS:
        return build_unet(PRESETS[arch], name=name, input_size=input_size)
    if arch == "vae":
        return BUILDERS[arch](options, name, input_size, seed=seed)
    if arch in BUILDERS:
        return BUILDERS[arch](options, name, input_size)
    raise ValueError(f"unknown architecture {arch!r}; choose from {', '.join(ARCHITECTURES)}")


def fixed_input_size(arch: str, options: AutoencoderOptions | None = None) -> int | None:
    """H = W the network only accepts (dense layers), or None for any size."""
    return (options or AutoencoderOptions()).input_size if arch == "undercomplete" else None


def size_multiple(arch: str, options: AutoencoderOptions | None = None) -> int:
    """H and W of the input must be multiples of this."""
    if arch in PRESETS:
        return PRESETS[arch].size_multiple
    return fixed_input_size(arch, options) or SIZE_MULTIPLES[arch]


def reconstruction_loss(arch: str) -> keras.losses.Loss:
    """L1 for the denoisers (sharper than L2 at equal PSNR); the VAE's Gaussian decoder
    makes its negative ELBO a squared error."""
    if arch == "vae":
        return keras.losses.MeanSquaredError()
    return keras.losses.MeanAbsoluteError()


def is_encoder_layer(name: str) -> bool:
    """Layers that `--init-from` carries over (the encoder half of every family)."""
    return name.startswith(ENCODER_PREFIXES)

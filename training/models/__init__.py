"""Architectures, one file each; `build(arch)` is the one way to get a network."""

from __future__ import annotations

import keras

from training.models.unet import PRESETS, build_unet

ARCHITECTURES: tuple[str, ...] = tuple(PRESETS)


def build(arch: str, input_size: int | None = None) -> keras.Model:
    """The untrained network named `arch` (see ARCHITECTURES)."""
    if arch not in PRESETS:
        raise ValueError(f"unknown architecture {arch!r}; choose from {', '.join(PRESETS)}")
    return build_unet(PRESETS[arch], name=f"denoiser_{arch}", input_size=input_size)


def size_multiple(arch: str) -> int:
    """H and W of the input must be multiples of this."""
    return PRESETS[arch].size_multiple

"""Residual U-Net denoiser: the default and fast architectures.

A fully convolutional encoder-decoder with additive skip connections (DRUNet-style,
no normalisation layers, so the output at a pixel depends only on its neighbourhood
and tiles can be processed independently). The network predicts the noise and
subtracts it from the noisy RGB input (residual learning), which trains faster than
predicting the clean image directly.
"""

from __future__ import annotations

from dataclasses import dataclass

import keras
from keras import layers


@dataclass(frozen=True)
class UNetConfig:
    """Width per level (full resolution first), residual blocks per level (0: the level
    only carries the skip, as in a half-resolution design), the decoder's blocks per level
    where they differ from the encoder's (None: the same) and the block's convolutions:
    'conv' (3x3) or 'separable' (depthwise 3x3 then pointwise 1x1)."""

    channels: tuple[int, ...]
    blocks: tuple[int, ...]
    block: str = "conv"
    decoder_blocks: tuple[int, ...] | None = None

    @property
    def blocks_up(self) -> tuple[int, ...]:
        """The decoder's residual blocks per level."""
        return self.blocks if self.decoder_blocks is None else self.decoder_blocks

    @property
    def size_multiple(self) -> int:
        """Each level below the first halves H and W."""
        return 2 ** (len(self.channels) - 1)


PRESETS: dict[str, UNetConfig] = {
    # <= 2 M parameters and <= 300 k multiply-accumulates per pixel.
    "default": UNetConfig(channels=(32, 64, 96, 128), blocks=(2, 2, 2, 2)),
    # <= 80 k multiply-accumulates per pixel, for phones.
    "fast": UNetConfig(channels=(24, 48, 96, 128), blocks=(1, 1, 1, 1)),
    # default without its full-resolution residual blocks: nothing at full resolution but
    # the head, the skip and the tail; about 1.6x faster in LiteRT.js (docs/candidates.md).
    # Every layer it has has default's name and shape (the full-resolution width stayed
    # 32, not the 16 first timed: 3 k more multiply-adds per pixel), so --init-from
    # models/default or models/photo starts all of it, not only levels 1-3.
    "half-res": UNetConfig(channels=(32, 64, 96, 128), blocks=(0, 2, 2, 2)),
    # half-res with one residual block back at full resolution, on the decoder side where
    # the output is formed: half-res's full-resolution path (head, skip, tail) is linear,
    # and it lost 3 dB near hard saturated edges and thin lines (bench.saturated).
    # +18 k multiply-adds per pixel; its layers are half-res's plus `dec0_block0`, which a
    # fine-tune from a half-res model starts as identity (training.train.copy_layers).
    "half-res-edge": UNetConfig(
        channels=(32, 64, 96, 128), blocks=(0, 2, 2, 2), decoder_blocks=(1, 2, 2, 2)
    ),
}


@keras.saving.register_keras_serializable(package="denoiser")
class TakeChannels(layers.Layer):
    """Channels [start, stop) of the input; a named layer so the model saves safely."""

    def __init__(self, start: int, stop: int, **kwargs: object) -> None:
        super().__init__(**kwargs)
        self.start = start
        self.stop = stop

    def call(self, inputs: keras.KerasTensor) -> keras.KerasTensor:
        return inputs[..., self.start : self.stop]

    def compute_output_shape(self, input_shape: tuple) -> tuple:
        return (*input_shape[:-1], self.stop - self.start)

    def get_config(self) -> dict:
        return {**super().get_config(), "start": self.start, "stop": self.stop}


def _residual_block(
    x: keras.KerasTensor, width: int, name: str, block: str = "conv"
) -> keras.KerasTensor:
    if block == "separable":
        y = layers.SeparableConv2D(
            width, 3, padding="same", activation="relu", name=f"{name}_conv1"
        )(x)
        y = layers.SeparableConv2D(width, 3, padding="same", name=f"{name}_conv2")(y)
    else:
        y = layers.Conv2D(width, 3, padding="same", activation="relu", name=f"{name}_conv1")(x)
        y = layers.Conv2D(width, 3, padding="same", name=f"{name}_conv2")(y)
    return layers.Add(name=f"{name}_add")([x, y])


def build_unet(
    config: UNetConfig, name: str = "unet", input_size: int | None = None
) -> keras.Model:
    """Build the network for `[N, H, W, 4]` -> `[N, H, W, 3]` (the model contract).

    `input_size` fixes H = W (only used to count operations); None keeps it free.
    """
    inputs = keras.Input((input_size, input_size, 4), name="noisy_and_sigma")
    noisy_rgb = TakeChannels(0, 3, name="noisy_rgb", dtype="float32")(inputs)
    x = layers.Conv2D(config.channels[0], 3, padding="same", name="head")(inputs)

    skips: list[keras.KerasTensor] = []
    last = len(config.channels) - 1
    for level, (width, count) in enumerate(zip(config.channels, config.blocks, strict=True)):
        for i in range(count):
            x = _residual_block(x, width, f"enc{level}_block{i}", config.block)
        if level < last:
            skips.append(x)
            x = layers.Conv2D(config.channels[level + 1], 2, strides=2, name=f"down{level}")(x)

    for level in range(last - 1, -1, -1):
        width = config.channels[level]
        x = layers.Conv2DTranspose(width, 2, strides=2, name=f"up{level}")(x)
        x = layers.Add(name=f"skip{level}")([x, skips[level]])
        for i in range(config.blocks_up[level]):
            x = _residual_block(x, width, f"dec{level}_block{i}", config.block)

    noise = layers.Conv2D(3, 3, padding="same", name="tail", dtype="float32")(x)
    clean = layers.Subtract(name="residual", dtype="float32")([noisy_rgb, noise])
    return keras.Model(inputs, clean, name=name)

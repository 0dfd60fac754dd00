"""Training with LiteRT.js's int8 rounding in the loop (`training.train --int8-aware`).

On a CPU the page runs photos of a megapixel or more through dynamic-range int8 `.tflite`
files (XNNPack in LiteRT.js): before every convolution the layer's input is rounded to
int8, one scale per tile from its own minimum and maximum. The residual U-Net carries the
picture itself through its layers at about a grey level per int8 step, so on lightly
noisy photos that rounding costs up to 0.2 dB (docs/real-noise.md). Rounding each
convolution's input the same way while training, with the gradient passed straight
through the rounding, lets the network learn weights that the rounding hurts less.

Measured first: a Keras clone with these layers reproduces the `.tflite`'s loss on Nam25
(42.83 against 42.84 dB, float 43.03), so it is a faithful stand-in for the runtime.
"""

from __future__ import annotations

import keras
from keras import ops

CONVOLUTIONS = (keras.layers.Conv2D, keras.layers.Conv2DTranspose)
LEVELS = 255  # int8: 256 values, 255 steps between the smallest and the largest


@keras.saving.register_keras_serializable(package="denoiser")
class Int8Rounding(keras.layers.Layer):
    """x rounded to 256 evenly spaced values between min(x, 0) and max(x, 0) of each
    sample (XNNPack's dynamic quantization: asymmetric, zero exactly representable);
    gradients pass through unchanged (straight-through estimator)."""

    def call(self, x: keras.KerasTensor) -> keras.KerasTensor:
        axes = tuple(range(1, len(x.shape)))
        low = ops.minimum(ops.min(x, axis=axes, keepdims=True), 0.0)
        high = ops.maximum(ops.max(x, axis=axes, keepdims=True), 0.0)
        step = ops.maximum(high - low, 1e-8) / LEVELS
        rounded = ops.round((x - low) / step) * step + low
        return x + ops.stop_gradient(rounded - x)


def int8_aware(model: keras.Model) -> keras.Model:
    """A model that shares `model`'s layers (training it trains them) and rounds every
    convolution's input as LiteRT.js's int8 files do."""

    def call(layer: keras.layers.Layer, *args: object, **kwargs: object) -> object:
        if isinstance(layer, CONVOLUTIONS):
            return layer(Int8Rounding()(args[0]), **kwargs)
        return layer(*args, **kwargs)

    return keras.models.clone_model(model, clone_function=lambda layer: layer, call_function=call)

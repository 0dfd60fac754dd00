"""Training with int8 rounding in the loop: the rounding is XNNPack's, the gradient passes
through it, and the aware copy trains the model's own weights."""

from __future__ import annotations

import keras
import numpy as np

from training import models
from training.int8_aware import CONVOLUTIONS, Int8Rounding, int8_aware


def test_rounding_is_per_sample_asymmetric_int8_with_zero_exact() -> None:
    rng = np.random.default_rng(0)
    x = np.stack([rng.uniform(-0.2, 0.5, (4, 4, 2)), rng.uniform(0.1, 3.0, (4, 4, 2))])
    x = x.astype(np.float32)
    y = np.asarray(Int8Rounding()(x))
    for sample, rounded in zip(x, y, strict=True):
        low, high = min(sample.min(), 0.0), max(sample.max(), 0.0)
        step = (high - low) / 255
        grid = (rounded - low) / step
        np.testing.assert_allclose(grid, np.round(grid), atol=2e-3)  # on its own grid
        assert np.abs(rounded - sample).max() <= step / 2 + 1e-6
        assert 1e-4 < np.abs(rounded - sample).mean()  # it does round
    assert np.asarray(Int8Rounding()(np.zeros((1, 2, 2, 1), np.float32))).max() == 0


def test_gradient_passes_straight_through() -> None:
    import tensorflow as tf

    x = tf.constant(np.linspace(-1, 2, 24, dtype=np.float32).reshape(1, 2, 3, 4))
    with tf.GradientTape() as tape:
        tape.watch(x)
        loss = tf.reduce_sum(Int8Rounding()(x) * 3.0)
    np.testing.assert_allclose(tape.gradient(loss, x).numpy(), 3.0)


def test_the_aware_copy_rounds_before_every_convolution_and_trains_the_model() -> None:
    model = models.build("fast", seed=0)
    aware = int8_aware(model)
    convolutions = [layer for layer in model.layers if isinstance(layer, CONVOLUTIONS)]
    roundings = [layer for layer in aware.layers if isinstance(layer, Int8Rounding)]
    assert len(roundings) == len(convolutions) > 0
    assert all(aware.get_layer(c.name) is c for c in convolutions)  # shared, not copied
    x = np.random.default_rng(1).random((2, 32, 32, 4), dtype=np.float32)
    assert np.abs(np.asarray(aware(x)) - np.asarray(model(x))).max() > 0
    before = model.get_layer("head").get_weights()[0].copy()
    aware.compile(optimizer=keras.optimizers.Adam(1e-2), loss="mae")
    aware.fit(x, x[..., :3], epochs=1, verbose=0)
    assert np.abs(model.get_layer("head").get_weights()[0] - before).max() > 0

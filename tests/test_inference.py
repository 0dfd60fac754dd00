"""Passes (the self-ensemble of training.inference, mirrored by the engine's passes.ts):
the flips come back undone, the copies are averaged, tiles still equal the whole image,
and the automatic count is the page's."""

from __future__ import annotations

import numpy as np
import pytest

from training import evaluate, models
from training.inference import (
    AUTO_PASSES_BUDGET,
    MAX_PASSES,
    auto_passes,
    denoise_rgb,
    passes_for,
    run_passes,
)

PHOTO_MACS = 208_864


def per_pixel(inputs: np.ndarray, training: bool = False) -> np.ndarray:
    """A network that sees each pixel alone: flips cannot change its answer."""
    return inputs[..., :3] * 0.5 + inputs[..., 3:]


def column(inputs: np.ndarray, training: bool = False) -> np.ndarray:
    """A network that answers each pixel's column index: flips change everything."""
    n, h, w, _ = inputs.shape
    return np.broadcast_to(np.arange(w, dtype=np.float32)[None, None, :, None], (n, h, w, 3))


def test_each_copy_is_flipped_back_and_the_copies_averaged() -> None:
    inputs = np.random.default_rng(0).random((2, 6, 9, 4)).astype(np.float32)
    one = run_passes(per_pixel, inputs, 1)
    for passes in range(2, MAX_PASSES + 1):
        np.testing.assert_allclose(run_passes(per_pixel, inputs, passes), one, rtol=1e-6)
    np.testing.assert_array_equal(run_passes(column, inputs, 2), np.full((2, 6, 9, 3), 4.0))
    seen: list[np.ndarray] = []

    def record(x: np.ndarray, training: bool = False) -> np.ndarray:
        seen.append(x[0, :, :, 0].copy())
        return x[..., :3]

    run_passes(record, inputs, MAX_PASSES)
    plane, swapped = inputs[0, :, :, 0], inputs[0, :, :, 0].T
    flips = [plane, plane[:, ::-1], plane[::-1], plane[::-1, ::-1]]
    transposed = [swapped, swapped[:, ::-1], swapped[::-1], swapped[::-1, ::-1]]
    for got, want in zip(seen, flips + transposed, strict=True):
        np.testing.assert_array_equal(got, want)  # the engine's FLIPS order
    # Past 4, copies of the transposed tile: a network that answers its column index
    # answers the row index there (mean 2.5 over the mirrored pairs), taken back to each
    # pixel's own place: (4 x 4 + 4 x 2.5) / 8 everywhere.
    np.testing.assert_allclose(run_passes(column, inputs, 8), np.full((2, 6, 9, 3), 3.25))


@pytest.mark.parametrize("passes", [0, MAX_PASSES + 1])
def test_a_pass_count_out_of_range_is_refused(passes: int) -> None:
    with pytest.raises(ValueError, match=f"passes must be 1 to {MAX_PASSES}"):
        run_passes(per_pixel, np.zeros((1, 8, 8, 4), np.float32), passes)


def test_tiles_with_passes_give_the_whole_image_result() -> None:
    """Eight passes (the four flips, which 2 and 4 run, and their transposed copies) on
    40-px tiles and a narrower edge column, whose non-square tiles are transposed too."""
    model = models.build("fast")
    noisy = np.random.default_rng(3).random((75, 98, 3)).astype(np.float32)
    shape = {"multiple": models.size_multiple("fast"), "halo": 53, "passes": 8}
    whole = denoise_rgb(model, noisy, 25.0, **shape)
    tiled = denoise_rgb(model, noisy, 25.0, tile=40, **shape)
    np.testing.assert_allclose(tiled, whole, atol=1e-5)
    one = denoise_rgb(model, noisy, 25.0, multiple=shape["multiple"], halo=53)
    assert np.abs(whole - one).max() > 1e-3  # several passes are not one


def test_auto_passes_are_the_pages() -> None:
    """The same sizes as webapp/src/engine/passes.test.ts."""
    assert auto_passes(512, 512, PHOTO_MACS) == 8
    assert auto_passes(866, 866, PHOTO_MACS) == 8
    assert auto_passes(867, 867, PHOTO_MACS) == 4
    assert auto_passes(1060, 1414, PHOTO_MACS) == 4
    assert auto_passes(1200, 1600, PHOTO_MACS) == 2
    assert auto_passes(1500, 1996, PHOTO_MACS) == 2
    assert auto_passes(1728, 2304, PHOTO_MACS) == 1
    assert auto_passes(3000, 4000, PHOTO_MACS) == 1
    assert auto_passes(2304 * 1728, 1, 74_472) == 4  # a cheaper network gets more
    assert auto_passes(1200, 1600, 74_472) == 8
    assert auto_passes(int(AUTO_PASSES_BUDGET / (8 * PHOTO_MACS)), 1, PHOTO_MACS) == 8
    assert auto_passes(int(AUTO_PASSES_BUDGET / (8 * PHOTO_MACS)) + 1, 1, PHOTO_MACS) == 4
    assert auto_passes(int(AUTO_PASSES_BUDGET / (4 * PHOTO_MACS)) + 1, 1, PHOTO_MACS) == 2
    assert auto_passes(64, 64, None) == 1  # a card that does not say its cost
    assert passes_for("auto", 512, 512, PHOTO_MACS) == 8
    assert passes_for(2, 3000, 4000, PHOTO_MACS) == 2


def test_evaluate_takes_auto_or_a_count_and_names_a_wrong_one(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert evaluate.parse_args(["m"]).passes == 1  # Gaussian: the network alone
    assert evaluate.parse_args(["m", "--real", "CC15"]).passes == "auto"  # the page
    assert evaluate.parse_args(["m", "--passes", "2"]).passes == 2
    with pytest.raises(SystemExit):
        evaluate.parse_args(["m", "--passes", "9"])
    assert f"use auto or a whole number from 1 to {MAX_PASSES}" in capsys.readouterr().err

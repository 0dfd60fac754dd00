"""Run a denoiser on one image of any size, exactly as the browser engine does.

The image is reflect-padded by the model's halo (rounded up to the size multiple) on
every side, plus whatever the right and bottom edges need to reach the multiple; the
output is cropped back. This is the engine's computation, so Keras and web results are
comparable pixel for pixel, borders included: in one piece, or in tiles that each read
the halo's context (the same result, with memory bounded by the tile). Evaluation, the
converter's parity checks, the benchmark and the tests all go through it.

Networks with a fixed input size (the undercomplete autoencoder's dense bottleneck)
cannot take the whole image: they run on overlapping windows instead.

`passes` > 1 runs the network on flipped copies of each tile (left-right, up-down, both)
and averages the results flipped back: a self-ensemble, as the engine's passes.ts does.
Each copy's noise looks new to the network while the scene is the same, so the average
keeps the scene and loses more noise (photo on CC15: +0.08 dB at 2 passes, +0.13 at 4).
Flips, not rotations: they keep a tile's shape, so LiteRT.js's fixed-size tiles still fit
(the four rotations on top gave 0.02 dB more); passes 5-8 run the same flips on the
transposed tile. `auto_passes` is the page's rule for how many a photo gets.
"""

from __future__ import annotations

import math

import keras
import numpy as np

from training.noise import with_sigma_map

# Axes flipped for each pass of `[N, H, W, C]` tiles, in order: none, left-right, up-down,
# both (engine: passes.ts FLIPS).
FLIP_AXES: tuple[tuple[int, ...], ...] = ((), (2,), (1,), (1, 2))
# Each pass's copy: (transposed first?, then these axes flipped). The four flips, then the
# same on the transposed tile (height and width swapped): passes 5-8. Measured in Keras
# (runs/s33): 8 copies +0.16 dB over 4 on the saturated set at sigma 15, +0.04 on the real
# pairs; Auto takes 8 where the budget allows since session 34.
PASS_COPIES: tuple[tuple[bool, tuple[int, ...]], ...] = tuple(
    (transpose, axes) for transpose in (False, True) for axes in FLIP_AXES
)
MAX_PASSES = len(PASS_COPIES)
# Multiply-adds the page spends on one photo when it picks the passes itself: 6 megapixels
# of a 209 k MAC/px network (photo): 8 passes up to 0.75 MP, 4 up to 1.5 MP, 2 up to 3 MP,
# 1 above (154 k for default since session 23: 8 up to 1.0 MP, 4 up to 2.0, 2 up to 4.1),
# so that no photo takes longer than a 12 MP one at one pass (measured: bench.passes;
# engine: passes.ts).
AUTO_PASSES_BUDGET = 6e6 * 208_864


def auto_passes(height: int, width: int, macs_per_pixel: float | None) -> int:
    """The most passes (8, 4, 2 or 1) whose multiply-adds fit AUTO_PASSES_BUDGET; 1 for a
    card that does not say its cost. Depends only on the image and the model, never on
    the device, so the same photo gives the same result on every backend."""
    if not macs_per_pixel:
        return 1
    for passes in (8, 4, 2):
        if passes * height * width * macs_per_pixel <= AUTO_PASSES_BUDGET:
            return passes
    return 1


def passes_for(setting: int | str, height: int, width: int, macs_per_pixel: float | None) -> int:
    """`setting` is a pass count, or "auto" for the page's rule (auto_passes)."""
    if setting == "auto":
        return auto_passes(height, width, macs_per_pixel)
    return int(setting)


def run_passes(model: keras.Model, inputs: np.ndarray, passes: int = 1) -> np.ndarray:
    """The model's `[N, H, W, 3]` output on `[N, H, W, 4]` inputs, averaged over
    `passes` copies (PASS_COPIES: transposed, then flipped; each output taken back the
    other way), summed in pass order in float32 as the engine does."""
    if not 1 <= passes <= MAX_PASSES:
        raise ValueError(f"passes must be 1 to {MAX_PASSES}, not {passes}")
    total: np.ndarray | None = None
    for transpose, axes in PASS_COPIES[:passes]:
        copy = np.transpose(inputs, (0, 2, 1, 3)) if transpose else inputs
        copy = np.flip(copy, axes) if axes else copy
        out = np.asarray(model(np.ascontiguousarray(copy), training=False), np.float32)
        out = np.flip(out, axes) if axes else out
        out = np.transpose(out, (0, 2, 1, 3)) if transpose else out
        total = out if total is None else total + out
    assert total is not None
    return total if passes == 1 else total / np.float32(passes)


def context_pixels(halo: int, multiple: int) -> int:
    """Context kept on each side: the halo rounded up to the grid (engine: tiling.ts)."""
    return math.ceil(max(0, halo) / multiple) * multiple


def denoise_windows(
    model: keras.Model,
    noisy: np.ndarray,
    sigma: float,
    size: int,
    batch: int = 64,
    passes: int = 1,
) -> np.ndarray:
    """Run a fixed-size network on `size` windows overlapping by half, blended with a
    Hann window (the weights of half-overlapping Hann windows sum to a constant, so no
    seams). Written by hand: Keras has no overlap-add inference helper."""
    height, width = noisy.shape[:2]
    stride = size // 2

    def padded_length(length: int) -> int:
        return size + math.ceil(max(0, length + 2 * stride - size) / stride) * stride

    pad_h, pad_w = padded_length(height), padded_length(width)
    padded = np.pad(
        noisy,
        ((stride, pad_h - height - stride), (stride, pad_w - width - stride), (0, 0)),
        mode="symmetric",
    )
    corners = [
        (y, x)
        for y in range(0, pad_h - size + 1, stride)
        for x in range(0, pad_w - size + 1, stride)
    ]
    window = np.outer(np.hanning(size + 2)[1:-1], np.hanning(size + 2)[1:-1])[..., None]
    total = np.zeros((pad_h, pad_w, 3), np.float64)
    weight = np.zeros((pad_h, pad_w, 1), np.float64)
    for start in range(0, len(corners), batch):
        chunk = corners[start : start + batch]
        tiles = np.stack([padded[y : y + size, x : x + size] for y, x in chunk])
        out = run_passes(model, with_sigma_map(tiles, sigma), passes)
        for (y, x), tile in zip(chunk, out, strict=True):
            total[y : y + size, x : x + size] += tile * window
            weight[y : y + size, x : x + size] += window
    result = total / weight
    return result[stride : stride + height, stride : stride + width].astype(np.float32)


def denoise_rgb(
    model: keras.Model,
    noisy: np.ndarray,
    sigma: float,
    *,
    multiple: int,
    halo: int,
    input_size: int | None = None,
    tile: int | None = None,
    passes: int = 1,
) -> np.ndarray:
    """Float `[H, W, 3]` noisy RGB in [0, 1] -> unclipped clean estimate, same shape.

    `input_size`: the network's fixed window (from the card), None for any size.
    `tile`: process in tiles of this side (rounded down to the grid), each read with
    its context from the once-padded image, as the engine does; the result equals the
    whole-image one, with memory bounded by the tile. None: the whole image at once.
    `passes`: flipped copies of each tile averaged (run_passes)."""
    if input_size:
        return denoise_windows(model, noisy, sigma, input_size, passes=passes)
    height, width = noisy.shape[:2]
    pad = context_pixels(halo, multiple)
    grid_h, grid_w = (math.ceil(length / multiple) * multiple for length in (height, width))
    padded = np.pad(
        noisy, ((pad, pad + grid_h - height), (pad, pad + grid_w - width), (0, 0)), mode="reflect"
    )
    step = max(multiple, tile // multiple * multiple) if tile else max(grid_h, grid_w)
    out = np.empty((grid_h, grid_w, 3), np.float32)
    for top in range(0, grid_h, step):
        for left in range(0, grid_w, step):
            tile_h, tile_w = min(step, grid_h - top), min(step, grid_w - left)
            window = padded[top : top + tile_h + 2 * pad, left : left + tile_w + 2 * pad]
            result = run_passes(model, with_sigma_map(window, sigma)[None], passes)[0]
            out[top : top + tile_h, left : left + tile_w] = result[
                pad : pad + tile_h, pad : pad + tile_w
            ]
    return out[:height, :width]


def denoise_any(
    model: keras.Model,
    noisy: np.ndarray,
    sigma: float,
    *,
    multiple: int,
    halo: int,
    input_size: int | None = None,
    passes: int = 1,
) -> np.ndarray:
    """Like denoise_rgb, but a gray `[H, W]` image goes in replicated and comes out averaged."""
    shape = {"multiple": multiple, "halo": halo, "input_size": input_size, "passes": passes}
    if noisy.ndim == 2:
        rgb = np.repeat(noisy[..., None], 3, axis=-1)
        return denoise_rgb(model, rgb, sigma, **shape).mean(axis=-1)
    return denoise_rgb(model, noisy, sigma, **shape)

"""The page's auto strength, in Python: the noise estimate of webapp/src/engine/sigma.ts,
then the model's own calibration from its card.

Why a mirror: the calibration is fitted here, on real noisy/clean pairs, and evaluation
must score exactly what a user gets from the page without touching the slider. A browser
test checks that the page and this module pick the same strength for the same image.

The estimate reads the quietest 8x8 blocks of the finest diagonal Haar band, on the image
and on a 2x averaged copy (see sigma.ts for why); it measures the noise's RMS-like level.
How much strength a model needs for that level depends on what the model learnt: a
white-noise model wants several times the RMS of camera noise, a model trained on camera
noise about the RMS. So each card carries `auto_strength = {gain, offset}`, fitted on the
real pairs, and the page sets round(gain * estimate + offset), clamped to the model's
range, when the noise is correlated like a camera's; white noise (the same estimate at
both scales) keeps strength = estimate = sigma. A card without it means gain 1, offset 0.

A card may also name a learned noise level (training/noise_level.py) with its own fit:
`auto_strength.level = {model, gain, offset}`, `model` the estimator's folder relative to
the model's. For camera noise the page then uses the smaller of the two fits,
round(min(gain * estimate + offset, level gain * level + level offset)); the hand-made
fit alone while (or if) the level is unknown. Why the smaller: both estimates mostly
err high where they err (texture read as noise), and too much strength costs more than
too little (texture smoothed away against a little grain left). Measured on `photo`
(2026-11-29; each fit on the real pairs alone, the rules compared on the same numbers):

| rule | CC15 | Nam25 | synthetic mix | phone-level | large misses (mix / phone) |
|---|---|---|---|---|---|
| hand-made fit | 37.71 | 42.83 | 35.55 | 31.26 | 20 / 16 |
| learned level fit | 37.50 | 42.77 | 36.32 | 31.55 | 20 / 17 |
| larger of the two | 37.55 | 42.82 | 35.43 | 31.32 | 22 / 22 |
| mean of the two | 37.66 | 42.81 | 35.91 | 31.72 | 18 / 13 |
| **smaller of the two** | 37.67 | 42.78 | **36.44** | 31.49 | **18 / 11** |

(synthetic: `python -m bench.strength_check`'s 48 CBSD68 crops per set; a large miss is a
crop more than 1 dB below its result at the true noise RMS. Stage-5 weights, fits free;
with stage 6 and no gain below 1 for either fit (real_noise.GAINS), the smaller of the two
gives 37.82 / 42.95 / 36.58 / 31.82, 17 / 8 large misses.)

Since 2026-11-30 the smaller fit may lie at most LEVEL_MOST_BELOW under the level's:
max(min(hand, level), level - 4). On dark phone shots (noise correlated beyond the
estimate's two scales by the ISP at low light) the hand-made estimate reads about half
the noise and the level about all of it; the floor gains 0.6 dB there on
`bench.strength_check`'s `dark` set, moves no real pair's strength for any model, and
costs only where a photo's clean detail is itself noise-like in colour (per-channel
random blocks; docs/real-noise.md, "Dark phone photos", has the numbers).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from typing import Any

import numpy as np

MAX_SAMPLES = 1 << 20
BLOCK = 8
QUANTILE = 0.1
QUANTILE_BIAS = 0.889  # RMS of 64 Gaussian samples at its 10th percentile, over sigma
MAX_CLIPPED_SHARE = 0.05
CORRELATED_RATIO = 1.5  # coarse / fine above this: camera noise, calibrated
# How far below the level's fit the hand-made fit may pull the strength (sigma.ts has the
# same constant): on dark phone shots the hand-made estimate reads about half the noise
# (docs/real-noise.md, "Dark phone photos").
LEVEL_MOST_BELOW = 4.0
# The finest estimate from which white noise sends the page to its white-noise model
# (sigma.ts has the same constant): below it there is little to clean and the two scales
# are read on texture (runs/s28/plan.md).
WHITE_MODEL_FROM = 5.0
# Coarse / fine at most this for the white-noise model (sigma.ts has the same constant):
# tighter than CORRELATED_RATIO, because camera photos downscaled 2-4x read 1.1-1.5 and
# lose with the white-noise model (runs/s28/pick.txt).
WHITE_RATIO = 1.1


@dataclass(frozen=True)
class Estimate:
    fine: float  # finest scale: right for white noise
    coarse: float  # on the 2x averaged image, in per-pixel white-noise terms
    auto: float  # max of the two, at most 75: what the calibration starts from
    level: float | None = None  # the learned noise level (noise_level.py), if read
    # Every block of the coarse scale clipped (in two channels or three): it read nothing,
    # which is not the "same at both scales" of white noise (is_correlated).
    coarse_clipped: bool = False


def _quiet_block_sigma(plane: np.ndarray, clipped: np.ndarray) -> float | None:
    """Sigma from the quietest blocks of the diagonal Haar band; None when every block
    is clipped (0 for a plane too small for one block)."""
    height, width = plane.shape
    bh, bw = height // 2 // BLOCK, width // 2 // BLOCK
    if bh == 0 or bw == 0:
        return 0.0
    p = plane[: bh * BLOCK * 2, : bw * BLOCK * 2].astype(np.float64)
    c = clipped[: bh * BLOCK * 2, : bw * BLOCK * 2].astype(np.int64)
    diagonal = (p[0::2, 0::2] - p[0::2, 1::2] - p[1::2, 0::2] + p[1::2, 1::2]) / 2
    energy = (diagonal**2).reshape(bh, BLOCK, bw, BLOCK).sum(axis=(1, 3)) / (BLOCK * BLOCK)
    clipped_count = c.reshape(bh, 2 * BLOCK, bw, 2 * BLOCK).sum(axis=(1, 3))
    kept = np.sort(energy[clipped_count <= MAX_CLIPPED_SHARE * 4 * BLOCK * BLOCK])
    if kept.size == 0:
        return None
    return math.sqrt(kept[int(math.floor(QUANTILE * (kept.size - 1)))]) / QUANTILE_BIAS


def _halve(plane: np.ndarray, clipped: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    height, width = plane.shape[0] // 2 * 2, plane.shape[1] // 2 * 2
    p, c = plane[:height, :width], clipped[:height, :width].astype(np.int64)
    quads = (p[0::2, 0::2], p[0::2, 1::2], p[1::2, 0::2], p[1::2, 1::2])
    half = ((quads[0] + quads[1] + quads[2] + quads[3]) / 4).astype(np.float32)
    half_clipped = (c[0::2, 0::2] + c[0::2, 1::2] + c[1::2, 0::2] + c[1::2, 1::2]) >= 2
    return half, half_clipped


def estimate_noise(rgb: np.ndarray) -> Estimate:
    """The page's estimate for uint8 `[H, W, 3]` (or `[H, W]` gray) pixels, 0-255 scale."""
    if rgb.ndim == 2:
        rgb = np.repeat(rgb[..., None], 3, axis=-1)
    height, width = rgb.shape[:2]
    scale = min(1.0, math.sqrt(MAX_SAMPLES / (width * height)))
    crop_w, crop_h = max(1, math.floor(width * scale)), max(1, math.floor(height * scale))
    x0, y0 = (width - crop_w) >> 1, (height - crop_h) >> 1
    crop = rgb[y0 : y0 + crop_h, x0 : x0 + crop_w]
    fine, coarse, unread = [], [], 0
    for channel in range(3):
        plane = crop[..., channel].astype(np.float32)
        clipped = (crop[..., channel] == 0) | (crop[..., channel] == 255)
        fine.append(_quiet_block_sigma(plane, clipped) or 0.0)
        half = _quiet_block_sigma(*_halve(plane, clipped))
        unread += half is None
        coarse.append(2 * (half or 0.0))
    f, c = float(np.median(fine)), float(np.median(coarse))
    return Estimate(fine=f, coarse=c, auto=min(75.0, max(f, c)), coarse_clipped=unread >= 2)


def is_correlated(estimate: Estimate) -> bool:
    """Camera-like noise: the 2x-averaged estimate well above the finest one (3-4x on
    every CC15 and Nam25 pair); white noise reads the same at both scales. A coarse scale
    whose every block is clipped (heavy noise in dark phone shots) counts as camera noise
    too, so that the card's calibration and the learned level decide: taken for white
    noise, such photos were told the fine estimate, often 0, where the level reads 20-90
    (docs/real-noise.md, "An unreadable scale")."""
    return estimate.coarse > CORRELATED_RATIO * estimate.fine or estimate.coarse_clipped


def reads_white(estimate: Estimate) -> bool:
    """White noise, as added noise is and no camera's is: both scales read it alike
    (coarse at most WHITE_RATIO x fine: camera noise reads 2.6-4.5x on the real pairs,
    camera photos downscaled 2-4x 1.1-1.5x), the coarse scale read at all (one whose
    blocks are all clipped reads 0, which says nothing: four dark and heavy camera crops
    did, and the white-noise model was 4-10 dB worse on them), and at least
    WHITE_MODEL_FROM. docs/real-noise.md, "White noise runs default"."""
    return 0 < estimate.coarse <= WHITE_RATIO * estimate.fine and estimate.fine >= WHITE_MODEL_FROM


def page_model(estimate: Estimate, index: dict[str, Any], picked: str | None = None) -> str:
    """The model the page runs for this image: the one the user picked, else the index's
    white-noise model where the noise `reads_white` (a camera-noise model is 0.4-1.0 dB behind
    a white-noise one on CBSD68's white noise, 4 dB on saturated colours), else the
    index's default. Mirrors webapp/src/engine/choice.ts `modelForImage`."""
    if picked:
        return picked
    white = index.get("white_noise")
    return white if white and reads_white(estimate) else index["default"]


def calibrated(estimate: Estimate, calibration: dict[str, Any] | None, top: float = 75.0) -> int:
    """The slider value the page starts at: round(gain * estimate + offset) in [0, top]
    (rounding half up, as JavaScript's Math.round does) for correlated (camera) noise,
    or the smaller of that and the learned level's own fit when the calibration has one
    and the level is known, but at most LEVEL_MOST_BELOW below the level's fit (a
    calibration holding only a level fit: that fit alone); the estimate itself for white
    noise, where it already is the sigma every model was trained with."""
    chosen = calibration if calibration and is_correlated(estimate) else {}
    level = chosen.get("level") if estimate.level is not None else None
    hand = chosen.get("gain", 1.0) * estimate.auto + chosen.get("offset", 0.0)
    if level:
        from_level = level["gain"] * estimate.level + level["offset"]
        below = min(hand, from_level) if "gain" in chosen else from_level
        value = max(below, from_level - LEVEL_MOST_BELOW)
    else:
        value = hand
    return int(math.floor(min(top, max(0.0, value)) + 0.5))


def strength_top(model_card: dict[str, Any]) -> float:
    """The top of the model's strength range (its card's `sigma_range`, 75 without one):
    where the page's slider ends (sigma.ts `strengthTop`)."""
    return model_card.get("sigma_range", [0, 75])[1]


def strength_for(estimate: Estimate, model_card: dict[str, Any]) -> int:
    """The page's auto strength for this estimate and model (its calibration and range)."""
    return calibrated(estimate, model_card.get("auto_strength"), strength_top(model_card))


def estimate_with_level(rgb: np.ndarray, level_model: Any = None) -> Estimate:  # noqa: ANN401
    """The page's estimate, with the learned level read by `level_model` when one is given
    (a calibration without a level fit ignores it)."""
    estimate = estimate_noise(rgb)
    if level_model is None:
        return estimate
    from training.noise_level import photo_level

    return replace(estimate, level=photo_level(level_model, rgb))


def auto_strength(rgb: np.ndarray, model_card: dict[str, Any], level_model: Any = None) -> int:  # noqa: ANN401
    """What the page's auto strength is for this image and model; `level_model`: the
    Keras estimator the card's calibration names, when it names one."""
    uses_level = (model_card.get("auto_strength") or {}).get("level")
    return strength_for(estimate_with_level(rgb, level_model if uses_level else None), model_card)

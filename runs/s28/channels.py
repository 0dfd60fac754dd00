"""Does a channel-independence statistic tell added white noise (independent per channel)
from downscaled camera noise (whitened in space, still correlated across channels)?
q = sqrt(3) * fine(mean of the channels) / median(fine per channel): 1 for independent
channels, higher for positively correlated, lower for anti-correlated."""
import dataclasses
import math

import numpy as np

from bench import saturated
from bench.strength_check import DARK_EXPOSURE, SETS, SHOT, clean_photos, noisy_crops
from training import camera_noise, evaluate
from training.metrics import to_uint8
from training.real_noise import read_pairs, real_folder
from training.strength import _quiet_block_sigma, estimate_noise, reads_white


def q_of(rgb):
    planes = rgb.astype(np.float32)
    clipped = ((rgb == 0) | (rgb == 255)).any(axis=-1)
    fines = [_quiet_block_sigma(planes[..., c], clipped) for c in range(3)]
    luma = _quiet_block_sigma(planes.mean(axis=-1), clipped)
    return math.sqrt(3) * luma / max(np.median(fines), 1e-6)


def down(a, f):
    h, w = a.shape[0] // f * f, a.shape[1] // f * f
    return np.clip(np.round(a[:h, :w].astype(np.float32).reshape(h // f, f, w // f, f, 3).mean(axis=(1, 3))), 0, 255).astype(np.uint8)


def show(name, noisies):
    qs = np.array([q_of(n) for n in noisies])
    white = np.array([reads_white(estimate_noise(n)) for n in noisies])
    qw = qs[white]
    print(f"{name:26s} q min/med/max {qs.min():.2f}/{np.median(qs):.2f}/{qs.max():.2f}; switched {white.sum()}: q " + (f"{qw.min():.2f}-{qw.max():.2f}" if white.any() else "-"), flush=True)


for name in ("CC15", "Nam25"):
    show(name, [p.noisy for p in read_pairs(real_folder(name)).pairs])
rng = np.random.default_rng(2028)
cbsd = [evaluate.read_clean(f, "rgb") for f in sorted((evaluate.SHARED_VAL / "CBSD68").glob("*.png"))]
white = lambda c, s: np.clip(np.round(c.astype(np.float32) + rng.normal(0, s, c.shape)), 0, 255).astype(np.uint8)
for s in (5, 15, 25, 50):
    show(f"CBSD68 white {s}", [white(c, s) for c in cbsd])
for s in (15, 25):
    show(f"saturated white {s}", [white(c, s) for c in saturated.generate(0)])
images = clean_photos(evaluate.SHARED_VAL / "CBSD68", 68)
for f in (2, 4):
    for kind in SETS:
        crops = []
        for image in images:
            clean = image[: image.shape[0] // 8 * 8, : image.shape[1] // 8 * 8] / np.float32(255)
            sample = camera_noise.sample_heavy_camera if kind == "heavy" else camera_noise.sample_camera
            camera = sample(rng)
            if kind in SHOT:
                shot = camera_noise.log_uniform(rng, SHOT[kind])
                camera = dataclasses.replace(camera, shot=shot, read=camera_noise.read_noise(shot))
            if kind == "dark":
                camera = dataclasses.replace(camera, exposure=float(rng.uniform(*DARK_EXPOSURE)))
            noisy, _ = camera_noise.camera_noise(clean, rng, camera)
            crops.append(down(to_uint8(noisy), f))
        show(f"{kind} /{f}", crops)
for seed in (2026,):
    for kind in SETS:
        show(f"{kind} {seed}", [n for n, _, _ in noisy_crops(images[:48], kind, seed)])

"""Per-crop features and photo/default PSNR at the page's rule for downscaled camera crops
(seed given) and white-noise sets; only crops the loose rule (reads_white) switches are
denoised. usage: python runs/s28/tight.py SEED OUT.json"""
import dataclasses
import json
import sys
from pathlib import Path

import numpy as np

from bench import saturated
from bench.strength_check import DARK_EXPOSURE, SETS, SHOT, clean_photos
from training import camera_noise, evaluate
from training.metrics import psnr_uint8, to_uint8
from training.real_noise import denoise_at, load_model_and_level, page_passes
from training.strength import estimate_noise, reads_white, strength_for
import math

from training.strength import _quiet_block_sigma


def q_of(rgb):
    """sqrt(3) x the luma plane's fine estimate / the channels' median (runs/s28/channels.py)."""
    planes = rgb.astype(np.float32)
    clipped = ((rgb == 0) | (rgb == 255)).any(axis=-1)
    fines = [_quiet_block_sigma(planes[..., c], clipped) for c in range(3)]
    return math.sqrt(3) * _quiet_block_sigma(planes.mean(axis=-1), clipped) / max(np.median(fines), 1e-6)


def down(a, f):
    h, w = a.shape[0] // f * f, a.shape[1] // f * f
    return np.clip(np.round(a[:h, :w].astype(np.float32).reshape(h // f, f, w // f, f, 3).mean(axis=(1, 3))), 0, 255).astype(np.uint8)

seed, out_path = int(sys.argv[1]), Path(sys.argv[2])
models = [load_model_and_level(Path(f"models/{m}")) for m in ("photo", "default")]
rng = np.random.default_rng(seed)
rows = []


def add(kind, noisy, target):
    e = estimate_noise(noisy)
    row = dict(kind=kind, fine=e.fine, coarse=e.coarse, q=q_of(noisy), white=reads_white(e))
    if row["white"]:
        row["photo"], row["default"] = (
            psnr_uint8(target, denoise_at(m, c, noisy, strength_for(e, c), passes=page_passes(c, noisy)))
            for m, c, _ in models
        )
    rows.append(row)


images = clean_photos(evaluate.SHARED_VAL / "CBSD68", 68)
for f in (2, 4):
    for kind in SETS:
        for image in images:
            clean = image[: image.shape[0] // 8 * 8, : image.shape[1] // 8 * 8] / np.float32(255)
            sample = camera_noise.sample_heavy_camera if kind == "heavy" else camera_noise.sample_camera
            camera = sample(rng)
            if kind in SHOT:
                shot = camera_noise.log_uniform(rng, SHOT[kind])
                camera = dataclasses.replace(camera, shot=shot, read=camera_noise.read_noise(shot))
            if kind == "dark":
                camera = dataclasses.replace(camera, exposure=float(rng.uniform(*DARK_EXPOSURE)))
            noisy, target = camera_noise.camera_noise(clean, rng, camera)
            add(f"{kind} /{f}", down(to_uint8(noisy), f), down(to_uint8(target), f))
        print(kind, f, flush=True)
white = lambda c, s: np.clip(np.round(c.astype(np.float32) + rng.normal(0, s, c.shape)), 0, 255).astype(np.uint8)
cbsd = [evaluate.read_clean(f, "rgb") for f in sorted((evaluate.SHARED_VAL / "CBSD68").glob("*.png"))]
for s in (5, 10, 15, 25, 50):
    for c in cbsd[seed % 2 :: 4]:  # 17 of the 68, alternating with the other seed
        add(f"CBSD68 white {s}", white(c, s), c)
    print("white", s, flush=True)
for s in (15, 25, 50):
    for c in saturated.generate(seed):
        add(f"saturated white {s}", white(c, s), c)
out_path.write_text(json.dumps(rows))

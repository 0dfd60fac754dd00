"""Extra check (not in the plan's rules, added before its numbers): camera photos downscaled
2x and 4x (area), as shared photos often are; downscaling whitens camera noise. How many
switch under training.strength.reads_white, and photo vs default on those."""
import dataclasses
import json
from pathlib import Path

import numpy as np
from PIL import Image

from bench.strength_check import DARK_EXPOSURE, SETS, SHOT, clean_photos
from training import camera_noise, evaluate
from training.metrics import psnr_uint8, to_uint8
from training.real_noise import denoise_at, load_model_and_level, page_passes
from training.strength import estimate_noise, reads_white, strength_for

def down(a, f):
    h, w = a.shape[0] // f * f, a.shape[1] // f * f
    return a[:h, :w].astype(np.float32).reshape(h // f, f, w // f, f, 3).mean(axis=(1, 3))

images = [im for im in clean_photos(evaluate.SHARED_VAL / "CBSD68", 68)]
rng = np.random.default_rng(2028)
models = None
out = {}
for f in (2, 4):
    for kind in SETS:
        rows, n = [], 0
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
            noisy = np.clip(np.round(down(to_uint8(noisy), f)), 0, 255).astype(np.uint8)
            target = np.clip(np.round(down(to_uint8(target), f)), 0, 255).astype(np.uint8)
            n += 1
            e = estimate_noise(noisy)
            if not reads_white(e):
                continue
            models = models or [load_model_and_level(Path(f"models/{m}")) for m in ("photo", "default")]
            p, d = (psnr_uint8(target, denoise_at(m, c, noisy, strength_for(e, c), passes=page_passes(c, noisy))) for m, c, _ in models)
            rows.append([p, d, e.fine, e.coarse])
        out[f"{kind} /{f}"] = rows
        r = np.array(rows) if rows else None
        print(f"{kind} downscaled {f}x: {len(rows)} of {n} switch" + (f"; photo {r[:,0].mean():.2f} default {r[:,1].mean():.2f} worst {np.min(r[:,1]-r[:,0]):+.2f}" if rows else ""), flush=True)
Path("runs/s28/downscaled.json").write_text(json.dumps(out, indent=1))

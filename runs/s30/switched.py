"""Session 30, rule G4b: camera crops downscaled 2x and 4x (area) that read white run
`default` by themselves (training.strength.reads_white); PSNR there of photo, the shipped
default and a candidate, at the page's strength and passes (seeds 2028 and 2029, as
runs/s28/pick.py drew them). usage: switched.py CANDIDATE_DIR [OUT_JSON] (session 31 reuses
it for its rule H4b with an OUT_JSON of its own)"""
import json
import sys
from pathlib import Path

import numpy as np

from bench.strength_check import SETS, camera_for, clean_photos
from training import camera_noise, evaluate
from training.metrics import psnr_uint8, to_uint8
from training.real_noise import denoise_at, load_model_and_level, page_passes
from training.strength import estimate_noise, reads_white, strength_for


def down(a, f):
    h, w = a.shape[0] // f * f, a.shape[1] // f * f
    return a[:h, :w].astype(np.float32).reshape(h // f, f, w // f, f, 3).mean(axis=(1, 3))


images = clean_photos(evaluate.SHARED_VAL / "CBSD68", 68)
models = [load_model_and_level(Path(m)) for m in ("models/photo", "models/default", sys.argv[1])]
out = {}
for seed in (2028, 2029):
    rng = np.random.default_rng(seed)
    for f in (2, 4):
        for kind in SETS:
            rows = []
            for image in images:
                clean = image[: image.shape[0] // 8 * 8, : image.shape[1] // 8 * 8] / np.float32(255)
                noisy, target = camera_noise.camera_noise(clean, rng, camera_for(kind, rng))
                noisy = np.clip(np.round(down(to_uint8(noisy), f)), 0, 255).astype(np.uint8)
                target = np.clip(np.round(down(to_uint8(target), f)), 0, 255).astype(np.uint8)
                e = estimate_noise(noisy)
                if reads_white(e):
                    rows.append([psnr_uint8(target, denoise_at(m, c, noisy, strength_for(e, c),
                                 passes=page_passes(c, noisy))) for m, c, _ in models])
            out[f"{seed} {kind} /{f}"] = rows
            if rows:
                r = np.array(rows).mean(axis=0)
                print(f"{seed} {kind} /{f}: {len(rows)} switch; photo {r[0]:.2f} default {r[1]:.2f} candidate {r[2]:.2f}", flush=True)
Path(sys.argv[2] if len(sys.argv) > 2 else "runs/s30/switched.json").write_text(json.dumps(out, indent=1))

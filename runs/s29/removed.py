"""Session 29 step 4: removed RMS (result - noisy) and PSNR at strengths around the
page's, per crop (seed 2026 heavy / phone) or per real pair. Usage:
removed.py synthetic|pairs --out F.json"""

import argparse
import json
from pathlib import Path

import numpy as np

from bench.strength_check import clean_photos, noisy_crops
from training import data
from training.metrics import psnr_uint8
from training.real_noise import denoise_at, load_model_and_level, read_pairs, real_folder
from training.strength import calibrated, estimate_with_level

p = argparse.ArgumentParser()
p.add_argument("what", choices=["synthetic", "pairs"])
p.add_argument("--out", type=Path, required=True)
args = p.parse_args()
model, card, level = load_model_and_level(Path("models/photo"))
auto = card["auto_strength"]


def row(noisy: np.ndarray, target: np.ndarray, rms: float | None, offsets: range) -> dict:
    e = estimate_with_level(noisy, level)
    page = calibrated(e, auto)
    out = {"level": e.level, "fine": e.fine, "coarse": e.coarse, "rms": rms, "page": page,
           "psnr": {}, "removed": {}}
    for s in sorted({max(0, page + d) for d in offsets}):
        result = denoise_at(model, card, noisy, s)
        out["psnr"][s] = psnr_uint8(target, result)
        out["removed"][s] = float(np.sqrt(np.mean((result.astype(np.float64) - noisy) ** 2)))
    return out


results: dict = {}
if args.what == "synthetic":
    images = clean_photos(data.DEFAULT_VAL_DIR, 48)
    for kind in ("heavy", "phone"):
        results[kind] = [row(n, t, r, range(-6, 13, 2)) for n, t, r in noisy_crops(images, kind, 2026)]
        print(kind, "done", flush=True)
else:
    for name in ("CC15", "Nam25"):
        results[name] = [
            row(pair.noisy, pair.clean, float(np.sqrt(np.mean((pair.noisy.astype(np.float64) - pair.clean) ** 2))), range(-4, 9, 2))
            for pair in read_pairs(real_folder(name)).pairs
        ]
        print(name, "done", flush=True)
args.out.write_text(json.dumps(results))

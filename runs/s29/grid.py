"""Session 29 step 1: per crop of bench.strength_check's sets (one seed), the estimate,
the true RMS, the page's strength and PSNR on a grid of strengths; and the real pairs'
level readings. Usage: grid.py SET [SET...] --seed S --out F.json (one process per core)."""

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
p.add_argument("sets", nargs="*")
p.add_argument("--seed", type=int, default=2026)
p.add_argument("--out", type=Path, required=True)
p.add_argument("--pairs", action="store_true")
args = p.parse_args()
model, card, level = load_model_and_level(Path("models/photo"))
auto = card["auto_strength"]
out: dict = {}
if args.pairs:
    out["pairs"] = {}
    for name in ("CC15", "Nam25"):
        for pair in read_pairs(real_folder(name)).pairs:
            e = estimate_with_level(pair.noisy, level)
            out["pairs"][f"{name}/{pair.name}"] = {
                "fine": e.fine, "coarse": e.coarse, "level": e.level,
                "page": calibrated(e, auto)}
images = clean_photos(data.DEFAULT_VAL_DIR, 48)
for kind in args.sets:
    rows = []
    for noisy, target, rms in noisy_crops(images, kind, args.seed):
        e = estimate_with_level(noisy, level)
        page = calibrated(e, auto)
        grid = sorted({max(0, page + d) for d in range(-4, 25, 2)} | {int(round(rms))})
        psnr = {s: psnr_uint8(target, denoise_at(model, card, noisy, s)) for s in grid}
        rows.append({"fine": e.fine, "coarse": e.coarse, "clipped": e.coarse_clipped,
                     "level": e.level, "rms": rms, "page": page, "psnr": psnr})
        print(kind, len(rows), round(e.level, 1), round(rms, 1), page, flush=True)
    out[kind] = rows
args.out.write_text(json.dumps(out))

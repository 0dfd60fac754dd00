"""Session 30 step 1: per crop of bench.strength_check's sets (seed 2026) and per real pair,
the level, the true RMS, the share of pixels at 0 (any channel) and mean brightness."""

import json

import numpy as np

from bench.strength_check import clean_photos, noisy_crops
from training import data
from training.real_noise import load_model_and_level, read_pairs, real_folder
from training.strength import estimate_with_level
from pathlib import Path

_, _, level = load_model_and_level(Path("models/photo"))
out: dict = {"pairs": []}
for name in ("CC15", "Nam25"):
    for pair in read_pairs(real_folder(name)).pairs:
        e = estimate_with_level(pair.noisy, level)
        out["pairs"].append({"level": e.level, "zero": float((pair.noisy == 0).any(-1).mean()),
                             "mean": float(pair.noisy.mean())})
images = clean_photos(data.DEFAULT_VAL_DIR, 48)
for kind in ("mix", "phone", "dark", "heavy"):
    rows = []
    for noisy, target, rms in noisy_crops(images, kind, 2026):
        e = estimate_with_level(noisy, level)
        rows.append({"level": e.level, "rms": rms, "zero": float((noisy == 0).any(-1).mean()),
                     "zero3": float((noisy == 0).all(-1).mean()), "mean": float(noisy.mean()),
                     "tmean": float(target.mean())})
    out[kind] = rows
Path("runs/s30/clip.json").write_text(json.dumps(out))

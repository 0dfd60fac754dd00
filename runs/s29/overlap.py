"""Session 29 step 2: the level read on overlapping crops (stride CROP / 2) for sides
under GRID x CROP, on seed 2026's grid crops; page strength and PSNR by interpolation."""

import json
import math
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, "runs/s29")
from bench.strength_check import clean_photos, noisy_crops  # noqa: E402
from knee import page, psnr_at  # noqa: E402  (prints the knee table on import)
from training import data, noise_level  # noqa: E402
from training.real_noise import load_model_and_level  # noqa: E402


def starts_v1(length: int) -> list[int]:
    c = noise_level.CROP
    if length <= c:
        return [0]
    if length >= noise_level.GRID * c:
        return noise_level._starts(length)
    count = min(noise_level.GRID, math.ceil((length - c) / (c / 2)) + 1)
    return [math.floor(i * (length - c) / (count - 1)) for i in range(count)]


def level_v1(model, rgb: np.ndarray) -> float:
    h, w = rgb.shape[:2]
    crops = np.stack([rgb[t : t + 96, x : x + 96] for t in starts_v1(h) for x in starts_v1(w)])
    return noise_level.level_of(np.asarray(model(crops.astype(np.float32) / 255, training=False)))


grid = {}
for f in ("runs/s29/grid-a.json", "runs/s29/grid-b.json"):
    grid.update(json.load(open(f)))
grid.pop("pairs")
_, _, level = load_model_and_level(Path("models/photo"))
images = clean_photos(data.DEFAULT_VAL_DIR, 48)
print("starts for 192:", starts_v1(192), "256:", starts_v1(256), "512:", starts_v1(512))
for kind, rows in grid.items():
    base, new, moved = [], [], 0
    for row, (noisy, _, _) in zip(rows, noisy_crops(images, kind, 2026), strict=True):
        old_page = page(row, 99, 0)
        v1 = dict(row, level=level_v1(level, noisy))
        new_page = page(v1, 99, 0)
        moved += new_page != old_page
        base.append(psnr_at(row, old_page))
        new.append(psnr_at(row, new_page))
        row["level_v1"] = v1["level"]
    spread = lambda key: np.percentile([r["rms"] / max(r[key], 0.1) for r in rows], [10, 90]).round(2).tolist()  # noqa: E731
    print(f"{kind}: {np.mean(base):.3f} -> {np.mean(new):.3f} ({np.mean(new) - np.mean(base):+.3f}), "
          f"{moved} of {len(rows)} moved; rms/level p10/p90 {spread('level')} -> {spread('level_v1')}")

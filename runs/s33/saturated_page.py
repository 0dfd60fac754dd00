"""Rule S1 (runs/s33/plan.md): the generated saturated set as a user meets it.

For each sigma, writes pairs (NAME_real.png: the set's seeded Gaussian noise, as
training.evaluate draws it, clipped and rounded to uint8 - what a user's file can hold;
NAME_mean.png: the clean image) under runs/s33/saturated-pairs/sNN, scores CBM3D told the
true sigma on those same uint8 inputs, and prints the folders for bench.page_real.

    PYTHONPATH=. .venv/bin/python runs/s33/saturated_page.py
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
from PIL import Image

from training import data
from training.evaluate import cbm3d, read_clean, seeded_gaussian_noise, to_uint8
from training.metrics import psnr_uint8

SET = Path(".cache/saturated")
OUT = Path("runs/s33/saturated-pairs")
SIGMAS = (15, 25, 50)

results: dict[str, dict] = {}
for sigma in SIGMAS:
    folder = OUT / f"s{sigma}"
    folder.mkdir(parents=True, exist_ok=True)
    rows = {}
    for path in data.image_files(SET):
        clean = read_clean(path, "rgb")
        noisy = to_uint8(seeded_gaussian_noise(clean / 255.0, sigma, path.name))
        Image.fromarray(noisy).save(folder / f"{path.stem}_real.png")
        Image.fromarray(clean).save(folder / f"{path.stem}_mean.png")
        result = cbm3d(noisy / 255.0, sigma, Path(f".cache/cbm3d-s33/{sigma}-{path.stem}.png"))
        rows[path.stem] = {
            "noisy": round(psnr_uint8(clean, noisy), 3),
            "cbm3d": round(psnr_uint8(clean, result), 3),
        }
    results[str(sigma)] = {
        "pairs": rows,
        "noisy": round(float(np.mean([r["noisy"] for r in rows.values()])), 3),
        "cbm3d": round(float(np.mean([r["cbm3d"] for r in rows.values()])), 3),
    }
    print(sigma, folder, results[str(sigma)]["noisy"], results[str(sigma)]["cbm3d"], flush=True)
(OUT / "cbm3d.json").write_text(json.dumps(results, indent=1))

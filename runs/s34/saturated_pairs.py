"""The saturated pairs of runs/s33/saturated_page.py, rewritten on a fresh machine (the
PNGs were not kept): the set from `bench.saturated.generate` (seed 0), its seeded noise
clipped to uint8. CBM3D is not rerun: the noisy PSNR of every file is checked against
runs/s33/saturated-pairs/cbm3d.json, which proves the files are the ones CBM3D scored.

    PYTHONPATH=. .venv/bin/python runs/s34/saturated_pairs.py
"""

from __future__ import annotations

import json
from pathlib import Path

from PIL import Image

from bench.saturated import generate, write_set
from training import data
from training.evaluate import read_clean, seeded_gaussian_noise, to_uint8
from training.metrics import psnr_uint8

SET = Path(".cache/saturated")
OUT = Path("runs/s34/saturated-pairs")
CBM3D = json.loads(Path("runs/s33/saturated-pairs/cbm3d.json").read_text())

if not SET.exists():
    write_set(generate(0), SET)
for sigma, scored in CBM3D.items():
    folder = OUT / f"s{sigma}"
    folder.mkdir(parents=True, exist_ok=True)
    for path in data.image_files(SET):
        clean = read_clean(path, "rgb")
        noisy = to_uint8(seeded_gaussian_noise(clean / 255.0, float(sigma), path.name))
        expected = scored["pairs"][path.stem]["noisy"]
        got = round(psnr_uint8(clean, noisy), 3)
        assert got == expected, (sigma, path.stem, got, expected)
        Image.fromarray(noisy).save(folder / f"{path.stem}_real.png")
        Image.fromarray(clean).save(folder / f"{path.stem}_mean.png")
    print(sigma, folder, "matches cbm3d.json", flush=True)

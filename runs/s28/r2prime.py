"""R2' of runs/s28/plan.md: the changed rule (training.strength.reads_white) on fresh seeds."""
import json
from pathlib import Path

import numpy as np

from bench.strength_check import SETS, clean_photos, noisy_crops
from training import evaluate
from training.metrics import psnr_uint8
from training.real_noise import denoise_at, load_model_and_level, page_passes, read_pairs, real_folder
from training.strength import estimate_noise, reads_white, strength_for

out = {}
for name in ("CC15", "Nam25"):
    pairs = read_pairs(real_folder(name)).pairs
    out[name] = sum(reads_white(estimate_noise(p.noisy)) for p in pairs)
    print(name, "switch", out[name], "of", len(pairs), flush=True)
images = clean_photos(evaluate.SHARED_VAL / "CBSD68", 48)
models = None
for seed in (11, 12):
    for kind in SETS:
        rows = []
        for noisy, target, _ in noisy_crops(images, kind, seed):
            e = estimate_noise(noisy)
            if not reads_white(e):
                continue
            models = models or [load_model_and_level(Path(f"models/{m}")) for m in ("photo", "default")]
            p, d = (psnr_uint8(target, denoise_at(m, c, noisy, strength_for(e, c), passes=page_passes(c, noisy))) for m, c, _ in models)
            rows.append([p, d, e.fine, e.coarse])
        out[f"{kind} {seed}"] = rows
        print(kind, seed, "switch", len(rows), "of 48", rows, flush=True)
Path("runs/s28/r2prime.json").write_text(json.dumps(out, indent=1))

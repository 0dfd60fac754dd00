"""R2 and R3 of runs/s28/plan.md: photo vs default at the page's rule where the rule switches.
usage: python runs/s28/score.py  (writes runs/s28/score.json)"""
import json
from pathlib import Path

import numpy as np

from bench import saturated
from bench.strength_check import SETS, clean_photos, noisy_crops
from training import evaluate
from training.metrics import psnr_uint8
from training.real_noise import denoise_at, load_model_and_level, page_passes
from training.strength import estimate_noise, is_correlated, strength_for

S_MIN = 5.0
photo = load_model_and_level(Path("models/photo"))
default = load_model_and_level(Path("models/default"))


def switches(e):
    return (not is_correlated(e)) and e.fine >= S_MIN


def run(loaded, noisy, estimate, passes):
    model, card, _ = loaded
    return denoise_at(model, card, noisy, strength_for(estimate, card), passes=passes)


def white(clean, sigma, rng):
    return np.clip(np.round(clean.astype(np.float32) + rng.normal(0, sigma, clean.shape)), 0, 255).astype(np.uint8)


out = {}
def score(name, pairs, page=True):
    rows = []
    for noisy, target in pairs:
        e = estimate_noise(noisy)
        if not switches(e):
            continue
        passes = page_passes(photo[1], noisy) if page else 1
        p = psnr_uint8(target, run(photo, noisy, e, passes))
        d = psnr_uint8(target, run(default, noisy, e, page_passes(default[1], noisy) if page else 1))
        rows.append((p, d, e.fine, e.coarse))
    r = np.array(rows) if rows else np.zeros((0, 4))
    out[name] = dict(total=len(pairs), switched=len(rows), rows=r.tolist(), photo=float(r[:, 0].mean()) if len(r) else None, default=float(r[:, 1].mean()) if len(r) else None, passes="page" if page else 1)
    if len(r):
        print(f"{name:24s} {len(rows)}/{len(pairs)} switch: photo {r[:,0].mean():.2f}  default {r[:,1].mean():.2f}  gain {r[:,1].mean()-r[:,0].mean():+.2f}  worst {np.min(r[:,1]-r[:,0]):+.2f}  (set mean moves {(r[:,1]-r[:,0]).sum()/len(pairs):+.3f})", flush=True)
    else:
        print(f"{name:24s} 0/{len(pairs)} switch", flush=True)
    Path("runs/s28/score.json").write_text(json.dumps(out, indent=1))

images = clean_photos(evaluate.SHARED_VAL / "CBSD68", 48)
for seed in (2026, 7):
    for kind in SETS:
        score(f"{kind} {seed}", [(n, t) for n, t, _ in noisy_crops(images, kind, seed)])
rng = np.random.default_rng(28)
sat = saturated.generate(0)
for sigma in (15, 25, 50):
    score(f"saturated white {sigma}", [(white(c, sigma, rng), c) for c in sat])
cbsd = [evaluate.read_clean(f, "rgb") for f in sorted((evaluate.SHARED_VAL / "CBSD68").glob("*.png"))]
for sigma in (25, 15, 50, 5):
    score(f"CBSD68 white {sigma}", [(white(c, sigma, rng), c) for c in cbsd], page=False)
gray = [evaluate.read_clean(f, "gray") for f in sorted((evaluate.SHARED_VAL / "BSD68").glob("*.png"))]
score("BSD68 gray white 25", [(white(np.repeat(g[..., None], 3, -1), 25, rng), np.repeat(g[..., None], 3, -1)) for g in gray], page=False)

"""Estimate-only pass: how each set reads (fine, coarse, coarse/fine, switches?) under the
session-28 rule. No network runs. usage: python runs/s28/ratios.py"""
import json
import sys
from pathlib import Path

import numpy as np

from bench import saturated
from bench.strength_check import SETS, clean_photos, noisy_crops
from training.real_noise import read_pairs, real_folder
from training.strength import estimate_noise, is_correlated
from training import evaluate

S_MIN = 5.0


def switches(e):
    return (not is_correlated(e)) and e.fine >= S_MIN


def white(clean, sigma, rng):
    return np.clip(np.round(clean.astype(np.float32) + rng.normal(0, sigma, clean.shape)), 0, 255).astype(np.uint8)


out = {}
def report(name, estimates):
    r = np.array([e.coarse / max(e.fine, 1e-6) for e in estimates])
    f = np.array([e.fine for e in estimates])
    s = sum(switches(e) for e in estimates)
    out[name] = dict(n=len(estimates), switch=int(s), ratio_min=float(r.min()), ratio_med=float(np.median(r)), ratio_max=float(r.max()), fine_med=float(np.median(f)))
    print(f"{name:28s} n={len(estimates):3d} switch={s:3d} ratio min/med/max {r.min():.2f}/{np.median(r):.2f}/{r.max():.2f} fine med {np.median(f):.1f}", flush=True)

for name in ("CC15", "Nam25"):
    pairs = read_pairs(real_folder(name))
    report(name, [estimate_noise(p.noisy) for p in pairs.pairs])
images = clean_photos(evaluate.SHARED_VAL / "CBSD68", 48)
for seed in (2026, 7):
    for kind in SETS:
        report(f"{kind} {seed}", [estimate_noise(n) for n, _, _ in noisy_crops(images, kind, seed)])
cbsd = [evaluate.read_clean(f, "rgb") for f in sorted((evaluate.SHARED_VAL / "CBSD68").glob("*.png"))]
gray = [evaluate.read_clean(f, "rgb") for f in sorted((evaluate.SHARED_VAL / "BSD68").glob("*.png"))]
sat = saturated.generate(0)
rng = np.random.default_rng(28)
for sigma in (3, 5, 8, 15, 25, 50):
    report(f"CBSD68 white {sigma}", [estimate_noise(white(c, sigma, rng)) for c in cbsd])
for sigma in (15, 25, 50):
    report(f"saturated white {sigma}", [estimate_noise(white(c, sigma, rng)) for c in sat])
report("BSD68 gray white 25", [estimate_noise(white(np.repeat(g[..., :1], 3, -1) if g.shape[-1]==3 else np.repeat(g[...,None],3,-1), 25, rng)) for g in gray])
report("CBSD68 clean", [estimate_noise(c) for c in cbsd])
report("saturated clean", [estimate_noise(c) for c in sat])
Path("runs/s28/ratios.json").write_text(json.dumps(out, indent=1))

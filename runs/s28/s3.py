"""S3 of addendum 5: white noise on images whose coarse scale reads nothing (every block
clipped): photo (and default) at the old strength (the white-noise rule) vs the new one."""
from dataclasses import replace
from pathlib import Path

import numpy as np

from bench import saturated
from training import evaluate
from training.metrics import psnr_uint8
from training.real_noise import denoise_at, load_model_and_level, page_passes
from training.strength import estimate_with_level, strength_for

loaded = {m: load_model_and_level(Path(f"models/{m}")) for m in ("photo", "default")}
rng = np.random.default_rng(28)
white = lambda c, s: np.clip(np.round(c.astype(np.float32) + rng.normal(0, s, c.shape)), 0, 255).astype(np.uint8)
cbsd = [evaluate.read_clean(f, "rgb") for f in sorted((evaluate.SHARED_VAL / "CBSD68").glob("*.png"))]
sets = {f"CBSD68 {s}": [(white(c, s), c) for c in cbsd] for s in (15, 25, 50)}
sets |= {f"saturated {s}": [(white(c, s), c) for c in saturated.generate(0)] for s in (15, 25, 50)}
for name, pairs in sets.items():
    rows = []
    for noisy, clean in pairs:
        for model, (network, card, level) in loaded.items():
            e = estimate_with_level(noisy, level)
            if not e.coarse_clipped:
                break
            old, new = strength_for(replace(e, coarse_clipped=False), card), strength_for(e, card)
            p = page_passes(card, noisy)
            rows.append((model, old, new, *(psnr_uint8(clean, denoise_at(network, card, noisy, s, passes=p)) for s in (old, new))))
    print(name, f"{len(rows) // 2} of {len(pairs)} images read coarse clipped", rows, flush=True)

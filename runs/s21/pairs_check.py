"""One-off (session 21, rule R1): the page's auto strength on the 40 real pairs with the
shipped learned level and with a candidate, for each model naming the level; the pairs
whose strength moves are re-run (the page's passes) at both strengths.

    PYTHONPATH=. python runs/s21/pairs_check.py runs/s21/level-L1
"""

import sys
from dataclasses import replace
from pathlib import Path

import keras
import numpy as np

import training.models  # noqa: F401
from training import card
from training.metrics import psnr_uint8
from training.noise_level import photo_level
from training.real_noise import denoise_at, page_passes, read_pairs, real_folder
from training.strength import estimate_noise, strength_for

candidate = keras.saving.load_model(Path(sys.argv[1]) / "model.keras")
shipped = keras.saving.load_model("models/noise-level/model.keras")
pairs = [p for s in ("CC15", "Nam25") for p in read_pairs(real_folder(s)).pairs]
readings = []
for p in pairs:
    e = estimate_noise(p.noisy)
    readings.append(
        (
            replace(e, level=photo_level(shipped, p.noisy)),
            replace(e, level=photo_level(candidate, p.noisy)),
        )
    )
ratios = [new.level / old.level for old, new in readings]
print(
    f"level ratio candidate/shipped over 40 pairs: mean {np.mean(ratios):.3f}, min {min(ratios):.3f}, max {max(ratios):.3f}"
)
for name in ("photo", "photo-fast", "default", "fast"):
    model_card = card.read_card(Path("models") / name)
    moved = [
        (p, strength_for(old, model_card), strength_for(new, model_card))
        for p, (old, new) in zip(pairs, readings)
    ]
    moved = [m for m in moved if m[1] != m[2]]
    print(
        f"{name}: {len(moved)} of 40 pairs move: "
        + ", ".join(f"{p.name} {a}->{b}" for p, a, b in moved)
    )
    if not moved:
        continue
    model = keras.saving.load_model(Path("models") / name / card.KERAS_NAME)
    delta = 0.0
    for p, a, b in moved:
        passes = page_passes(model_card, p.noisy)
        before = psnr_uint8(p.clean, denoise_at(model, model_card, p.noisy, a, passes))
        after = psnr_uint8(p.clean, denoise_at(model, model_card, p.noisy, b, passes))
        delta += after - before
        print(f"  {p.name}: {before:.3f} -> {after:.3f} ({passes} passes)")
    print(f"  40-pair mean changes by {delta / 40:+.4f} dB")

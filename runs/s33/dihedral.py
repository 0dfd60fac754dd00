"""One-off (session 33): would 8 passes (the four flips and their transposes) close the
saturated set's last 0.08 dB at sigma 15 through the page? Keras `default`, whole 256^2
images (the page's result within 0.04 dB of it), the same uint8 files as bench.page_real
(runs/s33/saturated-pairs/s15), the page's strength 15, against CBM3D 38.665 there.

    PYTHONPATH=. .venv/bin/python runs/s33/dihedral.py
"""

from pathlib import Path

import keras
import numpy as np

import training.models  # noqa: F401
from training import card, real_noise
from training.inference import FLIP_AXES, context_pixels
from training.metrics import psnr_uint8, to_uint8

MODEL = Path("models/default")
model = keras.saving.load_model(MODEL / card.KERAS_NAME)
model_card = card.read_card(MODEL)
pad = context_pixels(model_card["halo"], model_card["size_multiple"])
pairs = real_noise.read_pairs(Path("runs/s33/saturated-pairs/s15")).pairs
scores: dict[str, list[float]] = {"1": [], "4 flips": [], "8 (flips + transposes)": []}
for pair in pairs:
    x = np.pad(pair.noisy / np.float32(255), ((pad, pad), (pad, pad), (0, 0)), mode="reflect")
    inputs = np.concatenate([x, np.full(x.shape[:2] + (1,), 15 / 255, np.float32)], -1)[None]
    outs = []
    for transpose in (False, True):
        base = np.transpose(inputs, (0, 2, 1, 3)) if transpose else inputs
        for axes in FLIP_AXES:
            flipped = np.ascontiguousarray(np.flip(base, axes)) if axes else base
            out = np.asarray(model(flipped, training=False), np.float32)
            out = np.flip(out, axes) if axes else out
            outs.append(np.transpose(out, (0, 2, 1, 3)) if transpose else out)
    for label, chosen in zip(scores, (outs[:1], outs[:4], outs)):
        mean = np.mean(chosen, axis=0)[0, pad:-pad, pad:-pad]
        scores[label].append(psnr_uint8(pair.clean, to_uint8(mean)))
for label, values in scores.items():
    print(f"{label}: {np.mean(values):.3f} dB (CBM3D on the same files 38.665)")

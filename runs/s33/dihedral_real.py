"""One-off (session 33): 8 copies (the four flips and their transposes) against the page's
4 flips for `photo` on the real pairs, at the auto strength docs/real-noise.json records
per pair (the page's). Whole 512^2 images with the card's context, reflect-padded, as
runs/s33/dihedral.py; its 4-flip column should reproduce the json's `auto`.

    PYTHONPATH=. .venv/bin/python runs/s33/dihedral_real.py
"""

import json
from pathlib import Path

import keras
import numpy as np

import training.models  # noqa: F401
from training import card, real_noise
from training.inference import FLIP_AXES, context_pixels
from training.metrics import psnr_uint8, to_uint8

MODEL = Path("models/photo")
model = keras.saving.load_model(MODEL / card.KERAS_NAME)
model_card = card.read_card(MODEL)
pad = context_pixels(model_card["halo"], model_card["size_multiple"])
record = json.loads(Path("docs/real-noise.json").read_text())["results"]["photo"]
for name in ("CC15", "Nam25"):
    pairs = real_noise.read_pairs(real_noise.real_folder(name)).pairs
    rows = []
    for pair in pairs:
        kept = record[name]["pairs"][pair.name]
        noisy = pair.noisy / np.float32(255)
        x = np.pad(noisy, ((pad, pad), (pad, pad), (0, 0)), mode="reflect")
        level = np.full(x.shape[:2] + (1,), kept["auto_strength"] / 255, np.float32)
        inputs = np.concatenate([x, level], -1)[None]
        outs = []
        for transpose in (False, True):
            base = np.transpose(inputs, (0, 2, 1, 3)) if transpose else inputs
            for axes in FLIP_AXES:
                flipped = np.ascontiguousarray(np.flip(base, axes)) if axes else base
                out = np.asarray(model(flipped, training=False), np.float32)
                out = np.flip(out, axes) if axes else out
                outs.append(np.transpose(out, (0, 2, 1, 3)) if transpose else out)
        four = np.mean(outs[:4], axis=0)[0, pad:-pad, pad:-pad]
        eight = np.mean(outs, axis=0)[0, pad:-pad, pad:-pad]
        rows.append(
            (kept["auto"], psnr_uint8(pair.clean, to_uint8(four)), psnr_uint8(pair.clean, to_uint8(eight)))
        )
    recorded, four, eight = np.mean(rows, axis=0)
    print(f"{name}: recorded auto {recorded:.3f}, 4 flips {four:.3f}, 8 copies {eight:.3f} dB", flush=True)

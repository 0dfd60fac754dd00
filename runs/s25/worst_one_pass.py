"""One-off (session 25): the worst real pair's gain over its noisy input at one pass (what
a photo over 3 MP gets), at the auto strength docs/real-noise.json records for each pair.

    PYTHONPATH=. python runs/s25/worst_one_pass.py models/photo
"""

import json
import sys
from pathlib import Path

import keras

import training.models  # noqa: F401
from training import card
from training.metrics import psnr_uint8
from training.real_noise import denoise_at, read_pairs, real_folder

model_dir = Path(sys.argv[1])
model_card = card.read_card(model_dir)
model = keras.saving.load_model(model_dir / card.KERAS_NAME)
recorded = json.loads(Path("docs/real-noise.json").read_text())["results"][model_dir.name]
gains = []
for s in ("CC15", "Nam25"):
    for p in read_pairs(real_folder(s)).pairs:
        strength = recorded[s]["pairs"][p.name]["auto_strength"]
        out = psnr_uint8(p.clean, denoise_at(model, model_card, p.noisy, strength, 1))
        gains.append((out - psnr_uint8(p.clean, p.noisy), p.name))
print("worst one-pass gains:", sorted(gains)[:3])

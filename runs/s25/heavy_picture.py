"""One-off (session 25): docs/stage12-heavy.png, the first four crops of
bench.strength_check's heavy set (seed 2026, not picked), each at the page's auto
strength: noisy | stage 11 | stage 12 | reference, PSNR in each label.

    PYTHONPATH=. python runs/s25/heavy_picture.py
"""

from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw

from bench.strength_check import clean_photos, noisy_crops
from training import data
from training.metrics import psnr_uint8
from training.real_noise import denoise_at, load_model_and_level
from training.strength import auto_strength

models = {
    "stage 11": load_model_and_level(Path("runs/s24/init-photo-stage11")),
    "stage 12": load_model_and_level(Path("models/photo")),
}
crops = noisy_crops(clean_photos(data.DEFAULT_VAL_DIR, 4), "heavy", 2026)
side, gap, label_h = 192, 6, 28
cols = 2 + len(models)
canvas = Image.new(
    "RGB", (cols * (side + gap) + gap, len(crops) * (side + label_h + gap) + gap), "white"
)
draw = ImageDraw.Draw(canvas)
for r, (noisy, target, rms) in enumerate(crops):
    cells = [(f"noisy (RMS {rms:.0f}) {psnr_uint8(target, noisy):.2f} dB", noisy)]
    for name, (model, card, level) in models.items():
        s = auto_strength(noisy, card, level)
        out = denoise_at(model, card, noisy, s)
        cells.append((f"{name}, page's {s}: {psnr_uint8(target, out):.2f} dB", out))
    cells.append(("reference", target))
    top = gap + r * (side + label_h + gap) + label_h
    for c, (label, image) in enumerate(cells):
        left = gap + c * (side + gap)
        canvas.paste(Image.fromarray(np.ascontiguousarray(image[:side, :side])), (left, top))
        draw.text((left, top - label_h + 8), label, fill="black")
canvas.save("docs/stage12-heavy.png")
print("docs/stage12-heavy.png")

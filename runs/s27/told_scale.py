"""Session 27, Next 2's first measurement: photo (and its stage 9) on white noise told
k x the true sigma, on the saturated proxy set and on 8 CBSD68 centre crops (256 px).
If photo told less than the truth recovers on sharp content, a content-aware strength
could; if it also gains on CBSD68, it is a plain calibration offset on white noise."""
import sys
from pathlib import Path

import keras
import numpy as np
from PIL import Image

import training.models  # noqa: F401  (registers the layers)
from training import card
from training.inference import denoise_rgb
from training.metrics import psnr_uint8, to_uint8

SCALES = (0.5, 0.6, 0.7, 0.8, 0.9, 1.0)
sets = {
    "saturated": sorted(Path("runs/s27/sat/images").glob("*.png")),
    "CBSD68": sorted(Path("../shared/data/val/CBSD68").glob("*.png"))[:8],
}
for folder in sys.argv[1:]:
    model = keras.saving.load_model(Path(folder) / "model.keras", compile=False)
    c = card.read_card(Path(folder))
    for name, files in sets.items():
        for sigma in (15, 25):
            scores = {k: [] for k in SCALES}
            for i, f in enumerate(files):
                img = np.asarray(Image.open(f).convert("RGB"), np.float32) / 255
                h, w = img.shape[:2]
                top, left = max(0, (h - 256) // 2), max(0, (w - 256) // 2)
                img = img[top : top + 256, left : left + 256]
                rng = np.random.default_rng(1000 * sigma + i)
                noisy = img + rng.normal(0, sigma / 255, img.shape).astype(np.float32)
                for k in SCALES:
                    out = denoise_rgb(model, noisy, k * sigma, multiple=c["size_multiple"], halo=c["halo"])
                    scores[k].append(psnr_uint8(to_uint8(img), to_uint8(out)))
            row = " ".join(f"{k:g}x {np.mean(v):.2f}" for k, v in scores.items())
            print(f"{folder} {name} sigma {sigma}: {row}", flush=True)

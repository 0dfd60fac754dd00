"""Session 23, one-off (rule E6): held-out hard edges of a kind training/strokes.py does
not draw: coloured text (Pillow's bundled font, 9-30 px) on saturated gradients
(bench.saturated's backgrounds). Seeded Gaussian noise as training.evaluate adds it;
PSNR over all pixels and near edges (bench.saturated.edge_mask), per model folder.

    PYTHONPATH=. python runs/s23/text_check.py MODEL_DIR [...]
"""
import sys
from pathlib import Path

import keras
import numpy as np
from PIL import Image, ImageDraw, ImageFont

import training.models  # noqa: F401
from bench import saturated
from training import card
from training.evaluate import denoise_as_evaluated
from training.noise import seeded_gaussian_noise
from training.strokes import saturated_rgb

WORDS = "denoise photo Shadow 12 MP light Kodak iso 3200 GRAIN edge tile WebGPU offline".split()


def text_image(rng: np.random.Generator, kind: str) -> np.ndarray:
    back = saturated.background(kind, rng)
    image = Image.fromarray((np.clip(back, 0, 1) * 255).astype(np.uint8))
    pen = ImageDraw.Draw(image)
    for _ in range(10):
        font = ImageFont.load_default(size=int(rng.integers(9, 31)))
        xy = (int(rng.integers(0, 200)), int(rng.integers(0, 235)))
        pen.text(xy, " ".join(rng.choice(WORDS, 2)), font=font, fill=saturated_rgb(rng))
    return np.asarray(image)


rng = np.random.default_rng(2026)
cleans = [text_image(rng, kind) for kind in saturated.BACKGROUNDS]
Image.fromarray(np.concatenate(cleans[:4], 1)).save("runs/s23/text-set.png")
for folder in map(Path, sys.argv[1:]):
    model, model_card = keras.saving.load_model(folder / card.KERAS_NAME), card.read_card(folder)
    for sigma in (15.0, 25.0):
        whole, edges, noisy_edges = [], [], []
        for i, clean in enumerate(cleans):
            noisy = seeded_gaussian_noise(clean / 255.0, sigma, f"text-{i}")
            estimate = denoise_as_evaluated(model, model_card, noisy, sigma)
            mask = saturated.edge_mask(clean)
            whole.append(saturated.region_psnr(clean, estimate, np.ones_like(mask)))
            edges.append(saturated.region_psnr(clean, estimate, mask))
        print(f"{folder}\tsigma {sigma:g}\tall {np.mean(whole):.2f}\tedges {np.mean(edges):.2f}")

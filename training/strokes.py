"""Synthetic hard edges: thin curves and flat shapes in saturated colours, drawn over crops
of the training photos, added to the training set.

Why: the photos (BSDS, DreamBooth, Urban100, ImageNet) seldom hold a 1-2 px coloured line
or a flat saturated shape with a crisp edge, and a network that keeps little at full
resolution learns to smooth them away: the half-resolution `default` lost 3 dB near such
edges on bench.saturated's set. Synthetic images of simple shapes are a known prior for
what natural photos under-represent (dead-leaves training: Achddou et al., "Synthetic
images as a regularity prior for image restoration neural networks", 2021); here they go
over real crops, so the patches keep natural texture around the strokes.

bench.saturated generates a set of the same family (curves and shapes on saturated
gradients; other code, other seeds): a model trained with these images is no longer
blind to that set's content, and its numbers there say so (docs/training.md).

Each stroke is drawn at SUPERSAMPLE x and area-averaged down, so an edge is anti-aliased
over about one pixel as a camera or a renderer leaves it, not a staircase.
"""

from __future__ import annotations

import numpy as np
from PIL import Image, ImageDraw

from training.data import NoImagesError

SIDE = 256
SUPERSAMPLE = 4


def saturated_rgb(rng: np.random.Generator) -> tuple[int, int, int]:
    """A vivid colour: one channel high, one low, the third anywhere (or, one time in
    four, black or white-ish), as paint, signs and screen graphics have."""
    if rng.random() < 0.25:
        level = int(rng.choice([rng.integers(0, 40), rng.integers(215, 256)]))
        return (level, level, level)
    high, low, mid = rng.permutation(3)
    colour = np.empty(3, int)
    colour[high] = rng.integers(200, 256)
    colour[low] = rng.integers(0, 60)
    colour[mid] = rng.integers(0, 256)
    return (int(colour[0]), int(colour[1]), int(colour[2]))


def _curve(rng: np.random.Generator, side: int) -> list[tuple[float, float]]:
    """Points along a random smooth curve (a sum of a few sinusoids) across the canvas."""
    t = np.linspace(0.0, 1.0, 200)
    start, end = rng.uniform(0, side, 2), rng.uniform(0, side, 2)
    path = start[None] + (end - start)[None] * t[:, None]
    for _ in range(int(rng.integers(1, 4))):
        amplitude = rng.uniform(0.02, 0.15) * side
        frequency = rng.uniform(0.5, 3.0)
        phase = rng.uniform(0, 2 * np.pi)
        path += amplitude * np.sin(2 * np.pi * frequency * t + phase)[:, None] * rng.normal(size=2)
    return [(float(x), float(y)) for x, y in path]


def draw_strokes(base: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """`base` (uint8 RGB) with 1-4 thin curves (1-3 px) and 0-3 flat shapes drawn over it.

    Each stroke is drawn into its own supersampled coverage mask and blended, so its edge
    is anti-aliased and the photo shows through around it."""
    height, width = base.shape[:2]
    big = (width * SUPERSAMPLE, height * SUPERSAMPLE)
    out = base.astype(np.float32)
    strokes = ["curve"] * int(rng.integers(1, 5)) + ["shape"] * int(rng.integers(0, 4))
    for kind in rng.permutation(strokes):
        canvas = Image.new("L", big, 0)
        pen = ImageDraw.Draw(canvas)
        if kind == "curve":
            points = [
                (x * SUPERSAMPLE, y * SUPERSAMPLE) for x, y in _curve(rng, min(width, height))
            ]
            pen.line(points, fill=255, width=int(rng.uniform(1.0, 3.0) * SUPERSAMPLE))
        else:
            centre = rng.uniform(0, 1, 2) * big
            radius = rng.uniform(0.05, 0.25) * min(big)
            if rng.random() < 0.5:
                box = [*(centre - radius), *(centre + radius)]
                pen.ellipse([float(v) for v in box], fill=255)
            else:
                angles = np.sort(rng.uniform(0, 2 * np.pi, int(rng.integers(3, 7))))
                corners = centre + radius * np.stack([np.cos(angles), np.sin(angles)], -1)
                pen.polygon([(float(x), float(y)) for x, y in corners], fill=255)
        coverage = np.asarray(canvas.resize((width, height), Image.BOX), np.float32) / 255.0
        out += coverage[..., None] * (np.array(saturated_rgb(rng), np.float32) - out)
    return np.clip(np.rint(out), 0, 255).astype(np.uint8)


def stroke_images(photos: list[np.ndarray], count: int, seed: int) -> list[np.ndarray]:
    """`count` SIDE x SIDE training images: random crops of `photos` (any large enough;
    smaller ones are left out) with strokes drawn over them."""
    usable = [photo for photo in photos if min(photo.shape[:2]) >= SIDE]
    if count and not usable:
        raise NoImagesError(
            f"--synthetic-edges needs a training photo of at least {SIDE} px a side"
        )
    rng = np.random.default_rng([seed, 0x5EED])
    images = []
    for _ in range(count):
        photo = usable[int(rng.integers(len(usable)))]
        top = int(rng.integers(photo.shape[0] - SIDE + 1))
        left = int(rng.integers(photo.shape[1] - SIDE + 1))
        images.append(draw_strokes(photo[top : top + SIDE, left : left + SIDE], rng))
    return images

"""Dead-leaves texture: clean detail at every scale, for the learned noise level to learn
that such detail belongs to the scene.

Why: the learned level (noise_level.py) reads fine texture as noise. The generated test
photo of tests/test_real_noise.py, clean, with no noise at all, reads 10 on the 0-255
scale, so a strength rule that trusts the level smooths such photos below their noisy
input (docs/real-noise.md, "Dark phone photos"). The training photos hold too little
fine, noise-like texture to teach the difference.

A dead-leaves image (Matheron; Lee, Mumford & Huang 2001) stacks opaque discs of random
colour whose radii follow a power law, each hiding those below: its statistics are those
of natural images (scale invariance, sharp occluding edges, flat insides), with no noise
in it, down to a pixel. Achddou et al. 2021 ("Synthetic images as a regularity prior
for image restoration neural networks") trained denoisers on such images alone. Here a
low-contrast one is added to a clean crop before the noise is made, coloured from the
crop's own pixels; the label stays the noise's RMS. Written by hand because no library
here draws them (scikit-image draws one disc at a time, which is what this loop does).
"""

from __future__ import annotations

import numpy as np

RADII = (0.7, 24.0)  # px: from below a pixel to a quarter of a 96-px crop
CONTRAST = (0.05, 0.6)  # share of the texture's own contrast added to the crop
PALETTE = 64  # colours a texture draws from
LUMA_JITTER = 0.2  # most std of the brightness offset of each colour
CHROMA_JITTER = 0.08  # most std of each channel's own offset
COVER = 3.0  # discs drawn: this many times the crop's area, counting the mean disc area


def _radii(rng: np.random.Generator, count: int) -> np.ndarray:
    """Radii with density proportional to r^-3 on RADII: as many discs at each scale
    as it takes to cover the image at that scale (the scale-invariant law)."""
    low, high = RADII[0] ** -2, RADII[1] ** -2
    return (low - rng.random(count) * (low - high)) ** -0.5


def dead_leaves(
    shape: tuple[int, int], palette: np.ndarray, rng: np.random.Generator
) -> np.ndarray:
    """A `[h, w, 3]` float32 dead-leaves image, disc colours drawn from `palette` `[n, 3]`."""
    height, width = shape
    image = np.empty((height, width, 3), np.float32)
    image[:] = palette[rng.integers(len(palette))]
    low, high = RADII[0] ** -2, RADII[1] ** -2
    mean_area = np.pi * np.log(low / high) / (low - high)  # E[pi r^2] under the r^-3 law
    count = int(COVER * height * width / mean_area) + 1
    radii = _radii(rng, count)
    centres_y = rng.uniform(-RADII[1], height + RADII[1], count)
    centres_x = rng.uniform(-RADII[1], width + RADII[1], count)
    colours = palette[rng.integers(len(palette), size=count)]
    for r, cy, cx, colour in zip(radii, centres_y, centres_x, colours, strict=True):
        y0, y1 = max(0, int(cy - r)), min(height, int(cy + r) + 1)
        x0, x1 = max(0, int(cx - r)), min(width, int(cx + r) + 1)
        if y0 >= y1 or x0 >= x1:
            continue
        yy, xx = np.ogrid[y0:y1, x0:x1]
        inside = (yy + 0.5 - cy) ** 2 + (xx + 0.5 - cx) ** 2 <= r * r
        image[y0:y1, x0:x1][inside] = colour
    return image


def with_texture(clean: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """`clean` `[h, w, 3]` in [0, 1] with a dead-leaves texture added at a random contrast.
    Its colours are those of random pixels of `clean`, jittered in brightness and a little
    in hue, so that a flat crop gets texture too."""
    height, width = clean.shape[:2]
    pixels = clean.reshape(-1, 3)
    palette = pixels[rng.integers(len(pixels), size=PALETTE)]
    palette = palette + rng.normal(0, rng.uniform(0, LUMA_JITTER), (PALETTE, 1))
    palette = palette + rng.normal(0, rng.uniform(0, CHROMA_JITTER), (PALETTE, 3))
    texture = dead_leaves((height, width), palette, rng)
    contrast = rng.uniform(*CONTRAST)
    return np.clip(clean + contrast * (texture - texture.mean(axis=(0, 1))), 0, 1).astype(
        np.float32
    )

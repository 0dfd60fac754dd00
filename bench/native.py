"""The baselines outside the browser: the same models in native TensorFlow (float32,
all cores, the whole image in one call: its best case) and CBM3D (the `bm3d` package)."""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np

from training import card
from training.inference import denoise_rgb


def sample_image(width: int, height: int, seed: int = 0) -> np.ndarray:
    """Float RGB in [0, 1] with gradients, edges and σ=25 noise (speed does not depend on
    content; this only keeps the input realistic)."""
    rng = np.random.default_rng(seed)
    y, x = np.mgrid[0:height, 0:width].astype(np.float32)
    image = np.stack(
        [0.3 + 0.4 * x / width, 0.25 + 0.5 * y / height, 0.4 + 0.2 * np.sin(x / 7)], axis=-1
    )
    image += 0.15 * ((((x // 64) + (y // 64)) % 2)[..., None])
    return (image + rng.normal(0, 25 / 255, image.shape)).astype(np.float32)


def side_for(megapixels: float) -> tuple[int, int]:
    """(width, height) of a 4:3 image of about this many megapixels."""
    width = int(round((megapixels * 1e6 * 4 / 3) ** 0.5))
    return width, int(round(megapixels * 1e6 / width))


def time_native(model_dir: Path, sizes_mp: list[float], log) -> dict:  # noqa: ANN001
    """ms per MP of Keras/TF on each size; the first call (graph tracing) separately."""
    import keras

    import training.models  # noqa: F401  (registers the custom layers)

    model = keras.saving.load_model(model_dir / card.KERAS_NAME)
    model_card = card.read_card(model_dir)
    shape = {"multiple": model_card["size_multiple"], "halo": model_card["halo"]}
    start = time.perf_counter()
    denoise_rgb(model, sample_image(256, 192), 25.0, **shape)
    row = {"model": model_dir.name, "warmup_ms": round((time.perf_counter() - start) * 1000)}
    row["sizes"] = {}
    for mp in sizes_mp:
        width, height = side_for(mp)
        image = sample_image(width, height)
        start = time.perf_counter()
        denoise_rgb(model, image, 25.0, **shape)
        ms = (time.perf_counter() - start) * 1000
        row["sizes"][f"{mp:g}"] = {"ms": round(ms), "ms_per_mp": round(ms / (width * height / 1e6))}
        log(f"  native {model_dir.name} {mp:g} MP: {ms / (width * height / 1e6):.0f} ms/MP")
    return row


def time_cbm3d(sizes_mp: list[float], log) -> dict:  # noqa: ANN001
    """Seconds per MP of CBM3D (true sigma 25) on the sample image."""
    import bm3d

    row = {}
    for mp in sizes_mp:
        width, height = side_for(mp)
        image = sample_image(width, height)
        start = time.perf_counter()
        bm3d.bm3d_rgb(image, 25 / 255)
        seconds = time.perf_counter() - start
        row[f"{mp:g}"] = {
            "s": round(seconds, 1),
            "s_per_mp": round(seconds / (width * height / 1e6), 1),
        }
        log(f"  CBM3D {mp:g} MP: {seconds / (width * height / 1e6):.1f} s/MP")
    return row

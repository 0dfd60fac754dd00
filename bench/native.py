"""The baselines outside the browser: the same models in native TensorFlow (float32,
all cores, the whole image in one call: its best case) and CBM3D (the `bm3d` package)."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

from training import card
from training.inference import denoise_rgb

# Above this many pixels the whole image no longer fits: TensorFlow was killed by the
# OOM killer at 24 GB on a 12 MP image with `default`, and so was one 2048-px tile
# (a 2256x2256 input; presumably the convolutions' scratch memory, not measured apart).
# Larger images go in 1024-px tiles.
WHOLE_IMAGE_LIMIT = 4.2e6
NATIVE_TILE = 1024


def sample_image(width: int, height: int, seed: int = 0, sigma: float = 25.0) -> np.ndarray:
    """Float RGB with gradients, edges and `sigma` noise (speed does not depend on
    content; this only keeps the input realistic)."""
    rng = np.random.default_rng(seed)
    y, x = np.mgrid[0:height, 0:width].astype(np.float32)
    image = np.stack(
        [0.3 + 0.4 * x / width, 0.25 + 0.5 * y / height, 0.4 + 0.2 * np.sin(x / 7)], axis=-1
    )
    image += 0.15 * ((((x // 64) + (y // 64)) % 2)[..., None])
    return (image + rng.normal(0, sigma / 255, image.shape)).astype(np.float32)


def side_for(megapixels: float) -> tuple[int, int]:
    """(width, height) of a 4:3 image of about this many megapixels."""
    width = int(round((megapixels * 1e6 * 4 / 3) ** 0.5))
    return width, int(round(megapixels * 1e6 / width))


def denoise_native(model, image: np.ndarray, multiple: int, halo: int) -> np.ndarray:  # noqa: ANN001
    """Whole image when it fits, else NATIVE_TILE-px tiles with the model's context."""
    tile = NATIVE_TILE if image.shape[0] * image.shape[1] > WHOLE_IMAGE_LIMIT else None
    return denoise_rgb(model, image, 25.0, multiple=multiple, halo=halo, tile=tile)


def time_native(model_dir: Path, sizes_mp: list[float], log) -> dict:  # noqa: ANN001
    """ms per MP of Keras/TF on each size, each size in a fresh process (TensorFlow's CPU
    allocator keeps what a large image took: 4 MP then 12 MP in one process ran out of
    24 GB); the first call (tracing, allocation) is timed apart in each."""
    row: dict = {"model": model_dir.name, "sizes": {}}
    for mp in sizes_mp:
        result = subprocess.run(
            [sys.executable, "-m", "bench.native", str(model_dir), str(mp)],
            capture_output=True,
            text=True,
            check=False,
        )
        if result.returncode != 0:
            row["sizes"][f"{mp:g}"] = {"skipped": f"failed (exit {result.returncode})"}
            log(f"  native {model_dir.name} {mp:g} MP: failed ({result.stderr[-300:]})")
            continue
        measured = json.loads(result.stdout.strip().splitlines()[-1])
        row["warmup_ms"] = measured.pop("warmup_ms")
        row["sizes"][f"{mp:g}"] = measured
        log(f"  native {model_dir.name} {mp:g} MP: {measured['ms_per_mp']} ms/MP")
    return row


def measure_one(model_dir: Path, mp: float) -> dict:
    """The measurement `time_native` runs in a child process."""
    import keras

    import training.models  # noqa: F401  (registers the custom layers)

    model = keras.saving.load_model(model_dir / card.KERAS_NAME)
    model_card = card.read_card(model_dir)
    shape = {"multiple": model_card["size_multiple"], "halo": model_card["halo"]}
    start = time.perf_counter()
    denoise_rgb(model, sample_image(256, 192), 25.0, **shape)
    warmup_ms = round((time.perf_counter() - start) * 1000)
    width, height = side_for(mp)
    image = sample_image(width, height)
    start = time.perf_counter()
    denoise_native(model, image, **shape)
    ms = (time.perf_counter() - start) * 1000
    return {
        "warmup_ms": warmup_ms,
        "ms": round(ms),
        "ms_per_mp": round(ms / (width * height / 1e6)),
        "tiles": width * height > WHOLE_IMAGE_LIMIT,
    }


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


if __name__ == "__main__":
    print(json.dumps(measure_one(Path(sys.argv[1]), float(sys.argv[2]))))

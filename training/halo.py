"""Measure the context a denoiser really needs: the smallest halo that keeps tiled = whole.

    python -m training.halo models/photo [--update-card] [--crops 3]

Why: every pixel of halo is computed twice where tiles overlap. The U-Nets' receptive
field (97 px for `default` and `photo`) bounds the context in theory, but the weights
far out contribute almost nothing: tiled with 48 px of context, `photo` stays within one
grey level of the whole-image result everywhere. A 1024-px tile then reads 1120 px, not
1232: 17 % less work per photo (docs/benchmarks.md).

The measure: fixed noisy images (CBSD68 crops, or generated ones when the data is absent),
each with camera-mix noise and with sigma 25 white noise, denoised whole with the full receptive field and in small tiles (TILE px, many seams)
with each candidate context; the smallest context, a multiple of the model's size
multiple, whose result is within MAX_GREY_DIFF grey levels everywhere is the halo. The
card keeps the receptive field beside it.
"""

from __future__ import annotations

import argparse
import zlib
from pathlib import Path
from typing import Any

import keras
import numpy as np

from training import camera_noise, card
from training.inference import denoise_rgb
from training.metrics import to_uint8
from training.noise import seeded_gaussian_noise

TILE = 64
MAX_GREY_DIFF = 1
SIGMA = 25.0
CROPS = 3


def measure_images(count: int = CROPS) -> list[tuple[np.ndarray, float]]:
    """(noisy float image, strength) pairs: each crop with camera-mix noise at its true
    RMS and with sigma 25 white noise (every model meets both on the page)."""
    from converter.parity import parity_images

    out = []
    for name, clean in parity_images(8, count, 256):
        rng = np.random.default_rng(zlib.crc32(name.encode()))
        noisy, _, rms = camera_noise.realistic_pair(
            clean.astype(np.float32) / 255, rng, mix={"camera": 1.0}
        )
        out.append((noisy, rms))
        out.append((seeded_gaussian_noise(clean / 255.0, SIGMA, name), SIGMA))
    return out


def tiled_difference(
    model: keras.Model,
    images: list[tuple[np.ndarray, float]],
    multiple: int,
    receptive: int,
    context: int,
) -> dict[str, float]:
    """Largest uint8 difference and lowest PSNR (dB) of TILE-px tiles with `context`
    against the whole image with the full receptive field."""
    worst_grey, worst_psnr = 0, float("inf")
    for noisy, strength in images:
        whole = denoise_rgb(model, noisy, strength, multiple=multiple, halo=receptive)
        tiled = denoise_rgb(model, noisy, strength, multiple=multiple, halo=context, tile=TILE)
        diff = np.abs(to_uint8(whole).astype(np.int16) - to_uint8(tiled).astype(np.int16))
        worst_grey = max(worst_grey, int(diff.max()))
        mse = float(np.mean((np.clip(whole, 0, 1) - np.clip(tiled, 0, 1)) ** 2, dtype=np.float64))
        worst_psnr = min(worst_psnr, 99.0 if mse == 0 else 10 * np.log10(1 / mse))
    return {"max_grey_diff": worst_grey, "worst_psnr_db": round(float(worst_psnr), 1)}


def smallest_context(
    model: keras.Model, model_card: dict[str, Any], images: list[tuple[np.ndarray, float]]
) -> dict[str, Any]:
    """The measured halo and what it keeps, for the card."""
    multiple = model_card["size_multiple"]
    receptive = model_card.get("receptive_field", model_card["halo"])
    for context in range(multiple, receptive + multiple, multiple):
        context = min(context, receptive)
        found = tiled_difference(model, images, multiple, receptive, context)
        if found["max_grey_diff"] <= MAX_GREY_DIFF:
            return {"halo": context, **found}
    return {"halo": receptive, "max_grey_diff": 0, "worst_psnr_db": 99.0}


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="python -m training.halo", description=__doc__)
    p.add_argument("model_dir", type=Path)
    p.add_argument(
        "--update-card",
        action="store_true",
        help="write the measured halo into card.json (the receptive field is kept beside it)",
    )
    p.add_argument(
        "--crops",
        type=positive_int,
        default=CROPS,
        help="crops measured on, each with both noises (default %(default)s; fewer is "
        "quicker and less sure: the card says how many)",
    )
    return p.parse_args(argv)


def positive_int(text: str) -> int:
    """--crops: a whole number of at least 1."""
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be a whole number of at least 1, not {text!r}")
    return value


def main(argv: list[str] | None = None) -> int:
    import training.models  # noqa: F401  (registers the custom layers)

    args = parse_args(argv)
    keras_file = args.model_dir / card.KERAS_NAME
    if not keras_file.is_file():
        raise SystemExit(f"error: {args.model_dir}: no {card.KERAS_NAME} in it")
    model = keras.saving.load_model(keras_file)
    model_card = card.read_card(args.model_dir)
    images = measure_images(args.crops)
    found = smallest_context(model, model_card, images)
    receptive = model_card.get("receptive_field", model_card["halo"])
    print(
        f"{args.model_dir.name}: halo {found['halo']} px of the receptive field's {receptive} "
        f"(tiles of {TILE} px within {found['max_grey_diff']} grey level(s) of the whole "
        f"image, worst {found['worst_psnr_db']} dB)"
    )
    if args.update_card:
        model_card.update(
            halo=found["halo"],
            receptive_field=receptive,
            halo_measurement={
                "criterion": f"{TILE}-px tiles within {MAX_GREY_DIFF} grey level of the whole "
                "image with the full receptive field",
                "images": f"{len(images) // 2} CBSD68 crops (or generated), each with "
                f"camera-mix noise and with sigma {SIGMA:g}",
                "max_grey_diff": found["max_grey_diff"],
                "worst_psnr_db": found["worst_psnr_db"],
                "command": f"python -m training.halo {args.model_dir} --update-card",
            },
        )
        card.write_card(args.model_dir, model_card)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

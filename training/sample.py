"""Draw new patches from a trained VAE's prior: a sanity picture of what it learned.

    python -m training.sample models/vae --count 16 --size 64 --out vae_samples.png

z ~ N(0, I) at the latent's shape goes through the decoder alone. A VAE whose KL term
did its job gives smooth, photo-like colour fields; noise or a flat gray means the
latent carries nothing the decoder can use (posterior collapse) or that beta was
too small for the prior to mean anything.
"""

from __future__ import annotations

import argparse
import math
from pathlib import Path

import numpy as np
from PIL import Image

from training import card
from training.metrics import to_uint8
from training.models.autoencoders import LATENT_CHANNELS


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(
        prog="python -m training.sample",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("model", type=Path, help="folder of a model trained with --arch vae")
    p.add_argument("--count", type=int, default=16, help="patches to draw")
    p.add_argument("--size", type=int, default=64, help="side of each patch (multiple of 4)")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--out", type=Path, default=Path("vae_samples.png"))
    return p.parse_args(argv)


def draw(decoder, count: int, size: int, seed: int) -> np.ndarray:  # noqa: ANN001
    """uint8 `[count, size, size, 3]` decoded from standard normal latents."""
    z = np.random.default_rng(seed).standard_normal(
        (count, size // 4, size // 4, LATENT_CHANNELS), dtype=np.float32
    )
    return to_uint8(np.asarray(decoder(z, training=False)))


def grid(patches: np.ndarray, gap: int = 2) -> np.ndarray:
    """Patches in a near-square grid on white."""
    count, size = patches.shape[0], patches.shape[1]
    columns = math.ceil(math.sqrt(count))
    rows = math.ceil(count / columns)
    step = size + gap
    sheet = np.full((rows * step - gap, columns * step - gap, 3), 255, np.uint8)
    for i, patch in enumerate(patches):
        top, left = (i // columns) * step, (i % columns) * step
        sheet[top : top + size, left : left + size] = patch
    return sheet


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.size % 4 or args.size <= 0:
        raise SystemExit(f"error: --size must be a positive multiple of 4, not {args.size}")
    import keras

    import training.models  # noqa: F401  (registers the custom layers)

    model_file = args.model / card.KERAS_NAME
    if not model_file.is_file():
        raise SystemExit(f"error: no {card.KERAS_NAME} in {args.model}")
    model = keras.saving.load_model(model_file)
    try:
        decoder = model.get_layer("decoder")
    except ValueError:
        raise SystemExit(
            f"error: {args.model} is not a VAE (no decoder to sample); train one with --arch vae"
        ) from None
    sheet = grid(draw(decoder, args.count, args.size, args.seed))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    Image.fromarray(sheet).save(args.out)
    print(f"wrote {args.count} samples to {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

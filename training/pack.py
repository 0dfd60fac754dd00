"""Pack training photos small enough to travel to a lent GPU machine.

Why: a remote training run receives the repository plus at most a few tens of MB, while
the colour sets `../shared/data` lists for training hold ~150 MB of JPEGs. Each photo is
downscaled (area filter, which also averages away some of the photo's own noise and JPEG
blocks: cleaner targets) so that its shorter side is at most `--short-side`, then saved as
JPEG at `--quality` without chroma subsampling. Validation centre crops are saved
losslessly, so validation PSNR stays comparable with local runs.

    python -m training.pack --out .devdata --short-side 320 --quality 92
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np
from PIL import Image

from training import data


def pack_photo(source: Path, target: Path, short_side: int, quality: int) -> int:
    """Downscale one photo (never up) and save it as 4:4:4 JPEG; its size in bytes."""
    with Image.open(source) as image:
        image = image.convert("RGB")
        scale = short_side / min(image.size)
        if scale < 1:
            size = (round(image.width * scale), round(image.height * scale))
            image = image.resize(size, Image.Resampling.BOX)
        image.save(target, quality=quality, subsampling=0)
    return target.stat().st_size


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m training.pack", description=__doc__)
    p.add_argument("--data", type=Path, nargs="+", default=list(data.DEFAULT_TRAIN_DIRS))
    p.add_argument("--val", type=Path, default=data.DEFAULT_VAL_DIR)
    p.add_argument("--val-count", type=int, default=8)
    p.add_argument("--val-size", type=int, default=192)
    p.add_argument("--out", type=Path, required=True)
    p.add_argument("--short-side", type=int, default=320)
    p.add_argument("--quality", type=int, default=92)
    args = p.parse_args(argv)
    total = 0
    for folder in args.data:
        (args.out / folder.name).mkdir(parents=True, exist_ok=True)
        for path in data.image_files(folder):
            target = args.out / folder.name / (path.stem + ".jpg")
            total += pack_photo(path, target, args.short_side, args.quality)
    val = args.out / "val"
    val.mkdir(parents=True, exist_ok=True)
    for name, crop in data.validation_crops(args.val, args.val_count, args.val_size, 8):
        Image.fromarray(np.asarray(crop)).save(val / f"{Path(name).stem}.png")
        total += (val / f"{Path(name).stem}.png").stat().st_size
    print(f"{total / 2**20:.1f} MiB in {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""Whether the strength slider stays a real control: higher removes more, at every step.

Issue 12 asks that the slider keep its meaning on real photos: lower keeps more detail,
higher smooths more, monotonic. A camera-noise model is trained to be told the noise's
RMS, and one trained with under-told pairs (`training.train --under-tell`) learns that a
strength above 15 may mean more noise than it says: both could bend the curve. This runs
each noisy crop through the model at every slider value of SLIDER and measures how much
the result departs from the noisy input (RMS of result - noisy, 0-255 scale): the slider
is monotonic on a crop when that never drops by more than TOLERANCE from one value to the
next. Crops from bench.strength_check's four synthetic sets, and the real pairs when
`../shared/data/real` holds them.

    python -m bench.slider_check models/photo [--crops 12] [--real CC15 Nam25]
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

import numpy as np

from bench.strength_check import SETS, clean_photos, noisy_crops
from training import data, real_noise
from training.real_noise import denoise_at, load_model_and_level
from training.strength import strength_top

SLIDER = (0, 3, 5, 8, 10, 12, 15, 20, 25, 30, 40, 50, 60, 75)
# Grey levels of RMS. A quarter level is far below what an eye sees in a result; photo-fast
# wobbles by 0.10 where its curve flattens at phone-level noise (set after seeing that: the
# first guess, 0.05, was rounding's size).
TOLERANCE = 0.25


def slider_values(model_card: dict) -> list[int]:
    """The SLIDER values within the model's range (where the page's slider ends)."""
    return [s for s in SLIDER if s <= strength_top(model_card)]


def removed_curve(loaded: tuple[Any, dict, Any], noisy: np.ndarray) -> np.ndarray:
    """RMS of (result - noisy) at each of the model's slider values."""
    model, model_card, _ = loaded
    return np.array(
        [
            np.sqrt(
                np.mean((denoise_at(model, model_card, noisy, s).astype(np.float64) - noisy) ** 2)
            )
            for s in slider_values(model_card)
        ]
    )


def worst_drop(curve: np.ndarray) -> float:
    """The largest fall of the curve from one slider value to the next (0: none)."""
    return float(max(0.0, -np.min(np.diff(curve))))


def bending(names: list[str], curves: list[np.ndarray]) -> list[str]:
    """The names of the crops whose curve falls by more than TOLERANCE somewhere: which
    crop to look at when a set is not monotonic."""
    return [
        name for name, curve in zip(names, curves, strict=True) if worst_drop(curve) > TOLERANCE
    ]


def check(loaded: tuple[Any, dict, Any], named: list[tuple[str, np.ndarray]]) -> dict:
    """The set's curves: how many bend, by how much at worst, which, and the mean curve."""
    curves = [removed_curve(loaded, noisy) for _, noisy in named]
    drops = [worst_drop(c) for c in curves]
    return {
        "crops": len(curves),
        "not_monotonic": int(sum(d > TOLERANCE for d in drops)),
        "worst_drop": max(drops),
        "bending": bending([name for name, _ in named], curves),
        "mean_curve": np.mean(curves, axis=0).round(2).tolist(),
    }


def real_noisy(name: str, size: int) -> list[tuple[str, np.ndarray]]:
    """(pair name, centre crop of its noisy photo) for each real pair; none when the set
    is absent."""
    try:
        pairs = real_noise.read_pairs(real_noise.real_folder(name)).pairs
    except (real_noise.NoPairsError, data.NoImagesError):
        return []
    crops = []
    for pair in pairs:
        h, w = pair.noisy.shape[:2]
        y, x = max(0, (h - size) // 2), max(0, (w - size) // 2)
        crops.append((pair.name, pair.noisy[y : y + size, x : x + size]))
    return crops


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("model_dir", type=Path)
    p.add_argument("--crops", type=int, default=12, help="per synthetic set")
    p.add_argument("--images", type=Path, default=data.DEFAULT_VAL_DIR, help="clean photos")
    p.add_argument("--seed", type=int, default=2026)
    p.add_argument(
        "--real", nargs="*", default=["CC15", "Nam25"], help="real-pair sets to add (if present)"
    )
    args = p.parse_args(argv)
    images = clean_photos(args.images, args.crops)
    loaded = load_model_and_level(args.model_dir)
    # Synthetic crops are named by their photo's place in --images (crop 1 = the first).
    sets = {
        kind: [(f"crop {i}", c[0]) for i, c in enumerate(noisy_crops(images, kind, args.seed), 1)]
        for kind in SETS
    }
    sets.update({name: real_noisy(name, 192) for name in args.real})
    print(
        f"{args.model_dir.name}: RMS of (result - noisy) at slider values "
        f"{slider_values(loaded[1])}"
    )
    print("| set | crops | not monotonic | worst drop | mean curve | bending |")
    print("|---|---|---|---|---|---|")
    failed = 0
    for label, named in sets.items():
        if not named:
            continue
        r = check(loaded, named)
        failed += r["not_monotonic"]
        curve = " ".join(f"{v:g}" for v in r["mean_curve"])
        print(
            f"| {label} | {r['crops']} | {r['not_monotonic']} | {r['worst_drop']:.2f} | {curve} "
            f"| {', '.join(r['bending']) or '-'} |"
        )
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())

"""How far the auto strength lands from the best one, on synthetic camera noise.

The real pairs (CC15, Nam25) are DSLR shots with little noise, so they fit each model's
calibration but cannot say how it does on phone photos, which this project has no pairs
of. This runs crops of clean photos through `training.camera_noise` cameras, each at
the noise's true RMS (what a camera-noise model was trained to be told) and at the
card's auto strengths: the hand-made estimate's fit, the learned level's fit, and the
page's rule (the smaller of the two, at most LEVEL_MOST_BELOW under the level's fit).

    python -m bench.strength_check models/photo [--crops 48] [--images DIR]

Four sets: `mix` (random cameras of the training mix, base ISO to phones), `phone`
(shot noise 2e-3 to 2e-2, read noise tied to it: phone-level noise, RMS ~15), `dark`
(a phone at the top of that range in low light: the scene exposed at 15-35 %, so the tone
curve lifts the shadows' noise and black clips it; the target is darkened alike) and
`heavy` (camera_noise.sample_heavy_camera: beyond the photo model's training range, as
issue 12's hardest phone crops, per-channel std 25-42). Printed as
a Markdown table: mean PSNR, and how many crops land more than 1 dB below their
true-RMS result. docs/real-noise.md quotes it.
"""

from __future__ import annotations

import argparse
import dataclasses
from pathlib import Path
from typing import Any

import numpy as np

from training import camera_noise, data
from training.metrics import psnr_uint8, to_uint8
from training.real_noise import denoise_at, load_model_and_level
from training.strength import Estimate, calibrated, estimate_with_level

CROP = 192
SETS = ("mix", "phone", "dark", "heavy")
SHOT = {"phone": (2e-3, 2e-2), "dark": (1e-2, 2e-2)}  # the training mix's range for "mix"
DARK_EXPOSURE = (0.15, 0.35)


def camera_for(kind: str, rng: np.random.Generator) -> camera_noise.Camera:
    """A random camera of the set `kind` (one of SETS): the training mix's, its shot
    noise narrowed to phones' for `phone` and `dark`, under-exposed for `dark`, or the
    heavy camera for `heavy`. Other checks on these sets (other crop sizes, downscaled
    photos) draw their cameras here."""
    sample = camera_noise.sample_heavy_camera if kind == "heavy" else camera_noise.sample_camera
    camera = sample(rng)
    if kind in SHOT:
        shot = camera_noise.log_uniform(rng, SHOT[kind])
        camera = dataclasses.replace(camera, shot=shot, read=camera_noise.read_noise(shot))
    if kind == "dark":
        camera = dataclasses.replace(camera, exposure=float(rng.uniform(*DARK_EXPOSURE)))
    return camera


def noisy_crops(
    images: list[np.ndarray], kind: str, seed: int
) -> list[tuple[np.ndarray, np.ndarray, float]]:
    """(noisy uint8, target uint8, true RMS) per image: its top-left crop through a
    random camera of the set `kind` (one of SETS)."""
    rng = np.random.default_rng(seed)
    crops = []
    for image in images:
        clean = image[:CROP, :CROP] / np.float32(255)
        clean = clean[: clean.shape[0] // 2 * 2, : clean.shape[1] // 2 * 2]
        noisy, target = camera_noise.camera_noise(clean, rng, camera_for(kind, rng))
        crops.append((to_uint8(noisy), to_uint8(target), camera_noise.strength(noisy, target)))
    return crops


def clean_photos(folder: Path, count: int) -> list[np.ndarray]:
    """The first `count` photos of `folder` (the crops' sources); a folder without photos
    ends the run with its name."""
    try:
        return data.load_images([folder], min_size=64)[:count]
    except data.NoImagesError as error:
        raise SystemExit(f"error: {error}") from None


def strengths(estimate: Estimate, auto: dict, rms: float) -> dict[str, float]:
    """The strengths compared: each of the card's fits alone, the page's rule (the
    smaller of the two, floored under the level's), and the true RMS."""
    hand = {k: v for k, v in auto.items() if k != "level"}
    chosen = {"hand-made fit": calibrated(estimate, hand)}
    if auto.get("level"):
        chosen["learned level fit"] = calibrated(estimate, {"level": auto["level"]})
        chosen["page's rule"] = calibrated(estimate, auto)
    chosen["true RMS"] = rms
    return chosen


def check(loaded: tuple[Any, dict, Any], images: list[np.ndarray], kind: str, seed: int) -> dict:
    model, model_card, level = loaded
    auto = model_card["auto_strength"]
    rows: dict[str, list[float]] = {"noisy": []}
    rms_all = []
    for noisy, target, rms in noisy_crops(images, kind, seed):
        rms_all.append(rms)
        rows["noisy"].append(psnr_uint8(target, noisy))
        estimate = estimate_with_level(noisy, level)
        for name, strength in strengths(estimate, auto, rms).items():
            out = denoise_at(model, model_card, noisy, strength)
            rows.setdefault(name, []).append(psnr_uint8(target, out))
    best = np.array(rows["true RMS"])
    return {
        "crops": len(rms_all),
        "mean_rms": float(np.mean(rms_all)),
        "psnr": {name: float(np.mean(v)) for name, v in rows.items()},
        "over_1db_below_true_rms": {
            name: int(np.sum(best - np.array(v) > 1.0))
            for name, v in rows.items()
            if name not in ("noisy", "true RMS")
        },
    }


def table(results: dict[str, dict]) -> str:
    names = list(next(iter(results.values()))["psnr"])
    lines = [
        "| set | crops | mean RMS | " + " | ".join(names) + " | > 1 dB below true RMS |",
        "|---|---|---|" + "---|" * len(names) + "---|",
    ]
    for label, r in results.items():
        misses = ", ".join(f"{k}: {v}" for k, v in r["over_1db_below_true_rms"].items())
        cells = " | ".join(f"{r['psnr'][n]:.2f}" for n in names)
        lines.append(f"| {label} | {r['crops']} | {r['mean_rms']:.1f} | {cells} | {misses} |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("model_dir", type=Path)
    p.add_argument("--crops", type=int, default=48)
    p.add_argument("--images", type=Path, default=data.DEFAULT_VAL_DIR, help="clean photos")
    p.add_argument("--seed", type=int, default=2026)
    args = p.parse_args(argv)
    images = clean_photos(args.images, args.crops)
    loaded = load_model_and_level(args.model_dir)
    results = {kind: check(loaded, images, kind, args.seed) for kind in SETS}
    print(f"{args.model_dir.name}: PSNR (dB) of {CROP}-px crops at each strength")
    print(table(results))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

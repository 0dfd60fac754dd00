"""Does a model shift brightness on real pairs? Mean error by the reference's brightness.

A real pair's reference is the mean of many shots, so the noisy photo carries no
brightness bias against it beyond the pair's own small offset; a denoiser that learnt
one from its synthetic noise (as `photo` did until the noise was smoothed before the tone
curve, docs/training.md stage 5) shows it here. Two checks per model, at the page's auto
strength (with the learned level when the card names one):

- mean error (result - reference) per colour channel, by the reference's luma, beside
  the noisy photo's own (noisy - reference): a systematic shift is a row where the
  model's error is well away from the noisy photo's;
- the local-mean check: the result with the noisy photo's local mean put back (result -
  a Gaussian of result - noisy, `--radius` px). It removes any low-frequency shift the
  model added and keeps its denoising; the PSNR it gains bounds what such a shift costs.

    python -m bench.bias_check models/photo [--sets CC15 Nam25] [--radius 12]

Prints Markdown tables; docs/real-noise.md quotes them. A few minutes on 2 cores.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

import numpy as np
from scipy import ndimage

from training.data import LUMA, NoImagesError
from training.metrics import psnr_uint8, to_uint8
from training.real_noise import (
    NoPairsError,
    Pair,
    denoise_at,
    load_model_and_level,
    read_pairs,
    real_folder,
)
from training.strength import auto_strength

LUMA_BINS = (0, 20, 40, 70, 110, 160, 210, 256)


def luma(rgb: np.ndarray) -> np.ndarray:
    return rgb.astype(np.float64) @ np.asarray(LUMA, np.float64)


def local_mean_restored(result: np.ndarray, noisy: np.ndarray, radius: float) -> np.ndarray:
    """The result with the noisy photo's local mean: result - G(result - noisy)."""
    shift = ndimage.gaussian_filter(
        result.astype(np.float64) - noisy, sigma=(radius, radius, 0), mode="reflect"
    )
    return to_uint8((result - shift) / 255.0)


def bias_by_luma(pairs: list[tuple[Pair, np.ndarray]]) -> list[dict[str, Any]]:
    """Per luma bin of the references: share of pixels, mean noisy - reference and mean
    result - reference per channel (levels on 0-255)."""
    reference = np.concatenate([luma(p.clean).ravel() for p, _ in pairs])
    noisy_error = np.concatenate(
        [(p.noisy.astype(np.float64) - p.clean).reshape(-1, 3) for p, _ in pairs]
    )
    result_error = np.concatenate(
        [(r.astype(np.float64) - p.clean).reshape(-1, 3) for p, r in pairs]
    )
    rows = []
    for low, high in zip(LUMA_BINS[:-1], LUMA_BINS[1:], strict=True):
        inside = (reference >= low) & (reference < high)
        if not inside.any():
            continue
        rows.append(
            {
                "luma": f"{low}–{high - 1}",
                "share": float(inside.mean()),
                "noisy": noisy_error[inside].mean(axis=0).tolist(),
                "result": result_error[inside].mean(axis=0).tolist(),
            }
        )
    return rows


def check(model_dir: Path, sets: list[str], radius: float) -> tuple[list[dict], dict[str, Any]]:
    """(luma rows over all pairs, per set {pairs, auto, restored}: count and mean PSNR)."""
    model, model_card, level = load_model_and_level(model_dir)
    everything: list[tuple[Pair, np.ndarray]] = []
    scores = {}
    for name in sets:
        pair_set = read_pairs(real_folder(name))
        plain, restored = [], []
        for pair in pair_set.pairs:
            strength = auto_strength(pair.noisy, model_card, level)
            result = denoise_at(model, model_card, pair.noisy, strength)
            everything.append((pair, result))
            plain.append(psnr_uint8(pair.clean, result))
            back = local_mean_restored(result, pair.noisy, radius)
            restored.append(psnr_uint8(pair.clean, back))
        scores[pair_set.label] = {
            "pairs": len(plain),
            "auto": float(np.mean(plain)),
            "restored": float(np.mean(restored)),
        }
    return bias_by_luma(everything), scores


def tables(name: str, rows: list[dict], scores: dict[str, Any], radius: float) -> str:
    def triple(values: list[float]) -> str:
        return ", ".join(f"{v:+.2f}" for v in values)

    lines = [
        f"`{name}` at auto strength: mean error by the reference's luma (levels, R, G, B)",
        "",
        "| reference luma | share of pixels | noisy − reference | result − reference |",
        "|---|---|---|---|",
        *(
            f"| {r['luma']} | {r['share']:.0%} | {triple(r['noisy'])} | {triple(r['result'])} |"
            for r in rows
        ),
        "",
        f"Local-mean check (the noisy photo's mean put back, Gaussian of {radius:g} px):",
        "",
        "| set | pairs | auto | local mean restored | gain |",
        "|---|---|---|---|---|",
        *(
            f"| {label} | {s['pairs']} | {s['auto']:.2f} | {s['restored']:.2f} | "
            f"{s['restored'] - s['auto']:+.2f} |"
            for label, s in scores.items()
        ),
    ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("model_dir", type=Path)
    p.add_argument("--sets", nargs="+", default=["CC15", "Nam25"], help="real pair folders")
    p.add_argument("--radius", type=float, default=12.0, help="Gaussian sigma, px")
    args = p.parse_args(argv)
    try:
        rows, scores = check(args.model_dir, args.sets, args.radius)
    except (NoPairsError, NoImagesError) as error:
        raise SystemExit(f"error: {error}") from None
    print(tables(args.model_dir.name, rows, scores, args.radius))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

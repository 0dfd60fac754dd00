"""Saturated colours and smooth gradients: a generated proxy set, evaluated against CBM3D.

Why: issue 13 reports the `default` model 0.3-0.8 dB below CBM3D at sigma 15-25 on
held-out sets with strongly saturated colours and smooth gradients (McMaster-like), but
no such set is available here (shared/data holds CBSD68, BSD68 and Set12 for
validation; its train/ folders are not for evaluation). This writes a small,
deterministic set of images with that kind of content and runs the repository's own
evaluation on it (`training.evaluate`: seeded Gaussian noise, uint8 PSNR/SSIM, CBM3D
with the true sigma), so the claim can be checked on content of the same kind. It is a
proxy: synthetic scenes have no natural texture, no camera pipeline, and their numbers do
not compare with McMaster's own.

    PYTHONPATH=. python -m bench.saturated [--out .cache/saturated]
        [--docs .cache/saturated-report] [--seed 0] [--models models/default ...]

Each 256x256 image: a hue gradient (linear, radial or around a centre) at high
saturation, mild low-frequency shading, flat or shaded saturated shapes with hard
(anti-aliased) or soft (blurred) edges, and a few thin coloured curves. The evaluation
writes evaluation.md/.json/.png into `--docs` (never docs/, whose evaluation.md is the
standard sets' report); CBM3D's results are cached under .cache/cbm3d, keyed by the
images' content (training.evaluate). Prints the set's statistics, the evaluation's table, each model's gap to
CBM3D, and PSNR split into smooth pixels and pixels near hard edges and lines (which of
the two a gap comes from). Several minutes on 2 busy cores, most of it CBM3D.
"""

from __future__ import annotations

import argparse
import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw
from scipy import ndimage

SIZE = 256
COUNT = 8
SUPERSAMPLE = 4  # masks are drawn at 4x and area-averaged: hard edges ~1 px wide, not stairs
# One background kind per image, so that every kind is in the set whatever the seed.
BACKGROUNDS = ("linear", "radial", "angular", "linear", "radial", "angular", "linear", "radial")
MODELS = [Path("models/default"), Path("models/fast"), Path("models/photo")]
SIGMAS = ["15", "25", "50"]
CBM3D_LIMIT = 8
# Pixels within EDGE_RADIUS px of a step of more than EDGE_STEP levels in the clean image
# count as "edges" (shape boundaries and thin lines); the rest as "smooth" (gradients,
# flat regions, soft edges).
EDGE_STEP, EDGE_RADIUS = 20, 3
ROOT = Path(__file__).resolve().parents[1]


def hsv_to_rgb(hue: np.ndarray, saturation: np.ndarray, value: np.ndarray) -> np.ndarray:
    """Float HSV (hue in turns, any real; s and v in [0, 1]) -> float RGB `[..., 3]`.
    Hue is continuous here, so a gradient in hue is a smooth gradient in RGB."""
    hue = np.mod(hue, 1.0) * 6.0
    k = np.mod(np.stack([5.0 + hue, 3.0 + hue, 1.0 + hue], axis=-1), 6.0)
    ramp = np.clip(np.minimum(k, 4.0 - k), 0.0, 1.0)
    return value[..., None] * (1.0 - saturation[..., None] * ramp)


def saturation_of(rgb: np.ndarray) -> np.ndarray:
    """HSV saturation (max - min) / max per pixel of uint8 or float RGB; 0 where black."""
    rgb = rgb.astype(np.float64)
    high, low = rgb.max(axis=-1), rgb.min(axis=-1)
    return np.where(high > 0, (high - low) / np.maximum(high, 1e-9), 0.0)


def _grid() -> tuple[np.ndarray, np.ndarray]:
    """Pixel-centre coordinates (y, x) in [0, 1)."""
    coords = (np.arange(SIZE) + 0.5) / SIZE
    return np.meshgrid(coords, coords, indexing="ij")


def background(kind: str, rng: np.random.Generator) -> np.ndarray:
    """A saturated hue gradient across the frame. `linear`: hue along a random direction;
    `radial`: hue by distance from a random centre; `angular`: hue around a centre (a
    colour wheel). Saturation and value vary slowly too, as on lit, curved surfaces."""
    y, x = _grid()
    if kind == "linear":
        angle = rng.uniform(0, 2 * np.pi)
        t = (x - 0.5) * np.cos(angle) + (y - 0.5) * np.sin(angle)
        t = (t - t.min()) / (t.max() - t.min())
        hue = rng.uniform(0, 1) + rng.uniform(0.3, 0.8) * t
    elif kind == "radial":
        cy, cx = rng.uniform(0.2, 0.8, 2)
        t = np.hypot(y - cy, x - cx) / np.sqrt(2)
        hue = rng.uniform(0, 1) + rng.uniform(0.5, 1.2) * t
    elif kind == "angular":
        cy, cx = rng.uniform(0.3, 0.7, 2)
        hue = rng.uniform(0, 1) + np.arctan2(y - cy, x - cx) / (2 * np.pi)
    else:
        raise ValueError(f"unknown background kind {kind!r}")
    saturation = rng.uniform(0.8, 0.95) - 0.1 * smooth_field(rng)
    value = rng.uniform(0.8, 0.95) - 0.15 * smooth_field(rng)
    return hsv_to_rgb(hue, saturation, value)


def smooth_field(rng: np.random.Generator) -> np.ndarray:
    """A smooth random field in [0, 1]: white noise blurred to a few blobs per frame."""
    field = ndimage.gaussian_filter(rng.standard_normal((SIZE, SIZE)), SIZE / 6, mode="wrap")
    return (field - field.min()) / max(float(field.max() - field.min()), 1e-9)


def shape_mask(rng: np.random.Generator) -> np.ndarray:
    """Coverage in [0, 1] of one random ellipse, polygon or rectangle, anti-aliased."""
    big = SIZE * SUPERSAMPLE
    canvas = Image.new("L", (big, big), 0)
    draw = ImageDraw.Draw(canvas)
    cx, cy = rng.uniform(0.15, 0.85, 2) * big
    radius = rng.uniform(0.08, 0.22) * big
    kind = int(rng.integers(3))
    if kind == 0:  # ellipse
        ry = radius * rng.uniform(0.5, 1.0)
        draw.ellipse([cx - radius, cy - ry, cx + radius, cy + ry], fill=255)
    else:  # a rotated square, or an irregular polygon of 3-6 corners
        start = rng.uniform(0, 2 * np.pi)
        if kind == 1:
            angles, spread = start + np.arange(4) * np.pi / 2, np.full(4, radius)
        else:
            corners = int(rng.integers(3, 7))
            angles = start + np.sort(rng.uniform(0, 2 * np.pi, corners))
            spread = radius * rng.uniform(0.6, 1.0, corners)
        points = zip(cx + spread * np.cos(angles), cy + spread * np.sin(angles), strict=True)
        draw.polygon([(float(a), float(b)) for a, b in points], fill=255)
    return _downsample(canvas)


def curve_mask(rng: np.random.Generator) -> np.ndarray:
    """Coverage of one thin wavy line across the frame, 1-2 px wide, anti-aliased."""
    big = SIZE * SUPERSAMPLE
    canvas = Image.new("L", (big, big), 0)
    t = np.linspace(-0.1, 1.1, 400)
    amplitude, frequency, phase = rng.uniform(0.03, 0.15), rng.uniform(0.5, 2.5), rng.uniform(0, 6)
    offset, angle = rng.uniform(0.2, 0.8), rng.uniform(0, np.pi)
    u, v = t - 0.5, offset - 0.5 + amplitude * np.sin(2 * np.pi * frequency * t + phase)
    x = 0.5 + u * np.cos(angle) - v * np.sin(angle)
    y = 0.5 + u * np.sin(angle) + v * np.cos(angle)
    points = [(float(a), float(b)) for a, b in zip(x * big, y * big, strict=True)]
    width = int(rng.integers(SUPERSAMPLE, 2 * SUPERSAMPLE + 1))
    ImageDraw.Draw(canvas).line(points, fill=255, width=width, joint="curve")
    return _downsample(canvas)


def _downsample(canvas: Image.Image) -> np.ndarray:
    """Area average of a supersampled 0-255 mask down to SIZE x SIZE coverage in [0, 1]."""
    mask = np.asarray(canvas, np.float64) / 255.0
    return mask.reshape(SIZE, SUPERSAMPLE, SIZE, SUPERSAMPLE).mean(axis=(1, 3))


def saturated_colour(rng: np.random.Generator) -> np.ndarray:
    """One strongly saturated RGB colour (HSV s and v 0.8-0.97)."""
    hue, sat, val = rng.uniform(0, 1), rng.uniform(0.8, 0.97), rng.uniform(0.75, 0.97)
    return hsv_to_rgb(np.array(hue), np.array(sat), np.array(val))


def fill(mask: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """A shape's paint: flat, or shaded like a lit curved object (darker towards one side
    of the shape, a smooth gradient inside a saturated region)."""
    colour = saturated_colour(rng)
    paint = np.broadcast_to(colour, (SIZE, SIZE, 3)).copy()
    if rng.uniform() < 0.5:
        y, x = _grid()
        cy, cx = ndimage.center_of_mass(mask)
        spread = np.sqrt(mask.sum()) / SIZE + 1e-6
        angle = rng.uniform(0, 2 * np.pi)
        t = ((x - cx / SIZE) * np.cos(angle) + (y - cy / SIZE) * np.sin(angle)) / spread
        paint *= np.clip(1.0 - 0.35 * (t + 0.5), 0.45, 1.0)[..., None]
    return paint


def generate_image(rng: np.random.Generator, kind: str) -> np.ndarray:
    """One uint8 `[SIZE, SIZE, 3]` scene: background, shapes, curves, shading."""
    image = background(kind, rng)
    for _ in range(int(rng.integers(3, 7))):
        mask = shape_mask(rng)
        if rng.uniform() < 0.5:  # soft edge: a blurred boundary, 1.5-6 px
            mask = ndimage.gaussian_filter(mask, rng.uniform(1.5, 6.0))
        image = image * (1 - mask[..., None]) + fill(mask, rng) * mask[..., None]
    for _ in range(int(rng.integers(2, 5))):
        mask = curve_mask(rng)
        image = image * (1 - mask[..., None]) + saturated_colour(rng) * mask[..., None]
    y, x = _grid()
    angle = rng.uniform(0, 2 * np.pi)
    ramp = (x - 0.5) * np.cos(angle) + (y - 0.5) * np.sin(angle)
    shading = 1.0 + 0.12 * ramp + 0.15 * (smooth_field(rng) - 0.5)
    image = image * shading[..., None]
    return np.clip(np.round(image * 255.0), 0, 255).astype(np.uint8)


def generate(seed: int = 0, count: int = COUNT) -> list[np.ndarray]:
    """`count` images, the same for the same seed on every machine (numpy's PCG64 seeded
    by (seed, index); PIL's drawing and scipy's filters are deterministic)."""
    return [
        generate_image(np.random.default_rng([seed, index]), BACKGROUNDS[index % len(BACKGROUNDS)])
        for index in range(count)
    ]


def write_set(images: list[np.ndarray], out: Path) -> list[Path]:
    """Write `saturated-NN.png` files into `out`, removing other PNGs there first (a set
    from an earlier seed or count would otherwise be evaluated too)."""
    out.mkdir(parents=True, exist_ok=True)
    for stale in out.glob("*.png"):
        stale.unlink()
    paths = []
    for index, image in enumerate(images):
        path = out / f"saturated-{index:02d}.png"
        Image.fromarray(image).save(path)
        paths.append(path)
    return paths


@dataclass
class Statistics:
    """What makes the set McMaster-like, in numbers (uint8 images, all pixels pooled).

    saturation: mean HSV saturation; neighbour_diff: mean absolute difference between
    horizontal and vertical neighbours (levels); smooth_share: share of neighbour
    differences of at most 2 levels; edge_share: share above 40 levels (hard edges,
    lines); low, high: 1st and 99th percentiles of all channel values."""

    saturation: float
    neighbour_diff: float
    smooth_share: float
    edge_share: float
    low: float
    high: float

    def line(self, label: str) -> str:
        return (
            f"| {label} | {self.saturation:.2f} | {self.neighbour_diff:.2f} | "
            f"{self.smooth_share:.0%} | {self.edge_share:.2%} | {self.low:.0f}–{self.high:.0f} |"
        )


STATISTICS_HEAD = (
    "| set | mean HSV saturation | mean neighbour difference | differences ≤ 2 | "
    "differences > 40 | 1st–99th percentile |\n|---|---|---|---|---|---|"
)


def statistics(images: list[np.ndarray]) -> Statistics:
    """The set's statistics (see Statistics)."""
    diffs = np.concatenate(
        [
            np.abs(np.diff(image.astype(np.int16), axis=axis)).ravel()
            for image in images
            for axis in (0, 1)
        ]
    )
    values = np.concatenate([image.ravel() for image in images])
    return Statistics(
        saturation=float(np.mean(np.concatenate([saturation_of(i).ravel() for i in images]))),
        neighbour_diff=float(diffs.mean()),
        smooth_share=float(np.mean(diffs <= 2)),
        edge_share=float(np.mean(diffs > 40)),
        low=float(np.percentile(values, 1)),
        high=float(np.percentile(values, 99)),
    )


def gap_table(record_file: Path) -> str:
    """PSNR per sigma for noisy, CBM3D and each model, and each model's gap to CBM3D."""
    results = json.loads(record_file.read_text())["results"]
    label = next(iter(results["noisy"]))
    sigmas = list(results["noisy"][label])
    lines = [
        "| method | " + " | ".join(f"σ={s}" for s in sigmas) + " |",
        "|---" * (len(sigmas) + 1) + "|",
    ]
    cbm3d = results.get("CBM3D", {}).get(label, {})
    for method, by_set in results.items():
        cells = []
        for s in sigmas:
            psnr = by_set[label][s]["psnr"]
            gap = (
                f" ({psnr - cbm3d[s]['psnr']:+.2f})"
                if method not in ("noisy", "CBM3D") and s in cbm3d
                else ""
            )
            cells.append(f"{psnr:.2f}{gap}")
        lines.append(f"| {method} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def edge_mask(clean: np.ndarray) -> np.ndarray:
    """True near hard edges and lines of a uint8 RGB image (see EDGE_STEP, EDGE_RADIUS)."""
    signed = clean.astype(np.int16)
    step = np.zeros(clean.shape[:2], bool)
    for axis in (0, 1):
        jump = np.abs(np.diff(signed, axis=axis)).max(axis=-1) > EDGE_STEP
        after, before = [(0, 0), (0, 0)], [(0, 0), (0, 0)]
        after[axis], before[axis] = (0, 1), (1, 0)
        step |= np.pad(jump, after) | np.pad(jump, before)  # both pixels of the step
    return ndimage.binary_dilation(step, iterations=EDGE_RADIUS)


def region_psnr(clean: np.ndarray, estimate: np.ndarray, mask: np.ndarray) -> float:
    """PSNR (dB, peak 255) over the pixels where `mask` is True, all channels."""
    error = clean[mask].astype(np.float64) - estimate[mask]
    return float(10.0 * np.log10(255.0**2 / max(float(np.mean(error**2)), 1e-12)))


def region_table(
    paths: list[Path], models: list[Path], sigmas: list[str], cbm3d_cache: Path
) -> str:
    """Mean PSNR per image over smooth pixels and over pixels near edges, per method and
    sigma. Why: the set mixes what issue 13 is about (saturated colours, smooth
    gradients) with hard edges and thin lines, and one PSNR over all pixels cannot say
    which of them a gap to CBM3D comes from. The models run again (seconds: 256x256
    images) with the evaluation's noise; CBM3D's results are read from the evaluation's
    cache, and left out if absent."""
    import keras

    import training.models  # noqa: F401  (registers the custom layers)
    from training import card
    from training.evaluate import cbm3d_cache_file, denoise_as_evaluated, read_clean
    from training.metrics import to_uint8
    from training.noise import seeded_gaussian_noise

    loaded = [
        (folder.name, keras.saving.load_model(folder / card.KERAS_NAME), card.read_card(folder))
        for folder in models
    ]
    cleans = [(path, read_clean(path, "rgb")) for path in paths]
    masks = [edge_mask(clean) for _, clean in cleans]
    scores: dict[tuple[str, str, str], list[float]] = {}
    for sigma in sigmas:
        for (path, clean), edges in zip(cleans, masks, strict=True):
            noisy = seeded_gaussian_noise(clean / 255.0, float(sigma), path.name)
            estimates = {"noisy": to_uint8(noisy)}
            cached = cbm3d_cache_file(cbm3d_cache, path.parent.name, float(sigma), path, clean)
            if cached.is_file():
                estimates["CBM3D"] = np.asarray(Image.open(cached))
            for name, model, model_card in loaded:
                estimates[name] = denoise_as_evaluated(model, model_card, noisy, float(sigma))
            for method, estimate in estimates.items():
                for region, mask in (("smooth", ~edges), ("edges", edges)):
                    psnr = region_psnr(clean, estimate, mask)
                    scores.setdefault((method, region, sigma), []).append(psnr)
    share = float(np.mean(masks))
    methods = list(dict.fromkeys(method for method, _, _ in scores))
    lines = [
        f"| method | {' | '.join(f'smooth σ={s}' for s in sigmas)} | "
        f"{' | '.join(f'edges σ={s}' for s in sigmas)} |",
        "|---" * (2 * len(sigmas) + 1) + "|",
    ]
    for method in methods:
        cells = []
        for region in ("smooth", "edges"):
            for sigma in sigmas:
                psnr = float(np.mean(scores[(method, region, sigma)]))
                reference = scores.get(("CBM3D", region, sigma))
                gap = (
                    f" ({psnr - float(np.mean(reference)):+.2f})"
                    if reference and method not in ("noisy", "CBM3D")
                    else ""
                )
                cells.append(f"{psnr:.2f}{gap}")
        lines.append(f"| {method} | " + " | ".join(cells) + " |")
    return (
        f"Smooth pixels: {1 - share:.0%} of the set; edges: the {share:.0%} within "
        f"{EDGE_RADIUS} px of a step over {EDGE_STEP} levels.\n\n" + "\n".join(lines)
    )


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(
        prog="python -m bench.saturated",
        description=__doc__.split("\n\n")[0],
    )
    p.add_argument("--out", type=Path, default=Path(".cache/saturated"), help="image folder")
    p.add_argument(
        "--docs",
        type=Path,
        default=Path(".cache/saturated-report"),
        help="the evaluation's report folder (evaluation.md/.json/.png); not docs/",
    )
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--models", type=Path, nargs="+", default=MODELS)
    args = p.parse_args(argv)
    docs = (ROOT / "docs").resolve()
    if docs in (args.docs.resolve(), *args.docs.resolve().parents):
        raise SystemExit(f"error: --docs {args.docs}: docs/ holds the standard sets' report")
    # Imported here: they load Keras, which the generator (and its test) does not need.
    from training import evaluate
    from training.data import image_files

    images = generate(args.seed)
    paths = write_set(images, args.out)
    print(f"wrote {len(images)} images to {args.out} (seed {args.seed})\n")
    print(STATISTICS_HEAD)
    print(statistics(images).line(f"generated (seed {args.seed})"))
    cbsd68 = evaluate.SHARED_VAL / "CBSD68"
    if cbsd68.is_dir():  # natural photos, for comparison
        print(
            statistics([evaluate.read_clean(f, "rgb") for f in image_files(cbsd68)]).line("CBSD68")
        )
    print()
    cbm3d_cache = Path(".cache/cbm3d")  # evaluate's default; keyed by content there
    status = evaluate.main(
        [
            *map(str, args.models),
            "--datasets",
            str(args.out),
            "--sigmas",
            *SIGMAS,
            "--cbm3d-limit",
            str(CBM3D_LIMIT),
            "--cache",
            str(cbm3d_cache),
            "--docs",
            str(args.docs),
        ]
    )
    print(f"\nPSNR (dB), in brackets the gap to CBM3D ({args.docs / 'evaluation.json'}):\n")
    print(gap_table(args.docs / "evaluation.json"))
    print("\nPSNR (dB) by region, in brackets the gap to CBM3D:\n")
    print(region_table(paths, args.models, SIGMAS, cbm3d_cache))
    return status


if __name__ == "__main__":
    raise SystemExit(main())

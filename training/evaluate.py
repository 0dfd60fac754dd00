"""Evaluate denoisers with the standard protocol, side by side with CBM3D; or on real
noisy/clean pairs as the page would run them.

    python -m training.evaluate models/default [models/fast] --cbm3d-limit 10
    python -m training.evaluate models/photo models/default --real CC15 Nam25 [--calibrate]

Protocol (as in the DnCNN/KAIR literature): float Gaussian noise seeded per image and
sigma, the noisy input not clipped, the output clipped and rounded to uint8, PSNR and
SSIM on uint8. Gray sets go in replicated to RGB and come out averaged. CBM3D (the
`bm3d` package, told the true sigma) is slow, so `--cbm3d-limit` caps its images and
its results are cached on disk.
"""

from __future__ import annotations

import argparse
import hashlib
import logging
import os
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from PIL import Image, UnidentifiedImageError

from converter import WEB_MODELS
from training import card, data, real_noise, report_record
from training.inference import MAX_PASSES, denoise_any
from training.metrics import psnr_uint8, to_uint8
from training.noise import seeded_gaussian_noise
from training.report_record import Record

log = logging.getLogger("training.evaluate")
SHARED_VAL = data.DEFAULT_VAL_DIR.parent
STANDARD_SETS = {"CBSD68": "rgb", "BSD68": "gray", "Set12": "gray"}
SIGMAS = [15.0, 25.0, 50.0]
# A card names the learned level when the page's rule with it (the smaller of the two
# fits, at most LEVEL_MOST_BELOW under the level's: training/strength.py) scores the real
# pairs this close to the hand-made fit alone, or better. The pairs are DSLR shots at RMS 2-8; beyond them the level reads better
# (python -m bench.strength_check models/photo: +0.76 dB on 48 synthetic camera crops,
# +0.26 dB on them at phone-level noise, RMS 15), so the pairs alone cannot choose for
# phone photos. Until 2026-11-29 the level replaced the hand-made fit and was compared on
# its own (tolerance 0.1, then 0.15 when `photo`'s hand-made fit was 0.12 dB ahead).
LEVEL_TOLERANCE_DB = 0.15


@dataclass
class Scores:
    """Per-image PSNR and SSIM of one method on one dataset at one sigma."""

    psnr: list[float] = field(default_factory=list)
    ssim: list[float] = field(default_factory=list)

    def add(self, clean: np.ndarray, estimate: np.ndarray) -> None:
        self.psnr.append(psnr_uint8(clean, estimate))
        self.ssim.append(ssim_uint8(clean, estimate))

    def summary(self) -> dict[str, float]:
        return {
            "psnr": round(float(np.mean(self.psnr)), 3),
            "ssim": round(float(np.mean(self.ssim)), 4),
            "images": len(self.psnr),
        }


def ssim_uint8(reference: np.ndarray, estimate: np.ndarray) -> float:
    """SSIM (tf.image.ssim, Gaussian window 11, peak 255), channels averaged."""
    import tensorflow as tf

    ref = reference[..., None] if reference.ndim == 2 else reference
    est = estimate[..., None] if estimate.ndim == 2 else estimate
    return float(tf.image.ssim(tf.constant(ref), tf.constant(est), max_val=255))


def read_clean(path: Path, mode: str, crop: int | None = None) -> np.ndarray:
    """uint8 `[H, W, 3]` for colour sets, `[H, W]` for gray ones; `crop`: the centre
    `crop` x `crop` square (or less, for a smaller image)."""
    with Image.open(path) as image:
        clean = np.asarray(image.convert("RGB" if mode == "rgb" else "L"), np.uint8)
    if crop:
        height, width = clean.shape[:2]
        top, left = max(0, (height - crop) // 2), max(0, (width - crop) // 2)
        clean = clean[top : top + crop, left : left + crop]
    return clean


def cbm3d(noisy: np.ndarray, sigma: float, cache: Path) -> np.ndarray:
    """CBM3D (BM3D for gray) with the true sigma; uint8 result cached as PNG."""
    if cache.exists():
        return np.asarray(Image.open(cache))
    import bm3d

    if noisy.ndim == 3:
        result = bm3d.bm3d_rgb(noisy, sigma / 255.0)
    else:
        result = bm3d.bm3d(noisy, sigma / 255.0)
    result_u8 = to_uint8(np.asarray(result))
    cache.parent.mkdir(parents=True, exist_ok=True)
    Image.fromarray(result_u8).save(cache)
    return result_u8


def cbm3d_cache_file(cache: Path, label: str, sigma: float, path: Path, clean: np.ndarray) -> Path:
    """Where CBM3D's result for this clean image and sigma is cached. Keyed by the clean
    pixels too, not only the folder and file name: a folder whose images changed (a
    regenerated set, another --crop) must not reuse a result made for other pixels."""
    digest = hashlib.sha1(clean.tobytes()).hexdigest()[:12]
    return cache / label / f"{sigma:g}" / f"{path.stem}-{digest}.png"


def denoise_as_evaluated(
    model: Any,  # noqa: ANN401 (a Keras model)
    model_card: dict[str, Any],
    noisy: np.ndarray,
    sigma: float,
    passes: int | str = 1,
) -> np.ndarray:
    """uint8 result of a model on float noisy RGB told the true sigma: what the table scores.
    `passes`: a count, or "auto" for the page's (training.inference.auto_passes)."""
    return to_uint8(
        denoise_any(
            model,
            noisy,
            sigma,
            multiple=model_card["size_multiple"],
            halo=model_card["halo"],
            input_size=model_card.get("input_size"),
            passes=real_noise.page_passes(model_card, noisy, passes),
        )
    )


def crop_grid(rows: list[list[np.ndarray]], path: Path, size: int = 128) -> None:
    """One row per sigma: noisy | CBM3D | ours... | clean, centre crops side by side."""
    tiles = []
    for row in rows:
        cells = []
        for image in row:
            rgb = np.repeat(image[..., None], 3, -1) if image.ndim == 2 else image
            h, w = rgb.shape[:2]
            side_h, side_w = min(size, h), min(size, w)
            top, left = (h - side_h) // 2, (w - side_w) // 2
            cells.append(rgb[top : top + side_h, left : left + side_w])
            cells.append(np.full((side_h, 4, 3), 255, np.uint8))
        tiles.append(np.concatenate(cells[:-1], axis=1))
        tiles.append(np.full((4, tiles[-1].shape[1], 3), 255, np.uint8))
    Image.fromarray(np.concatenate(tiles[:-1], axis=0)).save(path)


def passes_setting(text: str) -> int | str:
    """--passes: "auto" or a count from 1 to MAX_PASSES."""
    if text == "auto":
        return text
    if text.isdigit() and 1 <= int(text) <= MAX_PASSES:
        return int(text)
    raise argparse.ArgumentTypeError(f"use auto or a whole number from 1 to {MAX_PASSES}")


def passes_protocol(args: argparse.Namespace) -> dict[str, int | str]:
    """The passes, for a report's protocol: runs at other passes do not compare. Left out
    at 1, as in the records written before passes existed (all one pass)."""
    return {} if args.passes == 1 else {"passes": args.passes}


def passes_label(passes: int | str) -> str:
    """How a report names its passes setting."""
    return "the page's for each image's size" if passes == "auto" else str(passes)


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(
        prog="python -m training.evaluate",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("models", type=Path, nargs="+", help="model folders (model.keras + card.json)")
    p.add_argument(
        "--datasets",
        nargs="+",
        default=list(STANDARD_SETS),
        help=f"names under {SHARED_VAL} or paths to folders of clean images",
    )
    p.add_argument("--sigmas", type=float, nargs="+", default=SIGMAS)
    p.add_argument("--limit", type=int, default=None, help="images per dataset")
    p.add_argument("--crop", type=int, default=None, help="evaluate centre crops of this side")
    p.add_argument(
        "--cbm3d-limit",
        type=int,
        default=0,
        help="images per dataset for CBM3D (0: skip it; ~18 s per 0.25 MP)",
    )
    p.add_argument(
        "--cache",
        type=Path,
        default=Path(".cache/cbm3d"),
        help="CBM3D results; real-pair PSNR curves go beside it, in real-curves/",
    )
    p.add_argument(
        "--passes",
        type=passes_setting,
        default=None,
        help=f"flipped copies of each tile averaged, 1 to {MAX_PASSES}, or auto: as many as "
        "the page runs on an image of that size (4 on a 512 x 512 crop, 1 on 12 MP). "
        "Default: auto with --real (the page, as a user meets it), 1 otherwise (the network "
        "alone, as the published Gaussian numbers are)",
    )
    p.add_argument("--docs", type=Path, default=Path("docs"))
    p.add_argument(
        "--update-card", action="store_true", help="write the table into each model's card.json"
    )
    real = p.add_argument_group("real noisy/clean pairs (NAME_real.* + NAME_mean.*)")
    real.add_argument(
        "--real",
        nargs="+",
        metavar="SET",
        help=f"names under {real_noise.SHARED_REAL} or folders of pairs: score each model at "
        "the page's auto strength and at the best fixed strength (writes docs/real-noise.*)",
    )
    real.add_argument(
        "--calibrate",
        action="store_true",
        help="fit each model's auto-strength gain and offset on these pairs first, scored "
        "at the strengths the page would set, as run; a fit the pairs cannot tell from the "
        "card's current one (within 0.01 dB) keeps it (written to card.json; the converter "
        "passes it to the page)",
    )
    real.add_argument(
        "--level-model",
        type=Path,
        metavar="DIR",
        help="with --calibrate: also fit each model's strength from this learned noise "
        "level (python -m training.train_level); a model whose pairs it fits at least as "
        "well as the hand-made estimate names it in its card, and the page uses it",
    )
    real.add_argument(
        "--litert",
        nargs="?",
        type=Path,
        const=WEB_MODELS,
        metavar="WEB_DIR",
        help="also score each model at auto strength, one pass, through its web model's "
        "int8 .tflite in WEB_DIR/NAME (default folder: %(const)s), which LiteRT.js runs for "
        "a photo of 1 MP or more on a CPU in Chromium and Firefox",
    )
    real.add_argument(
        "--strengths",
        type=float,
        nargs="+",
        default=list(real_noise.STRENGTHS),
        help="the grid of fixed strengths tried",
    )
    args = p.parse_args(argv)
    if args.passes is None:
        args.passes = "auto" if args.real else 1
    return args


def dataset_folder(name: str) -> tuple[str, Path, str]:
    """(label, folder, 'rgb'|'gray') for a standard set name or a user folder."""
    if name in STANDARD_SETS:
        return name, SHARED_VAL / name, STANDARD_SETS[name]
    folder = Path(name)
    return folder.name, folder, "rgb"


Results = dict[str, dict[str, dict[str, dict]]]


def evaluate(args: argparse.Namespace) -> tuple[Results, list[list[np.ndarray]]]:
    """(results[method][dataset][sigma] = {psnr, ssim, images}, picture grid rows: per
    sigma, the first image of the first dataset as noisy | CBM3D | models... | clean)."""
    import keras

    import training.models  # noqa: F401  (registers the custom layers)

    loaded = {
        folder.name: (
            keras.saving.load_model(folder / card.KERAS_NAME),
            card.read_card(folder),
        )
        for folder in args.models
    }
    results: Results = {}
    grid_rows: list[list[np.ndarray]] = []
    for name in args.datasets:
        label, folder, mode = dataset_folder(name)
        cleans = []
        for path in data.image_files(folder)[: args.limit]:
            try:
                cleans.append((path, read_clean(path, mode, args.crop)))
            except (UnidentifiedImageError, OSError) as error:
                log.warning("skipping %s: not a readable image (%s)", path, error)
        if not cleans:
            raise SystemExit(f"error: no readable image in {folder}")
        for sigma in args.sigmas:
            scores: dict[str, Scores] = {}
            for index, (path, clean) in enumerate(cleans):
                noisy = seeded_gaussian_noise(clean / 255.0, sigma, path.name)
                scores.setdefault("noisy", Scores()).add(clean, to_uint8(noisy))
                row = [to_uint8(noisy)]
                if index < args.cbm3d_limit:
                    cached = cbm3d_cache_file(args.cache, label, sigma, path, clean)
                    result = cbm3d(noisy, sigma, cached)
                    scores.setdefault("CBM3D", Scores()).add(clean, result)
                    row.append(result)
                for model_name, (model, model_card) in loaded.items():
                    out = denoise_as_evaluated(model, model_card, noisy, sigma, args.passes)
                    scores.setdefault(model_name, Scores()).add(clean, out)
                    row.append(out)
                if index == 0 and label == dataset_folder(args.datasets[0])[0]:
                    grid_rows.append([*row, clean])
            for method, score in scores.items():
                results.setdefault(method, {}).setdefault(label, {})[f"{sigma:g}"] = score.summary()
            log.info(
                "%s sigma %g: %s", label, sigma, {m: s.summary()["psnr"] for m, s in scores.items()}
            )
    return results, grid_rows


def markdown_table(results: Results) -> str:
    """Rows: method; columns: dataset x sigma; cells: PSNR / SSIM (images)."""
    columns = sorted(
        {(d, s) for m in results.values() for d, ss in m.items() for s in ss},
        key=lambda c: (
            list(STANDARD_SETS).index(c[0]) if c[0] in STANDARD_SETS else 99,
            c[0],
            float(c[1]),
        ),
    )
    head = "| method | " + " | ".join(f"{d} σ={s}" for d, s in columns) + " |"
    rule = "|---" * (len(columns) + 1) + "|"
    lines = [head, rule]
    for method, by_set in results.items():
        cells = []
        for d, s in columns:
            cell = by_set.get(d, {}).get(s)
            cells.append(
                f"{cell['psnr']:.2f} / {cell['ssim']:.3f} ({cell['images']})" if cell else "–"
            )
        lines.append(f"| {method} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def fit_of(calibration: dict[str, Any]) -> dict[str, float] | None:
    """The gain and offset of a card's fit, or None where it has none."""
    if "gain" not in calibration:
        return None
    return {"gain": float(calibration["gain"]), "offset": float(calibration["offset"])}


def calibrate(
    args: argparse.Namespace,
    folder: Path,
    model_card: dict[str, Any],
    sets: list[real_noise.PairSet],
    table: real_noise.PsnrTable,
    cache: real_noise.EstimateCache,
) -> None:
    """Fit the card's auto strength on the pairs and write it into card.json; with
    --level-model also from the learned level, which the card then names if the page's
    rule with it (the smaller of the two fits, floored) scores the pairs nearly as well as
    the hand-made fit alone (LEVEL_TOLERANCE_DB) or better. Fits are scored as run
    (`table`, over every set's pairs in order), and a fit the pairs cannot tell from the
    card's current one keeps it (real_noise.fit_calibration)."""
    estimates = cache.of(table.pairs, args.level_model)
    strengths = tuple(args.strengths)
    all_curves = table.curves(strengths)  # already run: read from the table
    shipped = model_card.get("auto_strength") or {}
    fitted = real_noise.fit_calibration(
        all_curves, estimates, strengths, measure=table.at, keep=fit_of(shipped)
    )
    model_card["auto_strength"] = {
        **fitted,
        "estimate": "max(fine, coarse) of webapp/src/engine/sigma.ts (training/strength.py)",
        "fitted_on": [s.label for s in sets],
    }
    if args.level_model is not None:
        from_level = real_noise.fit_calibration(
            all_curves,
            estimates,
            strengths,
            from_level=True,
            measure=table.at,
            keep=fit_of(shipped.get("level") or {}),
        )
        level = {"model": os.path.relpath(args.level_model, folder), **from_level}
        both = {**fitted, "level": level}
        level["smaller_of_both_mean_psnr"] = round(
            real_noise.measured_mean(table.at, estimates, both), 3
        )
        if level["smaller_of_both_mean_psnr"] >= fitted["fitted_mean_psnr"] - LEVEL_TOLERANCE_DB:
            model_card["auto_strength"]["level"] = level
        else:
            log.info(
                "%s: with the learned level the pairs score worse (%.3f dB against %.3f): not used",
                folder.name,
                level["smaller_of_both_mean_psnr"],
                fitted["fitted_mean_psnr"],
            )
    card.write_card(folder, model_card)
    log.info("%s: auto strength = %s", folder.name, model_card["auto_strength"])


def picture_model(folders: list[Path], picture: Path) -> Path | None:
    """Whose results the real-pairs picture shows: the page's default model (its card says
    `page_default`) when it is among `folders`, else the first listed, but only where no
    picture exists yet: a run of other models alone (say, `default` after retraining it)
    must not swap the picture under a report that describes what the page does."""
    for folder in folders:
        if card.read_card(folder).get("page_default"):
            return folder
    return None if picture.exists() else folders[0]


def evaluate_real(args: argparse.Namespace) -> int:
    """The real-pairs mode: scores, calibration, docs/real-noise.md and .png; exit status 1
    when a pair had to be left out (named on stderr), after evaluating the rest."""
    import keras

    import training.models  # noqa: F401  (registers the custom layers)

    start = time.perf_counter()
    sets, failed = [], False
    for name in args.real:
        try:
            pair_set = real_noise.read_pairs(real_noise.real_folder(name))
        except (real_noise.NoPairsError, data.NoImagesError) as error:
            print(f"error: {error}", file=sys.stderr)
            failed = True
            continue
        for line in pair_set.errors:
            print(f"error: {line}", file=sys.stderr)
        failed |= bool(pair_set.errors)
        sets.append(pair_set)
    if not sets:
        return 1
    results: dict[str, Any] = {"noisy": {s.label: real_noise.noisy_mean(s) for s in sets}}
    picture_rows = []
    picture_from = picture_model(args.models, args.docs / "real-noise.png")
    strengths = tuple(args.strengths)
    estimates = real_noise.EstimateCache()
    for folder in args.models:
        model = keras.saving.load_model(folder / card.KERAS_NAME)
        model_card = card.read_card(folder)
        cache = args.cache.parent / "real-curves" / f"{real_noise.model_digest(folder)}.json"
        table = real_noise.PsnrTable(model, model_card, [p for s in sets for p in s.pairs], cache)
        ends = np.cumsum([len(s.pairs) for s in sets])[:-1]
        per_set = np.split(table.curves(strengths), ends)
        curves = {s.label: c for s, c in zip(sets, per_set, strict=True)}
        if args.calibrate:
            calibrate(args, folder, model_card, sets, table, estimates)
        level_dir = real_noise.level_dir_for(folder, model_card)
        litert = None
        if args.litert:
            try:
                litert = real_noise.litert_network(args.litert / folder.name)
            except real_noise.NoLiteRtError as error:
                print(f"error: {error}", file=sys.stderr)
                failed = True
        scores = {
            s.label: real_noise.score_model(
                model,
                model_card,
                s,
                curves[s.label],
                strengths,
                estimates.of(s.pairs, level_dir),
                args.passes,
                litert,
            )
            for s in sets
        }
        results[folder.name] = scores
        if args.update_card:
            model_card["evaluation_real"] = {
                label: {k: v for k, v in score.items() if k != "pairs"}
                for label, score in scores.items()
            }
            card.write_card(folder, model_card)
        if folder == picture_from:
            for s in sets:
                pair = s.pairs[0]
                strength = scores[s.label]["pairs"][pair.name]["auto_strength"]
                passes = scores[s.label]["pairs"][pair.name]["passes"]
                result = real_noise.denoise_at(model, model_card, pair.noisy, strength, passes)
                picture_rows.append((s.label, pair, result, folder.name))
    args.docs.mkdir(parents=True, exist_ok=True)
    if picture_rows:
        real_noise.crops_picture(picture_rows, args.docs / "real-noise.png")
    else:
        print(
            f"note: {args.docs / 'real-noise.png'} kept: it shows the page's default model, "
            "which this run did not evaluate",
            file=sys.stderr,
        )
    record = report_record.update(
        args.docs / "real-noise.json",
        Record(
            protocol={"sets": args.real, "strengths": list(strengths), **passes_protocol(args)},
            folders={folder.name: str(folder) for folder in args.models},
            results=results,
            method_args={},
        ),
    )
    table = real_noise.markdown_table(record.results, [s.label for s in sets])
    command = " ".join(
        [
            "python -m training.evaluate",
            *(str(folder) for folder in args.models),  # this run's: its flags are theirs
            "--real",
            *args.real,
            *(["--calibrate"] if args.calibrate else []),
            *(
                ["--level-model", str(args.level_model)]
                if args.calibrate and args.level_model
                else []
            ),
            *(["--passes", str(args.passes)] if args.passes != "auto" else []),
            *(["--litert", str(args.litert)] if args.litert else []),
            *(["--update-card"] if args.update_card else []),
        ]
    )
    report_file = args.docs / "real-noise.md"
    existing = report_file.read_text() if report_file.is_file() else ""
    report_file.write_text(
        real_noise.with_notes(
            real_noise.REPORT.format(
                command=command,
                seconds=round(time.perf_counter() - start),
                table=table,
                strengths=", ".join(f"{x:g}" for x in strengths),
            ),
            existing,
        )
    )
    print(table)
    return 1 if failed else 0


def picture_caption(args: argparse.Namespace) -> str:
    """What evaluation.png shows when this run draws it, column by column: the run's
    methods, the first image of its first set, its sigmas."""
    columns = [
        "noisy",
        *(["CBM3D"] if args.cbm3d_limit > 0 else []),
        *(folder.name for folder in args.models),
        "clean",
    ]
    sigmas = " / ".join(f"{s:g}" for s in args.sigmas)
    return (
        f"{' | '.join(columns)}: the first image of {args.datasets[0]} at σ {sigmas} (latest run)"
    )


def kept_caption(report: Path, record: Record, args: argparse.Namespace) -> str | None:
    """The existing picture's caption when a run of some of the record's models alone must
    not redraw it (the picture would lose the others); None: draw it anew."""
    if not (report.parent / "evaluation.png").exists() or not report.exists():
        return None
    if set(record.folders) <= {folder.name for folder in args.models}:
        return None
    for line in report.read_text().splitlines():
        if line.startswith("![") and line.endswith("](evaluation.png)"):
            return line[2 : -len("](evaluation.png)")]
    return None


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(message)s")
    if args.real:
        return evaluate_real(args)
    start = time.perf_counter()
    results, grid_rows = evaluate(args)
    args.docs.mkdir(parents=True, exist_ok=True)
    record = report_record.update(
        args.docs / "evaluation.json",
        Record(
            protocol={
                "datasets": args.datasets,
                "sigmas": args.sigmas,
                "limit": args.limit,
                "crop": args.crop,
                **passes_protocol(args),
            },
            folders={folder.name: str(folder) for folder in args.models},
            results=results,
            method_args={"CBM3D": ["--cbm3d-limit", str(args.cbm3d_limit)]}
            if "CBM3D" in results
            else {},
        ),
    )
    table = markdown_table(record.results)
    picture = args.docs / "evaluation.png"
    caption = kept_caption(args.docs / "evaluation.md", record, args)
    if caption is None:
        crop_grid(grid_rows, picture)
        caption = picture_caption(args)
    else:
        print(f"note: {picture} kept: it shows models this run did not evaluate", file=sys.stderr)
    command = " ".join(
        [
            "python -m training.evaluate",
            *record.folders.values(),
            *(arg for args_of in record.method_args.values() for arg in args_of),
            *(["--datasets", *args.datasets] if args.datasets != list(STANDARD_SETS) else []),
            *(["--sigmas", *(f"{x:g}" for x in args.sigmas)] if args.sigmas != SIGMAS else []),
            *(["--limit", str(args.limit)] if args.limit else []),
            *(["--crop", str(args.crop)] if args.crop else []),
            *(["--passes", str(args.passes)] if args.passes != 1 else []),
        ]
    )
    text = (
        "# Evaluation\n\nPSNR (dB) / SSIM on uint8, (images). Float Gaussian noise seeded "
        "per image and σ, noisy input unclipped, output clipped and rounded. CBM3D is the "
        "`bm3d` package with the true σ. Rows of models not in the latest run are kept from "
        "earlier runs of the same protocol (evaluation.json). Passes (flipped copies of "
        f"each tile averaged, as the page does): {passes_label(args.passes)}.\n\n"
        f"Command for every row: `{command}` (the latest run, of "
        f"{', '.join(f'`{folder}`' for folder in args.models) or 'CBM3D alone'}, took "
        f"{time.perf_counter() - start:.0f} s on this machine)\n\n{table}\n\n"
        f"![{caption}](evaluation.png)\n"
    )
    (args.docs / "evaluation.md").write_text(text)
    print(table)
    if args.update_card:
        for folder in args.models:
            model_card = card.read_card(folder)
            model_card["evaluation"] = {
                "protocol": "seeded float Gaussian noise, unclipped input, uint8 PSNR/SSIM, "
                f"passes: {passes_label(args.passes)}",
                **results[folder.name],
                "noisy": results["noisy"],
                **({"CBM3D": results["CBM3D"]} if "CBM3D" in results else {}),
            }
            card.write_card(folder, model_card)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

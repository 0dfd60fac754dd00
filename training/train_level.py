"""Train the learned noise level (training/noise_level.py) on the photo model's own noise.

    python -m training.train_level --out models/noise-level --minutes 30 [--resume]

Data: random crops of the training photos, each degraded by the camera-noise mix of
training/camera_noise.py (as the photo model trains: realistic camera pipelines plus a
share of simpler noises, 20 % gray); the label is that pair's true RMS, which is what the
photo model is told in training. Validation: seeded camera-mix crops of CBSD68 (never
the real pairs), scored as the error of the whole-crop level against the true RMS,
beside the hand-made estimate (training/strength.py) on the same crops.

`--heavy-share F --blend-above X` (with `--resume`) makes the starting level a blended one
(noise_level.build_blended): the starting level, frozen, answers where it reads well under
X, and a copy of it, trained here with a share F of each batch from heavy phone cameras
(camera_noise.sample_heavy_camera, beyond the photo model's training range), answers above.
Why: every model's auto strength is fitted on the real pairs to what the shipped level
reads there (1.6-12), and a level fine-tuned as a whole moved those readings (session 17;
session 21 tried anchoring the rest of the batch to the starting level's readings: still
up to 10 %). Validation scores the mix and the heavy crops against their true RMS.
"""

from __future__ import annotations

import argparse
import logging
import platform
import sys
import time
import zlib
from functools import partial
from pathlib import Path

import keras
import numpy as np

from training import camera_noise, card, data, noise_level
from training.metrics import to_uint8
from training.strength import estimate_noise

log = logging.getLogger(__name__)


def _crops_and_truth(pairs: data.NoisyPairSequence, index: int) -> tuple[np.ndarray, np.ndarray]:
    inputs, _ = pairs[index]
    return inputs[..., :3], np.log1p(inputs[:, 0, 0, 3:4] * np.float32(255))


class LevelSequence(keras.utils.PyDataset):
    """Batches of (noisy crops, log(1 + true RMS)) from the photo model's noise mix, then
    the `heavy` crops, if any."""

    def __init__(
        self,
        pairs: data.NoisyPairSequence,
        heavy: data.NoisyPairSequence | None = None,
        **kwargs: object,
    ) -> None:
        super().__init__(**kwargs)
        self.pairs, self.heavy = pairs, heavy

    def __len__(self) -> int:
        return len(self.pairs)

    def __getitem__(self, index: int) -> tuple[np.ndarray, np.ndarray]:
        crops, labels = _crops_and_truth(self.pairs, index)
        if self.heavy is None:
            return crops, labels
        heavy_crops, heavy_labels = _crops_and_truth(self.heavy, index)
        return np.concatenate([crops, heavy_crops]), np.concatenate([labels, heavy_labels])


# (uint8 noisy crops, the true RMS of each)
ValidationSet = tuple[list[np.ndarray], list[float]]


def level_pairs(
    images: list[np.ndarray],
    batch: int,
    steps: int,
    seed: int,
    heavy_share: float,
    gray_fraction: float,
) -> data.NoisyPairSequence:
    """Noisy crops of CROP px and their true RMS, a share `heavy_share` from the heavy
    camera (camera_noise.realistic_pair)."""
    make_pair = partial(camera_noise.realistic_pair, heavy_share=heavy_share)
    return data.NoisyPairSequence(
        images, noise_level.CROP, batch, steps, seed, make_pair, gray_fraction=gray_fraction
    )


def validation_pairs(folder: Path, count: int, size: int, heavy: bool = False) -> ValidationSet:
    """The noisy crops and their true RMS for `count` centre crops, seeded per image and
    kind; `heavy`: through the heavy camera (the seeds differ from the mix's)."""
    crops, truths = [], []
    for name, crop in data.validation_crops(folder, count, size, 2):
        for kind in ("rgb", "gray"):
            salt = "heavy|" if heavy else ""
            rng = np.random.default_rng(zlib.crc32(f"level|{salt}{name}|{kind}".encode()))
            noisy, _, rms = camera_noise.realistic_pair(
                crop.astype(np.float32) / 255,
                rng,
                gray=kind == "gray",
                heavy_share=1.0 if heavy else 0.0,
            )
            crops.append(to_uint8(noisy))
            truths.append(rms)
    return crops, truths


def level_errors(levels: list[float], truths: list[float]) -> dict[str, float]:
    """How far levels are from the truth: mean |log ratio| and the share off by > 1.5x."""
    ratio = np.abs(np.log((np.asarray(levels) + 1) / (np.asarray(truths) + 1)))
    return {
        "mean_abs_log_ratio": round(float(ratio.mean()), 4),
        "share_off_by_1.5x": round(float((ratio > np.log(1.5)).mean()), 3),
    }


def errors_on(model: keras.Model, crops: list[np.ndarray], truths: list[float]) -> dict[str, float]:
    """level_errors of `model`'s whole-crop levels on these crops."""
    return level_errors([noise_level.photo_level(model, crop) for crop in crops], truths)


class ValidationLevel(keras.callbacks.Callback):
    """Adds `val_level_error` to each epoch's logs: the mean |log ratio| of whole-crop
    levels against each set's true RMS, summed over the sets."""

    def __init__(self, model: keras.Model, sets: dict[str, ValidationSet]) -> None:
        super().__init__()
        self.level_model = model
        self.sets = sets

    def on_epoch_end(self, epoch: int, logs: dict | None = None) -> None:
        total = 0.0
        for name, (crops, truths) in self.sets.items():
            errors = errors_on(self.level_model, crops, truths)
            total += errors["mean_abs_log_ratio"]
            print(f" - val level, {name}: {errors}", flush=True)
        if logs is not None:
            logs["val_level_error"] = round(total, 4)


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="python -m training.train_level", description=__doc__)
    p.add_argument("--data", type=Path, nargs="+", default=list(data.DEFAULT_TRAIN_DIRS))
    p.add_argument("--val", type=Path, default=data.DEFAULT_VAL_DIR)
    p.add_argument("--val-count", type=int, default=24)
    p.add_argument("--out", type=Path, default=Path("models/noise-level"))
    p.add_argument("--workdir", type=Path, default=Path("runs/noise-level"))
    p.add_argument("--minutes", type=float, default=30.0, help="stop after about this long")
    p.add_argument("--epochs", type=int, default=1000, help="at most this many epochs")
    p.add_argument("--steps-per-epoch", type=int, default=100)
    p.add_argument("--batch-size", type=int, default=32)
    p.add_argument("--lr", type=float, default=1e-3)
    p.add_argument("--gray-fraction", type=float, default=0.2)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--resume", action="store_true", help="start from --out's weights")
    p.add_argument(
        "--heavy-share",
        type=float,
        default=0.0,
        help="share of each batch from camera_noise.sample_heavy_camera, told its true RMS",
    )
    p.add_argument(
        "--blend-above",
        type=float,
        default=None,
        help="blend the starting level (needs --resume) with a fine-tuned copy that "
        "answers where it reads above this RMS (noise_level.build_blended)",
    )
    return p.parse_args(argv)


class TimeLimit(keras.callbacks.Callback):
    """Stops training after the epoch that passes the time budget."""

    def __init__(self, seconds: float) -> None:
        super().__init__()
        self.deadline = time.perf_counter() + seconds

    def on_epoch_end(self, epoch: int, logs: dict | None = None) -> None:
        if time.perf_counter() > self.deadline:
            self.model.stop_training = True


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(message)s")
    keras_file = args.out / card.KERAS_NAME
    if args.blend_above is not None and not (args.resume and keras_file.is_file()):
        raise SystemExit(
            f"error: --blend-above keeps the starting level where it reads low: it needs "
            f"--resume and a level in {keras_file}"
        )
    if not 0.0 <= args.heavy_share < 1.0:
        raise SystemExit(f"error: --heavy-share must be in [0, 1), not {args.heavy_share}")
    keras.utils.set_random_seed(args.seed)
    size = 2 * noise_level.CROP
    try:
        images = data.load_images(args.data, min_size=noise_level.CROP)
        val = validation_pairs(args.val, args.val_count, size)
        heavy_val = validation_pairs(args.val, args.val_count, size, heavy=True)
    except data.NoImagesError as error:
        raise SystemExit(f"error: {error}") from None
    log.info("%d training images, %d validation crops", len(images), len(val[0]))

    if args.resume and keras_file.is_file():
        model = keras.saving.load_model(keras_file)  # trained as it is, blended or not
        if args.blend_above is not None:
            try:
                model = noise_level.build_blended(model, args.blend_above)
            except ValueError as error:
                raise SystemExit(f"error: {keras_file}: {error}") from None
        log.info("resumed from %s", keras_file)
    else:
        model = noise_level.build(args.seed)
    val_sets = {"mix against the true RMS": val}
    if args.heavy_share > 0:
        val_sets["heavy against the true RMS"] = heavy_val
    steps = args.epochs * args.steps_per_epoch
    model.compile(
        optimizer=keras.optimizers.Adam(
            keras.optimizers.schedules.CosineDecay(args.lr, steps, alpha=0.05)
        ),
        loss=keras.losses.Huber(delta=0.5),
    )
    heavy_batch = round(args.batch_size * args.heavy_share)
    steps_per_epoch, gray = args.steps_per_epoch, args.gray_fraction
    pairs = level_pairs(
        images, args.batch_size - heavy_batch, steps_per_epoch, args.seed, 0.0, gray
    )
    heavy = (
        level_pairs(images, heavy_batch, steps_per_epoch, args.seed + 1, 1.0, gray)
        if heavy_batch
        else None
    )
    args.workdir.mkdir(parents=True, exist_ok=True)
    best = args.workdir / "best.weights.h5"
    start = time.perf_counter()
    model.fit(
        LevelSequence(pairs, heavy, workers=1),
        epochs=args.epochs,
        callbacks=[
            ValidationLevel(model, val_sets),
            keras.callbacks.ModelCheckpoint(
                best,
                monitor="val_level_error",
                mode="min",
                save_best_only=True,
                save_weights_only=True,
            ),
            keras.callbacks.CSVLogger(args.workdir / "history.csv", append=args.resume),
            TimeLimit(args.minutes * 60),
        ],
        verbose=2,
    )
    wall = time.perf_counter() - start
    model.load_weights(best)
    args.out.mkdir(parents=True, exist_ok=True)
    model.save(keras_file)

    hand = [estimate_noise(noisy).auto for noisy in val[0]]
    model_card = {
        "name": args.out.name,
        "kind": noise_level.KIND,
        "version": time.strftime("%Y.%m.%d"),
        "parameters": model.count_params(),
        "macs_per_pixel": noise_level.macs_per_pixel(model),
        "contract": {
            "input": f"float32 [N,h,w,3]: crops of the photo, sRGB in [0,1], "
            f"{noise_level.CROP}x{noise_level.CROP} (smaller for a smaller photo)",
            "output": "float32 [N,1]: log(1 + RMS of the crop's noise on the 0-255 scale)",
            "crops": f"a grid of at most {noise_level.GRID}x{noise_level.GRID} crops spread "
            "evenly from edge to edge (training/noise_level.py crop_corners)",
            "level": "sqrt(mean(expm1(output)^2)) over the crops: the photo's noise RMS",
        },
        "training": {
            "data": [str(d) for d in args.data],
            "noise_mix": camera_noise.DEFAULT_MIX,
            "gray_fraction": args.gray_fraction,
            "crop": noise_level.CROP,
            "batch_size": args.batch_size,
            "loss": "Huber(0.5) on log(1 + RMS)",
            "heavy_share": args.heavy_share,
            "blend_above": args.blend_above,
            "resumed": bool(args.resume),
            "wall_seconds_last_run": round(wall),
            "machine": platform.machine(),
            "command": "python -m training.train_level "
            + " ".join(sys.argv[1:] if argv is None else argv),
        },
        "validation": {
            "what": f"{len(val[0])} seeded camera-mix crops of {args.val.name} "
            f"({size} px, colour and gray), level against the true RMS",
            "learned": errors_on(model, *val),
            "hand_estimate": level_errors(hand, val[1]),
            "heavy": {
                "what": "the same crops through the heavy camera (sample_heavy_camera)",
                "learned": errors_on(model, *heavy_val),
            },
        },
    }
    if args.resume and (args.out / card.CARD_NAME).is_file():
        # The run this one started from, so that the card keeps the whole history.
        model_card["training"]["before"] = card.read_card(args.out).get("training")
    card.write_card(args.out, model_card)
    log.info("saved %s: %s", keras_file, model_card["validation"])
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

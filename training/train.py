"""Train a denoiser: data, model, compile, fit, save (read top to bottom).

    python -m training.train --arch default --out models/default

Runs on any Keras 3 backend: TensorFlow (tf.data input, TensorBoard, tf.distribute
strategies) or, with KERAS_BACKEND=jax, on a GPU machine that has no TensorFlow.
A killed run continues with --resume (Keras BackupAndRestore); the best epoch by
validation PSNR is what gets saved to --out, with its card.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import platform
import shutil
import time
import zlib
from functools import partial
from pathlib import Path

import keras
import numpy as np

from training import camera_noise, card, data, models, strokes
from training.inference import denoise_rgb
from training.int8_aware import int8_aware
from training.metrics import psnr_metric, psnr_uint8, to_uint8
from training.noise import SyntheticNoise, seeded_gaussian_noise
from training.page_told import PageStrength

log = logging.getLogger("training.train")
VAL_SIGMA = 25.0


def mix_shares(text: str) -> dict[str, float]:
    """`--mix`'s MODE=SHARE,... as the normalised shares camera_noise.realistic_pair
    draws modes from; a mode it does not know, a share that is not a non-negative number,
    or shares summing to 0 are refused by name."""
    shares: dict[str, float] = {}
    for item in filter(None, (part.strip() for part in text.split(","))):
        mode, _, value = item.partition("=")
        if mode not in camera_noise.MODES:
            raise argparse.ArgumentTypeError(
                f"{mode!r} is not a mode (modes: {', '.join(camera_noise.MODES)})"
            )
        try:
            share = float(value)
        except ValueError:
            share = -1.0
        if not (np.isfinite(share) and share >= 0.0):
            raise argparse.ArgumentTypeError(f"{item!r}: the share must be a number >= 0")
        shares[mode] = share
    total = sum(shares.values())
    if total <= 0:
        raise argparse.ArgumentTypeError(f"{text!r}: the shares must add up to more than 0")
    return {mode: round(share / total, 4) for mode, share in shares.items()}


def mix_text(mix: dict[str, float]) -> str:
    return ",".join(f"{mode}={share:g}" for mode, share in mix.items())


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(
        prog="python -m training.train",
        description=(
            "Train a convolutional denoising autoencoder: the shipped residual U-Nets "
            "(default, fast) or a classic autoencoder (undercomplete, sparse, vae)."
        ),
        formatter_class=argparse.ArgumentDefaultsHelpFormatter,
    )
    p.add_argument(
        "--data",
        type=Path,
        nargs="+",
        default=list(data.DEFAULT_TRAIN_DIRS),
        help="folders of clean training images (jpg/png/bmp/tif, RGB or gray)",
    )
    p.add_argument(
        "--val",
        type=Path,
        default=data.DEFAULT_VAL_DIR,
        help="folder of clean validation images (PSNR at sigma 25 each epoch)",
    )
    p.add_argument("--val-count", type=int, default=16, help="validation images used")
    p.add_argument("--val-size", type=int, default=192, help="validation centre-crop side")
    p.add_argument("--arch", choices=models.ARCHITECTURES, default="default")
    family = p.add_argument_group("classic autoencoders (see docs/autoencoders.md)")
    defaults = models.AutoencoderOptions()
    family.add_argument(
        "--bottleneck",
        type=int,
        default=defaults.bottleneck,
        help="undercomplete: numbers in the code",
    )
    family.add_argument(
        "--sparsity",
        choices=("l1", "kl"),
        default=defaults.sparsity,
        help="sparse: the code penalty",
    )
    family.add_argument(
        "--sparsity-weight",
        type=float,
        default=defaults.sparsity_weight,
        help="sparse: weight of the penalty",
    )
    family.add_argument(
        "--sparsity-target",
        type=float,
        default=defaults.sparsity_target,
        help="sparse, kl: target mean activation rho",
    )
    family.add_argument(
        "--beta",
        type=float,
        default=defaults.beta,
        help="vae: weight of the KL term (1: plain ELBO)",
    )
    p.add_argument(
        "--out",
        type=Path,
        default=None,
        help="where the best model + card.json go (default: models/ARCH)",
    )
    p.add_argument(
        "--workdir",
        type=Path,
        default=None,
        help="checkpoints, backups and TensorBoard logs (default: runs/ARCH)",
    )
    p.add_argument("--patch-size", type=int, default=96)
    p.add_argument("--batch-size", type=int, default=16)
    p.add_argument("--steps-per-epoch", type=int, default=500)
    p.add_argument("--epochs", type=int, default=100)
    p.add_argument("--lr", type=float, default=1e-3, help="peak learning rate (cosine decay)")
    p.add_argument(
        "--noise",
        choices=("gaussian", "photo"),
        default="gaussian",
        help="gaussian: white noise with a sigma map (the default/fast models); photo: the "
        "camera-pipeline mix of training/camera_noise.py (the photo model), the map holding "
        "the noise RMS",
    )
    p.add_argument("--sigma-max", type=float, default=75.0, help="noise drawn from [0, this]")
    p.add_argument(
        "--quantized-fraction",
        type=float,
        default=0.3,
        help="share of patches clipped and rounded to 8 bits like a real file",
    )
    p.add_argument(
        "--gray-fraction",
        type=float,
        default=0.2,
        help="share of patches turned gray (one noise field for all channels)",
    )
    p.add_argument(
        "--init-from",
        type=Path,
        default=None,
        metavar="MODEL_DIR",
        help="initialise from a trained model: its encoder layers (two-stage training), "
        "or every layer with --init-layers all (fine-tuning)",
    )
    p.add_argument("--init-layers", choices=("encoder", "all"), default="encoder")
    p.add_argument(
        "--synthetic-edges",
        type=int,
        default=0,
        metavar="COUNT",
        help="add COUNT crops of the training photos with thin coloured curves and flat "
        "shapes drawn over them (training/strokes.py: hard edges the photos seldom hold)",
    )
    p.add_argument(
        "--freeze-copied",
        action="store_true",
        help="with --init-from: the layers copied stay as they are and only the layers the "
        "source lacks train (a block added to a trained design learns on a CPU without "
        "moving what the source learned)",
    )
    p.add_argument(
        "--mixed-precision",
        choices=("off", "bf16", "fp16"),
        default="off",
        help="bf16 is ~6x faster on CPUs with AMX and on recent GPUs",
    )
    p.add_argument(
        "--strategy",
        choices=("none", "mirrored", "multiworker"),
        default="none",
        help="tf.distribute strategy for several GPUs or machines (TF backend)",
    )
    p.add_argument(
        "--time-budget",
        type=float,
        default=None,
        metavar="MINUTES",
        help="measure speed first, then fit --epochs into this many minutes",
    )
    p.add_argument(
        "--resume",
        action="store_true",
        help="continue from the last backup in --workdir instead of starting anew",
    )
    p.add_argument(
        "--ema",
        type=float,
        default=0.0,
        metavar="MOMENTUM",
        help="keep an exponential moving average of the weights (e.g. 0.999: about the "
        "last 1000 steps) and validate, checkpoint and save that average instead of the "
        "last step's weights (fine-tuning photo it validated below --average-last: "
        "docs/training.md); 0: off",
    )
    p.add_argument(
        "--average-last",
        type=float,
        default=0.0,
        metavar="FRACTION",
        help="save the uniform average of the weights at the end of each of the last "
        "FRACTION of the epochs (0.5: the second half) instead of the best epoch's "
        "weights (stochastic weight averaging); 0: off",
    )
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--workers", type=int, default=4, help="input workers (non-TF backends)")
    p.add_argument(
        "--processes",
        type=int,
        default=0,
        help="--noise photo: make the noise in this many processes (0: in the worker threads)",
    )
    p.add_argument(
        "--soft-share",
        type=float,
        default=camera_noise.SOFT_SHARE,
        help="--noise photo: share of clean patches softened first (pixel-soft content, "
        "as a camera at full resolution renders it); validation keeps the default",
    )
    p.add_argument(
        "--mix",
        type=mix_shares,
        default=None,
        metavar="MODE=SHARE,...",
        help="--noise photo: the mix's shares by mode, e.g. camera=0.43,gaussian=0.27,"
        "channel_correlated=0.1,spatially_correlated=0.1,blotches=0.1 (normalised; modes "
        f"left out get none; default: {mix_text(camera_noise.DEFAULT_MIX)}); validation "
        "keeps the default",
    )
    p.add_argument(
        "--heavy-share",
        type=float,
        default=0.0,
        help="--noise photo: share of pairs from a heavy camera (phone at its highest gain "
        "in the dark, camera_noise.sample_heavy_camera) instead of the mix; validation "
        "keeps the mix",
    )
    p.add_argument(
        "--under-tell",
        type=float,
        default=0.0,
        help="--noise photo: share of camera pairs above strength "
        f"{camera_noise.UNDER_TELL_FROM:g} told {camera_noise.UNDER_TELL_RANGE[0]:g}-"
        f"{camera_noise.UNDER_TELL_RANGE[1]:g}x their strength (the model learns to clean "
        "where the page's estimate under-reads heavy noise); validation is told the truth",
    )
    p.add_argument(
        "--page-told",
        type=float,
        default=0.0,
        help="--noise photo, with --init-from: share of camera pairs above strength "
        f"{camera_noise.UNDER_TELL_FROM:g} (of those not under-told) told the page's own "
        "auto strength for them, as --init-from's card calibrates it (training/page_told.py: "
        "the model learns the estimate's errors); validation is told the truth",
    )
    p.add_argument(
        "--int8-aware",
        action="store_true",
        help="round every convolution's input to int8 while training, as LiteRT.js's int8 "
        "files do on a CPU (training/int8_aware.py); validation and the saved model stay float",
    )
    args = p.parse_args(argv)
    for option in ("soft_share", "heavy_share", "under_tell", "page_told"):
        if not 0.0 <= getattr(args, option) <= 1.0:
            flag = "--" + option.replace("_", "-")
            p.error(f"{flag} must be between 0 and 1, not {getattr(args, option):g}")
    if args.noise != "photo" and (
        args.heavy_share or args.under_tell or args.page_told or args.mix
    ):
        p.error(
            "--mix, --heavy-share, --under-tell and --page-told shape camera noise: "
            "they need --noise photo"
        )
    if args.under_tell + args.page_told > 1.0:
        p.error(
            f"--under-tell and --page-told share the same pairs: together at most 1, not "
            f"{args.under_tell + args.page_told:g}"
        )
    args.page_strength = None
    if args.page_told:
        if not args.init_from:
            p.error(
                "--page-told tells pairs what the page reads for --init-from's model: it needs --init-from"
            )
        try:
            args.page_strength = PageStrength(args.init_from)
        except (OSError, ValueError) as error:
            p.error(f"--page-told: {error}")
    if args.synthetic_edges < 0:
        p.error(f"--synthetic-edges is a count of images, not {args.synthetic_edges}")
    if args.freeze_copied and not args.init_from:
        p.error("--freeze-copied keeps the layers --init-from copies: it needs --init-from")
    if not 0.0 <= args.ema < 1.0:
        p.error(f"--ema must be a momentum in [0, 1), not {args.ema:g}")
    if not 0.0 <= args.average_last <= 1.0:
        p.error(f"--average-last must be a fraction of the epochs, not {args.average_last:g}")
    args.out = args.out or Path("models") / args.arch
    args.workdir = args.workdir or Path("runs") / args.arch
    args.options = models.AutoencoderOptions(
        bottleneck=args.bottleneck,
        input_size=args.patch_size,
        sparsity=args.sparsity,
        sparsity_weight=args.sparsity_weight,
        sparsity_target=args.sparsity_target,
        beta=args.beta,
    )
    return args


def distribution_scope(name: str):  # noqa: ANN201 (a context manager)
    """The tf.distribute strategy's scope, or a no-op one."""
    if name == "none":
        import contextlib

        return contextlib.nullcontext()
    if keras.backend.backend() != "tensorflow":
        raise SystemExit("--strategy needs the TensorFlow backend")
    import tensorflow as tf

    strategy = (
        tf.distribute.MirroredStrategy()
        if name == "mirrored"
        else tf.distribute.MultiWorkerMirroredStrategy()
    )
    return strategy.scope()


class ValidationPSNR(keras.callbacks.Callback):
    """Adds `val_psnr` (uint8 protocol, fixed seeded noise) to each epoch's logs: the mean
    of the colour crops' PSNR and of their gray versions' (noise on the gray image,
    replicated to RGB in and averaged out, as evaluation does).

    Noise `gaussian`: white, sigma 25. Noise `photo`: the camera-noise mix seeded per
    crop, the model told each pair's true strength (never the real pairs: those are
    for evaluation only).

    Listed before ModelCheckpoint so that the checkpoint can monitor it.
    """

    def __init__(
        self,
        denoiser: keras.Model,
        crops: list[tuple[str, np.ndarray]],
        input_size: int | None = None,
        noise: str = "gaussian",
    ) -> None:
        super().__init__()
        self.denoiser = denoiser
        self.input_size = input_size
        self.label = f"sigma {VAL_SIGMA:g}" if noise == "gaussian" else "camera-noise mix"
        self.pairs: dict[str, list[tuple[np.ndarray, np.ndarray, float]]] = {"rgb": [], "gray": []}
        for name, crop in crops:
            for kind in ("rgb", "gray"):
                if noise == "photo":
                    rng = np.random.default_rng(zlib.crc32(f"{name}|{kind}".encode()))
                    even = crop[: crop.shape[0] // 2 * 2, : crop.shape[1] // 2 * 2] / 255.0
                    noisy, target, sigma = camera_noise.realistic_pair(
                        even.astype(np.float32), rng, gray=kind == "gray"
                    )
                    clean = to_uint8(target if kind == "rgb" else target[..., 0])
                else:
                    clean = crop if kind == "rgb" else to_uint8(crop @ data.LUMA / 255.0)
                    noisy, sigma = seeded_gaussian_noise(clean / 255.0, VAL_SIGMA, name), VAL_SIGMA
                    if kind == "gray":
                        noisy = np.repeat(noisy[..., None], 3, axis=-1)
                self.pairs[kind].append((clean, noisy, sigma))

    def on_epoch_end(self, epoch: int, logs: dict | None = None) -> None:
        scores = self.scores()
        if logs is not None:
            logs.update(scores)

    def scores(self) -> dict[str, float]:
        """The denoiser's validation PSNRs as it is now (also printed)."""
        means = {}
        for kind, pairs in self.pairs.items():
            psnrs = []
            for clean, noisy, sigma in pairs:
                out = denoise_rgb(
                    self.denoiser, noisy, sigma, multiple=1, halo=0, input_size=self.input_size
                )
                psnrs.append(psnr_uint8(clean, to_uint8(out.mean(-1) if kind == "gray" else out)))
            means[kind] = float(np.mean(psnrs))
        print(
            f" - val_psnr ({self.label}): colour {means['rgb']:.3f} dB, "
            f"gray {means['gray']:.3f} dB",
            flush=True,
        )
        return {
            "val_psnr_rgb": means["rgb"],
            "val_psnr_gray": means["gray"],
            "val_psnr": (means["rgb"] + means["gray"]) / 2,
        }


class EpochWeightAverage(keras.callbacks.Callback):
    """The uniform mean of the denoiser's weights at the end of each epoch from `start`
    (1-based) on: stochastic weight averaging (Izmailov et al. 2018) within one run.

    Why: fine-tuning `photo`, late epochs differ on the real pairs by a few hundredths
    while the synthetic validation is flat, and averages of such weights beat each of
    them (docs/training.md, stage 8); an exponential moving average of every step
    (--ema 0.999) validated lower, as it carries the first steps' transient for
    hundreds of steps (docs/training.md, stage 9). Not a gain by itself on the synthetic
    validation (0.01 dB below the last epoch there, stage 9): what it gives is one
    run's late weights as one model, to average across runs. The running sum
    and the epochs in it live in `path`, so that --resume continues it; an epoch already
    in it (a run killed between this and the backup) is not counted twice. Listed before
    the --ema swap, so that it averages the trained weights, not the moving average.
    """

    def __init__(self, denoiser: keras.Model, start: int, path: Path) -> None:
        super().__init__()
        self.denoiser, self.start, self.path = denoiser, start, path
        self.epochs: list[int] = []
        self.total: list[np.ndarray] = []
        if path.is_file():
            with np.load(path) as saved:
                self.epochs = [int(e) for e in saved["epochs"]]
                self.total = [saved[f"w{i}"] for i in range(len(saved.files) - 1)]

    def on_epoch_end(self, epoch: int, logs: dict | None = None) -> None:
        if epoch + 1 < self.start or epoch + 1 in self.epochs:
            return
        weights = [w.astype(np.float64) for w in self.denoiser.get_weights()]
        if self.total:
            weights = [a + b for a, b in zip(self.total, weights, strict=True)]
        self.total = weights
        self.epochs.append(epoch + 1)
        partial_file = self.path.with_name(self.path.name + ".partial.npz")
        np.savez(
            partial_file,
            epochs=np.array(self.epochs),
            **{f"w{i}": w for i, w in enumerate(self.total)},
        )
        partial_file.replace(self.path)

    def mean(self) -> list[np.ndarray]:
        return [(w / len(self.epochs)).astype(np.float32) for w in self.total]


def make_trainer(args: argparse.Namespace, steps_total: int) -> tuple[keras.Model, keras.Model]:
    """(denoiser, trainer): the trainer puts the noise layer in front of the denoiser."""
    denoiser = models.build(args.arch, options=args.options, seed=args.seed)
    if args.init_from:
        copied = copy_layers(
            keras.saving.load_model(args.init_from / card.KERAS_NAME),
            denoiser,
            encoder_only=args.init_layers == "encoder",
        )
        log.info("initialised %d layers from %s: %s", len(copied), args.init_from, copied)
        if args.freeze_copied:
            for name in copied:
                denoiser.get_layer(name).trainable = False
            if not trainable_layer_names(denoiser):
                raise SystemExit(
                    f"error: --freeze-copied: every layer of {args.arch} comes from "
                    f"{args.init_from}, so nothing would train; leave out --freeze-copied "
                    "to fine-tune them all"
                )
            log.info("--freeze-copied: training only %s", trainable_layer_names(denoiser))
    side = models.fixed_input_size(args.arch, args.options)
    # --int8-aware: trained through a copy that shares every layer and rounds as int8 does
    network = int8_aware(denoiser) if args.int8_aware else denoiser
    if args.noise == "photo":  # the input pipeline makes the noise (NoisyPairSequence)
        trainer = network
    else:
        trainer = keras.Sequential(
            [
                keras.Input((side, side, 3)),
                SyntheticNoise(args.sigma_max, args.quantized_fraction, seed=args.seed),
                network,
            ],
            name=f"trainer_{args.arch}",
        )
    schedule = keras.optimizers.schedules.CosineDecay(
        args.lr, decay_steps=max(steps_total, 1), alpha=0.01
    )
    trainer.compile(
        optimizer=keras.optimizers.Adam(
            schedule, use_ema=args.ema > 0, ema_momentum=args.ema or 0.99
        ),
        loss=models.reconstruction_loss(args.arch),
        metrics=[psnr_metric],
        jit_compile="auto",
    )
    return denoiser, trainer


def copy_layers(source: keras.Model, target: keras.Model, encoder_only: bool) -> list[str]:
    """Copy the weights of `target`'s layers (its encoder ones, or all) from the layers of
    `source` with the same name and weight shapes; the names of those copied.

    Two-stage training: an autoencoder trained on clean images lends its encoder to
    the denoiser. A model with nothing to lend is an error, not a silent no-op.
    """
    copied = []
    for layer in target.layers:
        if not layer.weights or (encoder_only and not models.is_encoder_layer(layer.name)):
            continue
        try:
            origin = source.get_layer(layer.name)
        except ValueError:
            continue
        if [w.shape for w in origin.weights] != [w.shape for w in layer.weights]:
            log.warning("--init-from: %s has other shapes there, left as initialised", layer.name)
            continue
        layer.set_weights(origin.get_weights())
        copied.append(layer.name)
    if not copied:
        raise SystemExit(
            f"error: --init-from: no {'encoder ' if encoder_only else ''}layer of "
            f"{source.name} matches {target.name} by name and shape"
        )
    if not encoder_only:
        added = start_new_blocks_as_identity(target, copied)
        if added:
            log.info("--init-from: residual blocks the source lacks start as identity: %s", added)
    return copied


def start_new_blocks_as_identity(target: keras.Model, copied: list[str]) -> list[str]:
    """Zero the last convolution of each residual block of `target` none of whose layers
    were copied, so that block adds nothing: a fine-tune of a design with a block more
    than its source starts at the source's output (and quality) instead of below it,
    where a random block's output, added to every feature after it, would put it. The
    names of the blocks so started."""
    added = []
    for layer in target.layers:
        block, _, part = layer.name.rpartition("_")
        if part != "conv2" or layer.name in copied or f"{block}_conv1" in copied:
            continue
        layer.set_weights([np.zeros_like(w) for w in layer.get_weights()])
        added.append(block)
    return added


def trainable_layer_names(model: keras.Model) -> list[str]:
    """The layers of `model` with weights that training updates."""
    return [layer.name for layer in model.layers if layer.trainable and layer.trainable_weights]


def training_input(args: argparse.Namespace, images: list[np.ndarray]):  # noqa: ANN201
    if args.noise == "photo":
        return data.NoisyPairSequence(
            images,
            args.patch_size,
            args.batch_size,
            args.steps_per_epoch,
            args.seed,
            partial(
                camera_noise.realistic_pair,
                soft_share=args.soft_share,
                mix=args.mix,
                heavy_share=args.heavy_share,
                under_tell=args.under_tell,
                page_told=args.page_told,
                page_strength=args.page_strength,
            ),
            gray_fraction=args.gray_fraction,
            processes=args.processes,
            workers=args.workers,
            use_multiprocessing=False,
            max_queue_size=4 * args.workers,
        )
    if keras.backend.backend() == "tensorflow":
        return data.patch_dataset(
            images, args.patch_size, args.batch_size, args.seed, args.gray_fraction
        )
    return data.PatchSequence(
        images,
        args.patch_size,
        args.batch_size,
        args.steps_per_epoch,
        args.seed,
        gray_fraction=args.gray_fraction,
        workers=args.workers,
        use_multiprocessing=False,  # threads: forking JAX can deadlock
        max_queue_size=4 * args.workers,
    )


def calibrate_epochs(args: argparse.Namespace, images: list[np.ndarray]) -> int:
    """Epochs that fit the --time-budget, from the speed of a short trial fit."""
    _, trial = make_trainer(args, 1)
    feed = training_input(args, images)
    trial_steps = min(60, args.steps_per_epoch)
    trial.fit(feed, steps_per_epoch=trial_steps, epochs=1, verbose=0)  # compiles, warms up
    start = time.perf_counter()
    trial.fit(feed, steps_per_epoch=trial_steps, epochs=1, verbose=0)
    per_step = (time.perf_counter() - start) / trial_steps
    if isinstance(feed, data.NoisyPairSequence):
        feed.close()  # its worker processes
    per_epoch = per_step * args.steps_per_epoch + 2.0  # + validation
    epochs = max(1, int(args.time_budget * 60 * 0.92 / per_epoch))
    print(f"calibration: {1 / per_step:.1f} steps/s -> {epochs} epochs", flush=True)
    return epochs


def float32_copy(
    denoiser: keras.Model, arch: str, options: models.AutoencoderOptions | None = None
) -> keras.Model:
    """The same weights in a network built under the float32 policy (bf16/fp16 graphs
    do not convert to TF.js)."""
    policy = keras.mixed_precision.global_policy()
    keras.mixed_precision.set_global_policy("float32")
    try:
        copy = models.build(arch, options=options)
    finally:
        keras.mixed_precision.set_global_policy(policy)
    copy.set_weights([np.asarray(w, np.float32) for w in denoiser.get_weights()])
    return copy


def main(
    argv: list[str] | None = None,
    extra_callbacks: list[keras.callbacks.Callback] | None = None,
) -> int:
    """Train as the command line says; `extra_callbacks` are for notebooks and tests."""
    args = parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(message)s")
    keras.utils.set_random_seed(args.seed)
    if args.mixed_precision != "off":
        keras.mixed_precision.set_global_policy(
            "mixed_bfloat16" if args.mixed_precision == "bf16" else "mixed_float16"
        )

    # Data
    try:
        images = data.load_images(args.data, min_size=args.patch_size)
        images += strokes.stroke_images(images, args.synthetic_edges, args.seed)
        val_crops = data.validation_crops(
            args.val, args.val_count, args.val_size, models.size_multiple(args.arch, args.options)
        )
    except data.NoImagesError as error:
        raise SystemExit(f"error: {error}") from None
    log.info("%d training images, %d validation crops", len(images), len(val_crops))

    if not args.resume and args.workdir.exists():
        shutil.rmtree(args.workdir)
    args.workdir.mkdir(parents=True, exist_ok=True)
    if args.time_budget and not args.resume:
        args.epochs = calibrate_epochs(args, images)
        (args.workdir / "epochs.json").write_text(json.dumps({"epochs": args.epochs}))
    elif args.resume and (args.workdir / "epochs.json").exists():
        args.epochs = json.loads((args.workdir / "epochs.json").read_text())["epochs"]

    # Model
    with distribution_scope(args.strategy):
        denoiser, trainer = make_trainer(args, args.epochs * args.steps_per_epoch)

    # Fit
    best = args.workdir / "best.weights.h5"
    validation = ValidationPSNR(
        denoiser, val_crops, models.fixed_input_size(args.arch, args.options), args.noise
    )
    averager = (
        EpochWeightAverage(
            denoiser,
            args.epochs - max(1, round(args.average_last * args.epochs)) + 1,
            args.workdir / "average.npz",
        )
        if args.average_last
        else None
    )
    # Order matters with --ema: the epoch average and the backup are taken first, while
    # the model holds the last step's weights (a resumed run must continue from those,
    # with the moving average in the optimizer); then the moving average is swapped in
    # for validation and the best checkpoint, and swapped out when the next epoch begins.
    callbacks: list[keras.callbacks.Callback] = [
        *([averager] if averager else []),
        keras.callbacks.BackupAndRestore(args.workdir / "backup", save_freq="epoch"),
        *([keras.callbacks.SwapEMAWeights(swap_on_epoch=True)] if args.ema else []),
        validation,
        keras.callbacks.ModelCheckpoint(
            best,
            monitor="val_psnr",
            mode="max",
            save_best_only=True,
            save_weights_only=True,
            verbose=1,
        ),
        keras.callbacks.CSVLogger(args.workdir / "history.csv", append=True),
    ]
    if keras.backend.backend() == "tensorflow":
        callbacks.append(keras.callbacks.TensorBoard(args.workdir / "logs"))
    callbacks += extra_callbacks or []
    start = time.perf_counter()
    trainer.fit(
        training_input(args, images),
        steps_per_epoch=args.steps_per_epoch,
        epochs=args.epochs,
        callbacks=callbacks,
        verbose=2 if os.environ.get("CI") else "auto",
    )
    wall = time.perf_counter() - start

    # Save the best epoch (or the average of the late ones), float32, with its card
    averaged: dict[str, object] = {}
    if not averager:
        trainer.load_weights(best)
    else:
        denoiser.set_weights(averager.mean())
        scores = validation.scores()
        averaged = {
            "weights_averaged_over_epochs": averager.epochs,
            "averaged_val_psnr": {k: round(v, 3) for k, v in sorted(scores.items())},
        }
        log.info(
            "saving the average of epochs %s: val_psnr %.3f", averager.epochs, scores["val_psnr"]
        )
    final = float32_copy(denoiser, args.arch, args.options)
    args.out.mkdir(parents=True, exist_ok=True)
    final.save(args.out / card.KERAS_NAME)
    history = (args.workdir / "history.csv").read_text().splitlines()
    model_card = {
        "name": args.out.name,
        "version": time.strftime("%Y.%m.%d"),
        **card.describe(final, args.arch, args.options),
        "training": {
            "data": [str(d) for d in args.data],
            "patch_size": args.patch_size,
            "batch_size": args.batch_size,
            "steps": args.epochs * args.steps_per_epoch,
            "patches_seen": args.epochs * args.steps_per_epoch * args.batch_size,
            "noise": args.noise,
            **(
                {
                    "noise_mix": args.mix or camera_noise.DEFAULT_MIX,
                    "softened": {
                        "share": args.soft_share,
                        "gaussian_sigma_px": list(camera_noise.SOFT_SIGMA),
                    },
                    **(
                        {
                            "heavy_camera_share": args.heavy_share,
                            "heavy_camera": {
                                "shot": list(camera_noise.HEAVY_SHOT),
                                "exposure": list(camera_noise.HEAVY_EXPOSURE),
                            },
                        }
                        if args.heavy_share
                        else {}
                    ),
                    **(
                        {
                            "under_told": {
                                "share": args.under_tell,
                                "above_strength": camera_noise.UNDER_TELL_FROM,
                                "told_times_truth": list(camera_noise.UNDER_TELL_RANGE),
                                "applies_to": "camera pairs; the simpler degradations are "
                                "told the truth",
                            }
                        }
                        if args.under_tell
                        else {}
                    ),
                    **(
                        {
                            "page_told": {
                                "share": args.page_told,
                                "above_strength": camera_noise.UNDER_TELL_FROM,
                                "told": "the page's auto strength for the noisy patch "
                                "(training/page_told.py) under the calibration of "
                                f"{args.init_from}",
                                "calibration": args.page_strength.card["auto_strength"],
                                "applies_to": "camera pairs not under-told",
                            }
                        }
                        if args.page_told
                        else {}
                    ),
                }
                if args.noise == "photo"
                else {"sigma_max": args.sigma_max, "quantized_fraction": args.quantized_fraction}
            ),
            "gray_fraction": args.gray_fraction,
            **(
                {"int8_aware": "every convolution's input rounded to int8 (training/int8_aware.py)"}
                if args.int8_aware
                else {}
            ),
            "init_from": str(args.init_from) if args.init_from else None,
            "init_layers": args.init_layers if args.init_from else None,
            **(
                {"synthetic_edges": f"{args.synthetic_edges} images (training/strokes.py)"}
                if args.synthetic_edges
                else {}
            ),
            **({"trained_layers": trainable_layer_names(denoiser)} if args.freeze_copied else {}),
            "loss": type(models.reconstruction_loss(args.arch)).__name__,
            **({"weights_ema_momentum": args.ema} if args.ema else {}),
            **averaged,
            **family_options(args),
            "mixed_precision": args.mixed_precision,
            "backend": keras.backend.backend(),
            "machine": platform.node() and platform.machine(),
            "wall_seconds_last_run": round(wall),
            ("best_val_psnr_sigma25" if args.noise == "gaussian" else "best_val_psnr_camera_mix"): (
                best_row(history)
            ),
        },
        "evaluation": {},
    }
    if args.noise == "photo":
        model_card["contract"] = {**model_card["contract"], "input": card.PHOTO_STRENGTH_MAP}
    card.write_card(args.out, model_card)
    log.info("saved %s and its card", args.out / card.KERAS_NAME)
    return 0


def family_options(args: argparse.Namespace) -> dict[str, object]:
    """The flags that shaped a classic autoencoder, for its card."""
    return {
        "undercomplete": {"bottleneck": args.bottleneck, "input_size": args.patch_size},
        "sparse": {
            "sparsity": args.sparsity,
            "sparsity_weight": args.sparsity_weight,
            **({"sparsity_target": args.sparsity_target} if args.sparsity == "kl" else {}),
        },
        "vae": {"beta": args.beta},
    }.get(args.arch, {})


def best_row(csv_lines: list[str]) -> dict[str, float]:
    """The validation PSNRs of the best epoch in the CSV log."""
    header = csv_lines[0].split(",")
    rows = [dict(zip(header, map(float, line.split(",")), strict=True)) for line in csv_lines[1:]]
    best = max(rows, key=lambda r: r["val_psnr"])
    return {k: round(v, 3) for k, v in best.items() if k.startswith("val_psnr")}


if __name__ == "__main__":
    raise SystemExit(main())

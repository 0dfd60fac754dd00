"""Train the autoencoder family on one budget and compare them: docs/autoencoders.md.

    python -m training.compare                 # the published comparison (~40 min on 2 cores)
    python -m training.compare --steps 20 ...  # a smoke run

Every denoiser gets the same data, patches and steps (`--steps` of `--batch-size`
patches of `--patch-size`^2, noise sigma in [0, 75]); the two-stage U-Net additionally
spends `--pretrain-steps` as a plain autoencoder on clean images (sigma 0) first, and
that is stated. Each run is a `python -m training.train` process (the command lines
are printed and written to the page), so any row can be reproduced alone. Evaluation:
`training.evaluate` on CBSD68 centre crops at sigma 25, next to CBM3D.

The tables go between the results markers of docs/autoencoders.md; the words around
them are written by people, after reading the numbers.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from training import card, evaluate
from training.sample import draw, grid

START, END = "<!-- results:start -->", "<!-- results:end -->"


@dataclass(frozen=True)
class Run:
    """One training run: a name (its folder), an architecture and extra flags."""

    name: str
    arch: str
    flags: tuple[str, ...] = ()
    pretraining: bool = False  # a stage-1 run: trained, but not a denoiser to compare


def runs(models_dir: Path) -> list[Run]:
    return [
        Run("undercomplete", "undercomplete"),
        Run("sparse", "sparse"),
        Run("vae", "vae"),
        Run("unet", "default"),
        Run("unet-clean-ae", "default", ("--sigma-max", "0"), pretraining=True),
        Run("unet-two-stage", "default", ("--init-from", str(models_dir / "unet-clean-ae"))),
    ]


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(
        prog="python -m training.compare",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("--data", type=Path, nargs="+", default=None, help="training folders")
    p.add_argument("--val", type=Path, default=None, help="validation folder")
    p.add_argument("--steps", type=int, default=1000, help="training steps per denoiser")
    p.add_argument("--pretrain-steps", type=int, default=500, help="two-stage: clean-AE steps")
    p.add_argument("--steps-per-epoch", type=int, default=100)
    p.add_argument("--patch-size", type=int, default=64)
    p.add_argument("--batch-size", type=int, default=16)
    p.add_argument("--val-count", type=int, default=8)
    p.add_argument("--dataset", default="CBSD68", help="evaluation set (name or folder)")
    p.add_argument("--crop", type=int, default=256, help="evaluation centre-crop side")
    p.add_argument("--limit", type=int, default=None, help="evaluation images")
    p.add_argument("--cbm3d-limit", type=int, default=68)
    p.add_argument("--models-dir", type=Path, default=Path("runs/compare/models"))
    p.add_argument("--workdir", type=Path, default=Path("runs/compare/work"))
    p.add_argument("--cache", type=Path, default=Path(".cache/cbm3d"))
    p.add_argument("--docs", type=Path, default=Path("docs"))
    p.add_argument("--retrain", action="store_true", help="train again runs already saved")
    return p.parse_args(argv)


def train_command(run: Run, args: argparse.Namespace) -> list[str]:
    steps = args.pretrain_steps if run.pretraining else args.steps
    per_epoch = min(args.steps_per_epoch, steps)
    command = [
        "--arch",
        run.arch,
        "--patch-size",
        str(args.patch_size),
        "--batch-size",
        str(args.batch_size),
        "--steps-per-epoch",
        str(per_epoch),
        "--epochs",
        str(max(1, steps // per_epoch)),
        "--val-count",
        str(args.val_count),
        "--out",
        str(args.models_dir / run.name),
        "--workdir",
        str(args.workdir / run.name),
        *run.flags,
    ]
    if args.data:
        command += ["--data", *map(str, args.data)]
    if args.val:
        command += ["--val", str(args.val)]
    return command


def train_all(args: argparse.Namespace) -> dict[str, list[str]]:
    """Train each run not yet saved (all with --retrain); their command lines by name."""
    commands = {}
    for run in runs(args.models_dir):
        command = train_command(run, args)
        commands[run.name] = command
        if (args.models_dir / run.name / card.KERAS_NAME).exists() and not args.retrain:
            print(f"{run.name}: already trained, kept", flush=True)
            continue
        print("python -m training.train " + " ".join(command), flush=True)
        subprocess.run([sys.executable, "-m", "training.train", *command], check=True)
    return commands


def results_section(
    args: argparse.Namespace, results: evaluate.Results, commands: dict[str, list[str]]
) -> str:
    """The generated part of docs/autoencoders.md: budget, table, pictures, commands."""
    label = evaluate.dataset_folder(args.dataset)[0]
    lines = [
        START,
        f"Budget per denoiser: {args.steps} steps × {args.batch_size} patches of "
        f"{args.patch_size}×{args.patch_size} = {args.steps * args.batch_size} patches; the "
        f"two-stage U-Net also had {args.pretrain_steps} steps as a clean autoencoder first. "
        f"Evaluation: {label}, centre crops {args.crop}×{args.crop}, σ = 25, "
        f"{results['noisy'][label]['25']['images']} images (CBM3D: "
        f"{results.get('CBM3D', {}).get(label, {}).get('25', {}).get('images', 0)}).",
        "",
        "| method | parameters | MAC/pixel | training wall time | PSNR (dB) | SSIM |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for method, by_set in results.items():
        score = by_set[label]["25"]
        if method in commands:
            model_card = card.read_card(args.models_dir / method)
            wall = model_card["training"]["wall_seconds_last_run"]
            params = f"{model_card['parameters']:,}"
            macs = f"{model_card['macs_per_pixel']:,}"
            time_cell = f"{wall / 60:.1f} min"
        else:
            params = macs = time_cell = "–"
        lines.append(
            f"| {method} | {params} | {macs} | {time_cell} | "
            f"{score['psnr']:.2f} | {score['ssim']:.3f} |"
        )
    lines += [
        "",
        "![noisy | CBM3D | "
        + " | ".join(m for m in results if m not in ("noisy", "CBM3D"))
        + " | clean](autoencoders.png)",
        "",
        "Samples from the VAE's prior (`python -m training.sample`):",
        "",
        "![VAE samples](vae_samples.png)",
        "",
        "Commands (each row alone):",
        "",
        "```",
        *("python -m training.train " + " ".join(c) for c in commands.values()),
        f"python -m training.evaluate {args.models_dir}/... --datasets {args.dataset} "
        f"--sigmas 25 --crop {args.crop} --cbm3d-limit {args.cbm3d_limit}",
        "```",
        END,
    ]
    return "\n".join(lines)


def write_page(page: Path, section: str) -> None:
    """Replace the results section of `page` (create the page if needed)."""
    text = page.read_text() if page.exists() else f"# Autoencoders compared\n\n{START}\n{END}\n"
    head, _, rest = text.partition(START)
    _, _, tail = rest.partition(END)
    page.write_text(head + section + tail)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    start = time.perf_counter()
    commands = train_all(args)
    compared = [args.models_dir / name for name in commands if name != "unet-clean-ae"]
    eval_args = evaluate.parse_args(
        [
            *map(str, compared),
            "--datasets",
            args.dataset,
            "--sigmas",
            "25",
            "--crop",
            str(args.crop),
            "--cbm3d-limit",
            str(args.cbm3d_limit),
            "--cache",
            str(args.cache),
        ]
        + (["--limit", str(args.limit)] if args.limit else [])
    )
    results, grid_rows = evaluate.evaluate(eval_args)
    args.docs.mkdir(parents=True, exist_ok=True)
    evaluate.crop_grid(grid_rows, args.docs / "autoencoders.png", size=args.crop)
    import keras

    vae = keras.saving.load_model(args.models_dir / "vae" / card.KERAS_NAME)
    from PIL import Image

    Image.fromarray(grid(draw(vae.get_layer("decoder"), 16, 64, seed=0))).save(
        args.docs / "vae_samples.png"
    )
    write_page(args.docs / "autoencoders.md", results_section(args, results, commands))
    (args.workdir / "results.json").write_text(json.dumps(results, indent=1))
    print(f"done in {(time.perf_counter() - start) / 60:.1f} min", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

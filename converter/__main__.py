"""python -m converter MODEL_DIR [--name NAME] [--quantize float16] [--out DIR]

Turns a trained model folder (model.keras + card.json) into a TF.js graph model with
its denoiser.json, checks what quantization costs, and refreshes the models index.
Any problem: one line on stderr, exit code 2, nothing half-written.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
from pathlib import Path

from converter import export, parity
from converter.checks import ConversionError, check_contract, load_model_dir

DEFAULT_OUT = Path(__file__).resolve().parents[1] / "webapp/static/models"


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(
        prog="python -m converter",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("model_dir", type=Path, help="folder with model.keras and card.json")
    p.add_argument("--name", help="web model name (default: the folder's name)")
    p.add_argument("--quantize", choices=export.QUANTIZATIONS, default="float16")
    p.add_argument("--out", type=Path, default=DEFAULT_OUT, help="web models folder")
    p.add_argument(
        "--max-loss",
        type=float,
        default=None,
        metavar="DB",
        help="refuse if quantization costs more PSNR than this (default: "
        "0.05 dB for float16, 0.2 dB for uint8)",
    )
    return p.parse_args(argv)


def convert(args: argparse.Namespace) -> Path:
    model, model_card = load_model_dir(args.model_dir)
    check_contract(model, model_card)
    name = args.name or args.model_dir.resolve().name
    base, change = parity.psnr_change(
        model, args.quantize, model_card["size_multiple"], model_card["halo"]
    )
    allowed = parity.MAX_LOSS_DB[args.quantize] if args.max_loss is None else args.max_loss
    if -change > allowed + 1e-9:
        raise ConversionError(
            f"{args.quantize} costs {-change:.3f} dB at sigma 25 (allowed {allowed} dB): "
            "refused; use float16 or float32"
        )
    args.out.mkdir(parents=True, exist_ok=True)
    target = args.out / name
    staging = Path(tempfile.mkdtemp(prefix=f".{name}.", dir=args.out))
    staging.chmod(0o755)  # mkdtemp makes it private; the web server must read it
    try:
        export.export_graph_model(model, staging, args.quantize)
        export.write_web_card(staging, model_card, args.quantize, name)
        export.replace_folder(staging, target)
    finally:
        if staging.exists():
            shutil.rmtree(staging)
    export.update_index(args.out)
    size = export.folder_bytes(target)
    print(
        f"{name}: {args.quantize}, {size / 1e6:.2f} MB, PSNR {base:.2f} dB at sigma 25, "
        f"change from Keras {change:+.3f} dB -> {target}"
    )
    return target


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    try:
        convert(args)
    except ConversionError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

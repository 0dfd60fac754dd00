"""python -m converter MODEL_DIR [--name NAME] [--quantize float16] [--out DIR]
                    [--litert-tiles 512,1024]

Turns a trained model folder (model.keras + card.json) into a TF.js graph model with
its denoiser.json, checks what quantization costs, and refreshes the models index.
With --litert-tiles it also writes, under litert/, one dynamic-range int8 .tflite per
tile side for LiteRT.js (input: the tile plus the model's context on each side), each
held to the same --max-loss, and lists them in denoiser.json under "litert".
A learned noise level (card kind "noise_level", python -m training.train_level) is
converted the same way, with its own checks (converter/level.py) and card, estimator.json.
Any problem: one line on stderr, exit code 2, nothing half-written (stopped by SIGTERM:
exit code 143, the staging folder removed).
"""

from __future__ import annotations

import argparse
import shutil
import signal
import sys
import tempfile
import threading
from pathlib import Path

from converter import WEB_MODELS, export, litert, parity
from converter.checks import ConversionError, check_contract, load_model_dir
from converter.level import convert_level
from training import noise_level


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(
        prog="python -m converter",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("model_dir", type=Path, help="folder with model.keras and card.json")
    p.add_argument("--name", help="web model name (default: the folder's name)")
    p.add_argument("--quantize", choices=export.QUANTIZATIONS, default="float16")
    p.add_argument("--out", type=Path, default=WEB_MODELS, help="web models folder")
    p.add_argument(
        "--max-loss",
        type=float,
        default=None,
        metavar="DB",
        help="refuse if quantization costs more PSNR than this (default: "
        "0.05 dB for float16, 0.2 dB for uint8)",
    )
    p.add_argument(
        "--litert-tiles",
        type=tile_list,
        default=[],
        metavar="T[,T...]",
        help="also write a dynamic-range int8 .tflite for each of these tile sides "
        "(px of output; the file's input adds the context), for LiteRT.js",
    )
    return p.parse_args(argv)


def tile_list(text: str) -> list[int]:
    try:
        tiles = sorted({int(t) for t in text.split(",") if t.strip()})
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"{text!r}: not a comma-separated list of pixels"
        ) from None
    if not tiles or min(tiles) < 8 or max(tiles) > 4096:
        raise argparse.ArgumentTypeError(f"{text!r}: tile sides from 8 to 4096 px")
    return tiles


def gate(change_by_noise: dict[str, float], allowed: float, what: str, advice: str = "") -> float:
    """The worst noise's PSNR change (dB) of a quantized copy, `what`; refused with a
    ConversionError naming that noise when it loses more than `allowed`. One rule for the
    web weights and the .tflite files alike."""
    noise = min(change_by_noise, key=change_by_noise.__getitem__)
    change = change_by_noise[noise]
    if -change > allowed + 1e-9:
        raise ConversionError(
            f"{what} costs {-change:.3f} dB on {parity.NOISES[noise]} (allowed {allowed} dB): "
            f"refused{advice}"
        )
    return change


def write_litert(
    model,
    model_card: dict,
    tiles: list[int],
    folder: Path,
    allowed: float,  # noqa: ANN001
) -> dict:
    """litert/model-dr8-SIDE.tflite per tile into `folder`, each gated on the PSNR it
    costs against the clean crops (as --max-loss gates the web model); the card's entry."""
    from training.inference import context_pixels

    multiple, halo = model_card["size_multiple"], model_card["halo"]
    context = context_pixels(halo, multiple)
    out = folder / "litert"
    out.mkdir()
    entries = []
    with tempfile.TemporaryDirectory() as scratch:
        loaded = litert.load_saved_model(litert.export_saved_model(model, Path(scratch)))
        for tile in tiles:
            side = litert.input_side(tile, context, multiple)
            content = litert.tflite_bytes(loaded, side, litert.ENGINE_WEIGHTS)
            runner = litert.TfliteTile(content, side)
            step = side - 2 * context
            by_noise = {
                noise: parity.compare(model, runner, multiple, halo, step, noise)
                for noise in parity.noises_for(model_card)
            }
            change = gate(
                {n: c for n, (c, _) in by_noise.items()},
                allowed,
                f"int8 .tflite for {tile}-px tiles",
            )
            parity_db = min(db for _, db in by_noise.values())
            name = litert.file_name(side)
            (out / name).write_bytes(content)
            entries.append(
                {
                    "tile": step,
                    "input": side,
                    "file": f"litert/{name}",
                    "bytes": len(content),
                    "psnr_change_db": round(change, 4),  # the worst noise's
                    **(
                        {
                            "psnr_change_db_by_noise": {
                                n: round(c, 4) for n, (c, _) in by_noise.items()
                            }
                        }
                        if len(by_noise) > 1
                        else {}
                    ),
                    "parity_db": round(parity_db, 2),
                }
            )
    return {"weights": "dynamic-range int8", "files": entries}


def convert(args: argparse.Namespace) -> Path:
    model, model_card = load_model_dir(args.model_dir)
    name = args.name or args.model_dir.resolve().name
    if model_card.get("kind") == noise_level.KIND:
        return convert_level(model, model_card, name, args.quantize, args.out)
    check_contract(model, model_card)
    changes = parity.psnr_change(
        model,
        args.quantize,
        model_card["size_multiple"],
        model_card["halo"],
        parity.noises_for(model_card),
    )
    base = changes["white"][0]
    allowed = parity.MAX_LOSS_DB[args.quantize] if args.max_loss is None else args.max_loss
    gate(
        {n: c for n, (_, c) in changes.items()},
        allowed,
        args.quantize,
        "; use float16 or float32",
    )
    args.out.mkdir(parents=True, exist_ok=True)
    target = args.out / name
    staging = Path(tempfile.mkdtemp(prefix=f".{name}.", dir=args.out))
    staging.chmod(0o755)  # mkdtemp makes it private; the web server must read it
    extra: dict = {}
    try:
        export.export_graph_model(model, staging, args.quantize)
        if args.litert_tiles:
            extra["litert"] = write_litert(model, model_card, args.litert_tiles, staging, allowed)
        export.write_web_card(staging, {**model_card, **extra}, args.quantize, name)
        if STOP_ASKED.is_set():  # the handler's exception may have been swallowed (below)
            raise Stopped
        export.replace_folder(staging, target)
    finally:
        if staging.exists():
            shutil.rmtree(staging)
    export.update_index(args.out)
    size = export.folder_bytes(target)
    print(
        f"{name}: {args.quantize}, {size / 1e6:.2f} MB, PSNR {base:.2f} dB at sigma 25, "
        "change from Keras "
        + ", ".join(f"{c:+.3f} dB on {parity.NOISES[n]}" for n, (_, c) in changes.items())
        + f" -> {target}"
    )
    for entry in extra.get("litert", {}).get("files", []):
        print(
            f"  {entry['file']}: {entry['tile']}-px tiles, {entry['bytes'] / 1e6:.2f} MB, "
            f"change {entry['psnr_change_db']:+.3f} dB, {entry['parity_db']:.1f} dB from Keras"
        )
    return target


class Stopped(BaseException):
    """The process was asked to stop (SIGTERM). A BaseException, as KeyboardInterrupt is:
    raised from the signal handler it can land inside library code whose `except
    Exception` would turn it into another error (CI once saw inspect.getfullargspec, under
    Keras's tracing, report it as "TypeError: unsupported callable")."""


# Set by SIGTERM. The handler also raises, but an exception raised in a signal handler
# surfaces wherever Python happens to be, and some places drop it: a garbage-collection
# callback (JAX's _xla_gc_callback) prints "Exception ignored" and goes on. So the flag is
# checked once more before the model is published.
STOP_ASKED = threading.Event()


def _stop(signum: int, frame: object) -> None:
    STOP_ASKED.set()
    raise Stopped


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    # Python's default SIGTERM ends the process without unwinding, which left the staging
    # folder (.NAME.xxxx) beside the web models; raised as an exception, it is removed by
    # the same `finally` as any failure, and the models already there stay as they were.
    signal.signal(signal.SIGTERM, _stop)
    try:
        convert(args)
    except ConversionError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    except Stopped:
        print("error: stopped (SIGTERM); no half-written model was left", file=sys.stderr)
        return 143
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""Architecture candidates for the browser CPU, timed where they would run:
`python -m bench.candidates` rewrites docs/candidates.md, .json and .png.

    python -m bench.candidates                                   # ~2 min on 2 cores
    python -m bench.candidates --only fast --side 64 --reps 1 --out /tmp/x   # a smoke run

Why untrained: speed does not depend on the weights, and training each design to its
quality takes GPU time this comparison should first earn. Each candidate is built with
random weights, exported to the engine's CPU format (a dynamic-range int8 .tflite, what
LiteRT.js runs in Chromium and Firefox) at one input side, and timed in headless
Chromium with 2 WASM threads through bench.runtimes' harness: median of `--reps` runs
after a first one, in ms per megapixel of input. MAC counts alone mislead on XNNPack
(depthwise kernels, memory-bound layers), which is what this measures. The shipped
designs carry their trained CBSD68 sigma = 25 PSNR (from the shipped cards, by
architecture); a new design's column stays empty until it is trained (the other new
designs would first become presets in training/models/unet.py).
"""

from __future__ import annotations

import argparse
import functools
import json
import statistics
import time
from pathlib import Path

from training import card
from training.models.unet import PRESETS, UNetConfig

ROOT = Path(__file__).resolve().parents[1]
CACHE = ROOT / "runs/candidates"

# name -> (configuration, the idea it tries)
CANDIDATES: dict[str, tuple[UNetConfig, str]] = {
    "default": (
        PRESETS["default"],
        "photo's network (default's until session 22): 4 levels, 2 residual blocks each",
    ),
    "fast": (PRESETS["fast"], "shipped: narrower top level, 1 block each"),
    "half-res": (
        PRESETS["half-res"],
        "default's in session 22; FFDNet-like: nothing at full resolution but the head, "
        "the skip and the tail",
    ),
    "half-res-edge": (
        PRESETS["half-res-edge"],
        "default's since session 23: half-res with one full-resolution decoder block back, "
        "for hard edges and thin lines",
    ),
    "half-res-slim": (
        UNetConfig((16, 48, 96, 128), (0, 1, 2, 2)),
        "half resolution with fast's MAC budget, depth kept lower down",
    ),
    "separable": (
        UNetConfig((32, 64, 96, 128), (2, 2, 2, 2), block="separable"),
        "default's layout, depthwise 3x3 + pointwise 1x1 blocks",
    ),
    "separable-wide": (
        UNetConfig((40, 80, 128, 160), (2, 2, 2, 2), block="separable"),
        "separable blocks at 1.25x the width",
    ),
}


def build(name: str, side: int | None = None):  # noqa: ANN201 (a keras.Model)
    """The untrained candidate network, optionally with a fixed input side."""
    import keras

    from training.models.unet import build_unet

    keras.utils.set_random_seed(0)
    return build_unet(
        CANDIDATES[name][0], name=f"candidate_{name.replace('-', '_')}", input_size=side
    )


def export(name: str, side: int, cache: Path) -> Path:
    """The candidate's int8 .tflite for a `side` x `side` input (kept between runs)."""
    from converter import litert

    file = cache / name / litert.file_name(side)
    if not file.is_file():
        file.parent.mkdir(parents=True, exist_ok=True)
        loaded = litert.load_saved_model(litert.export_saved_model(build(name), file.parent))
        file.write_bytes(litert.tflite_bytes(loaded, side, litert.ENGINE_WEIGHTS))
    return file


def trained_psnr(name: str, models_dir: Path = ROOT / "models") -> float | None:
    """CBSD68 sigma = 25 of the design, trained on white noise, from the shipped cards.

    A design is found by the `architecture` its card names (a folder's name is the web
    model's, not the design's: `default` runs the `half-res` design since session 22), or
    by the `replaces` records a card keeps of the designs it took over from (each may keep
    the one before it), so a retired design keeps its trained point. Camera-noise models
    (`photo`) are left out: their white-noise PSNR is not what the design reaches on white
    noise."""
    for folder in sorted(models_dir.iterdir()):
        if not (folder / card.CARD_NAME).is_file():
            continue
        record = card.read_card(folder)
        if record.get("training", {}).get("noise", "gaussian") != "gaussian":
            continue
        while record:
            if record.get("architecture") == name:
                cbsd68 = record.get("evaluation", {}).get("CBSD68", {})
                return cbsd68.get("25", {}).get("psnr")
            record = record.get("replaces", {})
    return None


def measure(names: list[str], side: int, reps: int, cache: Path, log) -> list[dict]:  # noqa: ANN001
    """Time each candidate's .tflite in LiteRT.js (Chromium, 2 threads), taking turns."""
    from playwright.sync_api import sync_playwright

    from bench import runtimes
    from tests.conftest import CHROMIUM, CHROMIUM_FLAGS

    files = {n: export(n, side, cache) for n in names}
    rows = {}
    for n in names:
        probe = build(n, side=64)
        rows[n] = {
            "name": n,
            "idea": CANDIDATES[n][1],
            "config": {**vars(CANDIDATES[n][0])},
            "parameters": probe.count_params(),
            "macs_per_pixel": round(card.model_macs_per_pixel(probe)),
            "tflite_bytes": files[n].stat().st_size,
            "cbsd68_sigma25": trained_psnr(n),
            "ms": [],
        }
    payload = runtimes.encode(runtimes.card_input(side))
    server = runtimes.Server(cache)
    try:
        with sync_playwright() as playwright:
            chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
            pages = {}
            for n in names:
                page = runtimes.open_page(chromium, server.base)
                url = f"{server.base}/converted/{n}/{files[n].name}"
                page.evaluate(
                    "o => window.rt.load(o)", {"runtime": "litert", "url": url, "threads": 2}
                )
                page.evaluate("([b, s]) => window.rt.setInput(b, s)", [payload, [1, side, side, 4]])
                rows[n]["first_run_ms"] = round(page.evaluate("() => window.rt.run(false)")["ms"])
                pages[n] = page
            for rep in range(reps):
                order = names[rep % len(names) :] + names[: rep % len(names)]
                for n in order:
                    rows[n]["ms"].append(
                        round(pages[n].evaluate("() => window.rt.run(false)")["ms"], 1)
                    )
            chromium.close()
    finally:
        server.close()
    for row in rows.values():
        row["median_ms"] = statistics.median(row["ms"])
        row["ms_per_mp"] = round(row["median_ms"] / (side * side / 1e6))
        log(f"  {row['name']}: {row['macs_per_pixel']:,} MAC/px, {row['ms_per_mp']:,} ms/MP")
    return list(rows.values())


def markdown(result: dict) -> str:
    side = result["side"]
    default = next((r for r in result["rows"] if r["name"] == "default"), None)
    lines = [
        "# Architecture candidates for the browser CPU",
        "",
        f"Measured {result['date']} on this 2-core machine, one run of `python -m bench.candidates`"
        f" ({result['seconds']} s): each design untrained, as the engine's int8 `.tflite`,"
        f" a {side}x{side} input (a {side - 64}-px tile with 32 px of context) in LiteRT.js with 2"
        f" WASM threads in headless Chromium, median of {result['reps']} runs taking turns."
        " ms/MP is per input pixel. PSNR: CBSD68 σ = 25 of the design trained on white"
        " noise, from the shipped cards (a card's `replaces` record keeps a retired design's;"
        " empty: not trained yet). Raw numbers: candidates.json.",
        "",
        "![left: ms/MP against MAC/pixel, every design; right: PSNR against ms/MP, trained designs](candidates.png)",
        "",
        "| design | idea | parameters | MAC/pixel | .tflite | ms/MP | vs default | PSNR σ25 |",
        "|---|---|---:|---:|---:|---:|---:|---:|",
    ]
    for r in result["rows"]:
        speed = f"{default['ms_per_mp'] / r['ms_per_mp']:.2f}×" if default else "–"
        psnr = f"{r['cbsd68_sigma25']:.2f}" if r["cbsd68_sigma25"] else ""
        lines.append(
            f"| `{r['name']}` | {r['idea']} | {r['parameters'] / 1e6:.2f} M | "
            f"{r['macs_per_pixel'] / 1e3:.0f} k | {r['tflite_bytes'] / 1e6:.2f} MB | "
            f"{r['ms_per_mp']:,} | {speed} | {psnr} |"
        )
    return "\n".join(lines) + "\n"


def plot(result: dict, path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, (ax, ax_psnr) = plt.subplots(1, 2, figsize=(12, 4.5))
    for r in result["rows"]:
        trained = r["cbsd68_sigma25"] is not None
        ax.scatter(r["macs_per_pixel"] / 1e3, r["ms_per_mp"], color="C0" if trained else "C1")
        label = r["name"] + (f" ({r['cbsd68_sigma25']:.2f} dB)" if trained else " (untrained)")
        ax.annotate(label, (r["macs_per_pixel"] / 1e3, r["ms_per_mp"]), fontsize=8,
                    xytext=(4, 4), textcoords="offset points")  # fmt: skip
        if trained:
            ax_psnr.scatter(r["ms_per_mp"], r["cbsd68_sigma25"], color="C0")
            ax_psnr.annotate(r["name"], (r["ms_per_mp"], r["cbsd68_sigma25"]), fontsize=8,
                             xytext=(4, 4), textcoords="offset points")  # fmt: skip
    ax.set_xlabel("multiply-adds per pixel (thousands)")
    ax.set_ylabel("ms per megapixel of input, LiteRT.js int8, 2 threads")
    ax.set_title("Browser CPU speed against MACs (all designs)")
    ax.grid(alpha=0.3)
    ax_psnr.set_xlabel("ms per megapixel of input, LiteRT.js int8, 2 threads (lower: faster)")
    ax_psnr.set_ylabel("CBSD68 sigma = 25 PSNR (dB), trained on white noise")
    ax_psnr.set_title("Quality against speed (trained designs)")
    ax_psnr.grid(alpha=0.3)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="python -m bench.candidates", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)  # fmt: skip
    p.add_argument("--only", nargs="+", choices=list(CANDIDATES), default=list(CANDIDATES))
    p.add_argument("--side", type=int, default=576, help="input side (a multiple of 8)")
    p.add_argument("--reps", type=int, default=5)
    p.add_argument("--out", type=Path, default=ROOT / "docs")
    p.add_argument("--cache", type=Path, default=CACHE)
    return p.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.side % 8:
        raise SystemExit(f"error: --side {args.side}: not a multiple of 8")
    log = functools.partial(print, flush=True)
    start = time.time()
    rows = measure(args.only, args.side, args.reps, args.cache, log)
    result = {
        "command": "python -m bench.candidates",
        "date": time.strftime("%Y-%m-%d"),
        "side": args.side,
        "reps": args.reps,
        "seconds": round(time.time() - start),
        "rows": rows,
    }
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "candidates.json").write_text(json.dumps(result, indent=1) + "\n")
    (args.out / "candidates.md").write_text(markdown(result))
    plot(result, args.out / "candidates.png")
    log(f"wrote {args.out / 'candidates.md'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

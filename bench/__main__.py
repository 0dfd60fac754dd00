"""Speed and quality side by side, in one run: `python -m bench` rewrites docs/benchmarks.md.

    python -m bench            # everything (~30 min on 2 cores): docs/benchmarks.md + .png + .json
    python -m bench --quick    # a two-minute subset (fast model, WASM, 1 and 4 MP, no peer),
                               # written to runs/bench-quick/ unless --out says otherwise

Sections: our engine in headless Chromium per model, backend and thread count at 0.25,
1, 4 and 12 MP (warm-up apart, peak tensor memory, the tab's memory); the same models
in native TensorFlow; CBM3D; the UpscalerJS MAXIM denoiser in the same browser; PSNR
at sigma 25 on the same noisy crops; published numbers of the classic methods. Needs
the built page (`make build`) and, for the peer, `npm ci` in bench/peer.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import time
from pathlib import Path

import numpy as np

from bench import browser, native, report
from converter import WEB_MODELS
from training import card
from training.data import DEFAULT_VAL_DIR, image_files
from training.evaluate import read_clean
from training.metrics import psnr_uint8, to_uint8
from training.noise import seeded_gaussian_noise

ROOT = Path(__file__).resolve().parents[1]
PEER_ASSETS = browser.PEER / "node_modules/@upscalerjs/maxim-denoising/assets"
# The quality crops: side, and megapixels (the peer takes about a minute per crop on one
# WASM thread, so they stay small).
CROP = 256
CROP_MP = CROP * CROP / 1e6


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(
        prog="python -m bench",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("--quick", action="store_true", help="the two-minute subset")
    p.add_argument("--out", type=Path, default=None, help="folder for benchmarks.md/.png/.json")
    p.add_argument("--crops", type=int, default=3, help="256x256 crops for the quality table")
    p.add_argument(
        "--cap",
        type=float,
        default=300.0,
        help="skip a size whose time, projected from the last size, passes this (seconds)",
    )
    p.add_argument("--no-peer", action="store_true", help="leave UpscalerJS out")
    args = p.parse_args(argv)
    args.out = args.out or (ROOT / "runs/bench-quick" if args.quick else ROOT / "docs")
    return args


def cpu_name() -> str:
    """The CPU model as /proc/cpuinfo names it (else the architecture)."""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.machine()


def quality_crops(count: int) -> tuple[str, list[np.ndarray], list[np.ndarray]]:
    """(source, clean crops, noisy uint8 crops): 256x256 centre crops of CBSD68 when
    it is there, else generated pictures; float noise at sigma 25, seeded per image,
    then clipped and rounded (an 8-bit file is what every method gets)."""
    files = image_files(DEFAULT_VAL_DIR)[:count] if DEFAULT_VAL_DIR.is_dir() else []
    cleans, names = [], []
    for path in files:
        cleans.append(read_clean(path, "rgb", crop=CROP))
        names.append(path.name)
    source = f"CBSD68 ({', '.join(names)}), centre {CROP}×{CROP}"
    if not cleans:
        source = f"generated pictures (CBSD68 not found), {CROP}×{CROP}"
        for seed in range(count):
            cleans.append(to_uint8(native.sample_image(CROP, CROP, seed, sigma=0.0)))
            names.append(f"generated{seed}")
    noisy = [
        to_uint8(seeded_gaussian_noise(c / 255.0, 25.0, name))
        for c, name in zip(cleans, names, strict=True)
    ]
    return source, cleans, noisy


def mean_psnr(cleans: list[np.ndarray], outputs: list[np.ndarray]) -> float:
    return round(
        float(np.mean([psnr_uint8(c, o) for c, o in zip(cleans, outputs, strict=True)])), 2
    )


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    started = time.perf_counter()
    cores = os.cpu_count() or 1
    log = lambda text: print(text, flush=True)  # noqa: E731
    models = ["fast"] if args.quick else ["default", "fast"]
    sizes = [1.0, 4.0] if args.quick else [0.25, 1.0, 4.0, 12.0]
    engines = (
        [("wasm", None)]
        if args.quick
        else [("litert-wasm", None), ("wasm", None), ("wasm", 1), ("webgl", None), ("cpu", None)]
    )
    results: dict = {
        "machine": f"{cpu_name()}, {cores} cores, no GPU",
        "command": "python -m bench" + (" --quick" if args.quick else ""),
        "date": time.strftime("%Y-%m-%d"),
        "sizes_mp": sizes,
        "browser": [],
        "native": [],
    }
    source, cleans, noisy = quality_crops(1 if args.quick else args.crops)
    results["quality"] = {"source": source, "sigma": 25, "methods": {}}
    quality = results["quality"]["methods"]

    log("native TensorFlow")
    for model in models:
        results["native"].append(native.time_native(ROOT / "models" / model, sizes, log))
    log("CBM3D")
    # --quick times CBM3D on a 1/16 MP card (8 s here; 0.25 MP took 27 s of the
    # subset's two minutes): the speed per MP, not its size dependence, is what it reports.
    results["cbm3d"] = native.time_cbm3d([0.0625] if args.quick else sizes[:2], log)
    import bm3d

    start = time.perf_counter()
    cbm3d_out = [to_uint8(bm3d.bm3d_rgb(n / 255.0, 25 / 255)) for n in noisy]
    quality["CBM3D"] = {
        "psnr": mean_psnr(cleans, cbm3d_out),
        "ms_per_mp": round((time.perf_counter() - start) * 1000 / (len(noisy) * CROP_MP)),
        "where": "Python (bm3d), CPU",
        "bytes": None,
    }

    chromium = browser.Browser()
    try:
        log("browser: our engine")
        for model in models:
            for backend, threads in engines:
                cap = args.cap if backend == "wasm" else min(args.cap, 120.0)
                slow = backend in ("webgl", "cpu")
                results["browser"].append(
                    browser.time_engine(
                        chromium, model, backend, threads, sizes, cap, log, probe=slow
                    )
                )
            outputs, ms_per_mp = browser.denoise_crops(chromium, model, noisy)
            model_bytes = json.loads((WEB_MODELS / model / "denoiser.json").read_text())["bytes"]
            quality[f"ours: {model}"] = {
                "psnr": mean_psnr(cleans, outputs),
                "ms_per_mp": round(ms_per_mp),
                "where": f"Chromium, WASM ×{cores}",
                "bytes": model_bytes,
            }
        if not (args.quick or args.no_peer):
            log("browser: UpscalerJS + MAXIM denoising (peer)")
            results["peer"] = run_peer(chromium, cores, cleans, noisy, quality, log)
    finally:
        chromium.close()

    results["wall_minutes"] = round((time.perf_counter() - started) / 60, 1)
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "benchmarks.json").write_text(json.dumps(results, indent=1) + "\n")
    report.plot(results, args.out / "benchmarks.png")
    cards = {m: card.read_card(ROOT / "models" / m) for m in ("default", "fast")}
    page = args.out / "benchmarks.md"
    page.write_text(report.markdown(results, cards, page))
    log(f"wrote {args.out / 'benchmarks.md'} in {results['wall_minutes']} min")
    return 0


def run_peer(
    chromium: browser.Browser,
    cores: int,
    cleans: list[np.ndarray],
    noisy: list[np.ndarray],
    quality: dict,
    log,  # noqa: ANN001
) -> dict:
    """UpscalerJS on its own fixture first (warm-up, and the check that the Einsum
    kernel reproduces the package's result), then on the crops."""
    if not (browser.PEER / "node_modules/upscaler").is_dir():
        raise SystemExit("error: the peer is not installed: run `npm ci` in bench/peer")
    fixture = read_clean(PEER_ASSETS / "fixture.png", "rgb")
    expected = read_clean(PEER_ASSETS / "result.png", "rgb")
    run = browser.peer_crops(chromium, cores, [fixture, *noisy], log)
    model_dir = browser.PEER / "node_modules/@upscalerjs/maxim-denoising/models"
    model_bytes = sum(f.stat().st_size for f in model_dir.iterdir())
    crop_ms = run["ms"][1:]
    quality["UpscalerJS MAXIM"] = {
        "psnr": mean_psnr(cleans, run["outputs"][1:]),
        "ms_per_mp": round(float(np.mean(crop_ms)) / CROP_MP),
        "where": f"Chromium, WASM ×{run['threads']} (+ Einsum kernel)",
        "bytes": model_bytes,
    }
    return {
        "backend": run["backend"],
        "threads": run["threads"],
        "load_ms": round(run["loadMs"]),
        "first_run_ms": round(run["ms"][0]),
        "fixture_psnr_vs_package_result": round(psnr_uint8(expected, run["outputs"][0]), 2),
        "crop_ms": [round(ms) for ms in crop_ms],
        "model_bytes": model_bytes,
    }


if __name__ == "__main__":
    raise SystemExit(main())

"""Three CPU runtimes, one network, one run: `python -m bench.runtimes` rewrites
docs/runtimes.md and docs/runtimes.json.

    python -m bench.runtimes                         # default and fast, 256-, 512-, 1024-px tiles
    python -m bench.runtimes --models fast --tiles 64 --reps 1 --out /tmp/x   # a smoke run

The same Keras model (models/NAME/model.keras), the same input tiles, in one headless
Chromium (WASM with SIMD and 2 threads everywhere):

- TF.js 4.22 WASM backend, what the engine runs today: the shipped web model (uint8
  weights, webapp/static/models/NAME/) and the same model converted at float32;
- LiteRT.js (@litertjs/core, XNNPack in WASM): .tflite from the model's SavedModel
  export, float32, float16 weights and dynamic-range int8 weights;
- onnxruntime-web, WASM execution provider: .onnx from the same SavedModel (tf2onnx).

Each runtime has its own page (its own WASM memory, measured as the size of the WASM
memories it made); the runs alternate between them, several rounds in a rotating order,
and the median is reported, so that other work on the machine hits every runtime alike.
Parity: PSNR of each runtime's output against Keras's on the same input (both clipped
to [0, 1]); a runtime counts only at 45 dB or more.

Needs the .venv (requirements.txt: TensorFlow, tensorflowjs, and tf2onnx + onnx for the
.onnx export), `npm ci` in bench/runtimes (`make bench-runtimes` does both) and Debian's
chromium. Conversions are cached in runs/runtimes/ by the Keras file's hash.
"""

from __future__ import annotations

import argparse
import base64
import functools
import hashlib
import http.server
import json
import os
import platform
import statistics
import threading
import time
from pathlib import Path

import numpy as np

from converter import WEB_MODELS

ROOT = Path(__file__).resolve().parents[1]
HARNESS = Path(__file__).resolve().parent / "runtimes"
NODE_MODULES = HARNESS / "node_modules"
CACHE = ROOT / "runs/runtimes"
PARITY_DB = 45.0
WIN_FACTOR = 1.5
SIGMA = 25.0

# name -> (runtime in harness.js, file served for it, what it is)
VARIANTS = {
    "tfjs": ("tfjs", "shipped", "TF.js 4.22 WASM, shipped web model (uint8 weights)"),
    "tfjs-f32": ("tfjs", "tfjs-f32/model.json", "TF.js 4.22 WASM, float32 web model"),
    "litert-f32": ("litert", "model-f32-{tile}.tflite", "LiteRT.js WASM, float32 .tflite"),
    "litert-fp16": ("litert", "model-fp16-{tile}.tflite", "LiteRT.js WASM, float16 weights"),
    "litert-dr8": (
        "litert",
        "model-dr8-{tile}.tflite",
        "LiteRT.js WASM, dynamic-range int8 weights (XNNPack's int8 kernels)",
    ),
    "ort": ("ort", "model.onnx", "onnxruntime-web WASM EP, float32 .onnx"),
}
BASELINE = "tfjs"


# ---------------------------------------------------------------- conversions (Python)


def keras_hash(name: str) -> str:
    return hashlib.sha256((ROOT / "models" / name / "model.keras").read_bytes()).hexdigest()[:12]


def load_keras(name: str):  # noqa: ANN201 (a keras.Model)
    import keras

    import training.models  # noqa: F401  (registers the custom layers)

    return keras.saving.load_model(ROOT / "models" / name / "model.keras")


def export_all(name: str, model, cache: Path, tiles: list[int], log) -> tuple[Path, dict]:  # noqa: ANN001
    """Every converted form of models/NAME into cache/NAME-HASH/ (kept between runs):
    (folder, {variant: why it could not be converted}). LiteRT.js needs static shapes
    (a .tflite with [1, -1, -1, 4] is refused at run time), so there is one .tflite per
    tile; the .onnx and the TF.js model take any size."""
    from converter import litert

    folder = cache / f"{name}-{keras_hash(name)}"
    folder.mkdir(parents=True, exist_ok=True)
    errors: dict[str, str] = {}
    loaded = litert.load_saved_model(litert.export_saved_model(model, folder))
    for tile in tiles:
        for suffix in litert.WEIGHTS:
            file = folder / f"model-{suffix}-{tile}.tflite"
            if file.is_file():
                continue
            try:
                file.write_bytes(litert.tflite_bytes(loaded, tile, suffix))
                log(f"  {name}: wrote {file.name}")
            except Exception as error:  # the converter raises many types
                errors[f"litert-{suffix}"] = f"tflite conversion failed: {error}"
    if not (folder / "model.onnx").is_file():
        try:
            import tf2onnx

            serve = litert.serving(loaded, [1, None, None, 4])
            tf2onnx.convert.from_function(
                serve, input_signature=serve.input_signature, opset=17,
                output_path=str(folder / "model.onnx"),
            )  # fmt: skip
            log(f"  {name}: wrote model.onnx")
        except Exception as error:  # ImportError included: tf2onnx is a bench-only tool
            errors["ort"] = f"ONNX export failed: {type(error).__name__}: {error}"
    if not (folder / "tfjs-f32/model.json").is_file():
        from converter.export import export_graph_model

        (folder / "tfjs-f32").mkdir(exist_ok=True)
        export_graph_model(model, folder / "tfjs-f32", "float32")
        log(f"  {name}: wrote tfjs-f32/")
    return folder, errors


def card_input(tile: int, seed: int = 0) -> np.ndarray:
    """[1, tile, tile, 4]: a noisy test card (gradients, edges, texture; sigma 25, as a
    decoded 8-bit file would give it) and the strength map sigma/255."""
    rng = np.random.default_rng(seed)
    y, x = np.mgrid[0:tile, 0:tile].astype(np.float32)
    clean = np.stack(
        [0.3 + 0.4 * x / tile, 0.25 + 0.5 * y / tile, 0.4 + 0.2 * np.sin(x / 7)], axis=-1
    )
    clean += 0.15 * ((((x // 32) + (y // 32)) % 2)[..., None])
    noisy = np.round(np.clip(clean + rng.normal(0, SIGMA / 255, clean.shape), 0, 1) * 255) / 255
    strength = np.full((tile, tile, 1), SIGMA / 255)
    return np.concatenate([noisy, strength], axis=-1)[None].astype(np.float32)


def psnr(a: np.ndarray, b: np.ndarray) -> float:
    mse = float(np.mean((np.clip(a, 0, 1) - np.clip(b, 0, 1)) ** 2, dtype=np.float64))
    return float("inf") if mse == 0 else 10 * np.log10(1 / mse)


QUALITY_SIGMAS = (15.0, 25.0, 50.0)


def quality_inputs(tile: int, count: int = 4) -> list[tuple[str, float, np.ndarray, np.ndarray]]:
    """(image name, sigma, clean uint8 [T, T, 3], input [1, T, T, 4]): centre crops of
    CBSD68's first images (seeded generated images where the data set is absent, as in
    the converter's parity check), seeded Gaussian noise rounded to 8 bits as a file
    would be; empty when the images are smaller than the tile."""
    from converter.parity import parity_images
    from training.noise import seeded_gaussian_noise

    out = []
    for name, clean in parity_images(8, count=count, size=tile):
        if clean.shape[:2] != (tile, tile):
            return []
        for sigma in QUALITY_SIGMAS:
            noisy = seeded_gaussian_noise(clean / 255.0, sigma, name)
            noisy = np.round(np.clip(noisy, 0, 1) * 255) / 255
            strength = np.full((tile, tile, 1), sigma / 255)
            x = np.concatenate([noisy, strength], axis=-1)[None].astype(np.float32)
            out.append((name, sigma, clean, x))
    return out


# ---------------------------------------------------------------- the static server


class Server:
    """Serves the harness, its node_modules and the models on loopback, cross-origin
    isolated (COOP + COEP), which WASM threads need."""

    def __init__(self, cache: Path) -> None:
        routes = {
            "/node_modules/": NODE_MODULES,
            "/shipped/": WEB_MODELS,
            "/converted/": cache,
            "/": HARNESS,
        }
        types = {".wasm": "application/wasm", ".js": "text/javascript", ".mjs": "text/javascript",
                 ".json": "application/json", ".html": "text/html"}  # fmt: skip

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 (the base class's name)
                path = self.path.split("?")[0]
                for prefix, root in routes.items():
                    if path.startswith(prefix):
                        file = (root / path.removeprefix(prefix)).resolve()
                        break
                if not (file.is_file() and root.resolve() in file.parents):
                    self.send_error(404)
                    return
                body = file.read_bytes()
                self.send_response(200)
                self.send_header("Content-Type", types.get(file.suffix, "application/octet-stream"))
                self.send_header("Content-Length", str(len(body)))
                self.send_header("Cross-Origin-Opener-Policy", "same-origin")
                self.send_header("Cross-Origin-Embedder-Policy", "require-corp")
                self.send_header("Cross-Origin-Resource-Policy", "same-origin")
                self.send_header("Cache-Control", "no-store")
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: object) -> None:
                pass

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.base = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


# ---------------------------------------------------------------- the browser side


def encode(array: np.ndarray) -> str:
    return base64.b64encode(np.ascontiguousarray(array, np.float32).tobytes()).decode()


def decode(text: str, shape: tuple[int, ...]) -> np.ndarray:
    return np.frombuffer(base64.b64decode(text), np.float32).reshape(shape)


def open_page(chromium, base: str):  # noqa: ANN001, ANN201
    """A fresh context + harness page (one per runtime: its own WASM memory)."""
    context = chromium.new_context()
    page = context.new_page()
    page.goto(f"{base}/harness.html")
    page.wait_for_function("window.rtReady === true", timeout=60_000)
    page.set_default_timeout(600_000)
    return page


def model_bytes(name: str, folder: Path, variant: str, tile: int) -> int:
    """What the page downloads for the network (model.json + weights, or the one file)."""
    file = VARIANTS[variant][1].format(tile=tile)
    if file == "shipped":
        files = [p for p in (WEB_MODELS / name).iterdir() if p.name != "denoiser.json"]
    elif file.endswith("model.json"):
        files = list((folder / file).parent.iterdir())
    else:
        files = [folder / file]
    return sum(p.stat().st_size for p in files)


def first_line(error: Exception) -> str:
    return str(error).splitlines()[0][:300]


def measure_model(chromium, base: str, name: str, folder: Path, skipped: dict, args, log) -> dict:  # noqa: ANN001
    """Every variant of one model: load, then per tile a first run (kept for parity)
    and args.reps rounds of one run each, alternating between the runtimes. A runtime
    whose file is per tile (LiteRT.js) loads again at each tile."""
    import keras

    model = load_keras(name)
    pages, rows = {}, {}
    for variant in args.variants:
        if variant in skipped:
            rows[variant] = {"error": skipped[variant]}
        else:
            pages[variant] = open_page(chromium, base)
            rows[variant] = {"tiles": {}}

    def url(variant: str, tile: int) -> str:
        file = VARIANTS[variant][1].format(tile=tile)
        if file == "shipped":
            return f"{base}/shipped/{name}/model.json"
        return f"{base}/converted/{folder.name}/{file}"

    loaded_url: dict[str, str] = {}
    for tile in args.tiles:
        x = card_input(tile)
        reference = np.asarray(model(keras.ops.convert_to_tensor(x), training=False))
        payload = encode(x)
        for variant, page in list(pages.items()):
            row = rows[variant]
            cell = row["tiles"].setdefault(str(tile), {})
            try:
                if loaded_url.get(variant) != url(variant, tile):
                    loaded = page.evaluate(
                        "o => window.rt.load(o)",
                        {"runtime": VARIANTS[variant][0], "url": url(variant, tile),
                         "threads": args.threads},
                    )  # fmt: skip
                    cell["load_ms"] = round(loaded.pop("loadMs"))
                    cell["model_bytes"] = model_bytes(name, folder, variant, tile)
                    row.update(loaded)
                    row.setdefault("load_ms", cell["load_ms"])
                    loaded_url[variant] = url(variant, tile)
                    log(
                        f"  {name} {variant}: {loaded['name']} x{loaded['threads']}, "
                        f"load {cell['load_ms']} ms ({url(variant, tile).rsplit('/', 1)[1]})"
                    )
                page.evaluate("([b, s]) => window.rt.setInput(b, s)", [payload, list(x.shape)])
                result = page.evaluate("() => window.rt.run(true)")
                output = decode(result["pixels"], reference.shape)
                cell["first_run_ms"] = round(result["ms"], 1)
                cell["parity_db"] = round(psnr(output, reference), 2)
                cell["max_abs_error"] = float(np.max(np.abs(output - reference)))
                row.setdefault("first_run_ms", cell["first_run_ms"])
                cell["ms"] = []
            except Exception as error:  # a runtime that fails is reported, not fatal
                cell["error"] = f"failed: {first_line(error)}"
                log(f"  {name} {variant} {tile}: {cell['error']}")
                pages.pop(variant).context.close()
        order = list(pages)
        for rep in range(args.reps):
            shift = rep % max(1, len(order))
            for variant in order[shift:] + order[:shift]:
                time.sleep(args.pause)
                result = pages[variant].evaluate("() => window.rt.run(false)")
                rows[variant]["tiles"][str(tile)]["ms"].append(round(result["ms"], 1))
        if tile == args.tiles[0]:
            measure_quality(model, pages, rows, tile, log)
        for variant, page in pages.items():
            cell = rows[variant]["tiles"][str(tile)]
            cell["median_ms"] = round(statistics.median(cell["ms"]), 1) if cell["ms"] else None
            cell["ms_per_mp"] = (
                round(cell["median_ms"] / (tile * tile / 1e6)) if cell["median_ms"] else None
            )
            cell["wasm_heap_mb"] = round(page.evaluate("() => window.rt.heapBytes()") / 1e6, 1)
            log(
                f"  {name} {variant} {tile}px: median {cell['median_ms']} ms "
                f"({cell['ms_per_mp']} ms/MP), first {cell['first_run_ms']} ms, "
                f"parity {cell['parity_db']} dB, heap {cell['wasm_heap_mb']} MB"
            )
    for page in pages.values():
        page.context.close()
    return {"model": name, "converted": folder.name, "variants": rows}


def measure_quality(model, pages: dict, rows: dict, tile: int, log) -> None:  # noqa: ANN001
    """Parity and quality on real photo crops at three noise levels: each runtime's
    output against Keras's (PSNR) and against the clean image (the evaluation's uint8
    PSNR), the latter as a change from Keras's own score."""
    import keras

    from training.metrics import psnr_uint8, to_uint8

    inputs = quality_inputs(tile)
    if not inputs:
        return
    references = [
        np.asarray(model(keras.ops.convert_to_tensor(x), training=False)) for *_, x in inputs
    ]
    keras_scores = [
        psnr_uint8(clean, to_uint8(ref[0]))
        for (_, _, clean, _), ref in zip(inputs, references, strict=True)
    ]
    for variant, page in pages.items():
        parity, change = [], {sigma: [] for sigma in QUALITY_SIGMAS}
        for (_, sigma, clean, x), reference, score in zip(
            inputs, references, keras_scores, strict=True
        ):
            page.evaluate("([b, s]) => window.rt.setInput(b, s)", [encode(x), list(x.shape)])
            output = decode(page.evaluate("() => window.rt.run(true)")["pixels"], reference.shape)
            parity.append(psnr(output, reference))
            change[sigma].append(psnr_uint8(clean, to_uint8(output[0])) - score)
        rows[variant]["quality"] = {
            "tile": tile,
            "images": len(inputs) // len(QUALITY_SIGMAS),
            "parity_db_min": round(min(parity), 2),
            "parity_db_mean": round(float(np.mean(parity)), 2),
            "psnr_change_db": {f"{s:g}": round(float(np.mean(v)), 3) for s, v in change.items()},
            "keras_psnr_db": {
                f"{s:g}": round(
                    float(
                        np.mean(
                            [
                                k
                                for (_, sg, _, _), k in zip(inputs, keras_scores, strict=True)
                                if sg == s
                            ]
                        )
                    ),
                    2,
                )
                for s in QUALITY_SIGMAS
            },
        }
        q = rows[variant]["quality"]
        log(
            f"  {variant} on photos: parity min {q['parity_db_min']} dB, change {q['psnr_change_db']}"
        )


# ---------------------------------------------------------------- verdict and report


def verdict(result: dict, model: str = "default") -> dict:
    """Per tile: TF.js's median, the fastest other runtime at parity, the factor."""
    rows = next((m["variants"] for m in result["models"] if m["model"] == model), None)
    if rows is None or BASELINE not in rows or "tiles" not in rows[BASELINE]:
        return {}
    out = {}
    for tile, base_cell in rows[BASELINE]["tiles"].items():
        base_ms = base_cell.get("median_ms")
        candidates = []
        for variant, row in rows.items():
            cell = row.get("tiles", {}).get(tile, {})
            if VARIANTS[variant][0] == "tfjs" or not cell.get("median_ms"):
                continue
            quality = row.get("quality", {}).get("parity_db_min", float("inf"))
            if min(cell.get("parity_db", 0), quality) >= PARITY_DB:
                candidates.append((base_ms / cell["median_ms"], variant))
        best = max(candidates, default=None)
        out[tile] = {
            "tfjs_ms": base_ms,
            "best": best[1] if best else None,
            "factor": round(best[0], 2) if best else None,
            "wins": bool(best and best[0] >= WIN_FACTOR),
        }
    return out


FLOAT_VARIANTS = ("litert-f32", "litert-fp16", "ort")


def float_factors(result: dict, model: str = "default") -> dict[str, float]:
    """Per tile: the best speed-up over TF.js among the float-weight runtimes at parity."""
    rows = next((m["variants"] for m in result["models"] if m["model"] == model), {})
    out = {}
    for tile, base in rows.get(BASELINE, {}).get("tiles", {}).items():
        factors = [
            base["median_ms"] / cell["median_ms"]
            for v in FLOAT_VARIANTS
            if (cell := rows.get(v, {}).get("tiles", {}).get(tile, {})).get("median_ms")
            and cell.get("parity_db", 0) >= PARITY_DB
        ]
        if factors and base.get("median_ms"):
            out[tile] = max(factors)
    return out


def fmt(value: float | None, digits: int = 0) -> str:
    if value is None:
        return "–"
    if value == float("inf"):
        return "∞"
    return f"{value:,.{digits}f}"


def markdown(result: dict) -> str:
    env = result["environment"]
    lines = [
        f"Measured {env['date']} on {env['cpu']}, **{env['cores']} cores shared with other work** "
        f"(load average {env['load_average'][0]:.2f} at the start), no GPU, in one headless Chromium ({env['chromium']}), "
        f"{result['reps']} rounds per tile; {result['seconds'] / 60:.1f} min. Raw numbers: "
        "runtimes.json.",
        "",
        "## What was measured",
        "",
        "The same Keras model (`models/NAME/model.keras`) on the same input tile, through:",
        "",
    ]
    for variant in result["variants"]:
        lines.append(f"- `{variant}`: {VARIANTS[variant][2]}")
    lines += [
        "",
        "Every runtime runs WASM with SIMD and "
        f"{result['threads']} threads (TF.js: `setThreadsCount`; LiteRT.js: its threaded build, "
        "`cpuOptions.numThreads`; onnxruntime-web: `env.wasm.numThreads`), in its own page of "
        "one Chromium, cross-origin isolated. The input is float32 `[1, T, T, 4]`: a noisy "
        f"test card (σ = {SIGMA:g}, rounded to 8 bits) plus the strength map σ/255; T is the "
        "tile **including** the context the engine adds on each side, so ms/MP is per input "
        "pixel (the engine's useful pixels per tile are fewer: T − 2 × context). A run is input "
        "array in → output array out, what the engine does per tile.",
        "",
        "- **model**: the bytes the page fetches for the network (model.json + weights, or "
        "the one file). Each runtime's own code comes on top: "
        + ", ".join(f"{k} {v / 1e6:.1f} MB" for k, v in env.get("runtime_bytes", {}).items())
        + " (the threaded SIMD WASM binary each one loaded here, uncompressed).",
        "- **load ms**: fetching and compiling the model (at the first tile with the runtime's "
        "start); LiteRT.js loads again at each tile (one .tflite per tile); – where the model "
        "loaded at the first tile serves the next.",
        "- **first run**: the first inference after loading the model (the runtime plans its "
        "kernels, grows its heap); at the second tile size it is the first run at that size.",
        f"- **median ms/MP**: the median of {result['reps']} runs per tile after the first; the "
        "runtimes take turns (one run each per round, the order rotating every round, "
        f"{result['pause']:g} s apart), so load from other work falls on all of them alike. "
        "Min–max in brackets.",
        "- **WASM heap**: the size of the WebAssembly memories the runtime's page made, after "
        "the tile's runs. A WASM memory never shrinks, so this is the runtime's peak heap "
        "(weights, activations, scratch) up to then; JS-side copies are not in it.",
        f"- **parity**: PSNR of the runtime's output against Keras (TensorFlow, float32) on "
        f"the same input, both clipped to [0, 1]; a runtime counts at ≥ {PARITY_DB:g} dB.",
        "",
        "## Results",
        "",
        "| model | runtime | tile | model | load ms | first run ms | median ms/MP | vs TF.js "
        "| WASM heap | parity |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for model in result["models"]:
        rows = model["variants"]
        for tile in result["tiles"]:
            base = rows.get(BASELINE, {}).get("tiles", {}).get(str(tile), {}).get("median_ms")
            for variant in result["variants"]:
                row = rows.get(variant, {})
                if "error" in row:
                    if tile == result["tiles"][0]:
                        lines.append(
                            f"| {model['model']} | `{variant}` | – | {row['error']} ||||||"
                        )
                    continue
                cell = row["tiles"].get(str(tile), {})
                if "error" in cell or not cell.get("ms"):
                    lines.append(
                        f"| {model['model']} | `{variant}` | {tile} | "
                        f"{cell.get('error', 'not run')} |||||||"
                    )
                    continue
                mp = tile * tile / 1e6
                spread = f"({min(cell['ms']) / mp:,.0f}–{max(cell['ms']) / mp:,.0f})"
                factor = base / cell["median_ms"] if base else None
                size = f"{cell['model_bytes'] / 1e6:.1f} MB" if cell.get("model_bytes") else "–"
                parity = cell["parity_db"]
                parity_text = f"{fmt(parity, 1)} dB" + ("" if parity >= PARITY_DB else " ✗")
                lines.append(
                    f"| {model['model']} | `{variant}` | {tile} | "
                    f"{size} | {fmt(cell.get('load_ms'))} | {fmt(cell['first_run_ms'])} | "
                    f"{fmt(cell['ms_per_mp'])} {spread} | "
                    f"{'–' if factor is None else f'{factor:.2f}×'} | "
                    f"{fmt(cell['wasm_heap_mb'])} MB | {parity_text} |"
                )
    lines += [
        "",
        "vs TF.js: TF.js's (shipped model) median time ÷ this runtime's, at the same tile; "
        "above 1 is faster than what the engine runs today. ✗: below the parity bar, does not count.",
        "",
    ]
    lines += quality_table(result)
    lines += ["## Conclusion", ""]
    lines += conclusion_lines(result)
    return "\n".join(lines) + "\n"


def quality_table(result: dict) -> list[str]:
    rows = [
        (model["model"], variant, row["quality"])
        for model in result["models"]
        for variant, row in model["variants"].items()
        if "quality" in row
    ]
    if not rows:
        return []
    quality = rows[0][2]
    sigmas = list(quality["psnr_change_db"])
    lines = [
        "## Parity and quality on photos",
        "",
        f"The first {quality['images']} CBSD68 images (centre {quality['tile']}×{quality['tile']} "
        f"crops) at σ = {', '.join(sigmas)}, seeded Gaussian noise rounded to 8 bits, through "
        "each runtime at that tile: parity against Keras (min and mean over the "
        f"{quality['images'] * len(sigmas)} inputs), and the change of the evaluation's uint8 "
        "PSNR against the clean image from Keras's own score (Keras: "
        + ", ".join(
            f"{model} {' / '.join(f'{v:.2f}' for v in q['keras_psnr_db'].values())} dB"
            for model, variant, q in rows
            if variant == BASELINE
        )
        + ").",
        "",
        "| model | runtime | parity min | parity mean | "
        + " | ".join(f"PSNR change σ {s}" for s in sigmas)
        + " |",
        "|---|---|---:|---:|" + "---:|" * len(sigmas),
    ]
    for model, variant, q in rows:
        lines.append(
            f"| {model} | `{variant}` | {fmt(q['parity_db_min'], 1)} dB | "
            f"{fmt(q['parity_db_mean'], 1)} dB | "
            + " | ".join(f"{v:+.3f} dB" for v in q["psnr_change_db"].values())
            + " |"
        )
    return lines + [""]


START, END = "<!-- runtimes:start -->", "<!-- runtimes:end -->"


def write_markdown(result: dict, page: Path) -> None:
    """The numbers go between the markers; what people wrote around them stays."""
    body = f"{START}\n{markdown(result)}{END}"
    if page.is_file() and START in (text := page.read_text()) and END in text:
        before, rest = text.split(START, 1)
        page.write_text(before + body + rest.split(END, 1)[1])
    else:
        page.write_text(f"# Three CPU runtimes, one network\n\n{body}\n")


def conclusion_lines(result: dict) -> list[str]:
    judged = verdict(result)
    if not judged:
        return ["`default` was not measured with TF.js, so there is no verdict."]
    lines = []
    for tile, v in judged.items():
        if v["best"]:
            lines.append(
                f"- {tile}-px tile: fastest runtime at parity besides TF.js is `{v['best']}`, "
                f"{v['factor']:.2f}× TF.js's speed (TF.js: {fmt(v['tfjs_ms'])} ms per tile)."
            )
        else:
            lines.append(f"- {tile}-px tile: no other runtime reached parity.")
    floats = float_factors(result)
    if floats:
        lines.append(
            "- With float weights only (`litert-f32`, `litert-fp16`, `ort`): at best "
            + ", ".join(f"{f:.2f}× ({tile} px)" for tile, f in floats.items())
            + (f", under the {WIN_FACTOR:g}× bar." if max(floats.values()) < WIN_FACTOR else ".")
        )
    if all(v["wins"] for v in judged.values()):
        best = {v["best"] for v in judged.values()}
        lines += [
            "",
            f"**On `default`, {', '.join(f'`{b}`' for b in sorted(best))} is at least "
            f"{WIN_FACTOR:g}× faster than TF.js WASM at every tile measured, at parity ≥ "
            f"{PARITY_DB:g} dB.** The notes after these numbers say how the engine would use it.",
        ]
    elif any(v["wins"] for v in judged.values()):
        lines += [
            "",
            f"**Mixed: the {WIN_FACTOR:g}× bar is met at some tiles only**; TF.js stays until a "
            "run at the engine's own tile size settles it.",
        ]
    else:
        lines += [
            "",
            f"**No runtime reaches {WIN_FACTOR:g}× TF.js WASM's speed on `default` at parity: "
            "TF.js stays.**",
        ]
    return lines


# ---------------------------------------------------------------- main


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(
        prog="python -m bench.runtimes",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("--models", nargs="+", default=["default", "fast"])
    p.add_argument("--tiles", nargs="+", type=int, default=[256, 512, 1024],
                   help="input tile sides incl. context (multiples of 8)")  # fmt: skip
    p.add_argument("--variants", nargs="+", default=list(VARIANTS), choices=list(VARIANTS))
    p.add_argument("--reps", type=int, default=7, help="timed rounds per tile")
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--pause", type=float, default=0.2, help="seconds between two runs")
    p.add_argument("--out", type=Path, default=ROOT / "docs", help="runtimes.md/.json go here")
    p.add_argument("--cache", type=Path, default=CACHE, help="converted models")
    p.add_argument("--no-markdown", action="store_true", help="write runtimes.json only")
    p.add_argument("--from-json", type=Path, help="only rewrite runtimes.md from this json")
    return p.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.from_json:
        args.out.mkdir(parents=True, exist_ok=True)
        write_markdown(json.loads(args.from_json.read_text()), args.out / "runtimes.md")
        return 0
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    from playwright.sync_api import sync_playwright

    chromium_path = os.environ.get("CHROMIUM", "/usr/bin/chromium")
    if not (NODE_MODULES / "@litertjs/core").is_dir():
        raise SystemExit("error: run `npm ci` in bench/runtimes first (make bench-runtimes does)")
    log = functools.partial(print, flush=True)
    start = time.time()
    folders = {}
    for name in args.models:
        folders[name] = export_all(name, load_keras(name), args.cache, args.tiles, log)
    server = Server(args.cache)
    result: dict = {
        "command": "python -m bench.runtimes",
        "models": [],
        "tiles": args.tiles,
        "variants": args.variants,
        "reps": args.reps,
        "threads": args.threads,
        "pause": args.pause,
    }
    try:
        with sync_playwright() as playwright:
            chromium = playwright.chromium.launch(
                executable_path=chromium_path,
                args=["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                      "--disable-background-networking", "--disable-component-update"],
            )  # fmt: skip
            result["environment"] = environment(chromium.version)
            for name in args.models:
                log(f"{name}:")
                result["models"].append(
                    measure_model(chromium, server.base, name, *folders[name], args, log)
                )
            chromium.close()
    finally:
        server.close()
    result["seconds"] = round(time.time() - start)
    result["verdict_default"] = verdict(result)
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "runtimes.json").write_text(json.dumps(result, indent=1) + "\n")
    if not args.no_markdown:
        write_markdown(result, args.out / "runtimes.md")
    log(f"wrote {args.out / 'runtimes.json'} ({result['seconds']} s)")
    return 0


def environment(chromium_version: str) -> dict:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    packages = {}
    for package in ("@litertjs/core", "onnxruntime-web", "@tensorflow/tfjs-backend-wasm"):
        manifest = NODE_MODULES / package / "package.json"
        if manifest.is_file():
            packages[package] = json.loads(manifest.read_text())["version"]
    binaries = {
        "TF.js": "@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm",
        "LiteRT.js": "@litertjs/core/wasm/litert_wasm_threaded_internal.wasm",
        "onnxruntime-web": "onnxruntime-web/dist/ort-wasm-simd-threaded.wasm",
    }
    return {
        "runtime_bytes": {
            k: (NODE_MODULES / v).stat().st_size
            for k, v in binaries.items()
            if (NODE_MODULES / v).is_file()
        },
        "date": time.strftime("%Y-%m-%d"),
        "cpu": cpu,
        "cores": os.cpu_count(),
        "load_average": [round(v, 2) for v in os.getloadavg()],
        "chromium": f"Chromium {chromium_version}",
        "packages": packages,
    }


if __name__ == "__main__":
    raise SystemExit(main())

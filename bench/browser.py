"""Speed and memory in headless Chromium: our engine and the UpscalerJS peer.

The real asset server serves the app; the benchmark pages themselves are answered by
Playwright under /__bench__/ on the same origin (with the cross-origin isolation
headers WASM threads need), so nothing is added to what the server ships. Our page
drives the widget module's `createEngine` (the same worker and tiling as the app);
the peer page loads UpscalerJS and its MAXIM model from bench/peer/node_modules.

The tab's memory is the resident memory of all Chromium processes, sampled every
0.2 s by psutil, minus what they held before the run.
"""

from __future__ import annotations

import base64
import mimetypes
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import psutil

from bench.native import side_for
from tests.conftest import CHROMIUM, CHROMIUM_FLAGS, STATIC, free_port, start_server

PEER = Path(__file__).resolve().parent / "peer"
ISOLATION = {
    "Cross-Origin-Opener-Policy": "same-origin",
    "Cross-Origin-Embedder-Policy": "require-corp",
    "Cross-Origin-Resource-Policy": "same-origin",
    "Cache-Control": "no-store",
}

# Pixels cross into and out of the pages as base64 (Playwright passes JSON); the chunks
# keep String.fromCharCode's argument list short.
BASE64_JS = """
const fromBase64 = (b64) => Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
const toBase64 = (bytes) => {
  let text = '';
  for (let i = 0; i < bytes.length; i += 8192) text += String.fromCharCode(...bytes.subarray(i, i + 8192));
  return btoa(text);
};
"""

OUR_PAGE = (
    """<!doctype html><meta charset="utf-8"><title>bench</title>
<script type="module">
import { createEngine } from '/widget/denoise-widget.js';
"""
    + BASE64_JS
    + """
// A photo-like test card: gradients, hard edges, texture and noise (content does not
// change the speed of a convolutional network, but it keeps the picture honest).
function testCard(width, height) {
  const image = new ImageData(width, height);
  let state = 12345;
  const noise = () => ((state = (state * 1103515245 + 12345) >>> 0) / 2 ** 32 - 0.5) * 50;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const p = 4 * (y * width + x);
      const edge = ((x >> 6) + (y >> 6)) % 2 ? 40 : 0;
      image.data[p] = 80 + (120 * x) / width + edge + noise();
      image.data[p + 1] = 60 + (150 * y) / height + noise();
      image.data[p + 2] = 100 + 60 * Math.sin(x / 7) + noise();
      image.data[p + 3] = 255;
    }
  }
  return image;
}

window.benchLoad = async (options) => {
  const start = performance.now();
  window.engine = await createEngine({ ...options, measureMemory: true });
  return {
    backend: window.engine.backend,
    threads: window.engine.threads,
    loadMs: performance.now() - start,
    warmupMs: window.engine.warmupMs,
    isolated: self.crossOriginIsolated,
    deviceMemory: navigator.deviceMemory ?? null,
  };
};
window.benchRun = async (width, height, tileSize, passes = 1) => {
  const result = await window.engine.denoise(testCard(width, height), { sigma: 25, tileSize, passes });
  return { elapsedMs: result.elapsedMs, peakBytes: result.peakBytes, tileSize: result.tileSize, backend: window.engine.backend, passes: result.passes, runs: result.tiles, liteRtRuns: result.liteRtTiles };
};
window.benchPixels = async (b64, width, height) => {
  const bytes = new Uint8ClampedArray(fromBase64(b64).buffer);
  const result = await window.engine.denoise(new ImageData(bytes, width, height), { sigma: 25, passes: 1 });
  return { elapsedMs: result.elapsedMs, pixels: toBase64(result.image.data) };
};
window.benchUnload = () => window.engine.dispose();
window.benchReady = true;
</script>"""
)

PEER_ROOT = "/__bench__/peer/node_modules"
PEER_PAGE = f"""<!doctype html><meta charset="utf-8"><title>peer</title>
<script>
  // TF.js's WASM backend sizes its thread pool as half of hardwareConcurrency (see
  // webapp/src/engine/backend.ts): report twice the cores so the peer gets them all too.
  const cores = navigator.hardwareConcurrency;
  Object.defineProperty(navigator, 'hardwareConcurrency', {{ get: () => 2 * cores }});
</script>
<script src="{PEER_ROOT}/@tensorflow/tfjs/dist/tf.min.js"></script>
<script src="{PEER_ROOT}/@tensorflow/tfjs-backend-wasm/dist/tf-backend-wasm.min.js"></script>
<script src="{PEER_ROOT}/@upscalerjs/default-model/dist/umd/index.min.js"></script>
<script src="{PEER_ROOT}/@upscalerjs/maxim-denoising/dist/umd/models/maxim-denoising/src/umd.min.js"></script>
<script src="{PEER_ROOT}/upscaler/dist/browser/umd/upscaler.min.js"></script>
<script type="module">
import {{ registerEinsum }} from '/__bench__/peer/einsum.js';
{BASE64_JS}
window.peerLoad = async (threads) => {{
  registerEinsum(tf, 'wasm');
  tf.wasm.setWasmPaths('{PEER_ROOT}/@tensorflow/tfjs-backend-wasm/dist/');
  tf.wasm.setThreadsCount(threads);
  await tf.setBackend('wasm');
  await tf.ready();
  const start = performance.now();
  window.upscaler = new Upscaler({{
    model: {{ ...MaximDenoising, path: '{PEER_ROOT}/@upscalerjs/maxim-denoising/models/model.json' }},
  }});
  await window.upscaler.getModel();
  return {{ loadMs: performance.now() - start, backend: tf.getBackend(), threads: tf.wasm.getThreadsCount() }};
}};
window.peerRun = async (b64, width, height) => {{
  const input = tf.tensor3d(fromBase64(b64), [height, width, 3], 'int32');
  const start = performance.now();
  const output = await window.upscaler.execute(input, {{ output: 'tensor' }});
  const values = await output.data();
  const elapsedMs = performance.now() - start;
  const pixels = new Uint8Array(values.length);
  for (let i = 0; i < values.length; i++) pixels[i] = Math.max(0, Math.min(255, Math.round(values[i])));
  tf.dispose([input, output]);
  return {{ elapsedMs, shape: output.shape, pixels: toBase64(pixels), numTensors: tf.memory().numTensors }};
}};
window.peerReady = true;
</script>"""


@dataclass
class TabMemory:
    """Peak resident memory of all Chromium processes above a baseline, sampled."""

    baseline: int = 0
    peak: int = 0
    _stop: threading.Event = field(default_factory=threading.Event)

    @staticmethod
    def total() -> int:
        rss = 0
        for process in psutil.process_iter(["name", "memory_info"]):
            if "chrom" in (process.info["name"] or "") and process.info["memory_info"]:
                rss += process.info["memory_info"].rss
        return rss

    @contextmanager
    def measure(self) -> Iterator[TabMemory]:
        self.baseline = self.peak = self.total()
        self._stop.clear()

        def sample() -> None:
            while not self._stop.wait(0.2):
                self.peak = max(self.peak, self.total())

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        try:
            yield self
        finally:
            self._stop.set()
            sampler.join()

    @property
    def growth_mb(self) -> float:
        return (self.peak - self.baseline) / 1e6


def encode(pixels: np.ndarray) -> str:
    return base64.b64encode(np.ascontiguousarray(pixels, np.uint8).tobytes()).decode()


def decode(text: str, shape: tuple[int, ...]) -> np.ndarray:
    return np.frombuffer(base64.b64decode(text), np.uint8).reshape(shape)


class Browser:
    """The asset server + one Chromium, with the bench pages routed in."""

    def __init__(self) -> None:
        from playwright.sync_api import sync_playwright

        if not (STATIC / "widget").is_dir():
            raise SystemExit("error: the page is not built: run `make build` first")
        self.port = free_port()
        self.server = start_server(STATIC, self.port)
        self.base = f"http://127.0.0.1:{self.port}"
        self.playwright = sync_playwright().start()
        self.chromium = self.playwright.chromium.launch(
            executable_path=CHROMIUM, args=CHROMIUM_FLAGS
        )

    def close(self) -> None:
        self.chromium.close()
        self.playwright.stop()
        self.server.terminate()
        self.server.wait(10)

    def _route(self, route) -> None:  # noqa: ANN001 (a Playwright Route)
        path = route.request.url.split(self.base, 1)[1].split("?")[0]
        if path == "/__bench__/index.html":
            body, kind = OUR_PAGE.encode(), "text/html"
        elif path == "/__bench__/peer.html":
            body, kind = PEER_PAGE.encode(), "text/html"
        else:
            file = (PEER / path.removeprefix("/__bench__/peer/")).resolve()
            if PEER not in file.parents or not file.is_file():
                route.fulfill(status=404, body="not found")
                return
            body = file.read_bytes()
            kind = mimetypes.guess_type(file.name)[0] or "application/octet-stream"
            if file.suffix in (".js", ".mjs"):
                kind = "text/javascript"
        route.fulfill(status=200, body=body, headers={**ISOLATION, "Content-Type": kind})

    def page(self, name: str, ready: str):  # noqa: ANN201 (a Playwright Page)
        context = self.chromium.new_context()
        page = context.new_page()
        page.route(f"{self.base}/__bench__/**", self._route)
        page.goto(f"{self.base}/__bench__/{name}")
        page.wait_for_function(f"window.{ready} === true", timeout=60_000)
        page.set_default_timeout(900_000)
        return page


def time_engine(
    browser: Browser,
    model: str,
    backend: str,
    threads: int | None,
    sizes_mp: list[float],
    cap_seconds: float,
    log,  # noqa: ANN001 (print-like)
    probe: bool = False,
) -> dict:
    """One engine (model, backend, threads): load + warm-up, then each size once;
    a size whose time, projected from the last one, would pass `cap_seconds` is
    skipped and said so."""
    page = browser.page("index.html", "benchReady")
    options = {"model": model, "backend": backend, **({"threads": threads} if threads else {})}
    loaded = page.evaluate("options => window.benchLoad(options)", options)
    row = {"model": model, "requested": backend, **loaded, "sizes": {}}
    log(f"  {model} {loaded['backend']} x{loaded['threads']}: warm-up {loaded['warmupMs']:.0f} ms")
    last_ms_per_mp = None
    if probe:
        # Slow backends: a 256x192 image first, so that even the smallest size is
        # skipped when it would take longer than the cap.
        result = page.evaluate("([w, h]) => window.benchRun(w, h)", [256, 192])
        last_ms_per_mp = result["elapsedMs"] / (256 * 192 / 1e6)
        row["probe_ms_per_mp"] = round(last_ms_per_mp)
        log(f"    probe 0.05 MP: {last_ms_per_mp:.0f} ms/MP")
    for mp in sizes_mp:
        side_w, side_h = side_for(mp)
        projected = (last_ms_per_mp or 0) * side_w * side_h / 1e6 / 1000
        if projected > cap_seconds:
            row["sizes"][f"{mp:g}"] = {"skipped": f"projected {projected / 60:.0f} min"}
            log(f"    {mp:g} MP: skipped (projected {projected:.0f} s)")
            continue
        memory = TabMemory()
        with memory.measure():
            result = page.evaluate("([w, h]) => window.benchRun(w, h)", [side_w, side_h])
        megapixels = side_w * side_h / 1e6
        last_ms_per_mp = result["elapsedMs"] / megapixels
        row["sizes"][f"{mp:g}"] = {
            "width": side_w,
            "height": side_h,
            "ms": round(result["elapsedMs"]),
            "ms_per_mp": round(last_ms_per_mp),
            "peak_tensor_mb": round(result["peakBytes"] / 1e6, 1) if result["peakBytes"] else None,
            "tab_growth_mb": round(memory.growth_mb),
            "backend_at_end": result["backend"],
            "tile": result["tileSize"],
        }
        log(f"    {mp:g} MP: {last_ms_per_mp:.0f} ms/MP, tab +{memory.growth_mb:.0f} MB")
    page.evaluate("window.benchUnload()")
    page.context.close()
    return row


def denoise_crops(
    browser: Browser, model: str, crops: list[np.ndarray]
) -> tuple[list[np.ndarray], float]:
    """Our engine (WASM, all threads) on uint8 noisy RGB crops: (outputs, mean ms per MP)."""
    page = browser.page("index.html", "benchReady")
    page.evaluate("options => window.benchLoad(options)", {"model": model, "backend": "wasm"})
    outputs, ms_per_mp = [], []
    for crop in crops:
        height, width = crop.shape[:2]
        rgba = np.concatenate([crop, np.full((height, width, 1), 255, np.uint8)], axis=-1)
        result = page.evaluate(
            "([b, w, h]) => window.benchPixels(b, w, h)", [encode(rgba), width, height]
        )
        outputs.append(decode(result["pixels"], (height, width, 4))[..., :3])
        ms_per_mp.append(result["elapsedMs"] / (width * height / 1e6))
    page.evaluate("window.benchUnload()")
    page.context.close()
    return outputs, float(np.mean(ms_per_mp))


def peer_crops(browser: Browser, threads: int, crops: list[np.ndarray], log) -> dict:  # noqa: ANN001
    """UpscalerJS + MAXIM on WASM (with the Einsum kernel) on the crops."""
    page = browser.page("peer.html", "peerReady")
    loaded = page.evaluate("t => window.peerLoad(t)", threads)
    log(
        f"  UpscalerJS MAXIM: {loaded['backend']} x{loaded['threads']}, "
        f"load {loaded['loadMs']:.0f} ms"
    )
    outputs, timings = [], []
    for index, crop in enumerate(crops):
        height, width = crop.shape[:2]
        start = time.perf_counter()
        result = page.evaluate(
            "([b, w, h]) => window.peerRun(b, w, h)", [encode(crop), width, height]
        )
        outputs.append(decode(result["pixels"], (height, width, 3)))
        timings.append(result["elapsedMs"])
        log(
            f"    crop {index}: {result['elapsedMs'] / 1000:.1f} s "
            f"({time.perf_counter() - start:.0f} s with transfer)"
        )
    page.context.close()
    return {**loaded, "outputs": outputs, "ms": timings}

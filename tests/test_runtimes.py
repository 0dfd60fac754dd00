"""bench/runtimes.py: the three CPU runtimes (TF.js WASM, LiteRT.js, onnxruntime-web) run
the `fast` network in real headless Chromium on a small tile and agree with Keras.
Timings are not judged (a shared machine); only that each runtime ran and its parity."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from bench import runtimes

ROOT = Path(__file__).resolve().parents[1]
CHECKED = ["tfjs", "tfjs-f32", "litert-f32", "litert-fp16", "ort"]


def test_each_runtime_loads_and_matches_keras(tmp_path: Path) -> None:
    if not (runtimes.NODE_MODULES / "@litertjs/core").is_dir():
        pytest.fail("bench/runtimes/node_modules missing: run `make test` (npm ci there)")
    result = subprocess.run(
        [sys.executable, "-m", "bench.runtimes", "--models", "fast", "--tiles", "64",
         "--reps", "2", "--pause", "0", "--variants", *CHECKED,
         "--out", str(tmp_path), "--cache", str(tmp_path / "cache")],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-3000:]
    report = json.loads((tmp_path / "runtimes.json").read_text())
    (fast,) = report["models"]
    for variant in CHECKED:
        row = fast["variants"][variant]
        assert "error" not in row, (variant, row)
        cell = row["tiles"]["64"]
        assert "error" not in cell, (variant, cell)
        assert row["threads"] == 2 and row["isolated"], (variant, row)
        assert cell["parity_db"] >= runtimes.PARITY_DB, (variant, cell)
        assert len(cell["ms"]) == 2 and cell["median_ms"] > 0 and cell["wasm_heap_mb"] > 0
    # The float32 conversions are the same numbers as Keras, not merely close.
    for variant in ("tfjs-f32", "litert-f32", "ort"):
        assert fast["variants"][variant]["tiles"]["64"]["max_abs_error"] < 1e-4, variant


def test_the_verdict_needs_parity_and_the_factor() -> None:
    def model(tfjs_ms: float, ort_ms: float, ort_db: float) -> dict:
        cell = {"median_ms": tfjs_ms, "parity_db": 56.0}
        return {
            "model": "default",
            "variants": {
                "tfjs": {"tiles": {"256": cell}},
                "ort": {"tiles": {"256": {"median_ms": ort_ms, "parity_db": ort_db}}},
            },
        }

    assert runtimes.verdict({"models": [model(300, 150, 60)]})["256"]["wins"]
    assert not runtimes.verdict({"models": [model(300, 250, 60)]})["256"]["wins"]
    judged = runtimes.verdict({"models": [model(300, 100, 40)]})["256"]
    assert judged["best"] is None and not judged["wins"]  # fast but wrong does not count


def test_the_page_keeps_what_people_wrote_around_the_numbers(tmp_path: Path) -> None:
    cell = {
        "median_ms": 300.0,
        "ms": [290.0, 300.0],
        "ms_per_mp": 4578,
        "parity_db": 56.0,
        "first_run_ms": 400.0,
        "load_ms": 200,
        "model_bytes": 1_900_000,
        "wasm_heap_mb": 100,
    }
    fast = {**cell, "median_ms": 100.0, "ms": [100.0], "parity_db": 55.0}
    result = {
        "environment": {"date": "2026-01-01", "cpu": "x", "cores": 2, "load_average": [1.0],
                        "chromium": "Chromium 1", "runtime_bytes": {"TF.js": 400_000}},
        "reps": 2, "pause": 0.2, "threads": 2, "seconds": 60, "tiles": [256],
        "variants": ["tfjs", "litert-dr8"],
        "models": [{"model": "default", "variants": {"tfjs": {"tiles": {"256": cell}},
                                                      "litert-dr8": {"tiles": {"256": fast}}}}],
    }  # fmt: skip
    page = tmp_path / "runtimes.md"
    page.write_text(f"# Title\n\n{runtimes.START}\nold\n{runtimes.END}\n\n## Reading\nKept.\n")
    runtimes.write_markdown(result, page)
    text = page.read_text()
    assert text.startswith("# Title\n\n") and text.endswith("## Reading\nKept.\n")
    assert "old" not in text and "**2 cores shared with other work**" in text
    assert "| default | `litert-dr8` | 256 | 1.9 MB |" in text and "| 3.00× |" in text
    assert "`litert-dr8` is at least 1.5× faster than TF.js WASM" in text

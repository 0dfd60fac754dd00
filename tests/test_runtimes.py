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

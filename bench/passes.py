"""What the page's automatic passes cost: `python -m bench.passes` (~3 min) times the
engine (Chromium headless, its own worker and tiling, the backend it picks, all threads)
on test cards of the sizes where Auto changes its count, at 1 pass and at Auto, and
writes docs/passes.md (+ .json).

Why: Auto (webapp/src/engine/passes.ts) runs 8 passes up to 0.75 MP, 4 up to 1.5 MP, 2 up
to 3 MP and 1 above, by a multiply-add budget (`photo`); the seconds a user waits also
depend on the runtime (under 1 MP the page stays on TF.js WASM's float32 path, slower per
pixel than LiteRT.js's int8), so they are measured here, not derived.
"""

from __future__ import annotations

import argparse
import json
import platform
import time
from pathlib import Path

from bench import browser

ROOT = Path(__file__).resolve().parents[1]
# (width, height): a real-pair crop, just under LiteRT.js's 1 MP, just under Auto's 4- and
# 2-pass limits for `photo` (1.5 and 3 MP), and a 12 MP phone photo (one pass either way).
SIZES = [(512, 512), (1152, 864), (1414, 1060), (1996, 1500), (4000, 3000)]


def ran_on(result: dict) -> str:
    """Which runtime ran the network: LiteRT.js's int8 files, or TF.js WASM underneath
    (photos under 1 MP, tiles no file fits)."""
    if result["liteRtRuns"] == result["runs"]:
        return "LiteRT.js"
    return "TF.js WASM" if result["liteRtRuns"] == 0 else "both"


def measure(model: str, sizes: list[tuple[int, int]], log) -> list[dict]:  # noqa: ANN001
    chromium = browser.Browser()
    try:
        page = chromium.page("index.html", "benchReady")
        loaded = page.evaluate("options => window.benchLoad(options)", {"model": model})
        log(f"{model} on {loaded['backend']} x{loaded['threads']}")
        rows = []
        for width, height in sizes:
            row: dict = {"width": width, "height": height, "backend": loaded["backend"]}
            for setting in (1, "auto"):
                result = page.evaluate(
                    "([w, h, p]) => window.benchRun(w, h, undefined, p)", [width, height, setting]
                )
                key = "one" if setting == 1 else "auto"
                row[key] = {
                    "seconds": round(result["elapsedMs"] / 1000, 1),
                    "passes": result["passes"],
                }
                row["ran_on"] = ran_on(result)
                log(f"  {width}x{height} {setting}: {result['elapsedMs'] / 1000:.1f} s")
                if width * height > 8e6:  # Auto is one pass there: timed once
                    row["auto"] = row["one"]
                    break
            rows.append(row)
        page.evaluate("window.benchUnload()")
        return rows
    finally:
        chromium.close()


def markdown(model: str, rows: list[dict], seconds: float) -> str:
    lines = [
        "# What the automatic passes cost",
        "",
        f"Measured {time.strftime('%Y-%m-%d')} on this machine ({platform.processor() or platform.machine()},"
        f" all threads), one run of `python -m bench.passes` ({seconds:.0f} s): `{model}` through"
        " the page's engine in headless Chromium, on the backend it picks, a noisy test card"
        ' at σ 25, warm-up apart. Auto: webapp/src/engine/passes.ts (docs/real-noise.md, "Passes").',
        "",
        "| photo | megapixels | ran on | 1 pass | Auto | passes |",
        "|---|---:|---|---:|---:|---:|",
    ]
    for row in rows:
        mp = row["width"] * row["height"] / 1e6
        lines.append(
            f"| {row['width']} × {row['height']} | {mp:.2f} | {row['ran_on']} |"
            f" {row['one']['seconds']:.1f} s | {row['auto']['seconds']:.1f} s | {row['auto']['passes']} |"
        )
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m bench.passes", description=__doc__)
    p.add_argument("--model", default="photo")
    p.add_argument("--out", type=Path, default=ROOT / "docs")
    args = p.parse_args(argv)
    start = time.perf_counter()
    rows = measure(args.model, SIZES, print)
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "passes.json").write_text(json.dumps({"model": args.model, "rows": rows}, indent=1))
    text = markdown(args.model, rows, time.perf_counter() - start)
    (args.out / "passes.md").write_text(text)
    print(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""Session 32: what LiteRT.js's load-time warm-up run costs a user. For each page build
(the one given first, then the second), REPS fresh tabs: load `photo` with the engine's
default backend (time to ready), then one 2000x1500 photo (first run) and the same again
(warm run). Prints one JSON line per tab.

    python runs/s32/start_time.py OLD_STATIC NEW_STATIC [REPS]
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from bench import browser as bench_browser


def main() -> None:
    builds = [Path(sys.argv[1]), Path(sys.argv[2])]
    reps = int(sys.argv[3]) if len(sys.argv) > 3 else 3
    for rep in range(reps):
        for static in builds:  # interleaved, so a machine that drifts hits both alike
            bench_browser.STATIC = static
            chromium = bench_browser.Browser()
            try:
                page = chromium.page("index.html", "benchReady")
                loaded = page.evaluate("o => window.benchLoad(o)", {"model": "photo"})
                runs = [
                    page.evaluate("([w, h]) => window.benchRun(w, h)", [2000, 1500])
                    for _ in range(2)
                ]
                print(json.dumps({
                    "build": str(static), "rep": rep, "backend": loaded["backend"],
                    "load_ms": round(loaded["loadMs"]), "warmup_ms": round(loaded["warmupMs"]),
                    "first_ms": round(runs[0]["elapsedMs"]), "second_ms": round(runs[1]["elapsedMs"]),
                    "litert_tiles": [r["liteRtRuns"] for r in runs], "tiles": [r["runs"] for r in runs],
                }), flush=True)  # fmt: skip
                page.context.close()
            finally:
                chromium.close()


if __name__ == "__main__":
    main()

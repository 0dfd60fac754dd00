"""Session 29: the knee's effect on seed 2026's grid (runs/s29/grid-*.json), by linear
interpolation of each crop's PSNR between grid strengths. Prints per set the mean PSNR at
the page's rule (shipped), at the true RMS, and with knees K, slope s."""

import json
import math
import sys

import numpy as np

files = sys.argv[1:] or ["runs/s29/grid-a.json", "runs/s29/grid-b.json"]
data: dict = {}
for f in files:
    data.update(json.load(open(f)))
pairs = data.pop("pairs", {})
if pairs:
    levels = sorted(v["level"] for v in pairs.values())
    print("real pairs' level readings: max", round(levels[-1], 2), "next", [round(x, 2) for x in levels[-4:]])

HAND_GAIN, HAND_OFF, LEVEL_GAIN, LEVEL_OFF, BELOW = 1.0, 3.0, 1.0, 2.0, 4.0


def page(row: dict, knee: float, slope: float) -> int:
    auto = min(75.0, max(row["fine"], row["coarse"]))
    level = row["level"] + slope * max(0.0, row["level"] - knee)
    hand = HAND_GAIN * auto + HAND_OFF
    from_level = LEVEL_GAIN * level + LEVEL_OFF
    value = max(min(hand, from_level), from_level - BELOW)
    return int(math.floor(min(75.0, max(0.0, value)) + 0.5))


def psnr_at(row: dict, s: float) -> float:
    grid = sorted((float(k), v) for k, v in row["psnr"].items())
    xs, ys = [g[0] for g in grid], [g[1] for g in grid]
    return float(np.interp(s, xs, ys))


for kind, rows in data.items():
    shipped = np.mean([psnr_at(r, page(r, 99, 0)) for r in rows])
    check = np.mean([r["psnr"][str(r["page"])] for r in rows])
    truth = np.mean([psnr_at(r, r["rms"]) for r in rows])
    best = np.mean([max(r["psnr"].values()) for r in rows])
    ratio = np.median([r["rms"] / max(r["level"], 0.1) for r in rows])
    print(f"{kind}: shipped {shipped:.3f} (check {check:.3f}) true RMS {truth:.3f} grid best {best:.3f}; median rms/level {ratio:.2f}")
    for knee in (10, 12.5, 15, 20):
        cells = []
        for slope in (0.1, 0.2, 0.3, 0.5):
            m = np.mean([psnr_at(r, page(r, knee, slope)) for r in rows])
            cells.append(f"s{slope}: {m - shipped:+.3f}")
        print(f"  K {knee}: " + "  ".join(cells))

# Diagnostic (not a candidate): is the page's strength centred? Every crop's page strength
# moved by d, and the rms/level spread per set.
print("page strength + d (all crops):")
for kind, rows in data.items():
    base = np.mean([psnr_at(r, r["page"]) for r in rows])
    cells = [f"{d:+d}: {np.mean([psnr_at(r, max(0, r['page'] + d)) for r in rows]) - base:+.3f}" for d in (-2, -1, 1, 2)]
    q = np.percentile([r["rms"] / max(r["level"], 0.1) for r in rows], [10, 50, 90])
    print(f"  {kind}: " + "  ".join(cells) + f"   rms/level p10/50/90 {q.round(2).tolist()}")

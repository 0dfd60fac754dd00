"""Session 29 step 4's analysis: does removed(s) / s at the best strength stay put from
crop to crop (then a crossing rule could find the best strength), compared with the
page's strength's own miss? In-sample only: a lead, not a rule."""

import json

import numpy as np

data = {}
for f in ("runs/s29/removed-syn.json", "runs/s29/removed-pairs.json"):
    try:
        data.update(json.load(open(f)))
    except FileNotFoundError:
        pass


def curve(row: dict, key: str) -> tuple[np.ndarray, np.ndarray]:
    items = sorted((float(k), v) for k, v in row[key].items())
    return np.array([i[0] for i in items]), np.array([i[1] for i in items])


def crossing(row: dict, c: float) -> float:
    """The strength where removed(s) - c * s changes sign (interpolated); the grid's ends
    when it does not."""
    s, removed = curve(row, "removed")
    f = removed - c * s
    for i in range(len(s) - 1):
        if f[i] >= 0 > f[i + 1]:
            return float(s[i] + (s[i + 1] - s[i]) * f[i] / (f[i] - f[i + 1]))
    return float(s[-1] if f[-1] >= 0 else s[0])


def psnr_at(row: dict, strength: float) -> float:
    s, p = curve(row, "psnr")
    return float(np.interp(strength, s, p))


for name, rows in data.items():
    best = [curve(r, "psnr")[0][np.argmax(curve(r, "psnr")[1])] for r in rows]
    at_best = [r["removed"][str(int(b))] / max(b, 1) for r, b in zip(rows, best)]
    page = np.mean([psnr_at(r, r["page"]) for r in rows])
    oracle = np.mean([max(r["psnr"].values()) for r in rows])
    miss_page = np.std(np.log([max(r["page"], 1) / max(b, 1) for r, b in zip(rows, best)]))
    print(f"{name}: page {page:.3f}, grid best {oracle:.3f}; removed/s at best: median "
          f"{np.median(at_best):.2f}, p10-p90 {np.percentile(at_best, 10):.2f}-{np.percentile(at_best, 90):.2f}; "
          f"log-spread page/best {miss_page:.2f}")
    cells = []
    for c in (0.5, 0.6, 0.7, 0.8, 0.9, 1.0, 1.1):
        cross = [crossing(r, c) for r in rows]
        spread = np.std(np.log([max(x, 1) / max(b, 1) for x, b in zip(cross, best)]))
        cells.append(f"c {c}: {np.mean([psnr_at(r, x) for r, x in zip(rows, cross)]) - page:+.3f} (spread {spread:.2f})")
    print("   " + "; ".join(cells))

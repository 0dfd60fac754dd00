"""Session 29, after step 4: do the page's own readings (fine, coarse, level) together
predict each crop's best strength better than the page's rule? Leave-one-out least
squares on log(best) within seed 2026's grid (runs/s29/grid-*.json), per set and pooled.
A lead for the next level reader, nothing built."""

import json

import numpy as np

data = {}
for f in ("runs/s29/grid-a.json", "runs/s29/grid-b.json"):
    data.update(json.load(open(f)))
data.pop("pairs")


def best(row: dict) -> float:
    items = sorted((float(k), v) for k, v in row["psnr"].items())
    return max(items, key=lambda kv: kv[1])[0]


def psnr_at(row: dict, s: float) -> float:
    items = sorted((float(k), v) for k, v in row["psnr"].items())
    return float(np.interp(s, [i[0] for i in items], [i[1] for i in items]))


def features(row: dict) -> list[float]:
    return [1.0, np.log1p(row["level"]), np.log1p(row["fine"]), np.log1p(row["coarse"]), float(row["clipped"])]


rows = [(kind, r) for kind, rs in data.items() for r in rs]
X = np.array([features(r) for _, r in rows])
y = np.log1p(np.array([best(r) for _, r in rows]))
pred = np.empty_like(y)
for i in range(len(y)):  # leave one out
    keep = np.arange(len(y)) != i
    coef, *_ = np.linalg.lstsq(X[keep], y[keep], rcond=None)
    pred[i] = X[i] @ coef
coef, *_ = np.linalg.lstsq(X, y, rcond=None)
print("pooled fit log1p(best) ~ 1, log1p(level), log1p(fine), log1p(coarse), clipped:", coef.round(3).tolist())
for kind in data:
    idx = [i for i, (k, _) in enumerate(rows) if k == kind]
    page = [rows[i][1]["page"] for i in idx]
    strength = np.expm1(pred[idx])
    miss_page = np.std(np.log1p(page) - y[idx])
    miss_fit = np.std(pred[idx] - y[idx])
    gain = np.mean([psnr_at(rows[i][1], s) for i, s in zip(idx, strength)]) - np.mean(
        [psnr_at(rows[i][1], rows[i][1]["page"]) for i in idx])
    print(f"{kind}: spread of log(strength / best) page {miss_page:.3f}, fit (left out) {miss_fit:.3f}; PSNR {gain:+.3f} dB")

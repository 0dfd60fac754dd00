"""Pick the tight rule on seed A's crops (runs/s28/tight.py), check it on seed B's.
usage: python runs/s28/pick.py tightA.json [tightB.json]"""
import itertools
import json
import sys
from collections import defaultdict

import numpy as np


def evaluate(rows, ratio_max, q_lo, q_hi):
    change, gain, full, counts = defaultdict(float), defaultdict(float), defaultdict(float), defaultdict(int)
    total = defaultdict(int)
    for r in rows:
        total[r["kind"]] += 1
        if not r["white"]:
            continue
        d = r["default"] - r["photo"]
        if r["kind"].startswith(("CBSD68", "saturated")):
            full[r["kind"]] += d
        keep = r["coarse"] <= ratio_max * r["fine"] and q_lo <= r["q"] <= q_hi
        if keep:
            counts[r["kind"]] += 1
            change[r["kind"]] += d
    camera = {k: change[k] / total[k] for k in total if "/" in k}
    white = {k: (change[k] / total[k], full[k] / total[k], counts[k], total[k]) for k in total if "/" not in k}
    return camera, white, counts, total


def show(rows, rule):
    camera, white, counts, total = evaluate(rows, *rule)
    print("rule ratio<=%.2f q in [%.2f, %.2f]" % rule)
    for k, v in camera.items():
        print(f"  {k:12s} switched {counts[k]:2d}/{total[k]}  set mean {v:+.3f}")
    for k, (kept, full, n, t) in white.items():
        print(f"  {k:20s} switched {n:2d}/{t}  gain {kept:+.2f} of {full:+.2f}")


A = json.load(open(sys.argv[1]))
best = None
for ratio_max, q_lo, q_hi in itertools.product((1.5, 1.3, 1.2, 1.15, 1.1), (0, 0.8, 0.85, 0.9, 0.95), (1.1, 1.15, 1.2, 1.3, 9)):
    camera, white, _, _ = evaluate(A, ratio_max, q_lo, q_hi)
    if min(camera.values()) < -0.02:
        continue
    score = np.mean([kept for kept, _, _, _ in white.values()])
    if best is None or score > best[0]:
        best = (score, (ratio_max, q_lo, q_hi))
print("loose rule on A:"); show(A, (1.5, 0, 9))
print("\nbest on A:"); show(A, best[1])
if len(sys.argv) > 2:
    B = json.load(open(sys.argv[2]))
    print("\nthe same rule on B:"); show(B, best[1])
    print("\nloose rule on B:"); show(B, (1.5, 0, 9))

"""Session 27: the picked blend (argv[1], e.g. runs/s27/Q25) becomes models/photo's
weights; the card keeps photo's record and adds training.cpu_stage_13 with the numbers it
was chosen on (runs/s27/results.json, written from the score logs) and the calibration as
refitted on the pairs for the blend."""
import json
import shutil
import sys
from pathlib import Path

src, dst = Path(sys.argv[1]), Path("models/photo")
photo = json.loads((dst / "card.json").read_text())
cand = json.loads((src / "card.json").read_text())
q27 = json.loads(Path("runs/s27/q27/card.json").read_text())["training"]
results = json.loads(Path("runs/s27/results.json").read_text())
share = cand["training"]["averaged_weights"][1]
photo["training"]["cpu_stage_13"] = {
    "what": f"weighted average (python -m training.average --weights) of stage 12 ({1 - share:.2f}) "
    f"and Q27 ({share:.2f}), a fine-tune of every layer of stage 12 with its recipe (camera mix, "
    "softened patches, a quarter heavy phone pairs, strength under-told and page-told in stage "
    "12's proportions) plus 300 synthetic-edge images (training/strokes.py: thin saturated "
    "curves and flat shapes over photo crops), so that the page's default keeps hard colour "
    "edges it used to smear",
    "command": "python -m training.train --arch default --noise photo --init-from models/photo "
    "--init-layers all --patch-size 96 --batch-size 16 --steps-per-epoch 100 --epochs 40 "
    "--lr 1e-4 --gray-fraction 0.2 --val-count 8 --workers 1 --soft-share 0.8 --heavy-share 0.25 "
    "--under-tell 0.33 --page-told 0.17 --synthetic-edges 300 --seed 27 --average-last 0.5 "
    "--time-budget 55 --out Q27 (runs/s27/q27.sh); python -m training.average OUT models/photo "
    f"Q27 --weights {1 - share:g} {share:g}",
    "q27_steps": q27.get("steps"),
    "q27_patches_seen": q27.get("patches_seen"),
    "q27_epochs_averaged": q27.get("weights_averaged_over_epochs"),
    "machine": "this project's 2-core CPU machine (no GPU lent to session 27)",
    "why": "rules written before the numbers (runs/s27/plan.md; docs/training.md "
    "\"photo, stage 13\"): the higher share of 0.5 / 0.25 that keeps the real pairs, the "
    "slider, heavy / dark / phone / mix, white noise and the converter gates, and gains at "
    "least 0.3 dB on the saturated set at sigma 15",
    "results_at_selection": results,
}
photo["auto_strength"] = cand["auto_strength"]
photo["auto_strength"]["level"]["model"] = "../noise-level"
photo["version"] = "2026.12.01"
(dst / "card.json").write_text(json.dumps(photo, indent=2) + "\n")
shutil.copy(src / "model.keras", dst / "model.keras")
print("written", dst)

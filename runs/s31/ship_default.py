"""Session 31: d31 (runs/s31/m/d31) becomes models/default. The card keeps default's
record and adds training.cpu_stage_31 (what ran, the rules' numbers); auto_strength is the
calibration fitted on d31 itself (runs/s31/eval-d31/real.log), its level named as the
shipped models name it. The halo is measured again by training.halo --update-card after."""
import json
import shutil
from pathlib import Path

src, dst = Path("runs/s31/m/d31"), Path("models/default")
old = json.loads((dst / "card.json").read_text())
new = json.loads((src / "card.json").read_text())
card = dict(old)
card["version"] = "2026.12.02"
auto = new["auto_strength"]
auto["level"]["model"] = "../noise-level"
card["auto_strength"] = auto
t = new["training"]
RESULTS = json.loads(Path("runs/s31/results.json").read_text())
card["training"]["cpu_stage_31"] = {
    "what": "session 30's strokes fine-tune continued from the shipped default (stage 30), every "
    "layer, the same recipe with another seed and a longer budget",
    "command": "runs/s31/d31.sh: python -m training.train --arch half-res-edge --init-from "
    "models/default --init-layers all --synthetic-edges 300 --gray-fraction 0.2 --patch-size 96 "
    "--batch-size 16 --steps-per-epoch 100 --lr 1e-4 --epochs 60 --time-budget 55 "
    "--average-last 0.5 --seed 31 (24 epochs fit the budget)",
    "patches_seen": t["patches_seen"],
    "epochs_averaged": [t["weights_averaged_over_epochs"][0], t["weights_averaged_over_epochs"][-1]],
    "averaged_val_psnr": t["averaged_val_psnr"],
    "wall_seconds": t["wall_seconds_last_run"],
    "machine": "this project's 2-core CPU machine (no GPU lent to session 31)",
    "why": "rules written before the numbers (runs/s31/plan.md, H1-H5 and H4b); the real-pair "
    "rule bounds the total loss since stage 26 (0.40 dB), not each step's",
    "results_at_selection": RESULTS,
}
(dst / "card.json").write_text(json.dumps(card, indent=2) + "\n")
shutil.copy(src / "model.keras", dst / "model.keras")
print("written", dst)

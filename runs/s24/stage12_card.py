"""Session 24: P24 (runs/s24/p24, stage 11 fine-tuned with --page-told) becomes
models/photo's weights; the card keeps photo's record and adds training.cpu_stage_12 with
the numbers it was chosen on (runs/s24/results.json, written from the score logs), and the
calibration as refitted on the pairs for P24."""
import json
import shutil
from pathlib import Path

src, dst = Path("runs/s24/p24"), Path("models/photo")
photo = json.loads((dst / "card.json").read_text())
cand = json.loads((src / "card.json").read_text())
results = json.loads(Path("runs/s24/results.json").read_text())
t = cand["training"]
photo["training"]["cpu_stage_12"] = {
    "what": "one 20-epoch fine-tune of stage 11 (seed 24; --average-last 0.5) with stage 11's "
    "recipe, under-telling replaced by page-telling: half of the camera pairs above strength "
    "15 told the page's own auto strength for their noisy patch (--page-told 0.5, "
    "training/page_told.py: photo's calibration and the learned level), so that the model "
    "learns the estimate's errors where they happen",
    "command": "runs/s24/train.sh (seed 24; the second seed was stopped after 3 epochs, "
    "runs/s24/plan.md addendum)",
    "steps": t["steps"],
    "patches_seen": t["patches_seen"],
    "heavy_camera_share": t.get("heavy_camera_share"),
    "page_told": t["page_told"],
    "softened": t["softened"],
    "noise_mix": t["noise_mix"],
    "machine": "this project's 2-core CPU machine (no GPU lent to session 24)",
    "why": "rules written before the numbers (runs/s24/plan.md, docs/training.md "
    "\"Stage 12\")",
    "results_at_selection": results,
}
photo["auto_strength"] = cand["auto_strength"]
photo["auto_strength"]["level"]["model"] = "../noise-level"
photo["version"] = "2026.12.01"
(dst / "card.json").write_text(json.dumps(photo, indent=2) + "\n")
shutil.copy(src / "model.keras", dst / "model.keras")
print("written", dst)

#!/bin/bash
# plan.md's candidates: Q50 and Q25 (stage 12 + Q27 by weight); each card keeps photo's
# calibration, range and halo with the level model's path from runs/s27/.
set -e
export PYTHONPATH=. TF_CPP_MIN_LOG_LEVEL=2
py=.venv/bin/python
$py -m training.average runs/s27/Q50 models/photo runs/s27/q27 --weights 0.5 0.5
$py -m training.average runs/s27/Q25 models/photo runs/s27/q27 --weights 0.75 0.25
for M in Q50 Q25; do
$py - runs/s27/$M <<'PY'
import json, sys
from pathlib import Path
d = Path(sys.argv[1])
photo = json.loads(Path("models/photo/card.json").read_text())
c = json.loads((d / "card.json").read_text())
c["auto_strength"] = json.loads(json.dumps(photo["auto_strength"]))
c["auto_strength"]["level"]["model"] = "../../../models/noise-level"
c["sigma_range"] = photo["sigma_range"]
c["halo"] = photo["halo"]
(d / "card.json").write_text(json.dumps(c, indent=2) + "\n")
print(d, c["auto_strength"]["level"]["model"], c["halo"])
PY
done

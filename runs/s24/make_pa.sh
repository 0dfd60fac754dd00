#!/bin/bash
# The candidate's card gets photo's calibration, range and halo in its card
# (what the page would run it with before any refit); scored by runs/s24/score.sh.
set -e
export PYTHONPATH=. TF_CPP_MIN_LOG_LEVEL=2
# (addendum 07:24: P24 alone is the candidate; no average)
for M in p24; do
.venv/bin/python - runs/s24/$M <<'PY'
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

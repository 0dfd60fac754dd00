"""Session 23, one-off: the edge run's best checkpoint so far against models/default on
bench.saturated's set (sigma 15, 25; smooth vs edges), CBM3D from the evaluation's cache."""
import json
import shutil
import sys
from pathlib import Path

from bench import saturated
from training import card, train

out = Path(sys.argv[1] if len(sys.argv) > 1 else "runs/s23/mid")
args = train.parse_args(["--arch", "half-res-edge", "--patch-size", "96"])
denoiser, trainer = train.make_trainer(args, 100)
trainer.load_weights("runs/s23/edge-work/best.weights.h5")
out.mkdir(parents=True, exist_ok=True)
denoiser.save(out / card.KERAS_NAME)
model_card = json.loads(Path("models/default/card.json").read_text())
model_card["architecture"] = "half-res-edge"
(out / card.CARD_NAME).write_text(json.dumps(model_card))
paths = sorted(Path(".cache/saturated").glob("saturated-*.png"))
print(saturated.region_table(paths, [Path("models/default"), out], ["15", "25"], Path(".cache/cbm3d")))

"""Session 23, one-off: phe's best checkpoint so far as a model folder with phr2's card
(its calibration: 1.0x+3, level 1.0x+2), for `training.evaluate --real` against phr2."""
import json
from pathlib import Path

from training import card, train

out = Path("runs/s23/m/phe-mid")
args = train.parse_args(["--arch", "half-res-edge", "--noise", "photo", "--patch-size", "96"])
denoiser, trainer = train.make_trainer(args, 100)
trainer.load_weights("runs/s23/phe-work/best.weights.h5")
out.mkdir(parents=True, exist_ok=True)
train.float32_copy(denoiser, args.arch, args.options).save(out / card.KERAS_NAME)
model_card = json.loads(Path("runs/s22/m/phr2/card.json").read_text())
model_card["architecture"] = "half-res-edge"
model_card["name"] = "phe-mid"
(out / card.CARD_NAME).write_text(json.dumps(model_card, indent=1))
print("written", out)

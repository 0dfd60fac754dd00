"""One-off (session 21): bench.strength_check's `heavy` set on one model folder, means
unrounded (the table prints two decimals; rule R2 compares at 0.4 dB).

    PYTHONPATH=. python runs/s21/exact_heavy.py MODEL_DIR SEED
"""

import sys
from pathlib import Path

from bench.strength_check import check, clean_photos
from training import data
from training.real_noise import load_model_and_level

images = clean_photos(data.DEFAULT_VAL_DIR, 48)
result = check(load_model_and_level(Path(sys.argv[1])), images, "heavy", int(sys.argv[2]))
print(sys.argv[1], sys.argv[2], {k: round(v, 4) for k, v in result["psnr"].items()})

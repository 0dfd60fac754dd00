#!/bin/bash
# plan.md's one run: photo (stage 12) fine-tuned with stage 12's recipe plus the synthetic edges.
# usage: runs/s27/q27.sh [--resume]
export PYTHONPATH=. TF_CPP_MIN_LOG_LEVEL=2 CI=1
.venv/bin/python -m training.train --arch default --noise photo \
  --init-from models/photo --init-layers all --patch-size 96 --batch-size 16 --steps-per-epoch 100 \
  --epochs 40 --lr 1e-4 --gray-fraction 0.2 --val-count 8 --workers 1 --soft-share 0.8 \
  --heavy-share 0.25 --under-tell 0.33 --page-told 0.17 --synthetic-edges 300 --seed 27 \
  --average-last 0.5 --time-budget 55 \
  --out runs/s27/q27 --workdir runs/s27/q27-work ${1:-} > runs/s27/q27.log 2>&1

#!/bin/bash
# Session 26's strokes fine-tune of default, again from today's default (plan.md part 2).
export PYTHONPATH=. TF_CPP_MIN_LOG_LEVEL=2 CI=1
.venv/bin/python -m training.train --arch half-res-edge --init-from models/default --init-layers all \
  --synthetic-edges 300 --gray-fraction 0.2 --patch-size 96 --batch-size 16 \
  --steps-per-epoch 100 --lr 1e-4 --epochs 60 --time-budget 80 --average-last 0.5 --seed 28 \
  --out runs/s28/d28 --workdir runs/s28/d28-work "$@" > runs/s28/d28.log 2>&1

#!/bin/bash
# Session 31: session 30's strokes fine-tune continued from the shipped default (stage 30),
# every layer, same recipe, a new seed and a longer budget (runs/s31/plan.md).
cd /work/main
export PYTHONPATH=.
exec .venv/bin/python -m training.train --arch half-res-edge --init-from models/default \
  --init-layers all --synthetic-edges 300 --gray-fraction 0.2 --patch-size 96 --batch-size 16 \
  --steps-per-epoch 100 --lr 1e-4 --epochs 60 --time-budget 55 --average-last 0.5 --seed 31 \
  --out runs/s31/m/d31 --workdir runs/s31/d31-work "$@"

#!/bin/bash
# Session 23: half-res-edge (half-res + one full-resolution decoder block) fine-tuned on
# this CPU from models/default (half-res), only the new block training (--freeze-copied), 300 synthetic-edge images added (training/strokes.py).
cd /work/main
export PYTHONPATH=.
exec .venv/bin/python -m training.train --arch half-res-edge \
  --init-from models/default --init-layers all --freeze-copied \
  --patch-size 96 --batch-size 16 --steps-per-epoch 150 --lr 5e-4 \
  --epochs 50 --synthetic-edges 300 --average-last 0.3 --seed 23 \
  --out runs/s23/m/edge --workdir runs/s23/edge-work "$@"

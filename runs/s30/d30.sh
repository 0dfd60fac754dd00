#!/bin/bash
# Session 30: default fine-tuned, every layer, on the photos + 300 synthetic-edge images (d26's recipe).
cd /work/main
export PYTHONPATH=.
exec .venv/bin/python -m training.train --arch half-res-edge --init-from models/default \
  --init-layers all --synthetic-edges 300 --gray-fraction 0.2 --patch-size 96 --batch-size 16 \
  --steps-per-epoch 100 --lr 1e-4 --epochs 60 --time-budget 50 --average-last 0.5 --seed 30 \
  --out runs/s30/m/d30 --workdir runs/s30/d30-work "$@"

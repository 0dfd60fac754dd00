#!/bin/bash
# Resume session 24's second seed of the page-told run (runs/s24/plan.md), both cores;
# checkpoints every epoch in runs/s24/p25-work (rerun this script to go on).
export PYTHONPATH=. TF_NUM_INTRAOP_THREADS=1 TF_NUM_INTEROP_THREADS=1 TF_CPP_MIN_LOG_LEVEL=2 CI=1
taskset -c 0,1 nice -n 5 .venv/bin/python -m training.train --arch default --noise photo \
  --init-from runs/s24/init-photo-stage11 --init-layers all --patch-size 96 --batch-size 16 --steps-per-epoch 100 \
  --epochs 20 --lr 1e-4 --gray-fraction 0.2 --val-count 8 --workers 1 --soft-share 0.8 \
  --heavy-share 0.25 --page-told 0.5 --seed 25 --average-last 0.5 \
  --out runs/s24/p25 --workdir runs/s24/p25-work --resume >> runs/s24/p25.log 2>&1

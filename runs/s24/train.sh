#!/bin/bash
# Two seeds of the page-told recipe (plan.md), one core each. usage: runs/s24/train.sh [--resume]
export PYTHONPATH=. TF_NUM_INTRAOP_THREADS=1 TF_NUM_INTEROP_THREADS=1 TF_CPP_MIN_LOG_LEVEL=2 CI=1
RESUME=${1:-}
for S in 24 25; do
  C=$((S - 24))
  taskset -c $C .venv/bin/python -m training.train --arch default --noise photo \
    --init-from models/photo --init-layers all --patch-size 96 --batch-size 16 --steps-per-epoch 100 \
    --epochs 20 --lr 1e-4 --gray-fraction 0.2 --val-count 8 --workers 1 --soft-share 0.8 \
    --heavy-share 0.25 --page-told 0.5 --seed $S --average-last 0.5 \
    --out runs/s24/p$S --workdir runs/s24/p$S-work $RESUME > runs/s24/p$S.log 2>&1 &
done
wait

#!/bin/bash
# Score one candidate level (runs/s21/level-NAME) by rules R1-R4 (plan.md) on core C:
# copies of photo's and photo-fast's cards whose '../noise-level' is the candidate.
# usage: runs/s21/score.sh NAME C
set -e
export PYTHONPATH=. TF_NUM_INTRAOP_THREADS=1 TF_NUM_INTEROP_THREADS=1
N=$1; C=$2; D=runs/s21/cand-$N
mkdir -p $D && ln -sfn ../level-$N $D/noise-level
for m in photo photo-fast; do
  mkdir -p $D/$m && cp models/$m/card.json $D/$m/ && ln -sf ../../../../models/$m/model.keras $D/$m/model.keras
done
taskset -c $C .venv/bin/python runs/s21/pairs_check.py runs/s21/level-$N > $D/pairs.log 2>&1
for m in photo photo-fast; do for s in 2026 7; do
  taskset -c $C .venv/bin/python -m bench.strength_check $D/$m --seed $s > $D/$m-$s.log 2>&1
done; done

#!/bin/bash
# Score the level in runs/s21/noise-level (a link to the candidate) by rules R1-R4 (plan.md).
export PYTHONPATH=. TF_NUM_INTRAOP_THREADS=1 TF_NUM_INTEROP_THREADS=1
C=${1:-1}; N=$(readlink runs/s21/noise-level)
taskset -c $C .venv/bin/python runs/s21/pairs_check.py runs/s21/$N > runs/s21/$N-pairs.log 2>&1
for m in photo photo-fast; do for s in 2026 7; do
  taskset -c $C .venv/bin/python -m bench.strength_check runs/s21/$m --seed $s > runs/s21/$N-$m-$s.log 2>&1
done; done

#!/bin/bash
# Shipped level: strength_check baselines for photo and photo-fast on two crop seeds.
export PYTHONPATH=. TF_NUM_INTRAOP_THREADS=1 TF_NUM_INTEROP_THREADS=1
for m in photo photo-fast; do for s in 2026 7; do
  taskset -c 1 .venv/bin/python -m bench.strength_check models/$m --seed $s > runs/s21/base-$m-$s.log 2>&1
done; done

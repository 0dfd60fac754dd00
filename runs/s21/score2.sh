#!/bin/bash
# score.sh split over two cores: core 0 the pairs and photo, core 1 photo-fast.
N=$1; D=runs/s21/cand-$N
export PYTHONPATH=. TF_NUM_INTRAOP_THREADS=1 TF_NUM_INTEROP_THREADS=1
mkdir -p $D && ln -sfn ../level-$N $D/noise-level
for m in photo photo-fast; do
  mkdir -p $D/$m && cp models/$m/card.json $D/$m/ && ln -sf ../../../../models/$m/model.keras $D/$m/model.keras
done
( taskset -c 0 .venv/bin/python runs/s21/pairs_check.py runs/s21/level-$N > $D/pairs.log 2>&1
  for s in 2026 7; do taskset -c 0 .venv/bin/python -m bench.strength_check $D/photo --seed $s > $D/photo-$s.log 2>&1; done ) &
( for s in 2026 7; do taskset -c 1 .venv/bin/python -m bench.strength_check $D/photo-fast --seed $s > $D/photo-fast-$s.log 2>&1; done ) &
wait

#!/bin/bash
# R1/R2 for the candidates named (one core each): the real pairs at auto, calibration refitted.
# (Session 27 ran this command for Q25 alone, by hand on core 1; it was killed after R1's fit.)
export PYTHONPATH=. TF_NUM_INTRAOP_THREADS=1 TF_NUM_INTEROP_THREADS=1 TF_CPP_MIN_LOG_LEVEL=2
C=0
for M in "$@"; do
  mkdir -p runs/s27/$M-score
  taskset -c $C .venv/bin/python -m training.evaluate runs/s27/$M --real CC15 Nam25 --calibrate \
    --level-model models/noise-level --update-card --cbm3d-limit 0 --docs runs/s27/$M-score/real \
    > runs/s27/$M-score/real.log 2>&1 &
  C=$((1 - C))
done
wait

#!/bin/bash
# plan.md's pre-screen for Q50 and Q25: slider (core 0), strength seed 2026 (core 1), then
# the 40 real pairs with a refitted calibration (one core each).
export PYTHONPATH=. TF_NUM_INTRAOP_THREADS=1 TF_NUM_INTEROP_THREADS=1 TF_CPP_MIN_LOG_LEVEL=2
py0="taskset -c 0 .venv/bin/python"; py1="taskset -c 1 .venv/bin/python"
for M in Q50 Q25; do mkdir -p runs/s27/$M-score; done
( for M in Q50 Q25; do $py0 -m bench.slider_check runs/s27/$M --real Nam25 CC15 > runs/s27/$M-score/slider.log 2>&1; done ) &
( for M in Q50 Q25; do $py1 -m bench.strength_check runs/s27/$M --seed 2026 > runs/s27/$M-score/strength-2026.log 2>&1; done ) &
wait

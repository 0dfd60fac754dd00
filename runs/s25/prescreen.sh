#!/bin/bash
# plan.md's pre-screen: slider (core 0) and strength seed 2026 (core 1) for W30, W33, W40.
export PYTHONPATH=. TF_NUM_INTRAOP_THREADS=1 TF_NUM_INTEROP_THREADS=1 TF_CPP_MIN_LOG_LEVEL=2
py0="taskset -c 0 .venv/bin/python"; py1="taskset -c 1 .venv/bin/python"
for M in W30 W33 W40; do mkdir -p runs/s25/$M-score; done
( for M in W40 W33 W30; do $py0 -m bench.slider_check runs/s25/$M --real Nam25 CC15 > runs/s25/$M-score/slider.log 2>&1; done ) &
( for M in W40 W33 W30; do $py1 -m bench.strength_check runs/s25/$M --seed 2026 > runs/s25/$M-score/strength-2026.log 2>&1; done ) &
wait

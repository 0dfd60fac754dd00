#!/bin/bash
# The rest of plan.md's rules for the pick: strength seed 7 (core 0); real pairs with a
# refitted calibration, then CBSD68 sigma 25 (core 1).
M=$1; O=$1-score; mkdir -p $O
export PYTHONPATH=. TF_NUM_INTRAOP_THREADS=1 TF_NUM_INTEROP_THREADS=1 TF_CPP_MIN_LOG_LEVEL=2
py0="taskset -c 0 .venv/bin/python"; py1="taskset -c 1 .venv/bin/python"
( $py0 -m bench.strength_check $M --seed 7 > $O/strength-7.log 2>&1 ) &
(
$py1 -m training.evaluate $M --real CC15 Nam25 --calibrate --level-model models/noise-level --update-card --cbm3d-limit 0 --docs $O/real > $O/real.log 2>&1
$py1 -m training.evaluate $M --sigmas 25 --datasets CBSD68 --cbm3d-limit 0 --passes 1 --docs $O/std > $O/std.log 2>&1
) &
wait

#!/bin/bash
# The rest of plan.md's rules for the pick (argv 1): strength seed 7 then saturated (core 0,
# stage 12 beside the pick); CBSD68 sigma 25 one pass (core 1).
M=$1; O=runs/s27/$M-score; mkdir -p $O
export PYTHONPATH=. TF_NUM_INTRAOP_THREADS=1 TF_NUM_INTEROP_THREADS=1 TF_CPP_MIN_LOG_LEVEL=2
py0="taskset -c 0 .venv/bin/python"; py1="taskset -c 1 .venv/bin/python"
( $py0 -m bench.strength_check runs/s27/$M --seed 7 > $O/strength-7.log 2>&1 ) &
(
$py1 -m training.evaluate runs/s27/$M --sigmas 25 --datasets CBSD68 --cbm3d-limit 0 --passes 1 --docs $O/std > $O/std.log 2>&1
$py1 -m bench.saturated --models models/photo runs/s27/$M --docs $O/saturated > $O/saturated.log 2>&1
) &
wait

#!/bin/bash
# Score one photo candidate folder by plan.md's benches on core C (results under DIR-score/).
# usage: runs/s24/score.sh DIR C
set -x
M=$1; C=$2; O=$1-score; mkdir -p $O
export PYTHONPATH=. TF_NUM_INTRAOP_THREADS=1 TF_NUM_INTEROP_THREADS=1 TF_CPP_MIN_LOG_LEVEL=2
py="taskset -c $C .venv/bin/python"
$py -m bench.strength_check $M --seed 2026 > $O/strength-2026.log 2>&1
$py -m bench.strength_check $M --seed 7 > $O/strength-7.log 2>&1
$py -m training.evaluate $M --real CC15 Nam25 --calibrate --level-model models/noise-level --update-card --cbm3d-limit 0 --docs $O/real > $O/real.log 2>&1
$py -m training.evaluate $M --sigmas 25 --datasets CBSD68 --cbm3d-limit 0 --passes 1 --docs $O/std > $O/std.log 2>&1
$py -m bench.slider_check $M --real Nam25 CC15 > $O/slider.log 2>&1

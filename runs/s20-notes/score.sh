#!/bin/bash
# Score one photo-fast candidate folder with the session-20 rules' benches (plan.md).
# usage: score.sh DIR   (results under DIR-score/)
set -x
M=$1; O=$1-score; mkdir -p $O
export PYTHONPATH=. TF_NUM_INTRAOP_THREADS=2
py=.venv/bin/python
$py -m training.evaluate $M --real CC15 Nam25 --calibrate --level-model models/noise-level --update-card --cbm3d-limit 0 --docs $O/real > $O/real.log 2>&1
$py -m bench.strength_check $M > $O/strength.log 2>&1
$py -m training.evaluate $M --sigmas 25 --cbm3d-limit 0 --passes 1 --docs $O/std > $O/std.log 2>&1
$py -m bench.slider_check $M --real Nam25 CC15 > $O/slider.log 2>&1

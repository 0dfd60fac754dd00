#!/bin/bash
# Session 31: halo and converter of a candidate on core 1 while core 0 finishes its page
# passes (scoreC.sh was stopped after starting those, so each step runs once).
set -x
cd /work/main
export PYTHONPATH=. TF_NUM_INTRAOP_THREADS=1 TF_NUM_INTEROP_THREADS=1
N=$1; M=runs/s31/m/$N; D=runs/s31/eval-$N; PY=.venv/bin/python
taskset -c 1 $PY -m training.halo $M > $D/halo.log 2>&1
taskset -c 1 $PY -m converter $M --quantize uint8 --max-loss 0.05 --litert-tiles 512,1024 --out $D/web > $D/converter.log 2>&1
echo done D

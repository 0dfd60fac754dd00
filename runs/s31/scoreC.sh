#!/bin/bash
# Session 31: `runs/s30/score.sh d31 B s31`'s steps after the real pairs, run on core 0 once A was done
# (B's own copy of them was stopped after its real-pair step).
set -x
cd /work/main
export PYTHONPATH=. TF_NUM_INTRAOP_THREADS=1 TF_NUM_INTEROP_THREADS=1
N=$1; M=runs/s31/m/$N; D=runs/s31/eval-$N; PY=.venv/bin/python
taskset -c 0 $PY -m training.evaluate $M --datasets CBSD68 --sigmas 25 --passes auto --cbm3d-limit 0 --docs $D/page > $D/page.log 2>&1
taskset -c 0 $PY -m training.halo $M > $D/halo.log 2>&1
taskset -c 0 $PY -m converter $M --quantize uint8 --max-loss 0.05 --litert-tiles 512,1024 --out $D/web > $D/converter.log 2>&1
echo done C

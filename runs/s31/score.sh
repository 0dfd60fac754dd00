#!/bin/bash
# Session 31: score a default candidate (runs/s31/m/NAME) by rules H1-H5 (plan.md), in two
# halves on the two cores: A = H2, H3, H1 (one pass); B = H4, H1 page passes, H5.
# usage: runs/s31/score.sh NAME A|B
set -x
cd /work/main
export PYTHONPATH=. TF_NUM_INTRAOP_THREADS=1 TF_NUM_INTEROP_THREADS=1
N=$1; M=runs/s31/m/$N; D=runs/s31/eval-$N; PY=.venv/bin/python
mkdir -p $D
if [ "$2" = A ]; then
  taskset -c 0 $PY -m bench.saturated --models $M --docs $D/saturated > $D/saturated.log 2>&1
  taskset -c 0 $PY runs/s23/text_check.py $M > $D/text.log 2>&1
  taskset -c 0 $PY -m training.evaluate $M --datasets CBSD68 --sigmas 15 25 50 --cbm3d-limit 0 --docs $D/cbsd68 > $D/cbsd68.log 2>&1
  taskset -c 0 $PY -m training.evaluate $M --datasets BSD68 Set12 --sigmas 25 --cbm3d-limit 0 --docs $D/gray > $D/gray.log 2>&1
else
  taskset -c 1 $PY -m training.evaluate $M --real CC15 Nam25 --calibrate --level-model models/noise-level --docs $D/real > $D/real.log 2>&1
  taskset -c 1 $PY -m training.evaluate $M --datasets CBSD68 --sigmas 25 --passes auto --cbm3d-limit 0 --docs $D/page > $D/page.log 2>&1
  taskset -c 1 $PY -m training.halo $M > $D/halo.log 2>&1
  taskset -c 1 $PY -m converter $M --quantize uint8 --max-loss 0.05 --litert-tiles 512,1024 --out $D/web > $D/converter.log 2>&1
fi
echo done $2

#!/bin/bash
# Session 30: score a default candidate (runs/s30/m/NAME) by rules G1-G5 (plan.md), in two
# halves on the two cores: A = G2, G3, G1 (one pass); B = G4, G1 page passes, G5.
# usage: runs/s30/score.sh NAME A|B [SESSION]: SESSION (default s30) names the runs/ folder
# of the candidate and its logs; session 31 scored d31 by its rules H1-H5 with s31.
set -x
cd /work/main
export PYTHONPATH=. TF_NUM_INTRAOP_THREADS=1 TF_NUM_INTEROP_THREADS=1
N=$1; S=${3:-s30}; M=runs/$S/m/$N; D=runs/$S/eval-$N; PY=.venv/bin/python
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

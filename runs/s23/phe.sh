#!/bin/bash
# Session 23, started after CI (05:30), for the next session: photo-half-res (session 22's
# phr2, runs/s22/m/phr2) with default's full-resolution block added, only that block
# training (--freeze-copied), on photo's stage-11 camera mix, this CPU. Question: is the
# block what phr2 lacked on the real pairs (CC15 37.97 / Nam25 43.01 vs photo 38.17 / 43.15)?
# Continue with: runs/s23/phe.sh --resume
cd /work/main
export PYTHONPATH=.
exec .venv/bin/python -m training.train --arch half-res-edge \
  --init-from runs/s22/m/phr2 --init-layers all --freeze-copied \
  --noise photo --gray-fraction 0.2 --soft-share 0.8 --heavy-share 0.25 --under-tell 0.5 \
  --processes 2 --workers 2 \
  --patch-size 96 --batch-size 16 --steps-per-epoch 150 --lr 5e-4 \
  --epochs 60 --average-last 0.3 --seed 23 \
  --out runs/s23/m/phe --workdir runs/s23/phe-work "$@"

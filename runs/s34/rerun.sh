#!/usr/bin/env bash
# Session 34: every through-the-page number at Auto's new passes (rule A3), in order.
set -x
cd "$(dirname "$0")/../.."
PY=.venv/bin/python
date
$PY -m training.evaluate models/photo models/photo-fast models/default models/fast --real CC15 Nam25 --litert webapp/static/models --update-card > runs/s34/real-noise.log 2>&1
date
$PY -m bench.page_real > runs/s34/page-real.log 2>&1
date
$PY -m bench.page_real runs/s34/saturated-pairs/s15 runs/s34/saturated-pairs/s25 runs/s34/saturated-pairs/s50 --out runs/s34/sat-page > runs/s34/sat-page.log 2>&1
date
$PY -m training.evaluate models/default models/photo --datasets CBSD68 --sigmas 25 --passes auto --cbm3d-limit 0 --docs runs/s34/cbsd68-page > runs/s34/cbsd68-page.log 2>&1
date
$PY -m bench.passes > runs/s34/passes.log 2>&1
date
echo ALLDONE

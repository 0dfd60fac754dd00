#!/bin/bash
# Ship the picked blend (argv 1) as models/photo (only if it passed plan.md's rules): weights + card, halo, web
# model, real-pair table with LiteRT.js, standard sets, the page on the real pairs.
set -ex
export PYTHONPATH=. TF_CPP_MIN_LOG_LEVEL=2
py=.venv/bin/python
$py runs/s27/stage13_card.py $1
$py -m training.halo models/photo --update-card > runs/s27/ship-halo.log 2>&1
$py -m converter models/photo --quantize uint8 --litert-tiles 512,1024 > runs/s27/ship-convert.log 2>&1
$py -m training.evaluate models/photo --real CC15 Nam25 --litert webapp/static/models --update-card --cbm3d-limit 0 > runs/s27/ship-real.log 2>&1
$py -m training.evaluate models/photo --cbm3d-limit 0 --update-card > runs/s27/ship-std.log 2>&1
$py -m bench.page_real > runs/s27/ship-page.log 2>&1

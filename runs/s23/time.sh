#!/bin/bash
# Session 23 (rule E5): the former full-resolution design (default-old: its shipped web
# model from cc92343^), the half-res default and half-res-edge, same hour, quiet machine.
set -x
export PYTHONPATH=.
for mp in 1 12; do
  for m in /tmp/old/models/default models/default runs/s23/m/edge; do
    .venv/bin/python -m bench.native $m $mp 2>&1 | grep -i "ms/MP"
  done
done
.venv/bin/python runs/s20-notes/time_page.py "" default-old:litert-wasm:1 default:litert-wasm:1 edge:litert-wasm:1 \
  default-old:litert-wasm:12 default:litert-wasm:12 edge:litert-wasm:12 edge:litert-wasm:1 default:litert-wasm:1 default-old:litert-wasm:1

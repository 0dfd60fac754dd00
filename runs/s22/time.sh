#!/bin/bash
# Session 22: the retired default design (web model from HEAD before the swap, as
# default-old) against the half-res default, same hour, quiet machine; native first.
set -x
export PYTHONPATH=.
.venv/bin/python -m bench.native /tmp/old/models/default 1 2>&1 | grep -i "ms/MP"
.venv/bin/python -m bench.native models/default 1 2>&1 | grep -i "ms/MP"
.venv/bin/python -m bench.native /tmp/old/models/default 12 2>&1 | grep -i "ms/MP"
.venv/bin/python -m bench.native models/default 12 2>&1 | grep -i "ms/MP"
.venv/bin/python runs/s20-notes/time_page.py "" default-old:litert-wasm:1 default:litert-wasm:1 \
  default-old:litert-wasm:12 default:litert-wasm:12 photo:litert-wasm:12 default:litert-wasm:1 default-old:litert-wasm:1

#!/usr/bin/env bash
# One training session on a lent GPU machine (docs/training.md, "GPU stage 3"), run from the
# repository root there. It fine-tunes the three shipped models side by side on one GPU with
# the photos packed by `python -m training.pack --out .devdata` (the machine cannot read
# ../shared), and leaves each trained model and its card under $OUT.
#
# The machine has JAX but no Keras: Keras and its two missing dependencies travel as wheels
# in .whl (see the device notes). Every run is capped: a model whose run is cut off still
# leaves its best checkpoint (best.weights.h5) under $OUT, for `load_weights` locally.
# EXTRA appends training.train options to every run (a quick local check of this script).
#
#   MINUTES=6 OUT=/tmp/out bash training/gpu_run.sh
set -uo pipefail
MINUTES=${MINUTES:-6}
OUT=${OUT:?set OUT to the folder that collects the results}
if ! python3 -c 'import keras' 2>/dev/null; then
  python3 -m pip install -q --no-index --no-deps --no-compile --no-cache-dir --upgrade \
    --target /tmp/site .whl/*.whl || exit 1
  export PYTHONPATH=/tmp/site:${PYTHONPATH:-}
fi
export KERAS_BACKEND=jax PYTHONUNBUFFERED=1 CI=1 XLA_PYTHON_CLIENT_PREALLOCATE=false
nvidia-smi --query-gpu=name,memory.total --format=csv,noheader || true
PHOTOS=(.devdata/CBSD432 .devdata/DreamBooth .devdata/Urban100 .devdata/ImageNetSample)
COMMON=(--data "${PHOTOS[@]}" --val .devdata/val --val-count 8 --patch-size 128
  --init-layers all --mixed-precision bf16 --time-budget "$MINUTES" --steps-per-epoch 200
  --average-last 0.5)  # the mean of the second half's weights: what the CPU stages gained by
CAP=$(awk "BEGIN { print int($MINUTES * 60 + 150) }")  # + calibration and start-up

train() {  # NAME, then training.train options
  local name=$1; shift
  timeout "$CAP" python3 -m training.train --out "runs/gpu/$name" --workdir "runs/gpu/$name-work" \
    "${COMMON[@]}" "$@" ${EXTRA:-} >"$OUT/$name.log" 2>&1
  echo "$name exited $?" >>"$OUT/$name.log"
}
MODELS=${MODELS:-photo default fast}
for name in $MODELS; do
  case $name in
    photo) train photo --arch default --noise photo --init-from models/photo --batch-size 64 \
      --lr 2e-4 --gray-fraction 0.2 --soft-share 0.8 --workers "${PROCESSES:-12}" --processes "${PROCESSES:-12}" & ;;
    default) train default --arch default --init-from models/default --batch-size 64 \
      --lr 2e-4 --gray-fraction 0.2 --workers 3 & ;;
    fast) train fast --arch fast --init-from models/fast --batch-size 64 --lr 2e-4 \
      --gray-fraction 0.2 --workers 2 & ;;
    # The half-resolution design (docs/candidates.md: 1.66x faster than default in
    # LiteRT.js), its lower levels from default's / photo's weights; the rest is new, so
    # a higher rate. Not run yet.
    half-res) train half-res --arch half-res --init-from models/default --batch-size 64 \
      --lr 1e-3 --gray-fraction 0.2 --workers 3 & ;;
    photo-half-res) train photo-half-res --arch half-res --noise photo --init-from models/photo \
      --batch-size 64 --lr 1e-3 --gray-fraction 0.2 --soft-share 0.8 --workers "${PROCESSES:-12}" \
      --processes "${PROCESSES:-12}" & ;;
    *) echo "unknown model $name" >&2 ;;
  esac
done
wait
for name in $MODELS; do
  if [ -f "runs/gpu/$name/model.keras" ]; then
    cp "runs/gpu/$name/model.keras" "$OUT/$name.keras"
  elif [ -f "runs/gpu/$name-work/best.weights.h5" ]; then
    cp "runs/gpu/$name-work/best.weights.h5" "$OUT/$name.weights.h5"
  fi
done
tar -cf "$OUT/cards.tar" runs/gpu/*/card.json runs/gpu/*-work/history.csv 2>/dev/null
ls -la "$OUT"
tail -n 3 "$OUT"/*.log

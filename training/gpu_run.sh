#!/usr/bin/env bash
# One training session on a lent GPU machine (docs/training.md, "GPU stage 3"), run from the
# repository root there. It fine-tunes the three shipped models side by side on one GPU with
# the photos packed by `python -m training.pack --out .devdata` (the machine cannot read
# ../shared), and leaves each trained model and its card under $OUT.
#
# The machine has JAX but no Keras: Keras and its two missing dependencies travel as wheels
# in .whl (see the device notes). Every run is capped: a model whose run is cut off still
# leaves its best checkpoint and weight average in NAME-partial.tar under $OUT.
# EXTRA appends training.train options to every run (a quick local check of this script).
#
#   MINUTES=6 OUT=/tmp/out bash training/gpu_run.sh
set -uo pipefail
MINUTES=${MINUTES:-6}
OUT=${OUT:?set OUT to the folder that collects the results}
export KERAS_BACKEND=jax PYTHONUNBUFFERED=1 CI=1 XLA_PYTHON_CLIENT_PREALLOCATE=false
if ! python3 -c 'import keras' 2>/dev/null; then
  python3 -m pip install -q --no-index --no-deps --no-compile --no-cache-dir --upgrade \
    --target /tmp/site .whl/*.whl || exit 1
  export PYTHONPATH=/tmp/site:${PYTHONPATH:-}
fi
nvidia-smi --query-gpu=name,memory.total --format=csv,noheader || true
PHOTOS=(.devdata/CBSD432 .devdata/DreamBooth .devdata/Urban100 .devdata/ImageNetSample)
COMMON=(--data "${PHOTOS[@]}" --val .devdata/val --val-count 8 --patch-size 128
  --init-layers all --mixed-precision bf16 --time-budget "$MINUTES" --steps-per-epoch 200
  --average-last 0.5)  # the mean of the second half's weights: what the CPU stages gained by
# photo's recipe since CPU stage 11 (models/photo/card.json): soft content, heavy phone
# crops, heavy pairs told less than their strength (the page's estimate under-reads them);
# its noise is made in PROCESSES processes (CPU-bound, docs/training.md "Stage 3")
PHOTO_NOISE=(--noise photo --gray-fraction 0.2 --soft-share 0.8 --heavy-share 0.25
  --under-tell 0.5 --workers "${PROCESSES:-12}" --processes "${PROCESSES:-12}")
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
    photo) train photo --arch default --init-from models/photo --batch-size 64 --lr 2e-4 \
      "${PHOTO_NOISE[@]}" & ;;
    # default's design since session 23 (half-res-edge), every layer training now, with
    # the synthetic edges its CPU stage trained only the full-resolution block on
    default) train default --arch half-res-edge --init-from models/default --batch-size 64 \
      --lr "${DEFAULT_LR:-2e-4}" --gray-fraction 0.2 --synthetic-edges 300 \
      --workers "${DEFAULT_WORKERS:-3}" & ;;
    fast) train fast --arch fast --init-from models/fast --batch-size 64 --lr 2e-4 \
      --gray-fraction 0.2 --workers 2 & ;;
    # The half-resolution design (docs/candidates.md: 1.66x faster than default in
    # LiteRT.js): every layer it has loads from default's / photo's weights, but without
    # the full-resolution blocks they must re-learn their jobs, so a higher rate than a
    # fine-tune (3e-4 at 16 a batch moved it fastest on the CPU; 64 a batch here).
    half-res) train half-res --arch half-res --init-from models/default --batch-size 64 \
      --lr 5e-4 --gray-fraction 0.2 --workers 2 & ;;
    # PHOTO_HALF_RES_FROM continues an earlier run (session 22's: runs/s22/m/phr2, carried)
    # at a fine-tune's rate instead of starting again from photo's weights.
    photo-half-res) train photo-half-res --arch half-res --batch-size 64 \
      --init-from "${PHOTO_HALF_RES_FROM:-models/photo}" \
      --lr "$([ -n "${PHOTO_HALF_RES_FROM:-}" ] && echo 2.5e-4 || echo 5e-4)" "${PHOTO_NOISE[@]}" & ;;
    # photo-half-res with default's full-resolution block (from photo, whose dec0_block0
    # it keeps; or from PHOTO_HALF_RES_FROM, where that block starts as identity)
    photo-half-res-edge) train photo-half-res-edge --arch half-res-edge --batch-size 64 \
      --init-from "${PHOTO_HALF_RES_FROM:-models/photo}" --synthetic-edges 300 \
      --lr "$([ -n "${PHOTO_HALF_RES_FROM:-}" ] && echo 2.5e-4 || echo 5e-4)" "${PHOTO_NOISE[@]}" & ;;
    *) echo "unknown model $name" >&2 ;;
  esac
done
wait
# What comes back: at most 8 files. Each finished model as NAME.keras; a run cut off by
# its cap leaves its best checkpoint and its running weight average (average.npz) in
# NAME-partial.tar; every log, card and history in records.tar.
for name in $MODELS; do
  if [ -f "runs/gpu/$name/model.keras" ]; then
    cp "runs/gpu/$name/model.keras" "$OUT/$name.keras"
  else
    tar -cf "$OUT/$name-partial.tar" -C "runs/gpu/$name-work" \
      $(cd "runs/gpu/$name-work" 2>/dev/null && ls best.weights.h5 average.npz epochs.json 2>/dev/null)
  fi
done
cp "$OUT"/*.log runs/gpu/ 2>/dev/null
tar -cf "$OUT/records.tar" runs/gpu/*.log runs/gpu/*/card.json runs/gpu/*-work/history.csv 2>/dev/null
tail -n 4 "$OUT"/*.log
rm -f "$OUT"/*.log
ls -la "$OUT"

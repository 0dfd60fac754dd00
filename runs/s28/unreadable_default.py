"""The crops whose coarse scale reads 0 (every block clipped): default at the page's strength
(white-noise rule: the raw estimate) against the strength the camera-noise rule would give
(the card's calibration with the learned level), and at the true RMS."""
from dataclasses import replace
from pathlib import Path

from bench.strength_check import SETS, clean_photos, noisy_crops
from training import evaluate
from training.metrics import psnr_uint8
from training.real_noise import denoise_at, load_model_and_level, page_passes
from dataclasses import replace as _r
from training.strength import CORRELATED_RATIO, calibrated, estimate_with_level, strength_for

model, card, level = load_model_and_level(Path("models/default"))
images = clean_photos(evaluate.SHARED_VAL / "CBSD68", 48)
for seed in (2026, 7, 11, 12):
    for kind in SETS:
        for noisy, target, rms in noisy_crops(images, kind, seed):
            e = estimate_with_level(noisy, level)
            if e.coarse > 0:
                continue
            page = strength_for(_r(e, coarse_clipped=False), card)
            camera = calibrated(replace(e, coarse=CORRELATED_RATIO * e.fine + 1e-3), card["auto_strength"], card["sigma_range"][1])
            p = page_passes(card, noisy)
            r = [psnr_uint8(target, denoise_at(model, card, noisy, s, passes=p)) for s in (page, camera, rms)]
            print(f"{kind} {seed}: fine {e.fine:.1f} level {e.level:.1f} rms {rms:.1f} | page {page}: {r[0]:.2f}  camera rule {camera}: {r[1]:.2f}  true: {r[2]:.2f}", flush=True)

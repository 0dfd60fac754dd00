"""Keras denoiser -> TF.js graph model, quantized, with its card (see shared DESIGN.md)."""

from pathlib import Path

# Where the converter writes web models by default and the page serves them from; the
# evaluation, the benches and the tests read the shipped web models here too.
WEB_MODELS = Path(__file__).resolve().parents[1] / "webapp/static/models"

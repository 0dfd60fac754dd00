"""Keras denoiser -> TF.js graph model, quantized, with its card (see shared DESIGN.md)."""
